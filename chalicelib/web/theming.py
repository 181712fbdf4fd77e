"""A campaign's theme on its pages: what the templates link to, and the route serving it.

The strict CSP (``http.SECURITY_HEADERS``) allows no inline style, so the brand colours come as
a stylesheet of two custom properties, and the images as files. Each is served from
``/static/theme/<slug>-<content hash>.<ext>`` and cached for a year: a new logo or colour has a
new name. Why files rather than ``data:`` URIs: a campaign page is ``no-store`` (it carries a
fresh form token), so whatever is inlined is downloaded again on every page (the form, the
answer with its errors, thanks, share), while a hashed file is downloaded once. On a first
visit the theme stylesheet and the logo are fetched in parallel with ``samvad.css`` (all are
named in the HTML, so no extra round trip in series); images never block the first paint, and
the hero is ``loading="lazy"``. The theme stylesheet is some 50 bytes, the sample logos under
500.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from chalicelib.campaigns.model import Campaign
from chalicelib.errors import CampaignNotFound
from chalicelib.web.http import WebResponse

if TYPE_CHECKING:
    from chalicelib.campaigns.theme import ThemeImage

PREFIX = "/static/theme/"
NAME = re.compile(r"([a-z0-9][a-z0-9-]{0,62})-([0-9a-f]{12}\.(?:css|svg|png|jpg|webp))")
CACHE_FOR_A_YEAR = "public, max-age=31536000, immutable"
# An SVG opened on its own is a document: it may not run or load anything.
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def theme_view(campaign: Campaign) -> dict[str, Any] | None:
    """What the templates need of the campaign's theme (paths under the app), or None."""
    theme = campaign.theme
    if theme is None:
        return None
    base = f"{PREFIX}{campaign.slug}-"

    def image(found: ThemeImage | None) -> dict[str, Any] | None:
        if found is None:
            return None
        return {"src": base + found.name, "width": found.width, "height": found.height}

    return {
        "css": base + theme.stylesheet_name,
        "logo": image(theme.logo),
        "hero": image(theme.hero),
    }


def theme_file(campaign_of: Callable[[str], Campaign], name: str) -> WebResponse:
    """``/static/theme/<name>``: a file of the campaign's current theme, or 404 (another
    version's name included: an immutable name never gets other content)."""
    match = NAME.fullmatch(name)
    found = None
    if match is not None:
        campaign: Campaign | None = None
        with contextlib.suppress(CampaignNotFound):
            campaign = campaign_of(match.group(1))
        if campaign is not None and campaign.theme is not None:
            found = campaign.theme.file(match.group(2))
    if found is None:
        return WebResponse(
            404,
            "not found",
            {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"},
        )
    media_type, body = found
    headers = {"Content-Type": media_type, "Cache-Control": CACHE_FOR_A_YEAR}
    headers["X-Content-Type-Options"] = "nosniff"
    if media_type.startswith("image/svg"):
        headers["Content-Security-Policy"] = SVG_POLICY
    return WebResponse(200, body, headers)
