"""Personalize, share, refer: the designer on the campaign page, the share form after an
answer, and the public share page a friend opens from WhatsApp or SMS."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any
from urllib.parse import quote, urlencode

from chalicelib.bootstrap import Services
from chalicelib.campaigns import Campaign, placeholders
from chalicelib.designs.choices import from_answers
from chalicelib.designs.drawing import CARD_HEIGHT, CARD_WIDTH, card
from chalicelib.errors import CampaignNotFound, InvalidResponse
from chalicelib.i18n import formatting
from chalicelib.i18n.catalogs import translations_for
from chalicelib.sharing.service import create_share
from chalicelib.web import answered, csrf
from chalicelib.web.designer import drawing
from chalicelib.web.http import BadRequest, WebRequest, WebResponse
from chalicelib.web.messages import field_message
from chalicelib.web.pages import (
    SHARE_ID,
    alternates,
    bad_request,
    csrf_pair,
    forbidden,
    message_page,
    not_found,
    note_page,
    page_text,
    serves,
    thanks_page,
    ui_locale,
)
from chalicelib.web.rendering import render

RESPONSE_ID = re.compile(r"^[0-9a-f]{32}$")


def _response(services: Services, campaign: Campaign, response_id: str) -> Any:
    if not RESPONSE_ID.match(response_id):
        return None
    response = services.store.get_response(response_id)
    if response is None or response.campaign != campaign.slug:
        return None
    return response


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
    response = _response(services, campaign, response_id)
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


def submit_share(
    services: Services, locale: str, response_id: str, request: WebRequest
) -> WebResponse:
    if not RESPONSE_ID.match(response_id):
        return not_found(request, locale)
    if not answered.answered(services, request, response_id):
        return not_yours(request, locale)
    response = services.store.get_response(response_id)
    if response is None:
        return not_found(request, locale)
    try:
        campaign = services.registry.find(response.campaign, response.campaign_version)
        if campaign is None or campaign.sharing is None or not serves(campaign, locale):
            raise CampaignNotFound(response.campaign)
        fields = request.form()
        if not csrf.valid(request, fields, services.keys().link_keys):
            return forbidden(request, locale)
        share = create_share(
            campaign,
            response,
            fields.get("message", ""),
            shares=services.shares,
            links=services.links,
            clock=services.clock,
        )
    except CampaignNotFound:
        return not_found(request, locale)
    except BadRequest as exc:
        return bad_request(request, exc, locale)
    except InvalidResponse as exc:
        translations = translations_for(locale)
        errors = {e.field: field_message(e, translations, locale) for e in exc.errors}
        answer = None
        if campaign is not None:
            answer = share_form(
                services, campaign, locale, response.id, request, errors, status=422
            )
        return answer or not_found(request, locale)
    services.store.count("shares", campaign.slug, response.locale, response.source)
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
    share = services.shares.get(share_id) if SHARE_ID.match(share_id) else None
    if share is None:
        return not_found(request, locale)
    response = services.store.get_response(share.response_id)
    campaign = (
        services.registry.find(share.campaign, response.campaign_version) if response else None
    )
    if campaign is None or response is None:
        return not_found(request, locale)
    if not serves(campaign, locale):
        return WebResponse.redirect(f"/{campaign.default_locale}/s/{share.id}")
    _ = translations_for(locale).gettext
    suffix = f"/s/{share.id}"
    links = [{**a, "href": f"/{a['locale']}{suffix}"} for a in alternates(campaign)]
    if not share.public:
        # Pending or rejected: nothing the customer wrote is shown, and nothing is indexed.
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
    base = services.settings.public_url
    invite = f"{base}/{locale}/c/{campaign.slug}?{urlencode({'ref': share.id, 'src': 'share'})}"
    assert campaign.sharing is not None
    name = share.design_name or campaign.title[locale]
    shown = {"brand": campaign.brand[locale], "link": invite, "name": name}
    text = placeholders.fill(campaign.sharing.share_text[locale], shown)
    body = render(
        "share.html",
        locale,
        base=request.base,
        page=page_text(campaign, locale),
        alternates=links,
        design=design_of(campaign, response, locale),
        share=share,
        invite=invite,
        og={
            "title": share.design_name or campaign.title[locale],
            "description": share.message or campaign.intro[locale],
            "image": f"{base}/{locale}/s/{share.id}/design.png",
            "image_width": CARD_WIDTH,
            "image_height": CARD_HEIGHT,
            "url": f"{base}/{locale}/s/{share.id}",
        },
        whatsapp=f"https://wa.me/?text={quote(text)}",
        sms=f"sms:?&body={quote(text)}",
    )
    return WebResponse.html(body, 200, **{"Cache-Control": "public, max-age=60"})


def share_image(
    services: Services, locale: str, share_id: str, request: WebRequest, fmt: str = "svg"
) -> WebResponse:
    """The design of a public share: SVG for pages, PNG for link previews (WhatsApp and most
    messengers show only raster Open Graph images)."""
    share = services.shares.get(share_id) if SHARE_ID.match(share_id) else None
    response = services.store.get_response(share.response_id) if share and share.public else None
    campaign = (
        services.registry.find(response.campaign, response.campaign_version) if response else None
    )
    if share is None or response is None or campaign is None or campaign.product is None:
        return WebResponse(404, "", {"Content-Type": "text/plain"})
    cache = "public, max-age=300"
    if fmt == "png":
        import resvg_py

        choices = from_answers(campaign.product, response.answers)
        look = campaign.product.look(choices)
        title = response.design_name or campaign.title[locale]
        svg = card(campaign.product.kind, look, title=title)
        png = bytes(resvg_py.svg_to_bytes(svg_string=svg, skip_system_fonts=True))
        return WebResponse(200, png, {"Content-Type": "image/png", "Cache-Control": cache})
    svg = str(design_of(campaign, response, locale)["svg"])
    return WebResponse(200, svg, {"Content-Type": "image/svg+xml", "Cache-Control": cache})


def thanks(services: Services, locale: str, slug: str, request: WebRequest) -> WebResponse:
    """After a designed product: the design and the share form; else the plain thanks page."""
    design_id = request.query.get("d")
    # The id alone is no proof: another browser with this URL gets the plain thanks page.
    if design_id and answered.answered(services, request, design_id):
        try:
            campaign = services.campaign(slug)
        except CampaignNotFound:
            return not_found(request, locale)
        if serves(campaign, locale):
            answer = share_form(services, campaign, locale, design_id, request)
            if answer is not None:
                return answer
    return thanks_page(services, locale, slug, request)
