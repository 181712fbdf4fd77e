"""Sharing a design: the thanks page with the share form after a designed answer, the share
it creates, and the public share page (and its image) a friend opens from WhatsApp or SMS."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from chalicelib.bootstrap import Services
from chalicelib.campaigns import Campaign
from chalicelib.configurator.choices import from_answers
from chalicelib.configurator.compose import CARD_HEIGHT, CARD_WIDTH, card
from chalicelib.i18n import formatting
from chalicelib.i18n.catalogs import translations_for, ui_locales
from chalicelib.sharing import pitch
from chalicelib.sharing.model import Share
from chalicelib.sharing.service import Shown
from chalicelib.web import answered, csrf
from chalicelib.web.configurator_form import drawing
from chalicelib.web.http import WebRequest, WebResponse, errors_answered
from chalicelib.web.pages import (
    PAGE_ERRORS,
    PageCall,
    alternates,
    csrf_pair,
    forbidden,
    message_page,
    not_found,
    note_page,
    offered_campaign,
    page_text,
    serves,
    thanks_page,
    ui_locale,
)
from chalicelib.web.rendering import render

RESPONSE_ID = re.compile(r"^[0-9a-f]{32}$")


def design_of(campaign: Campaign, response: Any, locale: str) -> dict[str, Any]:
    assert campaign.product is not None
    choices = from_answers(campaign.product, response.answers)
    return {
        "svg": drawing(campaign, choices, response.design_name or campaign.title[locale]),
        "total": formatting.money(campaign.product.price(choices), campaign.currency, locale),
        "name": response.design_name or "",
        "chosen": [
            f"{group.label[locale]}: {option.label[locale]}"
            for group, option in campaign.product.chosen(choices)
        ],
    }


def share_form(
    services: Services,
    campaign: Campaign,
    locale: str,
    response_id: str,
    request: WebRequest,
    errors: Mapping[str, str] | None = None,
    message: str = "",
    status: int = 200,
) -> WebResponse | None:
    """The thanks page of a designed product, with the form to share it."""
    token, set_cookie = csrf_pair(services, request)
    response = services.sharing.designed(campaign, response_id)
    if response is None or campaign.sharing is None:
        return None
    body = render(
        "share_form.html",
        locale,
        base=request.base,
        page=page_text(campaign, locale),
        alternates=[],
        design=design_of(campaign, response, locale),
        action=f"/{locale}/d/{response.id}/share",
        errors=errors or {},
        message=message,
        reward=_reward(campaign, locale),
        csrf=token,
    )
    page = WebResponse.html(body, status, **{"Cache-Control": "no-store"})
    return replace(page, cookies=(set_cookie,)) if set_cookie else page


def _reward(campaign: Campaign, locale: str) -> dict[str, Any] | None:
    sharing = campaign.sharing
    if sharing is None or sharing.reward is None or sharing.reward_threshold is None:
        return None
    return {"text": sharing.reward[locale], "count": sharing.reward_threshold}


@errors_answered(PAGE_ERRORS, PageCall.at)
def submit_share(
    call: PageCall, services: Services, locale: str, response_id: str, request: WebRequest
) -> WebResponse:
    if not RESPONSE_ID.match(response_id):
        return not_found(request, locale)
    if not answered.answered(services, request, response_id):
        return not_yours(request, locale)
    campaign, response = services.sharing.to_share(response_id, locale, ui_locales())
    fields = request.form()
    if not csrf.valid(request, fields, services.keys().link_keys):
        return forbidden(request, locale)

    def again(
        errors: dict[str, str], status: int, *, new_token: bool = False
    ) -> WebResponse | None:
        return share_form(services, campaign, locale, response.id, request, errors, status=status)

    call.form = again
    share = services.sharing.create(campaign, response, fields.get("message", ""))
    return WebResponse.redirect(f"/{locale}/s/{share.id}", 303)


def not_yours(request: WebRequest, locale: str) -> WebResponse:
    """403: a share of an answer this browser did not send (or sent more than a day ago)."""
    locale = ui_locale(request, locale)  # the path's locale is not checked yet
    _ = translations_for(locale).gettext
    heading = _("You cannot share this design")
    text = _("Only the browser that sent the answer can share its design, for one day.")
    return message_page(
        locale, heading, text, 403, base=request.base, headers={"Cache-Control": "no-store"}
    )


def share_page(services: Services, locale: str, share_id: str, request: WebRequest) -> WebResponse:
    found = services.sharing.shown(share_id)
    if found is None:
        return not_found(request, locale)
    share, campaign = found.share, found.campaign
    if not serves(campaign, locale):
        return WebResponse.redirect(f"/{campaign.default_locale}/s/{share.id}")
    suffix = f"/s/{share.id}"
    links = [{**a, "href": f"/{a['locale']}{suffix}"} for a in alternates(campaign)]
    if not share.public:
        return _hidden_share_page(campaign, share, locale, request, links)
    return _public_share_page(services, found, locale, request, links)


def _hidden_share_page(
    campaign: Campaign,
    share: Share,
    locale: str,
    request: WebRequest,
    links: list[dict[str, str]],
) -> WebResponse:
    """Pending or rejected: nothing the customer wrote is shown, and nothing is indexed."""
    _ = translations_for(locale).gettext
    if share.status == "pending":
        heading = _("Waiting for approval")
        texts = [
            _(
                "Thank you for sharing your design. Before it is shown to others, someone"
                " from %(brand)s looks at it, usually within a day."
            )
            % {"brand": campaign.brand[locale]},
            _(
                "If you gave your number, we will send you an SMS with the link to share"
                " once it is approved. Until then, this page stays as it is."
            ),
        ]
    else:
        heading = _("This page is not available")
        texts = [_("This design is not shown at the moment. You can still design your own.")]
    hidden = {"X-Robots-Tag": "noindex", "Cache-Control": "no-store"}
    return note_page(campaign, locale, request, heading, texts, links=links, headers=hidden)


def _public_share_page(
    services: Services,
    found: Shown,
    locale: str,
    request: WebRequest,
    links: list[dict[str, str]],
) -> WebResponse:
    """The design, and the pitch to pass on by WhatsApp, SMS or a copied link (each link
    with its own ``src``). The sharer's own browser (the one that sent the answer) also sees
    how many friends joined toward the reward: that page is theirs alone, never cached."""
    share, response, campaign = found.share, found.response, found.campaign
    assert campaign.sharing is not None
    base = services.settings.public_url

    def link(source: str) -> str:
        return pitch.friend_link(base, locale, campaign.slug, share.id, source)

    name = share.design_name or campaign.title[locale]
    shown = {"brand": campaign.brand[locale], "name": name}
    sharer = answered.answered(services, request, share.response_id)
    body = render(
        "share.html",
        locale,
        base=request.base,
        page=page_text(campaign, locale),
        alternates=links,
        design=design_of(campaign, response, locale),
        share=share,
        invite=link("share"),
        og={
            "title": name,
            "description": share.message or campaign.intro[locale],
            "image": f"{base}/{locale}/s/{share.id}/design.png",
            "image_width": CARD_WIDTH,
            "image_height": CARD_HEIGHT,
            "url": f"{base}/{locale}/s/{share.id}",
        },
        links=pitch.share_links(campaign.sharing.share_text[locale], shown, link),
        progress=pitch.progress(share, campaign.sharing.reward_threshold) if sharer else None,
        reward=_reward(campaign, locale),
    )
    cache = "private, no-store" if sharer else "public, max-age=60"
    return WebResponse.html(body, 200, **{"Cache-Control": cache, "Vary": "Cookie"})


def share_image(
    services: Services, locale: str, share_id: str, request: WebRequest, fmt: str = "svg"
) -> WebResponse:
    """The design of a public share: SVG for pages, PNG for link previews (WhatsApp and most
    messengers show only raster Open Graph images)."""
    found = services.sharing.shown(share_id)
    product = found.campaign.product if found is not None and found.share.public else None
    if found is None or product is None:
        return WebResponse(404, "", {"Content-Type": "text/plain"})
    response, campaign = found.response, found.campaign
    cache = "public, max-age=300"
    if fmt == "png":
        import resvg_py

        choices = from_answers(product, response.answers)
        title = response.design_name or campaign.title[locale]
        svg = card(product, choices, title=title)
        png = bytes(resvg_py.svg_to_bytes(svg_string=svg, skip_system_fonts=True))
        return WebResponse(200, png, {"Content-Type": "image/png", "Cache-Control": cache})
    svg = str(design_of(campaign, response, locale)["svg"])
    return WebResponse(200, svg, {"Content-Type": "image/svg+xml", "Cache-Control": cache})


@errors_answered(PAGE_ERRORS, PageCall.at)
def thanks(
    call: PageCall, services: Services, locale: str, slug: str, request: WebRequest
) -> WebResponse:
    """After a designed product: the design and the share form; else the plain thanks page."""
    campaign = offered_campaign(services, call, slug, suffix="/thanks")
    design_id = request.query.get("d")
    # The id alone is no proof: another browser with this URL gets the plain thanks page.
    if design_id and answered.answered(services, request, design_id):
        answer = share_form(services, campaign, locale, design_id, request)
        if answer is not None:
            return answer
    return thanks_page(campaign, locale, request)
