"""The console's QR page (``/console/c/{slug}/qr``): a printable QR code of the campaign's
public link for each of its locales and each source (poster, flyer, ...), as SVG or PNG.

The link is the one a customer opens, built from the stage's public URL (``SAMVAD_PUBLIC_URL``)
with ``?src=`` so the funnel counts each source apart; the same codes as ``samvad qr``.
"""

from __future__ import annotations

from chalicelib.accounts.model import Principal
from chalicelib.accounts.roles import Action
from chalicelib.bootstrap import Services
from chalicelib.distribution import qr
from chalicelib.errors import CampaignNotFound
from chalicelib.web.console_campaign import campaign_view
from chalicelib.web.console_render import page
from chalicelib.web.http import BadRequest, WebRequest, WebResponse


def _source(request: WebRequest, default: str | None) -> str | None:
    """``?src=`` when given (checked: a bad one is a 400 page), else ``default``."""
    raw = request.query.get("src", "").strip()
    if not raw:
        return default
    try:
        qr.check_source(raw)
    except qr.BadSource as exc:
        raise BadRequest(str(exc)) from None
    return raw


def codes(services: Services, slug: str, request: WebRequest) -> WebResponse:
    def view(who: Principal, token: str, cookies: tuple[str, ...]) -> WebResponse:
        campaign = services.campaign(slug)  # CampaignNotFound: unknown or never published
        extra = _source(request, None)
        sources = list(qr.DEFAULT_SOURCES)
        if extra is not None and extra not in sources:
            sources.append(extra)
        base = services.settings.public_url
        rows = [
            {
                "locale": locale,
                "title": campaign.title[locale],
                "links": {s: qr.campaign_url(base, locale, slug, s) for s in sources},
            }
            for locale in campaign.locales
        ]
        context = {"slug": slug, "rows": rows, "sources": sources, "extra": extra or ""}
        return page(request, "qr.html", 200, cookies, who=who, form_token=token, **context)

    return campaign_view(services, request, Action.READ_CAMPAIGNS, view)


def image(services: Services, slug: str, name: str, request: WebRequest) -> WebResponse:
    """``{locale}.svg`` or ``{locale}.png``: the code of the link for ``?src=`` (else
    ``poster``), as a file to download."""

    def view(who: Principal, token: str, cookies: tuple[str, ...]) -> WebResponse:
        campaign = services.campaign(slug)
        locale, _, kind = name.rpartition(".")
        if kind not in qr.KINDS or not campaign.offers(locale):
            raise CampaignNotFound(f"{slug}: no QR code {name!r}")
        source = _source(request, qr.DEFAULT_SOURCES[0]) or qr.DEFAULT_SOURCES[0]
        url = qr.campaign_url(services.settings.public_url, locale, slug, source)
        title = f"{slug} ({locale}): {campaign.title[locale]}"
        headers = {
            "Content-Type": qr.KINDS[kind],
            "Content-Disposition": f'attachment; filename="{slug}-{locale}-{source}.{kind}"',
            "Cache-Control": "private, max-age=3600",
        }
        return WebResponse(200, qr.image(url, kind, title), headers)

    return campaign_view(services, request, Action.READ_CAMPAIGNS, view)
