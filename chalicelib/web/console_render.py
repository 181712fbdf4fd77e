"""The console's pages: one Jinja2 environment per console language (gettext domain
``console``), its cookies and the language it speaks to a marketer.

The session cookie (``samvad_console``) is HttpOnly, Secure, SameSite=Strict, scoped to the
console's path and lives at most as long as its session (12 hours); the server-side session
record decides (8 hours idle, 12 hours in all, ended by signing out or by disabling the user).
It is Secure on the local stack too: browsers keep Secure cookies that ``http://localhost``
and ``http://127.0.0.1`` set (both are "potentially trustworthy" origins).
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from chalicelib.i18n import formatting
from chalicelib.i18n.catalogs import CONSOLE_LOCALES, SOURCE_LOCALE, console_translations
from chalicelib.i18n.negotiation import negotiate, parse_accept_language, text_direction
from chalicelib.i18n.tags import script
from chalicelib.web.http import SECURITY_HEADERS, WebRequest, WebResponse
from chalicelib.web.rendering import TEMPLATE_DIR

if TYPE_CHECKING:
    from jinja2 import Environment

SESSION_COOKIE = "samvad_console"
LOCALE_COOKIE = "samvad_console_locale"
SESSION_MAX_AGE = 12 * 3600
TIMEZONE = "Asia/Kolkata"
LANGUAGE_NAMES = {"en": "English", "hi": "हिन्दी"}


@cache
def console_environment(locale: str) -> Environment:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context

    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR / "console"),
        autoescape=True,
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(console_translations(locale), newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(
        locale=locale, dir=text_direction(locale), script=script(locale), languages=LANGUAGE_NAMES
    )
    env.globals["url"] = pass_context(lambda context, path: context["base"] + path)
    env.filters["number"] = lambda value: formatting.number(value, locale)
    env.filters["when"] = lambda value: formatting.long_date(value, TIMEZONE, locale)
    return env


def console_locale(request: WebRequest) -> str:
    """``?lang=`` (a link of the language switch), else the cookie it set, else the browser's
    languages; English when none is one the console speaks."""
    for chosen in (request.query.get("lang"), request.cookie(LOCALE_COOKIE)):
        if chosen in CONSOLE_LOCALES:
            return str(chosen)
    preferred = parse_accept_language(request.header("accept-language"))
    return negotiate(preferred, CONSOLE_LOCALES) or SOURCE_LOCALE


def page(
    request: WebRequest,
    template: str,
    status: int = 200,
    cookies: tuple[str, ...] = (),
    **context: Any,
) -> WebResponse:
    """A console page: never cached (it shows what a signed-in marketer may see)."""
    locale = console_locale(request)
    body = console_environment(locale).get_template(template).render(base=request.base, **context)
    extra: tuple[str, ...] = ()
    if request.query.get("lang") == locale:
        path = f"{request.base}/console"
        extra = (f"{LOCALE_COOKIE}={locale}; Path={path}; SameSite=Strict; Max-Age=31536000",)
    headers = {
        "Content-Type": "text/html; charset=utf-8",
        "Cache-Control": "no-store",
        **SECURITY_HEADERS,
    }
    return WebResponse(status, body, headers, cookies + extra)


def session_cookie(request: WebRequest, token: str) -> str:
    return (
        f"{SESSION_COOKIE}={token}; Path={request.base or ''}/console; HttpOnly; Secure; "
        f"SameSite=Strict; Max-Age={SESSION_MAX_AGE}"
    )


def cleared_session_cookie(request: WebRequest) -> str:
    return (
        f"{SESSION_COOKIE}=; Path={request.base or ''}/console; HttpOnly; Secure; "
        "SameSite=Strict; Max-Age=0"
    )
