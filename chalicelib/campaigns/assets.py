"""A campaign's asset files (``definitions/assets/<slug>/…``: its theme's logo and hero, its
product's SVG layers and patterns) travel with its definition, so that pages never read the
repository.

Like translation files (``translations.bundle``), each referenced asset is appended to the
campaign's text after a marker line naming it: an SVG as its text, any other image as base64
(the marker then ends in `` base64``). ``split`` takes them off again, as bytes by file name,
before the YAML is parsed; the theme and product checks put each file's checked content into
the validated data, which is what a deployed version stores and pages build from.

``referenced_files`` is the one list of which fields name a file: add a field there and its
file is bundled like the others. Every file name is written from the definitions folder:
``assets/<slug>/logo.svg``.
"""

from __future__ import annotations

import base64
import binascii
import re
from pathlib import Path
from typing import Any

DIRECTORY = "assets"
MARK = "--- # samvad asset: "
MARK_LINE = re.compile(r"^--- # samvad asset: (\S+)( base64)?\n", re.MULTILINE)
Path_ = tuple[str | int, ...]


def referenced_files(data: Any) -> list[tuple[Path_, str]]:
    """Each asset file ``data`` names, with the path of the field naming it.

    >>> referenced_files({"product": {"layers": [{"id": "a", "file": "assets/x/a.svg"}]}})
    [(('product', 'layers', 0, 'file'), 'assets/x/a.svg')]
    >>> referenced_files({"theme": {"logo": "assets/x/logo.png", "primary": "#000"}})
    [(('theme', 'logo'), 'assets/x/logo.png')]
    """
    found: list[tuple[Path_, str]] = []
    if not isinstance(data, dict):
        return found
    theme = data.get("theme")
    if isinstance(theme, dict):
        found += [
            (("theme", k), theme[k]) for k in ("logo", "hero") if isinstance(theme.get(k), str)
        ]
    product = data.get("product")
    if not isinstance(product, dict):
        return found
    for key in ("layers", "patterns"):
        items = product.get(key)
        for i, item in enumerate(items if isinstance(items, list) else []):
            if isinstance(item, dict) and isinstance(item.get("file"), str):
                found.append((("product", key, i, "file"), item["file"]))
    return found


def bundle(definition: Path, text: str) -> str:
    """``text`` (the campaign's bundle so far) with each asset file the campaign names that
    exists, after its marker line; a missing one is reported by the loader, at its field."""
    from chalicelib.campaigns.document import Document

    # Read as the loader reads it (no alias, bounded numbers and nesting); its problems the
    # loader reports.
    data = Document(definition.name, definition.read_text(encoding="utf-8")).data
    parts = [text if text.endswith("\n") or not text else text + "\n"]
    for name in dict.fromkeys(file for _, file in referenced_files(data)):
        path = definition.parent / name
        if ".." in Path(name).parts or not path.is_file():
            continue
        parts.append(_part(name, path.read_bytes()))
    return "".join(parts)


def _part(name: str, body: bytes) -> str:
    if name.endswith(".svg"):
        try:
            content = body.decode("utf-8")
        except UnicodeDecodeError:
            pass  # sent as base64: the check says it is not UTF-8 text
        else:
            if not MARK_LINE.search(content):
                return (
                    f"{MARK}{name}\n{content if content.endswith(chr(10)) else content + chr(10)}"
                )
    return f"{MARK}{name} base64\n{base64.encodebytes(body).decode('ascii')}"


def split(text: str) -> tuple[str, dict[str, bytes]]:
    """The bundle without its assets, and each asset's bytes by its file name.

    >>> split("slug: x\\n--- # samvad asset: assets/x/a.svg\\n<svg/>\\n")
    ('slug: x\\n', {'assets/x/a.svg': b'<svg/>\\n'})
    >>> split("slug: x\\n--- # samvad asset: assets/x/a.png base64\\nPHN2Zy8+\\n")[1]
    {'assets/x/a.png': b'<svg/>'}
    """
    marks = list(MARK_LINE.finditer(text))
    if not marks:
        return text, {}
    files: dict[str, bytes] = {}
    for mark, after in zip(marks, [*marks[1:], None], strict=True):
        end = after.start() if after is not None else len(text)
        body = text[mark.end() : end]
        if mark.group(2):
            try:
                files[mark.group(1)] = base64.b64decode(body)
            except binascii.Error:
                files[mark.group(1)] = b""  # reported as an unreadable image
        else:
            files[mark.group(1)] = body.encode("utf-8")
    return text[: marks[0].start()], files
