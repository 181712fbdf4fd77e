"""The unsubscribe link in every marketing SMS: GET asks, POST acts; repeating is harmless.

The signed token in the URL is what authorizes the POST (a site that does not know it cannot
forge one), so these forms need no CSRF cookie and also work as one-click unsubscribe.
Erasure cannot be undone, so it is a step of its own: the link leads to a page that says what
goes, and only that page's form, signed for this contact and valid for minutes, erases.

The page speaks the language the token carries (the recipient's, never the operator's).
"""

from __future__ import annotations

from chalicelib.bootstrap import Services
from chalicelib.consent.tokens import (
    InvalidToken,
    UnsubscribeClaim,
    sign_expiring,
    verify_expiring,
    verify_unsubscribe,
)
from chalicelib.i18n.catalogs import translations_for, ui_locales
from chalicelib.i18n.negotiation import negotiate
from chalicelib.web.http import BadRequest, WebRequest, WebResponse
from chalicelib.web.pages import not_found
from chalicelib.web.rendering import render

CONFIRM_SECONDS = 15 * 60
_ERASE = "erase"


def _claim(services: Services, token: str) -> UnsubscribeClaim | None:
    try:
        return verify_unsubscribe(token, services.keys().link_keys)
    except InvalidToken:
        return None


def _page(
    request: WebRequest,
    locale: str,
    heading: str,
    text: str,
    action: str | None,
    erase: str | None = None,
) -> WebResponse:
    body = render(
        "unsubscribe.html",
        locale,
        base=request.base,
        alternates=[],
        heading=heading,
        text=text,
        ask=action is not None,
        action=action or "",
        erase=erase,
    )
    return _private(body, 200)


def _private(body: str, status: int) -> WebResponse:
    # A token is as good as a password for this one action: keep it out of caches and referrers.
    return WebResponse.html(
        body, status, **{"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
    )


def unsubscribe_page(services: Services, token: str, request: WebRequest) -> WebResponse:
    claim = _claim(services, token)
    if claim is None:
        return not_found(request)
    locale = negotiate([claim.locale], ui_locales()) or "en"
    _ = translations_for(locale).gettext
    if services.contacts.opted_out(claim.contact_id):
        return _done(request, locale, token)
    return _page(
        request,
        locale,
        _("Stop SMS from us?"),
        _("You will get no more SMS from us, for any campaign. You can still answer campaigns."),
        f"/u/{token}",
        f"/u/{token}/erase",
    )


def unsubscribe(services: Services, token: str, request: WebRequest) -> WebResponse:
    claim = _claim(services, token)
    if claim is None:
        return not_found(request)
    locale = negotiate([claim.locale], ui_locales()) or "en"
    services.contacts.opt_out(claim.contact_id, "unsubscribe_link")
    return _done(request, locale, token)


def _done(request: WebRequest, locale: str, token: str) -> WebResponse:
    _ = translations_for(locale).gettext
    heading, text = _("You are unsubscribed"), _("We will not send you any more SMS.")
    return _page(request, locale, heading, text, None, f"/u/{token}/erase")


def erase_page(
    services: Services, token: str, request: WebRequest, status: int = 200
) -> WebResponse:
    """What erasure deletes, and the one form that does it: a link that never expires only
    leads here; the form carries a confirmation that does (``CONFIRM_SECONDS``)."""
    claim = _claim(services, token)
    if claim is None:
        return not_found(request)
    locale = negotiate([claim.locale], ui_locales()) or "en"
    expires = int(services.clock().timestamp()) + CONFIRM_SECONDS
    confirm = sign_expiring(_ERASE, claim.contact_id, expires, services.keys().link)
    _ = translations_for(locale).gettext
    body = render(
        "erase.html",
        locale,
        base=request.base,
        alternates=[],
        heading=_("Delete all your data?"),
        deleted=[
            _("your answers to our campaigns, and the designs you made"),
            _("your phone number"),
            _("the SMS we sent you and the ones you sent us"),
            _("the designs you shared, and their pages"),
            _("your follow-up SMS that are not sent yet"),
        ],
        action=f"/u/{token}/erase",
        back=f"/u/{token}",
        confirm=confirm,
        again=status != 200,
    )
    return _private(body, status)


def erase(services: Services, token: str, request: WebRequest) -> WebResponse:
    """The customer's own request to delete everything about them: only with the
    confirmation of a page served minutes ago; else that page again, and nothing deleted."""
    claim = _claim(services, token)
    if claim is None:
        return not_found(request)
    try:
        confirm = request.form().get("confirm", "")
    except BadRequest:
        confirm = ""
    now = services.clock().timestamp()
    keys = services.keys().link_keys
    if not verify_expiring(_ERASE, claim.contact_id, confirm, keys, now):
        return erase_page(services, token, request, status=403)
    locale = negotiate([claim.locale], ui_locales()) or "en"
    services.contacts.erase(claim.contact_id, by="customer")
    _ = translations_for(locale).gettext
    return _page(
        request,
        locale,
        _("Your data is deleted"),
        _("We deleted your answers, your phone number and every message to you."),
        None,
    )
