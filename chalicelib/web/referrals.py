"""The page a referred friend opens from the SMS sent to their number: one tap proves the
number theirs, and only then does the friend count toward the sharer's reward."""

from __future__ import annotations

from chalicelib.bootstrap import Services
from chalicelib.campaigns import Campaign
from chalicelib.consent.referral_tokens import InvalidReferralToken, verify_referral
from chalicelib.i18n.catalogs import translations_for
from chalicelib.responses.model import Response
from chalicelib.web.http import WebRequest, WebResponse
from chalicelib.web.pages import best_locale, not_found, note_page

HIDDEN = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex", "Referrer-Policy": "no-referrer"}


def _friend(services: Services, token: str) -> tuple[Campaign, Response] | None:
    try:
        response_id = verify_referral(token, services.keys().link_keys)
    except InvalidReferralToken:
        return None
    return services.sharing.friend(response_id)


def _page(
    campaign: Campaign, response: Response, request: WebRequest, *, action: str | None
) -> WebResponse:
    # The answer's language, or the nearest this deployment can show (never a 500).
    locale = best_locale(campaign, request, response.locale)
    _ = translations_for(locale).gettext
    if action:
        heading = _("Is this your number?")
        texts = [
            _(
                "A friend shared a design with you. Confirm that this number is yours,"
                " so that your answer counts for your friend."
            ),
        ]
    else:
        heading = _("Thank you")
        texts = [_("Your number is confirmed. Thank you for answering!")]
    button = _("Yes, this is my number")
    return note_page(
        campaign,
        locale,
        request,
        heading,
        texts,
        links=[],
        headers=HIDDEN,
        action=action,
        button=button,
    )


def confirm_page(services: Services, token: str, request: WebRequest) -> WebResponse:
    """GET shows a button only: link previews in messaging apps open links by themselves."""
    found = _friend(services, token)
    if found is None:
        return not_found(request)
    campaign, response = found
    return _page(campaign, response, request, action=f"/r/{token}")


def confirm(services: Services, token: str, request: WebRequest) -> WebResponse:
    found = _friend(services, token)
    if found is None:
        return not_found(request)
    campaign, response = found
    services.sharing.verify_friend(campaign, response)
    return _page(campaign, response, request, action=None)
