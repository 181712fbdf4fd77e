"""QR codes of a campaign's public link, per locale, tagged with a source.

The link is ``{public_url}/{locale}/c/{slug}?src={source}``; the campaign page counts visits per
``src`` (``chalicelib.web.pages.source_of``), so a poster, a flyer and a shop counter each get
their own code. Used by the console's QR page and by ``samvad qr``.

segno is imported on first use: a cold start that serves a customer page never loads it.
"""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING
from urllib.parse import urlencode

if TYPE_CHECKING:
    import segno

SOURCE = re.compile(r"^[A-Za-z0-9_.:-]{1,40}$")
"""A plain ``?src=`` token; the same as ``chalicelib.web.pages.TOKEN_SOURCE`` (a test keeps
them equal): any other source the campaign page counts as ``direct``."""
DEFAULT_SOURCES = ("poster", "flyer", "counter", "whatsapp")
ERROR_LEVEL = "q"  # about 25% of the symbol may be damaged: posters get scuffed and folded
BORDER = 4  # the quiet zone the QR standard asks for, in modules
SCALE = 10  # pixels (PNG) or user units (SVG) per module: 4-Q is 410 px, fine for A4 print
KINDS = {"svg": "image/svg+xml", "png": "image/png"}


class BadSource(ValueError):
    """A source that is not a plain token."""


def campaign_url(base_url: str, locale: str, slug: str, source: str) -> str:
    """
    >>> campaign_url("https://x.example/", "hi", "dress", "poster-17")
    'https://x.example/hi/c/dress?src=poster-17'
    """
    return f"{base_url.rstrip('/')}/{locale}/c/{slug}?{urlencode({'src': source})}"


def check_source(source: str) -> None:
    if not SOURCE.match(source):
        raise BadSource(
            f"source {source!r} is not a plain token: use 1 to 40 letters, digits or _ . : -"
            " (the app counts any other ?src= as 'direct')"
        )


def make_symbol(url: str) -> segno.QRCode:
    """The QR code for ``url``: a full-size symbol (phones do not all read Micro QR)."""
    import segno

    return segno.make(url, error=ERROR_LEVEL, micro=False)


def image(url: str, kind: str, title: str = "") -> bytes:
    """The QR code of ``url`` as an SVG (with ``title``) or a PNG file's bytes."""
    out = io.BytesIO()
    symbol = make_symbol(url)
    if kind == "svg":
        symbol.save(out, kind="svg", scale=SCALE, border=BORDER, title=title or None)
    else:
        symbol.save(out, kind="png", scale=SCALE, border=BORDER)
    return out.getvalue()
