"""The drawing of a design: a product's layers (the brand's SVG parts) composed by the chosen
options into one small standalone ``<svg>``.

Each chosen option, group by group (later ones winning), shows or hides layers, gives named
parts a fill or stroke colour and lays patterns on parts. A *part* is every element whose
``data-part`` (or one of whose ``class`` names) is that name. The result has no script and no
external reference (the layers were sanitized when the campaign was loaded), so a page inlines
it or serves it as ``image/svg+xml``, and previews work on 2G and without JavaScript. The same
design always gives the same string.
"""

from __future__ import annotations

import copy
import hashlib
import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from chalicelib.campaigns.model import Choices, Product

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
ET.register_namespace("", SVG_NS)  # SVG elements serialize unprefixed, under xmlns="…svg"
ET.register_namespace("xlink", XLINK_NS)
_ID_PREFIX = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,39}")
# XML 1.0 forbids these even as character references: a title holding one is not an SVG.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_STYLE_PAINT = re.compile(r"(?:^|;)\s*(fill|stroke)\s*:[^;]*", re.IGNORECASE)
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


@dataclass(frozen=True)
class Look:
    """What the chosen options make of the layers: those drawn (in stacking order) and the
    colour or pattern of each named part."""

    layers: tuple[str, ...]
    fill: Mapping[str, str] = field(default_factory=dict)
    stroke: Mapping[str, str] = field(default_factory=dict)
    pattern: Mapping[str, str] = field(default_factory=dict)


def look_of(product: Product, choices: Choices) -> Look:
    """The layers drawn and the parts' paint for ``choices``, later groups winning."""
    shown = {layer.id: not layer.hidden for layer in product.layers}
    fill: dict[str, str] = {}
    stroke: dict[str, str] = {}
    pattern: dict[str, str] = {}
    for _, option in product.chosen(choices):
        shown.update(dict.fromkeys(option.show, True))
        shown.update(dict.fromkeys(option.hide, False))
        fill.update(option.fill)
        stroke.update(option.stroke)
        pattern.update(option.pattern)
    drawn = tuple(layer.id for layer in product.layers if shown[layer.id])
    return Look(drawn, fill, stroke, pattern)


def parts_of(element: ET.Element) -> list[str]:
    """The part names of an element: its ``data-part`` and its ``class`` names."""
    names = element.get("class", "").split()
    if part := element.get("data-part"):
        names.insert(0, part)
    return names


@lru_cache(maxsize=256)
def _parsed(svg: str) -> ET.Element:
    """A layer's tree, without what is not SVG (an editor's metadata and namespaced notes)."""
    root = ET.fromstring(svg)  # noqa: S314  (sanitized when loaded: no DTD, no entity)
    for parent in root.iter():
        if parent.text is not None and not parent.text.strip():
            parent.text = None
        if parent.tail is not None and not parent.tail.strip():
            parent.tail = None
        for child in list(parent):
            if not isinstance(child.tag, str) or not child.tag.startswith(f"{{{SVG_NS}}}"):
                parent.remove(child)
        for name in [n for n in parent.attrib if n.startswith("{") and XLINK_NS not in n]:
            del parent.attrib[name]
    return root


def tile_size(svg: str) -> tuple[float, float]:
    """A pattern tile's width and height: its viewBox's, else its width and height."""
    root = _parsed(svg)
    box = [float(n) for n in _NUMBER.findall(root.get("viewBox", ""))]
    if len(box) == 4:
        return box[2], box[3]
    sizes = [_NUMBER.match(root.get(k, "")) for k in ("width", "height")]
    return tuple(float(m.group()) if m else 0.0 for m in sizes)  # type: ignore[return-value]


def _is_light(colour: str) -> bool:
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue > 150


def _num(value: float) -> str:
    return f"{round(value, 2) + 0.0:g}"


def _pattern(product: Product, pattern_id: str, colour: str, element_id: str) -> ET.Element:
    """The brand's tile repeated on ``colour``; shapes without their own fill are drawn in a
    tint that shows on that colour (dark on light colours, light on dark ones)."""
    found = product.pattern(pattern_id)
    assert found is not None  # the loader checked every pattern a rule names
    width, height = tile_size(found.svg)
    pattern = ET.Element(
        f"{{{SVG_NS}}}pattern",
        {
            "id": element_id,
            "width": _num(width),
            "height": _num(height),
            "patternUnits": "userSpaceOnUse",
        },
    )
    ET.SubElement(
        pattern,
        f"{{{SVG_NS}}}rect",
        {"x": "-1", "y": "-1", "width": _num(width + 2), "height": _num(height + 2)},
    ).set("fill", colour)
    ink = ("#000", ".2") if _is_light(colour) else ("#fff", ".4")
    motif = ET.SubElement(pattern, f"{{{SVG_NS}}}g", {"fill": ink[0], "fill-opacity": ink[1]})
    motif.extend(copy.deepcopy(list(_parsed(found.svg))))
    _prefix_ids(motif, f"{element_id}-")
    return pattern


def _paint(element: ET.Element, attribute: str, value: str) -> None:
    element.set(attribute, value)
    style = element.get("style")
    if style and attribute in style.lower():
        kept = "".join(m for m in _STYLE_PAINT.split(style) if m and m.lower() != attribute)
        element.set("style", kept.strip("; "))


def _prefix_ids(tree: ET.Element, prefix: str) -> None:
    """Every id in ``tree`` renamed ``<prefix><id>``, and the references to it: previews of
    different designs inlined in one page never share an id."""
    ids = {i for e in tree.iter() if (i := e.get("id"))}
    if not ids:
        return
    reference = re.compile(r"(url\(\s*['\"]?#|^#)(" + "|".join(map(re.escape, ids)) + r")\b")
    for element in tree.iter():
        for name, value in element.attrib.items():
            if name == "id":
                element.set(name, prefix + value)
            elif "#" in value:
                element.set(name, reference.sub(lambda m: m.group(1) + prefix + m.group(2), value))


def _checked_title(width: object, title: str) -> str:
    if isinstance(width, bool) or not isinstance(width, int) or width < 1:
        raise ValueError(f"width: {width!r} is not a positive whole number of pixels")
    title = _NOT_XML.sub("", title)
    if not title.strip():
        raise ValueError("title: an image needs a name for screen readers")
    return title


def compose(
    product: Product,
    choices: Choices,
    *,
    title: str,
    width: int = 320,
    id_prefix: str | None = None,
) -> str:
    """A standalone ``<svg>`` of ``product`` as ``choices`` make it, named by ``title``.

    ``title`` is the accessible name (customer text is fine: it is escaped). Ids inside the
    SVG start with ``id_prefix``, by default a short hash of the look, so that different
    designs inlined in one page do not collide. Raises ValueError for a bad title or width.
    """
    look = look_of(product, choices)
    title = _checked_title(width, title)
    if id_prefix is None:
        id_prefix = "s" + hashlib.sha256(repr(look).encode()).hexdigest()[:8]
    elif not _ID_PREFIX.fullmatch(id_prefix):
        raise ValueError(f"id_prefix: {id_prefix!r} is not a letter then letters, digits, _ or -")
    root = ET.Element(
        f"{{{SVG_NS}}}svg",
        {
            "viewBox": f"0 0 {product.width} {product.height}",
            "width": str(width),
            "height": str(round(width * product.height / product.width)),
            "role": "img",
        },
    )
    ET.SubElement(root, f"{{{SVG_NS}}}title").text = title
    defs = ET.SubElement(root, f"{{{SVG_NS}}}defs")
    printed = {}
    for n, (part, pattern_id) in enumerate(sorted(look.pattern.items())):
        colour = look.fill.get(part, "#ffffff")
        defs.append(_pattern(product, pattern_id, colour, f"{id_prefix}-p{n}"))
        printed[part] = f"url(#{id_prefix}-p{n})"
    if not printed:
        root.remove(defs)
    fills = {**look.fill, **printed}
    layers = {layer.id: layer for layer in product.layers}
    for n, layer_id in enumerate(look.layers):
        group = ET.SubElement(root, f"{{{SVG_NS}}}g", {"data-layer": layer_id})
        group.extend(copy.deepcopy(list(_parsed(layers[layer_id].svg))))
        for element in group.iter():
            for part in parts_of(element):
                if part in fills:
                    _paint(element, "fill", fills[part])
                if part in look.stroke:
                    _paint(element, "stroke", look.stroke[part])
        _prefix_ids(group, f"{id_prefix}-{n}-")
    # Text is escaped (no "/>" in it): the short form of an empty element saves a byte each.
    return ET.tostring(root, encoding="unicode").replace(" />", "/>")


CARD_WIDTH, CARD_HEIGHT = 1200, 630  # what link previews show uncropped (1.91:1)
CARD_MARGIN = 30


def card(product: Product, choices: Choices, *, title: str, background: str = "#ffffff") -> str:
    """The drawing centred on a landscape 1200×630 ``<svg>``: WhatsApp, Facebook and X crop a
    portrait image (a dress) to a strip; a card of their own shape they show whole."""
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", background):
        raise ValueError(f"background: {background!r} is not a colour like #1a2b3c")
    scale = min(
        (CARD_WIDTH - 2 * CARD_MARGIN) / product.width,
        (CARD_HEIGHT - 2 * CARD_MARGIN) / product.height,
    )
    width = math.floor(product.width * scale)
    height = round(width * product.height / product.width)
    drawing = compose(product, choices, title=title, width=width)
    left, top = (CARD_WIDTH - width) // 2, (CARD_HEIGHT - height) // 2
    return (
        f'<svg xmlns="{SVG_NS}" width="{CARD_WIDTH}" height="{CARD_HEIGHT}"'
        f' viewBox="0 0 {CARD_WIDTH} {CARD_HEIGHT}">'
        f'<rect width="{CARD_WIDTH}" height="{CARD_HEIGHT}" fill="{background}"/>'
        f'<g transform="translate({left} {top})">{drawing}</g></svg>'
    )
