"""The unsubscribe link in every marketing SMS: GET asks, POST acts; repeating is harmless.

The signed token in the URL is what authorizes the POST (a site that does not know it cannot
forge one), so these forms need no CSRF cookie and also work as one-click unsubscribe.

The page speaks the language the token carries (the recipient's, never the operator's).
"""

from __future__ import annotations

from chalicelib.bootstrap import Services
from chalicelib.consent.tokens import InvalidToken, UnsubscribeClaim, verify_unsubscribe
from chalicelib.i18n.catalogs import translations_for, ui_locales
from chalicelib.i18n.negotiation import negotiate
from chalicelib.web.http import WebRequest, WebResponse
from chalicelib.web.pages import not_found
from chalicelib.web.rendering import render


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
    # A token is as good as a password for this one action: keep it out of caches and referrers.
    return WebResponse.html(
        body, 200, **{"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
    )


def unsubscribe_page(services: Services, token: str, request: WebRequest) -> WebResponse:
    claim = _claim(services, token)
    if claim is None:
        return not_found(request)
    locale = negotiate([claim.locale], ui_locales()) or "en"
    _ = translations_for(locale).gettext
    contact = services.store.contact(claim.contact_id)
    if contact is not None and contact.opted_out:
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
    services.store.opt_out(claim.contact_id, services.clock(), "unsubscribe_link")
    return _done(request, locale, token)


def _done(request: WebRequest, locale: str, token: str) -> WebResponse:
    _ = translations_for(locale).gettext
    heading, text = _("You are unsubscribed"), _("We will not send you any more SMS.")
    return _page(request, locale, heading, text, None, f"/u/{token}/erase")


def erase(services: Services, token: str, request: WebRequest) -> WebResponse:
    """The customer's own request to delete everything about them (from the signed link)."""
    from chalicelib.logs import event

    claim = _claim(services, token)
    if claim is None:
        return not_found(request)
    locale = negotiate([claim.locale], ui_locales()) or "en"
    deleted = services.eraser.erase(claim.contact_id)
    event("contact.erased", contact_id=claim.contact_id, items=deleted, by="customer")
    _ = translations_for(locale).gettext
    return _page(
        request,
        locale,
        _("Your data is deleted"),
        _("We deleted your answers, your phone number and every message to you."),
        None,
    )
