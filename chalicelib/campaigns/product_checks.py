"""A product's layers and option rules, checked: each layer's SVG found, safe and small; every
layer, part and pattern a rule names exists. ``inline_assets`` runs first: it puts each brand
file's sanitized text into the data (``svg``), which is what a deployed version stores.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

from chalicelib.campaigns.document import Document, Path_, dotted
from chalicelib.errors import DefinitionProblem

LAYER_MAX_BYTES = 24_000
"""One layer or pattern file; a lean drawing needs a few KB."""
PRODUCT_MAX_BYTES = 96_000
"""Every layer and pattern of a product together: a deployed version stores them twice (the
source bundle and the checked data) in one item of at most 380 KB."""
SVG_NS = "http://www.w3.org/2000/svg"
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def _wrapped(svg: str) -> str:
    """Inline SVG may be a whole ``<svg>`` or only its elements."""
    text = svg.strip()
    return text if text.startswith("<svg") else f'<svg xmlns="{SVG_NS}">{text}</svg>'


def _text(body: bytes) -> str:
    """An SVG file's text; bytes that are not UTF-8 stay a problem for the sanitizer."""
    return body.decode("utf-8", errors="replace")


def inline_assets(doc: Document, data: dict[str, Any], files: dict[str, bytes]) -> None:
    """Each layer's and pattern's SVG sanitized into its ``svg`` field; a problem (with the
    SVG's file and line) for one missing, unsafe or too large."""
    from chalicelib.svgsafe import SvgRejected, sanitize_svg

    product = data.get("product")
    if product is None:
        return
    slug = data["slug"]
    total = 0
    for key in ("layers", "patterns"):
        for i, item in enumerate(product.get(key, [])):
            at: Path_ = ("product", key, i)
            name = item.get("file")
            if ("svg" in item) == (name is not None):
                doc.problem(at, "give either file (a brand's SVG file) or svg (inline), one")
                item.pop("svg", None)  # unread: its parts are not known
                continue
            if name is not None and not name.startswith(f"assets/{slug}/"):
                doc.problem((*at, "file"), f"must be in assets/{slug}/")
                continue
            if name is not None and name not in files:
                doc.problem((*at, "file"), f"{name}: no such file next to the campaign")
                continue
            text = _text(files[name]) if name is not None else _wrapped(item["svg"])
            try:
                item["svg"] = sanitize_svg(text, max_bytes=LAYER_MAX_BYTES)
            except SvgRejected as exc:
                item.pop("svg", None)  # unread: its parts are not known
                field = (*at, "file" if name else "svg")
                if name is not None:
                    doc.problems.append(
                        DefinitionProblem(name, exc.line, dotted(field), exc.reason)
                    )
                else:
                    doc.problem(field, f"unsafe SVG: {exc}")
                continue
            total += len(item["svg"].encode("utf-8"))
    if total > PRODUCT_MAX_BYTES:
        doc.problem(
            ("product", "layers"),
            f"the layers and patterns take {total:,} bytes: at most {PRODUCT_MAX_BYTES:,}"
            " (simplify the drawings)",
        )


def _parts(svg: str) -> set[str]:
    names: set[str] = set()
    for element in ET.fromstring(svg).iter():  # noqa: S314  (sanitized: no DTD, no entity)
        names.update(element.get("class", "").split())
        if part := element.get("data-part"):
            names.add(part)
    return names


def _tile_problem(svg: str) -> str | None:
    root = ET.fromstring(svg)  # noqa: S314  (sanitized: no DTD, no entity)
    box = [float(n) for n in _NUMBER.findall(root.get("viewBox", ""))]
    if len(box) != 4 or box[2] <= 0 or box[3] <= 0:
        return 'a pattern tile needs a viewBox such as "0 0 10 10" (its size)'
    return None


def _unique(doc: Document, items: list[dict[str, Any]], at: Path_) -> list[str]:
    ids: list[str] = []
    for i, item in enumerate(items):
        if item["id"] in ids:
            doc.problem((*at, i, "id"), f"{item['id']!r} is used twice")
        ids.append(item["id"])
    return ids


def check_layers(doc: Document, product: dict[str, Any]) -> None:
    """Every rule of every option names a layer, part and pattern that exist; a hidden layer
    is shown by some option (else it is never drawn)."""
    layers = _unique(doc, product.get("layers", []), ("product", "layers"))
    patterns = _unique(doc, product.get("patterns", []), ("product", "patterns"))
    # Parts are known only when every layer could be read (a missing one is its own problem).
    readable = all("svg" in layer for layer in product.get("layers", []))
    parts = {p for layer in product.get("layers", []) if readable for p in _parts(layer["svg"])}
    for i, pattern in enumerate(product.get("patterns", [])):
        if "svg" in pattern and (problem := _tile_problem(pattern["svg"])):
            doc.problem(("product", "patterns", i), problem)
    shown: set[str] = set()
    for i, group in enumerate(product["groups"]):
        for j, option in enumerate(group["options"]):
            at: Path_ = ("product", "groups", i, "options", j)
            for rule in ("show", "hide"):
                for layer_id in option.get(rule, []):
                    if layer_id not in layers:
                        doc.problem((*at, rule), f"no layer {layer_id!r}")
                shown.update(option.get("show", []))
            for rule in ("fill", "stroke", "pattern"):
                for part in option.get(rule, {}):
                    if readable and part not in parts:
                        doc.problem((*at, rule), f"no layer has a part {part!r} (data-part)")
            for pattern_id in option.get("pattern", {}).values():
                if pattern_id not in patterns:
                    doc.problem((*at, "pattern"), f"no pattern {pattern_id!r}")
    for i, layer in enumerate(product.get("layers", [])):
        if layer.get("hidden") and layer["id"] not in shown:
            doc.problem(("product", "layers", i, "hidden"), "no option shows this layer")
