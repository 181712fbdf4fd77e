"""What the schema cannot say about a campaign: every text in every locale, placeholders a text
may use, unique ids, a real time zone and window, consent for a phone number, the product and
the countries. The follow-up and SMS rules are in ``followup_checks``.

Each check takes the document (to report at the right line) and its data, which passed the
schema. Babel and phonenumbers are imported by the first check, not with this module.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from chalicelib.campaigns import placeholders
from chalicelib.campaigns.document import Document, Path_
from chalicelib.campaigns.followup_checks import check_followups
from chalicelib.campaigns.product_checks import check_layers
from chalicelib.campaigns.question_checks import OPTION_TYPES, check_question_types
from chalicelib.campaigns.variant_checks import check_variants
from chalicelib.i18n.catalogs import ui_locales
from chalicelib.i18n.tags import babel_id

URL = re.compile(r"\bhttps?://[^\s<>\"']+", re.IGNORECASE)
# Names a marketer's text may use, by where the text is shown.
PLACEHOLDERS = {
    "prize.text": {"amount", "ends"},
    "sharing.share_text": {"brand", "link", "name"},
    "replies.template": {"brand", "text"},
}
# A follow-up may also use each choice question's answer, {<id>} and {<id>_price}.
FOLLOWUP_PLACEHOLDERS = {
    "brand",
    "ends",
    "days_left",
    "link",
    "unsubscribe",
    "reward",
    "count",
    "confirm",  # the signed link a referred friend opens (trigger: referred)
    "share_link",  # the sharer's share page (trigger: share_approved)
}
# Localized values that are not prose: complete per locale, but no placeholders checked.
VERBATIM = {"dlt_registered", "dlt_template_id"}
LOCALIZED_KEYS = {
    *("brand", "title", "intro", "thanks", "label", "hint", "notice", "text"),
    *("min_label", "max_label"),
    *("share_text", "template", *VERBATIM),
}
RESERVED_FIELD_IDS = {"phone", "consent", "form_token", "locale", "src", "preview"}
# Marketers write plain text; template syntax is refused, never evaluated.
TEMPLATE_SYNTAX = re.compile(r"\{\{|\{%|\{#(?!var#\}|url#\})|\$\{")

Check = Callable[[Document, dict[str, Any]], None]


def _texts(data: Any, path: Path_ = ()) -> Iterator[tuple[Path_, Mapping[str, str]]]:
    """Every localized text in a definition, with its path."""
    if isinstance(data, dict):
        key = path[-1] if path else None
        if key in LOCALIZED_KEYS:
            yield path, data
            return
        for k, v in data.items():
            yield from _texts(v, (*path, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _texts(v, (*path, i))


def _link_problem(link: str) -> str | None:
    """Why a link in a marketer's text would fail a customer, or None.

    >>> _link_problem("http://kavyahome.example/offer"), _link_problem("https://x")
    ('links must use https', 'not a link to a web address')
    """
    parts = urlsplit(link)
    if parts.scheme != "https":
        return "links must use https"
    if "." not in parts.netloc or parts.netloc.startswith("."):
        return "not a link to a web address"
    return None


def _unservable(locale: str) -> str | None:
    """Why pages could not be served in ``locale`` by this code, or None. They need the UI
    strings' catalog and Babel's data; the package carries Babel's data for exactly the locales
    in use (samvad_cli/build.py), so a deployed function may know the language but lack both.
    """
    from babel import Locale, UnknownLocaleError
    from babel.core import get_global

    try:
        Locale.parse(babel_id(locale))
        data = True
    except (UnknownLocaleError, ValueError):
        data = False
        if locale.partition("_")[0].partition("-")[0] not in get_global("likely_subtags"):
            return f"{locale!r} is not a CLDR locale"
    if "_" in locale:
        return f"{locale!r}: write the BCP 47 tag {locale.replace('_', '-')!r}"
    if locale not in ui_locales():
        return (
            f"{locale!r} cannot be served: no UI translation "
            f"(locales/{babel_id(locale)}/LC_MESSAGES/messages.po, compiled by make i18n); "
            "README, Languages: how to add one"
        )
    if not data:
        return f"{locale!r} cannot be served: this package has no Babel data for it"
    return None


def _check_locales(doc: Document, data: dict[str, Any]) -> None:
    locales: list[str] = data["locales"]
    for locale in locales:
        problem = _unservable(locale)
        if problem:
            doc.problem(("locales",), problem)
    if data["default_locale"] not in locales:
        doc.problem(("default_locale",), f"{data['default_locale']!r} is not in locales")


def _check_plain_text(doc: Document, at: Path_, text: str, allowed: set[str]) -> None:
    """A marketer's text: https links, no template syntax, only the placeholders ``allowed``."""
    for link in URL.findall(text):
        problem = _link_problem(link)
        if problem:
            doc.problem(at, f"{problem}: {link}")
    if TEMPLATE_SYNTAX.search(text):
        doc.problem(at, "template syntax is not allowed: texts are plain text")
        return
    names = placeholders.names(text)
    if names is None:
        doc.problem(at, "only plain {name} placeholders are allowed")
    elif names - allowed:
        unknown = ", ".join(sorted(names - allowed))
        doc.problem(at, f"unknown placeholder {{{unknown}}}")


def _check_texts(doc: Document, data: dict[str, Any]) -> None:
    """Each text in exactly the campaign's locales, each version plain text."""
    locales: list[str] = data["locales"]
    followup_names = FOLLOWUP_PLACEHOLDERS | {
        name
        for q in data["questions"]
        if q["type"] in ("choice", "single_choice", "dropdown")
        for name in (q["id"], f"{q['id']}_price")
    }
    for path, text in _texts(data):
        for locale in locales:
            if locale not in text:
                doc.problem(path, f"missing the {locale!r} text")
        for locale in text:
            if locale not in locales:
                doc.problem((*path, locale), f"{locale!r} is not one of the campaign's locales")
        if path[-1] in VERBATIM:
            continue
        rules = path[2:] if path[0] == "variants" else path  # a variant's text: as the campaign's
        where = ".".join(str(p) for p in rules)
        allowed = followup_names if rules[0] == "followups" else PLACEHOLDERS.get(where, set())
        for locale, value in text.items():
            variants = value.items() if isinstance(value, dict) else [(None, value)]
            for variant, variant_text in variants:
                at = (*path, locale) if variant is None else (*path, locale, variant)
                _check_plain_text(doc, at, variant_text, allowed)


def _check_questions(doc: Document, data: dict[str, Any]) -> None:
    seen: set[str] = set()
    for i, question in enumerate(data["questions"]):
        qid = question["id"]
        if qid in seen or qid in RESERVED_FIELD_IDS:
            doc.problem(("questions", i, "id"), f"{qid!r} is used twice or reserved")
        seen.add(qid)
        options = question.get("options", [])
        if question["type"] in OPTION_TYPES and len(options) < 2:
            doc.problem(("questions", i, "options"), "a choice needs at least two options")
        if question["type"] not in OPTION_TYPES and options:
            kind = question["type"]
            doc.problem(("questions", i, "options"), f"a {kind} question has no options")
        ids = [o["id"] for o in options]
        for j, oid in enumerate(ids):
            if oid in ids[:j]:
                doc.problem(("questions", i, "options", j, "id"), f"{oid!r} is used twice")


def _check_timezone(doc: Document, data: dict[str, Any]) -> None:
    try:
        ZoneInfo(data.get("timezone", "Asia/Kolkata"))
    except (ZoneInfoNotFoundError, ValueError):
        doc.problem(("timezone",), "not an IANA time zone such as Asia/Kolkata")


def _window_readable(doc: Document, data: dict[str, Any]) -> bool:
    """starts_at before ends_at; False where either cannot be read as a moment."""
    window = {}
    for key in ("starts_at", "ends_at"):
        if key in data:
            try:
                window[key] = datetime.fromisoformat(data[key])
            except (TypeError, ValueError):
                # The schema's date-time format says so too, where its checker is installed.
                doc.problem((key,), "not a date and time such as 2027-03-31T23:59:00+05:30")
                return False
            if window[key].tzinfo is None:
                doc.problem((key,), "needs a UTC offset, e.g. +05:30")
                return False
    if len(window) == 2 and window["starts_at"] >= window["ends_at"]:
        doc.problem(("ends_at",), "must be after starts_at")
    return True


def _check_consent(doc: Document, data: dict[str, Any]) -> None:
    if data.get("phone", "none") != "none" and "consent" not in data:
        doc.problem(("consent",), "a campaign that asks for a phone number must ask for consent")


def _check_product(doc: Document, data: dict[str, Any]) -> None:
    product = data.get("product")
    if product is None:
        if "sharing" in data:
            doc.problem(("sharing",), "sharing needs a product to design")
        return
    groups = [g["id"] for g in product["groups"]]
    for i, group in enumerate(product["groups"]):
        if group["id"] in groups[:i] or group["id"] in RESERVED_FIELD_IDS:
            doc.problem(
                ("product", "groups", i, "id"), f"{group['id']!r} is used twice or reserved"
            )
        ids = [o["id"] for o in group["options"]]
        for j, option in enumerate(group["options"]):
            at: Path_ = ("product", "groups", i, "options", j)
            if option["id"] in ids[:j]:
                doc.problem((*at, "id"), f"{option['id']!r} is used twice")
    check_layers(doc, product)
    sharing = data.get("sharing", {})
    if ("reward_threshold" in sharing) != ("reward" in sharing):
        doc.problem(("sharing",), "reward_threshold and reward go together")


def _check_countries(doc: Document, data: dict[str, Any]) -> None:
    import phonenumbers

    for field in ("phone_region", "sms_countries"):
        value = data.get(field, [])
        for i, code in enumerate([value] if isinstance(value, str) else value):
            if code not in phonenumbers.SUPPORTED_REGIONS:
                at: Path_ = (field,) if isinstance(value, str) else (field, i)
                doc.problem(at, f"{code!r} is not a country with phone numbers (ISO 3166 code)")


BEFORE_THE_WINDOW: tuple[Check, ...] = (
    _check_locales,
    _check_texts,
    _check_questions,
    check_question_types,
    _check_timezone,
)
AFTER_THE_WINDOW: tuple[Check, ...] = (
    _check_consent,
    check_followups,
    _check_product,
    _check_countries,
    check_variants,
)


def check_semantics(doc: Document, data: dict[str, Any]) -> None:
    """Every check, in this order (problems on one line keep it); a campaign window that
    cannot be read ends the checks there."""
    for check in BEFORE_THE_WINDOW:
        check(doc, data)
    if not _window_readable(doc, data):
        return
    for check in AFTER_THE_WINDOW:
        check(doc, data)
