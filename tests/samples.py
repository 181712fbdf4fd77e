"""The sample campaigns under chalicelib/campaigns/definitions, as tests read them.

A sample's ``ends_at`` is moved forward every few years (tests/unit/test_loader.py fails a year
before one ends), so a test that shows the end date takes it from the definition instead of
repeating it. The literal Hindi and Urdu dates are checked once, on a fixed date, in
tests/unit/test_i18n.py.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from babel.dates import format_date

from chalicelib.responses.model import Response

DEFINITIONS = Path(__file__).resolve().parents[1] / "chalicelib" / "campaigns" / "definitions"
WISHLIST = DEFINITIONS / "wishlist.yaml"


def definition(path: Path = WISHLIST) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def end_date(locale: str, path: Path = WISHLIST) -> str:
    """The sample's last day as its customers read it: Babel's long date in its time zone."""
    data = definition(path)
    ends = datetime.fromisoformat(data["ends_at"]).astimezone(ZoneInfo(data["timezone"]))
    return format_date(ends.date(), format="long", locale=locale)


# A designed dress of the sample design-your-dress, as its form sends it (Hindi name).
DRESS_DESIGN = {
    "colour": "emerald",
    "fabric": "silk",
    "print": "paisley",
    "sleeves": "long",
    "length": "maxi",
    "size": "m",
    "name": "मेरी हरी ड्रेस",
    "action": "send",
}


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) of a PNG, from its IHDR chunk."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def sample_text(name: str = "wishlist") -> str:
    """A sample campaign as ``samvad deploy`` sends it: its YAML, then its language files."""
    from chalicelib.campaigns.translations import bundle

    return bundle(DEFINITIONS / f"{name}.yaml")


def inline_text(name: str = "wishlist") -> str:
    """A sample campaign's own YAML, offering only the languages written in it (en, hi, ur):
    what tests that change one field and expect one problem start from. Its theme's images
    ride along at the end, as in a bundle."""
    import re

    import yaml

    from chalicelib.campaigns import assets

    path = DEFINITIONS / f"{name}.yaml"
    text = path.read_text(encoding="utf-8")
    inline = list(yaml.safe_load(text)["title"])
    text = re.sub(r"(?m)^locales: \[.*\]$", f"locales: [{', '.join(inline)}]", text, count=1)
    return assets.bundle(path, text)


NOW = datetime(2026, 11, 25, 10, tzinfo=UTC)
PLAIN_ANSWER = Response(
    id="r" * 32,
    campaign="wishlist",
    campaign_version=1,
    locale="hi",
    answers={"product": "tawa"},
    phone=None,
    consent=None,
    created_at=NOW,
    request_hash="h",
)
"""An answer with nothing optional, as the storage tests write it."""
