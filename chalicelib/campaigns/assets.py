"""A campaign's asset files (``definitions/assets/<slug>/…``: a product's SVG layers and
patterns) travel with its definition, so that pages never read the repository.

Like translation files (``translations.bundle``), each referenced asset is appended to the
campaign's text after a marker line naming it; ``split`` takes them off again before the YAML
is parsed, and the loader puts each file's checked text into the validated data (``svg``), which
is what a deployed version stores and pages build from.

``referenced_files`` is the one list of which fields name a file: add a field there and its
file is bundled, missing-file checked and inlined like the others.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

MARK = "--- # samvad asset: "
MARK_LINE = re.compile(r"^--- # samvad asset: (\S+)\n", re.MULTILINE)
Path_ = tuple[str | int, ...]


def referenced_files(data: Any) -> list[tuple[Path_, str]]:
    """Each asset file ``data`` names, with the path of the field naming it.

    >>> referenced_files({"product": {"layers": [{"id": "a", "file": "assets/x/a.svg"}]}})
    [(('product', 'layers', 0, 'file'), 'assets/x/a.svg')]
    """
    found: list[tuple[Path_, str]] = []
    product = data.get("product") if isinstance(data, dict) else None
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
        content = path.read_text(encoding="utf-8")
        parts.append(f"{MARK}{name}\n{content if content.endswith(chr(10)) else content + chr(10)}")
    return "".join(parts)


def split(text: str) -> tuple[str, dict[str, str]]:
    """The bundle without its assets, and each asset's text by its file name.

    >>> split("slug: x\\n--- # samvad asset: assets/x/a.svg\\n<svg/>\\n")
    ('slug: x\\n', {'assets/x/a.svg': '<svg/>\\n'})
    """
    marks = list(MARK_LINE.finditer(text))
    if not marks:
        return text, {}
    files = {}
    for mark, after in zip(marks, [*marks[1:], None], strict=True):
        end = after.start() if after is not None else len(text)
        files[mark.group(1)] = text[mark.end() : end]
    return text[: marks[0].start()], files
