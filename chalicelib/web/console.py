"""The marketers' console under ``/console``: sign-in, the campaigns, the audit log, sign-out.

Server-rendered and usable without JavaScript, with the customer pages' strict CSP. Every form
carries the CSRF token of ``web/csrf.py`` (bound to the ``samvad_csrf`` cookie); every page but
sign-in needs a session (``console_render.py`` describes its cookie) and the role its content
needs (``accounts/roles.py``). Later pages (dashboards, answers, moderation, versions) follow
the same pattern: ``signed_in`` first, then one service call, then ``page``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chalicelib.accounts.model import Principal
from chalicelib.accounts.roles import Action
from chalicelib.accounts.service import SignInRefused
from chalicelib.bootstrap import Services
from chalicelib.errors import CampaignNotFound
from chalicelib.web import csrf
from chalicelib.web.console_render import (
    SESSION_COOKIE,
    cleared_session_cookie,
    page,
    session_cookie,
)
from chalicelib.web.http import BadRequest, WebRequest, WebResponse

SIGN_IN = "/console/sign-in"


def _form_token(services: Services, request: WebRequest) -> tuple[str, tuple[str, ...]]:
    """The CSRF token for this page's forms, and the cookie line if the browser has none."""
    cookie, set_cookie = csrf.cookie_of(request)
    token = csrf.token_for(cookie, services.keys().link)
    return token, (set_cookie,) if set_cookie else ()


def checked_form(services: Services, request: WebRequest) -> dict[str, str] | None:
    """The posted form if its CSRF token is right, else None."""
    try:
        fields = request.form()
    except BadRequest:
        return None
    return fields if csrf.valid(request, fields, services.keys().link_keys) else None


def signed_in_form(
    services: Services,
    request: WebRequest,
    needs: Action,
    action: Callable[[Principal, dict[str, str]], WebResponse],
) -> WebResponse:
    """A console form's POST: ``action(principal, fields)`` for a signed-in marketer whose role
    allows ``needs`` and whose form carries the right CSRF token (a 403 page otherwise). The
    action records what it changed in the audit log and answers with a 303."""

    def view(who: Principal, token: str, cookies: tuple[str, ...]) -> WebResponse:
        fields = checked_form(services, request)
        if fields is None:
            services.accounts.record(who.name, f"console.{needs}", "", "refused (csrf)")
            return page(request, "forbidden.html", 403, cookies, who=who, form_token=token)
        return action(who, fields)

    return signed_in(services, request, needs, view)


def signed_in(
    services: Services,
    request: WebRequest,
    needs: Action,
    view: Callable[[Principal, str, tuple[str, ...]], WebResponse],
) -> WebResponse:
    """``view(principal, form token, cookies)`` for a signed-in marketer whose role allows
    ``needs``; the sign-in page for anyone else, a 403 page for a role that may not."""
    principal = services.accounts.principal_for_session(request.cookie(SESSION_COOKIE) or "")
    if principal is None:
        return WebResponse.redirect(SIGN_IN, 303)
    token, cookies = _form_token(services, request)
    if not principal.may(needs):
        services.accounts.record(principal.name, f"console.{needs}", "", "refused")
        return page(request, "forbidden.html", 403, cookies, who=principal, form_token=token)
    return view(principal, token, cookies)


def sign_in_page(
    services: Services, request: WebRequest, status: int = 200, **extra: Any
) -> WebResponse:
    if not extra and services.accounts.principal_for_session(request.cookie(SESSION_COOKIE) or ""):
        return WebResponse.redirect("/console", 303)  # signed in already
    token, cookies = _form_token(services, request)
    context = {"form_token": token, "problem": None, "name": "", **extra}
    return page(request, "sign_in.html", status, cookies, **context)


def sign_in(services: Services, request: WebRequest) -> WebResponse:
    fields = checked_form(services, request)
    if fields is None:
        return sign_in_page(services, request, 403, problem="expired")
    name = fields.get("name", "")[:64]
    try:
        token = services.accounts.sign_in(name, fields.get("password", ""), request.client)
    except SignInRefused:
        return sign_in_page(services, request, 401, problem="refused", name=name)
    answer = WebResponse.redirect("/console", 303)
    return WebResponse(answer.status, "", answer.headers, (session_cookie(request, token),))


def sign_out(services: Services, request: WebRequest) -> WebResponse:
    if checked_form(services, request) is None:
        return sign_in_page(services, request, 403, problem="expired")
    services.accounts.sign_out(request.cookie(SESSION_COOKIE) or "")
    answer = WebResponse.redirect(SIGN_IN, 303)
    return WebResponse(answer.status, "", answer.headers, (cleared_session_cookie(request),))


def _campaign_rows(services: Services) -> list[dict[str, Any]]:
    now = services.clock()
    rows = []
    for listed in services.admin.list_campaigns():
        slug = listed["slug"]
        stats = services.admin.stats(slug)
        try:
            live = services.campaign(slug) if listed["published"] else None
        except CampaignNotFound:
            live = None
        rows.append(
            {
                "slug": slug,
                "published": listed["published"],
                "latest": listed["latest"],
                "window": live.window(now) if live is not None else None,
                "starts_at": live.starts_at if live is not None else None,
                "ends_at": live.ends_at if live is not None else None,
                "views": stats["views"],
                "responses": stats["responses"],
                "today": services.admin.today(slug, live.timezone) if live is not None else None,
            }
        )
    return rows


def home(services: Services, request: WebRequest) -> WebResponse:
    def view(who: Principal, token: str, cookies: tuple[str, ...]) -> WebResponse:
        rows = _campaign_rows(services)
        return page(request, "home.html", 200, cookies, who=who, form_token=token, campaigns=rows)

    return signed_in(services, request, Action.READ_CAMPAIGNS, view)


def audit_page(services: Services, request: WebRequest) -> WebResponse:
    def view(who: Principal, token: str, cookies: tuple[str, ...]) -> WebResponse:
        entries = services.accounts.audit()
        return page(request, "audit.html", 200, cookies, who=who, form_token=token, entries=entries)

    return signed_in(services, request, Action.READ_AUDIT, view)
