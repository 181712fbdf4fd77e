"""The stylesheet mirrors for right-to-left pages by itself: logical properties only."""

from __future__ import annotations

import re
from pathlib import Path

CSS = Path("chalicelib/web/static/samvad.css").read_text(encoding="utf-8")
DECLARATION = re.compile(r"([a-z-]+)\s*:\s*([^;{}]+)")


def declarations() -> list[tuple[str, str]]:
    rules = re.sub(r"/\*.*?\*/", "", CSS, flags=re.DOTALL)
    blocks = re.findall(r"\{([^{}]*)\}", rules)
    return [(m[1], m[2].strip()) for block in blocks for m in DECLARATION.finditer(block)]


def test_no_physical_left_or_right() -> None:
    found = declarations()
    assert len(found) > 30
    physical = [
        (name, value)
        for name, value in found
        if re.search(r"\b(left|right)\b", name) or re.search(r"\b(left|right)\b", value)
    ]
    assert physical == []
    assert not [name for name, _ in found if name in {"float", "clear"}]


def test_four_value_shorthands_are_symmetric() -> None:
    """``margin: 0 1rem 0 2rem`` sets left and right: it would not mirror."""
    for name, value in declarations():
        if name in {"margin", "padding", "border-width"}:
            parts = value.split()
            if len(parts) == 4:
                assert parts[1] == parts[3], (name, value)


def test_the_layout_uses_logical_properties() -> None:
    names = {name for name, _ in declarations()}
    assert {"border-inline-start", "margin-inline-start"} <= names
    assert ("text-align", "start") in declarations()
