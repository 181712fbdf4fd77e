"""Customer pages: each function takes the request, calls one service, renders the answer."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any, Protocol

from chalicelib.bootstrap import Services
from chalicelib.campaigns import Campaign, placeholders
from chalicelib.errors import (
    CampaignClosed,
    CampaignNotFound,
    IdempotencyConflict,
    InvalidResponse,
    RateLimited,
)
from chalicelib.i18n import formatting
from chalicelib.i18n.catalogs import translations_for, ui_locales
from chalicelib.i18n.negotiation import negotiate, parse_accept_language
from chalicelib.i18n.tags import babel_id, script
from chalicelib.variants.assignment import cookie_name
from chalicelib.variants.texts import in_variant
from chalicelib.web import answered, csrf
from chalicelib.web.configurator_form import configurator_form
from chalicelib.web.form_steps import advance, form_step, question_view
from chalicelib.web.http import (
    LOCALE_COOKIE,
    BadRequest,
    ErrorTable,
    Redirect,
    WebRequest,
    WebResponse,
    errors_answered,
)
from chalicelib.web.messages import field_message
from chalicelib.web.rendering import render
from chalicelib.web.theming import theme_view

STATIC_DIR = Path(__file__).with_name("static")
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_.:-]{8,128}$")
TOKEN_SOURCE = re.compile(r"^[A-Za-z0-9_.:-]{1,40}$")
SHARE_ID = re.compile(r"^[A-Za-z0-9_-]{8,32}$")
COOKIE_MAX_AGE = 365 * 24 * 3600


def campaign_path(locale: str, slug: str) -> str:
    return f"/{locale}/c/{slug}"


@cache
def language_name(locale: str) -> str:
    """The language's own name for itself, as a switcher shows it (हिन्दी, اردو)."""
    from babel import Locale

    name = Locale.parse(babel_id(locale)).get_display_name(babel_id(locale)) or locale
    return name[:1].upper() + name[1:]


def preferences(request: WebRequest, *first: str) -> list[str]:
    """What the customer asked for, best first: the URL, a remembered choice, the browser."""
    cookie = request.cookie(LOCALE_COOKIE)
    remembered = [cookie] if cookie else []
    return [*first, *remembered, *parse_accept_language(request.header("accept-language"))]


def served_locales(campaign: Campaign) -> tuple[str, ...]:
    """The campaign's locales this code can show: a version deployed from another tree may
    name a language whose UI catalog this package lacks, and that page is never a 500."""
    ui = ui_locales()
    return tuple(locale for locale in campaign.locales if locale in ui)


def serves(campaign: Campaign, locale: str) -> bool:
    return locale in served_locales(campaign)


def best_locale(campaign: Campaign, request: WebRequest, *first: str) -> str:
    served = served_locales(campaign)
    default = campaign.default_locale
    fallback = default if default in served or not served else served[0]
    return negotiate(preferences(request, *first), served) or fallback


def ui_locale(request: WebRequest, *first: str) -> str:
    return negotiate(preferences(request, *first), ui_locales()) or "en"


def alternates(campaign: Campaign, suffix: str = "") -> list[dict[str, str]]:
    return [
        {
            "locale": loc,
            "href": campaign_path(loc, campaign.slug) + suffix,
            "name": language_name(loc),
            "script": script(loc),
        }
        for loc in served_locales(campaign)
    ]


@dataclass(frozen=True)
class PageText:
    """A campaign's texts in one locale, with numbers, money and dates already formatted."""

    brand: str
    title: str
    intro: str
    thanks: str
    prize_text: str | None
    currency: str
    phone: str | None
    consent: dict[str, str] | None
    questions: list[dict[str, Any]]
    theme: dict[str, Any] | None = None  # the campaign's look (web/theming.py)


def page_text(campaign: Campaign, locale: str) -> PageText:
    prize_text = None
    if campaign.prize_text is not None and campaign.prize is not None:
        shown = {"amount": formatting.money(campaign.prize, campaign.currency, locale)}
        if campaign.ends_at is not None:
            shown["ends"] = formatting.long_date(campaign.ends_at, campaign.timezone, locale)
        prize_text = placeholders.fill(campaign.prize_text[locale], shown)
    consent = campaign.consent
    return PageText(
        brand=campaign.brand[locale],
        title=campaign.title[locale],
        intro=campaign.intro[locale],
        thanks=campaign.thanks[locale],
        prize_text=prize_text,
        currency=campaign.currency,
        phone=None if campaign.phone == "none" else campaign.phone,
        consent={"label": consent.label[locale], "notice": consent.notice[locale]}
        if consent
        else None,
        questions=[question_view(q, locale) for q in campaign.questions],
        theme=theme_view(campaign),
    )


def message_page(
    locale: str,
    heading: str,
    text: str,
    status: int = 200,
    *,
    base: str,
    links: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> WebResponse:
    """A short page that tells the customer one thing (not found, closed, too many…)."""
    body = render(
        "message.html", locale, base=base, alternates=links or [], heading=heading, text=text
    )
    return WebResponse.html(body, status, **(headers or {}))


def note_page(
    campaign: Campaign,
    locale: str,
    request: WebRequest,
    heading: str,
    texts: list[str],
    *,
    links: list[dict[str, str]],
    headers: dict[str, str],
    action: str | None = None,
    button: str | None = None,
) -> WebResponse:
    """A campaign's branded page that says what happens next (a share waiting for approval,
    a friend confirming their number), with a way back to the campaign."""
    body = render(
        "campaign_note.html",
        locale,
        base=request.base,
        page=page_text(campaign, locale),
        alternates=links,
        heading=heading,
        texts=texts,
        action=action,
        button=button,
        back=campaign_path(locale, campaign.slug),
    )
    return WebResponse.html(body, 200, **headers)


def not_found(request: WebRequest, *first: str) -> WebResponse:
    locale = ui_locale(request, *first)
    _ = translations_for(locale).gettext
    heading = _("Page not found")
    text = _("We could not find this campaign. Please check the link you were sent.")
    return message_page(locale, heading, text, 404, base=request.base)


def too_many(request: WebRequest, locale: str, wait: int) -> WebResponse:
    """429 in the customer's language, with Retry-After."""
    _ = translations_for(locale).gettext
    heading, text = _("Too many answers"), _("Please wait a few minutes and try again.")
    return message_page(
        locale,
        heading,
        text,
        429,
        base=request.base,
        headers={"Retry-After": str(wait), "Cache-Control": "no-store"},
    )


def bad_request(request: WebRequest, error: BadRequest, locale: str) -> WebResponse:
    _ = translations_for(locale).gettext
    if error.code == "too_large":
        heading, text, status = (
            _("Too much text"),
            _("Your answer is too long to send. Please shorten it."),
            413,
        )
    else:
        heading, text, status = (
            _("Something went wrong"),
            _("Your answer could not be read. Please try again."),
            400,
        )
    return message_page(locale, heading, text, status, base=request.base)


def _form_page(
    campaign: Campaign,
    locale: str,
    values: dict[str, str],
    errors: dict[str, str],
    status: int = 200,
    csrf_pair: tuple[str, str | None] = ("", None),
    *,
    base: str,
) -> WebResponse:
    body = render(
        "campaign.html",
        locale,
        base=base,
        page=page_text(campaign, locale),
        alternates=alternates(campaign),
        action=campaign_path(locale, campaign.slug),
        form_token=values.get("form_token") or uuid.uuid4().hex,
        source=values.get("src", "direct"),
        ref=values.get("ref", ""),
        design=configurator_form(campaign, locale, values),
        values=values,
        errors=errors,
        csrf=csrf_pair[0],
        step=form_step(campaign, values, errors),
    )
    cookie = f"{LOCALE_COOKIE}={locale}; Path=/; Max-Age={COOKIE_MAX_AGE}; SameSite=Lax"
    page = WebResponse.html(body, status, **{"Cache-Control": "no-store"})
    return replace(page, cookies=(cookie, *([csrf_pair[1]] if csrf_pair[1] else [])))


def csrf_pair(services: Services, request: WebRequest) -> tuple[str, str | None]:
    """The form's CSRF token for this browser, and the cookie to set if it has none yet."""
    value, set_cookie = csrf.cookie_of(request)
    return csrf.token_for(value, services.keys().link), set_cookie


def forbidden(request: WebRequest, locale: str) -> WebResponse:
    """A form without a valid CSRF token: from another site, or an old page."""
    _ = translations_for(locale).gettext
    heading = _("This form has expired")
    text = _("Please go back, reload the page and send it again.")
    return message_page(
        locale, heading, text, 403, base=request.base, headers={"Cache-Control": "no-store"}
    )


def preview_page(campaign: Campaign, locale: str, base: str = "") -> str:
    """The page as customers would see it, for ``samvad preview`` (nothing is stored)."""
    body = _form_page(campaign, locale, {"src": "preview"}, {}, base=base).body
    return body if isinstance(body, str) else body.decode("utf-8")


class FormAgain(Protocol):
    def __call__(
        self, errors: dict[str, str], status: int, *, new_token: bool = False
    ) -> WebResponse | None: ...


@dataclass
class PageCall:
    """What a page's view has found out so far: the page error table answers from it."""

    request: WebRequest
    locale: str | None = None
    """The path's locale; not checked against the campaign until ``offered_campaign``."""
    campaign: Campaign | None = None
    form: FormAgain | None = None
    """Shows the customer's form again with messages (``new_token``: as a new answer), once
    the view has read it."""

    @classmethod
    def at(cls, services: Services, locale: str, name: str, request: WebRequest, /) -> PageCall:
        """For views of ``/{locale}/…/{name}``."""
        return cls(request, locale)

    @classmethod
    def anywhere(cls, services: Services, name: str, request: WebRequest, /) -> PageCall:
        """For views whose path names no locale (``/c/{slug}``)."""
        return cls(request)

    @property
    def asked(self) -> tuple[str, ...]:
        return (self.locale,) if self.locale else ()

    @property
    def ui(self) -> str:
        """The locale of a message page: the path's if it has UI strings, else the best."""
        return ui_locale(self.request, *self.asked)


def _invalid(call: PageCall, error: InvalidResponse) -> WebResponse:
    locale = call.locale or call.ui
    translations = translations_for(locale)
    errors = {e.field: field_message(e, translations, locale) for e in error.errors}
    answer = call.form(errors, 422) if call.form is not None else None
    return answer or not_found(call.request, locale)


def _closed(call: PageCall, error: CampaignClosed) -> WebResponse:
    if call.campaign is None or call.locale is None:
        return not_found(call.request, *call.asked)
    return window_page(call.request, call.campaign, call.locale, error.window, status=409)


def _conflict(call: PageCall, error: IdempotencyConflict) -> WebResponse:
    """Sent before with other answers: the form again, as a new answer."""
    locale = call.locale or call.ui
    message = translations_for(locale).gettext(
        "This form was already sent with other answers. Please check them and send again."
    )
    answer = call.form({"form": message}, 409, new_token=True) if call.form else None
    return answer or not_found(call.request, locale)


PAGE_ERRORS: ErrorTable[PageCall] = ErrorTable(
    "HTML pages",
    {
        Redirect: lambda call, moved: WebResponse.redirect(moved.location, moved.status),
        CampaignNotFound: lambda call, _: not_found(call.request, *call.asked),
        BadRequest: lambda call, error: bad_request(call.request, error, call.ui),
        InvalidResponse: _invalid,
        CampaignClosed: _closed,
        RateLimited: lambda call, error: too_many(call.request, call.ui, error.retry_after),
        IdempotencyConflict: _conflict,
    },
)
"""The customers' pages: domain errors as pages in the customer's language."""


def offered_campaign(
    services: Services, call: PageCall, slug: str, *, suffix: str = "", status: int = 302
) -> Campaign:
    """The campaign the path names, in the path's locale. An unknown campaign is
    CampaignNotFound (a 404 page); a locale it does not offer, a Redirect to the same page
    (``suffix``) in the best locale it does."""
    campaign = services.campaign(slug)
    call.campaign = campaign
    if not served_locales(campaign):  # no catalog for any of its languages: nothing to show
        raise CampaignNotFound(slug)
    if call.locale is not None and not serves(campaign, call.locale):
        best = best_locale(campaign, call.request, call.locale)
        raise Redirect(campaign_path(best, slug) + suffix, status)
    return campaign


@errors_answered(PAGE_ERRORS, PageCall.at)
def campaign_page(
    call: PageCall, services: Services, locale: str, slug: str, request: WebRequest
) -> WebResponse:
    campaign = offered_campaign(services, call, slug)
    window = campaign.window(services.clock())
    if window != "open":
        return window_page(request, campaign, locale, window)
    source = source_of(request.query.get("src"))
    ref = share_ref(request.query.get("ref"))
    seen = request.cookie(VISITOR_COOKIE)
    campaign, variant_cookie = visitor_variant(services, campaign, request, seen)
    visitor = services.visits.visit(campaign, locale, source, ref, seen)
    values = {"src": source} if ref is None else {"src": source, "ref": ref}
    visitor_cookie = None
    if visitor is not None and visitor != seen:
        visitor_cookie = (
            f"{VISITOR_COOKIE}={visitor}; Path=/; Max-Age={COOKIE_MAX_AGE}; HttpOnly; SameSite=Lax"
        )
    pair = csrf_pair(services, request)
    page = _form_page(campaign, locale, values, {}, csrf_pair=pair, base=request.base)
    added = tuple(c for c in (visitor_cookie, variant_cookie) if c)
    return replace(page, cookies=(*page.cookies, *added)) if added else page


def visitor_variant(
    services: Services, campaign: Campaign, request: WebRequest, visitor: str | None
) -> tuple[Campaign, str | None]:
    """The campaign in the texts of the visitor's A/B variant (the one their cookie names, or
    one assigned by ``visitor``, a random id), and the cookie to set when it was assigned now.
    A campaign without variants: itself, and no cookie."""
    name = cookie_name(campaign.slug)
    assigned = services.variants.for_visitor(campaign, request.cookie(name), visitor)
    if assigned.cookie is None:
        return assigned.campaign, None
    cookie = f"{name}={assigned.cookie}; Path=/; Max-Age={COOKIE_MAX_AGE}; HttpOnly; SameSite=Lax"
    return assigned.campaign, cookie


VISITOR_COOKIE = "samvad_visitor"
"""A random id per browser, so a share's visits count each visitor once."""


def share_ref(raw: str | None) -> str | None:
    """A share id from a friend's link (``?ref=``), if it looks like one."""
    return raw if raw and SHARE_ID.match(raw) else None


def source_of(raw: str | None) -> str:
    """A link's ``?src=`` (poster-17, whatsapp) when it is a plain token, else ``direct``."""
    return raw if raw and TOKEN_SOURCE.match(raw) else "direct"


def window_page(
    request: WebRequest, campaign: Campaign, locale: str, window: str, status: int = 200
) -> WebResponse:
    """Before the start: "coming soon" with the date; after the end: "closed"."""
    _ = translations_for(locale).gettext
    page = page_text(campaign, locale)
    if window == "coming":
        assert campaign.starts_at is not None
        when = formatting.long_date(campaign.starts_at, campaign.timezone, locale)
        heading = _("Coming soon")
        text = _("This campaign opens on %(date)s. Please come back then.") % {"date": when}
    else:
        assert campaign.ends_at is not None
        when = formatting.long_date(campaign.ends_at, campaign.timezone, locale)
        heading = _("This campaign has ended")
        text = _(
            "It closed on %(date)s and no longer takes answers. Thank you for your interest."
        ) % {"date": when}
    return message_page(
        locale,
        f"{page.brand}: {heading}",
        text,
        status,
        base=request.base,
        links=alternates(campaign),
        headers={"Cache-Control": "no-store"},
    )


@errors_answered(PAGE_ERRORS, PageCall.anywhere)
def campaign_redirect(
    call: PageCall, services: Services, slug: str, request: WebRequest
) -> WebResponse:
    campaign = offered_campaign(services, call, slug)
    query = request.query.get("src")
    suffix = f"?src={query}" if query and TOKEN_PATTERN.match(query) else ""
    return WebResponse.redirect(campaign_path(best_locale(campaign, request), slug) + suffix)


@errors_answered(PAGE_ERRORS, PageCall.at)
def submit_form(
    call: PageCall, services: Services, locale: str, slug: str, request: WebRequest
) -> WebResponse:
    # 307 keeps the method and body: the answer goes to the page in an offered language.
    campaign = offered_campaign(services, call, slug, status=307)
    fields = request.form()
    if not csrf.valid(request, fields, services.keys().link_keys):
        return forbidden(request, locale)
    # Without the cookie (blocked, or no view first), the answer's own token assigns a variant.
    campaign, variant_cookie = visitor_variant(
        services, campaign, request, fields.get("form_token")
    )
    pair = csrf_pair(services, request)
    if fields.get("action") == "preview" and campaign.product is not None:
        # Without JavaScript, the form redraws the design.
        return _form_page(campaign, locale, fields, {}, csrf_pair=pair, base=request.base)
    token = fields.get("form_token", "")
    if not TOKEN_PATTERN.match(token):
        token = uuid.uuid4().hex
        fields["form_token"] = token

    def again(errors: dict[str, str], status: int, *, new_token: bool = False) -> WebResponse:
        if new_token:
            fields["form_token"] = uuid.uuid4().hex  # the next send is a new answer
        return _form_page(
            campaign, locale, fields, errors, status=status, csrf_pair=pair, base=request.base
        )

    call.form = again
    if fields.get("action") in ("next", "back"):  # the form in steps, without JavaScript
        fields["step"] = str(advance(campaign, fields))
        return again({}, 200)
    accepted = services.responses.accept(
        campaign,
        locale,
        fields,
        token,
        source=source_of(fields.get("src")),
        ref=share_ref(fields.get("ref")),
        client=request.client,
    )
    thanks = campaign_path(locale, slug) + "/thanks"
    kept = (variant_cookie,) if variant_cookie else ()
    if campaign.product is not None and campaign.sharing is not None:
        thanks += f"?d={accepted.response.id}"  # the design, ready to share
        # The id names the design; only this browser's cookie shows it and lets it be shared.
        cookie = answered.set_cookie(services, request, accepted.response.id)
        return replace(WebResponse.redirect(thanks, 303), cookies=(cookie, *kept))
    return replace(WebResponse.redirect(thanks, 303), cookies=kept)


def thanks_page(campaign: Campaign, locale: str, request: WebRequest) -> WebResponse:
    """The plain thank-you page (``shares.thanks`` serves the route: a design may come first),
    in the texts of the visitor's A/B variant."""
    campaign = in_variant(campaign, request.cookie(cookie_name(campaign.slug)))
    body = render(
        "thanks.html",
        locale,
        base=request.base,
        page=page_text(campaign, locale),
        alternates=alternates(campaign, "/thanks"),
        back=campaign_path(locale, campaign.slug),
    )
    return WebResponse.html(body)


def index_page(services: Services, request: WebRequest) -> WebResponse:
    locale = ui_locale(request)
    campaigns = [
        {
            "title": c.title.get(locale, c.title[c.default_locale]),
            "links": alternates(c),
        }
        for c in services.registry.all_published()
    ]
    body = render("index.html", locale, base=request.base, alternates=[], campaigns=campaigns)
    return WebResponse.html(body)


STATIC_TYPES = {
    "samvad.css": "text/css",
    "designer.js": "text/javascript",
    "share.js": "text/javascript",
}


def static_asset(name: str) -> WebResponse:
    kind = STATIC_TYPES.get(name)
    if kind is None:
        return WebResponse(404, "not found", {"Content-Type": "text/plain; charset=utf-8"})
    body = (STATIC_DIR / name).read_text(encoding="utf-8")
    return WebResponse(
        200,
        body,
        {"Content-Type": f"{kind}; charset=utf-8", "Cache-Control": "public, max-age=86400"},
    )
