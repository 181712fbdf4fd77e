"""Locale negotiation, Babel formatting, and gettext catalogs that really translate."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from gettext import c2py
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from babel.support import Translations

from chalicelib.i18n.catalogs import CATALOG_DIR, MissingCatalog, translations_for, ui_locales
from chalicelib.i18n.formatting import long_date, money, number
from chalicelib.i18n.negotiation import negotiate, parse_accept_language, text_direction
from chalicelib.i18n.tags import babel_id

LOCALES_DIR = Path("locales")
PYTHON_FORMAT = re.compile(r"%\(\w+\)s")
TRANSLATED = sorted(
    p.parent.parent.name
    for p in LOCALES_DIR.glob("*/LC_MESSAGES/messages.po")
    if p.parent.parent.name != "en"
)


def read_catalog(locale: str) -> Catalog:
    with (LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as fp:
        return read_po(fp, locale=locale)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("hi-IN,hi;q=0.9,en;q=0.8", ["hi-IN", "hi", "en"]),
        ("en;q=0.5, hi-IN, fr;q=0", ["hi-IN", "en"]),
        ("fr;q=0.8, en;q=0.9, ur", ["ur", "en", "fr"]),
        ("en, hi", ["en", "hi"]),  # equal weights keep the header's order
        ("*, de;q=abc, ta; q=0.3", ["ta"]),
        ("en;q=1.5", []),
        ("", []),
        (None, []),
    ],
)
def test_parse_accept_language(header: str | None, expected: list[str]) -> None:
    assert parse_accept_language(header) == expected


@pytest.mark.parametrize(
    ("preferred", "expected"),
    [
        (["hi-IN"], "hi"),
        (["hi_IN"], "hi"),
        (["en-GB"], "en"),
        (["fr", "hi-IN", "en"], "hi"),
        (["de", "fr"], None),
        (["not a tag"], None),
        ([], None),
    ],
)
def test_negotiate(preferred: list[str], expected: str | None) -> None:
    assert negotiate(preferred, ["en", "hi"]) == expected


def test_q_zero_takes_a_language_out_of_negotiation() -> None:
    assert negotiate(parse_accept_language("hi;q=0, en;q=0.1"), ["en", "hi"]) == "en"


@pytest.mark.parametrize(("locale", "direction"), [("ur", "rtl"), ("ar", "rtl"), ("hi", "ltr")])
def test_text_direction(locale: str, direction: str) -> None:
    assert text_direction(locale) == direction


@pytest.mark.parametrize(
    ("value", "locale", "expected"),
    [
        (Decimal("1234567.5"), "hi", "12,34,567.5"),
        (Decimal("1234567.5"), "en", "1,234,567.5"),
        (1000, "hi", "1,000"),
    ],
)
def test_number(value: Decimal | int, locale: str, expected: str) -> None:
    assert number(value, locale) == expected


@pytest.mark.parametrize(
    ("locale", "expected"), [("hi", "₹12,34,567.50"), ("en_IN", "₹12,34,567.50")]
)
def test_money_uses_the_rupee_sign_and_indian_grouping(locale: str, expected: str) -> None:
    assert money(Decimal("1234567.5"), "INR", locale) == expected


# Literal on purpose: the tests of the sample campaigns take their end date from Babel
# (tests/samples.py), so this is where the locales' own way of writing a date is checked.
@pytest.mark.parametrize(
    ("locale", "expected"),
    [("en", "December 31, 2026"), ("hi", "31 दिसंबर 2026"), ("ur", "31 دسمبر، 2026")],
)
def test_long_date_is_written_as_the_locale_writes_it(locale: str, expected: str) -> None:
    ends = datetime.fromisoformat("2026-12-31T23:59:00+05:30")
    assert long_date(ends, "Asia/Kolkata", locale) == expected


def test_long_date_is_the_date_in_the_campaign_time_zone() -> None:
    ends = datetime.fromisoformat("2026-12-31T20:00:00+00:00")  # already 1 January in India
    assert "दिसंबर" in long_date(ends, "UTC", "hi")
    assert long_date(ends, "Asia/Kolkata", "hi") == "1 जनवरी 2027"
    assert long_date(ends, "Asia/Kolkata", "en") == "January 1, 2027"


def test_ui_locales_start_with_the_source_language() -> None:
    assert ui_locales()[0] == "en"
    assert set(TRANSLATED) <= {babel_id(tag) for tag in ui_locales()}


def test_unknown_locale_has_no_catalog() -> None:
    with pytest.raises(MissingCatalog):
        translations_for("xx")


def test_hindi_catalog_translates() -> None:
    hindi = translations_for("hi")
    assert hindi.gettext("Language") == "भाषा"
    assert hindi.ngettext("At most %(num)s character.", "At most %(num)s characters.", 5) == (
        "ज़्यादा से ज़्यादा %(num)s अक्षर।"
    )


def test_urdu_catalog_translates_with_both_plural_forms() -> None:
    urdu = translations_for("ur")
    assert isinstance(urdu, Translations)
    assert urdu.gettext("Language") == "زبان"
    assert urdu.gettext("Send my answer") == "میرا جواب بھیجیں"
    singular, plural = "At most %(num)s character.", "At most %(num)s characters."
    assert urdu.ngettext(singular, plural, 1) == "زیادہ سے زیادہ %(num)s حرف۔"
    assert urdu.ngettext(singular, plural, 500) == "زیادہ سے زیادہ %(num)s حروف۔"


def test_urdu_is_a_ui_locale_negotiated_from_regional_tags() -> None:
    assert "ur" in ui_locales()
    assert negotiate(["ur-PK"], ["en", "hi", "ur"]) == "ur"
    assert negotiate(["ur_IN", "hi"], ["en", "hi", "ur"]) == "ur"


@pytest.mark.parametrize("locale", TRANSLATED)
def test_translations_keep_their_placeholders(locale: str) -> None:
    for message in read_catalog(locale):
        if not message.id:
            continue
        source = message.id[0] if isinstance(message.id, tuple) else message.id
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in strings:
            assert PYTHON_FORMAT.findall(text) == PYTHON_FORMAT.findall(source), text


@pytest.mark.parametrize("locale", TRANSLATED)
def test_every_translation_comes_out_of_the_compiled_catalog(locale: str) -> None:
    translations = translations_for(locale)
    assert isinstance(translations, Translations)  # not Babel's silent NullTranslations
    checked = 0
    catalog = read_catalog(locale)
    form_of = c2py(catalog.plural_expr)  # the catalog's own rule: 1 (sa), 2 or 3 (sat) forms
    for message in catalog:
        if not message.id:
            continue
        if message.pluralizable:
            singular, plural = message.id
            forms = [translations.ngettext(singular, plural, n) for n in range(6)]
            assert forms == [message.string[form_of(n)] for n in range(6)], message.id
        else:
            assert translations.gettext(message.id) == message.string, message.id
        checked += 1
    assert checked > 10


@pytest.mark.parametrize("locale", TRANSLATED)
def test_po_files_are_fully_translated_and_compiled(locale: str) -> None:
    catalog = read_catalog(locale)
    untranslated = [
        m.id
        for m in catalog
        if m.id and (m.fuzzy or not (all(m.string) if isinstance(m.string, tuple) else m.string))
    ]
    assert untranslated == []
    assert (CATALOG_DIR / locale / "LC_MESSAGES" / "messages.mo").is_file()


def test_the_po_files_translate_the_same_messages_as_the_template() -> None:
    with (LOCALES_DIR / "messages.pot").open("rb") as fp:
        template = {m.id for m in read_po(fp) if m.id}
    for locale in TRANSLATED:
        assert {m.id for m in read_catalog(locale) if m.id} == template, locale
