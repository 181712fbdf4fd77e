"""Property-based tests (hypothesis) for the code that reads what customers send: locale
negotiation, text cleaning, form validation and the form page that echoes the input back.

Every test is bounded (``max_examples``) and derandomized, so CI sees the same examples on
every run and the whole file stays fast.
"""

from __future__ import annotations

import math
import re
import unicodedata
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import phonenumbers
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from chalicelib.campaigns import Campaign
from chalicelib.campaigns.loader import load_campaign_file
from chalicelib.errors import InvalidResponse
from chalicelib.i18n.catalogs import translations_for
from chalicelib.i18n.negotiation import negotiate, parse_accept_language
from chalicelib.responses.text import BIDI_CONTROLS, LINE_SEPARATORS, TextRejected, clean_text
from chalicelib.responses.validation import ValidAnswer, validate_answer
from chalicelib.web.http import WebRequest
from chalicelib.web.messages import field_message
from chalicelib.web.pages import _form_page, best_locale, preview_page

DEFINITIONS = Path(__file__).resolve().parents[2] / "chalicelib" / "campaigns" / "definitions"
BOUNDED = settings(
    max_examples=150,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
FEW = settings(BOUNDED, max_examples=60)


@cache
def wishlist() -> Campaign:
    return load_campaign_file(DEFINITIONS / "wishlist.yaml")


# --- strategies ---------------------------------------------------------------------------

VIRAMA = "\u094d"
ZWJ, ZWNJ = "\u200d", "\u200c"
TRICKY = [
    ZWJ,
    ZWNJ,
    VIRAMA,
    "\u093c",  # nukta
    "\u0915",  # क
    "\u0937",  # ष
    "\u0928",  # न
    "\u0645",  # م (Arabic letter)
    "\u06cc",  # ی
    "\u0301",  # combining acute
    "e",
    " ",
    "\u00a0",
    "\u3000",
    "\t",
    "\n",
    "\r",
    "\x00",
    "\x1b",
    "\x85",
    "\u2028",
    "\u2029",
    "\u200b",  # zero-width space
    "\u00ad",  # soft hyphen
    "\ufeff",  # BOM
    "\u200e",
    "\u200f",
    "\u061c",
    "\ufe0f",
    "\U0001f525",  # 🔥
    "\u2764",  # ❤
    "\u2640",
    "\ue000",  # private use
    "<",
    ">",
    "&",
    '"',
    "'",
    *sorted(BIDI_CONTROLS),
]
CHARS = st.one_of(
    st.characters(exclude_categories=["Cs"]),
    st.characters(min_codepoint=0x0900, max_codepoint=0x097F),  # Devanagari
    st.characters(min_codepoint=0x0600, max_codepoint=0x06FF),  # Arabic
    st.characters(categories=["Mn", "Mc", "Cf", "Zs", "Cc"]),
    st.sampled_from(TRICKY),
)
TEXT = st.text(CHARS, max_size=40)


# --- 1. locale negotiation ----------------------------------------------------------------

OFFERED_POOL = ["en", "hi", "ur", "fr", "ta", "bn"]
TAG_POOL = ["en", "EN-us", "en-GB", "hi", "hi-IN", "HI-in", "ur", "ur-PK", "fr-CA", "de", "ta-IN"]
BOGUS_Q = ["", "abc", "-1", "-0.5", "2", "1.5", "1e400", "nan", "inf", "-inf", "0", "0.000"]


@st.composite
def weighted_entries(draw: st.DrawFn) -> list[tuple[str, str | None, float]]:
    """(tag, the q text or None, the quality a reader of RFC 9110 would give it)."""
    entries = []
    for _ in range(draw(st.integers(0, 6))):
        tag = draw(st.sampled_from(TAG_POOL))
        kind = draw(st.sampled_from(["none", "valid", "bogus"]))
        if kind == "none":
            entries.append((tag, None, 1.0))
        elif kind == "valid":
            milli = draw(st.integers(0, 1000))
            entries.append((tag, f"{milli / 1000:g}", milli / 1000))
        else:
            entries.append((tag, draw(st.sampled_from(BOGUS_Q)), 0.0))
    return entries


def header_of(entries: list[tuple[str, str | None, float]], spaces: str) -> str:
    parts = [tag if q is None else f"{tag}{spaces};{spaces}q={q}" for tag, q, _ in entries]
    return f",{spaces}".join(parts)


@BOUNDED
@given(st.one_of(st.none(), st.text(), st.text(st.sampled_from(list(",;=q*- .0123456789enhi")))))
@example("*")
@example("")
@example(",,,;;;q=;=")
@example("hi;q=1e999999, en;q=nan, *;q=1")
@example("x" * 36)
def test_any_accept_language_parses_to_clean_tags(header: str | None) -> None:
    tags = parse_accept_language(header)

    assert all(isinstance(tag, str) for tag in tags)
    for tag in tags:
        assert tag
        assert tag == tag.strip()
        assert tag != "*"
        assert len(tag) <= 35
        assert "," not in tag
        assert ";" not in tag


@BOUNDED
@given(st.lists(st.sampled_from([*TAG_POOL, "*"]), max_size=4), st.text(max_size=30))
def test_any_preference_negotiates_to_an_offered_locale_or_none(
    tags: list[str], garbage: str
) -> None:
    for preferred in ([*tags, garbage], [garbage, *tags], parse_accept_language(garbage)):
        for offered in (["en", "hi", "ur"], ["hi"], []):
            chosen = negotiate(preferred, offered)
            assert chosen is None or chosen in offered


@BOUNDED
@given(weighted_entries(), st.sampled_from(["", " ", "  "]))
def test_q_values_order_the_tags_and_q0_or_bogus_drops_them(
    entries: list[tuple[str, str | None, float]], spaces: str
) -> None:
    positive = [(tag, quality) for tag, _, quality in entries if quality > 0]
    # Highest quality first; equal qualities keep the header's order (a stable sort).
    expected = [tag for tag, _ in sorted(positive, key=lambda pair: -pair[1])]

    assert parse_accept_language(header_of(entries, spaces)) == expected


@BOUNDED
@given(weighted_entries(), st.lists(st.sampled_from(OFFERED_POOL), unique=True, max_size=4))
def test_negotiation_picks_the_best_acceptable_offered_language(
    entries: list[tuple[str, str | None, float]], offered: list[str]
) -> None:
    chosen = negotiate(parse_accept_language(header_of(entries, " ")), offered)

    acceptable = [
        (quality, index, tag.split("-")[0].lower())
        for index, (tag, _, quality) in enumerate(entries)
        if quality > 0 and tag.split("-")[0].lower() in offered
    ]
    if not acceptable:
        assert chosen is None  # never a language the customer gave q=0 or did not name
    else:
        best = max(quality for quality, _, _ in acceptable)
        assert chosen == min((i, lang) for q, i, lang in acceptable if q == best)[1]


@BOUNDED
@given(
    accept=st.one_of(st.none(), st.text(max_size=60)),
    cookie=st.one_of(st.none(), st.text(max_size=40)),
    first=st.lists(st.text(max_size=12), max_size=2),
)
def test_best_locale_is_always_one_the_campaign_offers(
    accept: str | None, cookie: str | None, first: list[str]
) -> None:
    headers = {}
    if accept is not None:
        headers["accept-language"] = accept
    if cookie is not None:
        headers["cookie"] = f"samvad_locale={cookie}"
    campaign = wishlist()

    assert best_locale(campaign, WebRequest(headers=headers), *first) in campaign.locales


def test_q0_excludes_a_language_even_when_offered() -> None:
    assert negotiate(parse_accept_language("hi;q=0, en;q=0.1"), ["hi", "en"]) == "en"
    assert negotiate(parse_accept_language("hi;q=0"), ["hi", "en"]) is None


# --- 2. text cleaning ---------------------------------------------------------------------

REJECTION_CODES = {"bidi_controls", "control_characters", "too_long", "too_many_bytes"}


def allowed(char: str, multiline: bool) -> bool:
    category = unicodedata.category(char)
    if char in BIDI_CONTROLS or char in LINE_SEPARATORS or category in {"Cs", "Co", "Cn"}:
        return False
    if category == "Cc":
        return multiline and char in "\n\t"
    return True


@BOUNDED
@given(
    raw=TEXT,
    max_chars=st.integers(1, 60),
    bytes_per_char=st.integers(1, 4),
    multiline=st.booleans(),
)
@example(raw="\u0915\u094d\u200d", max_chars=10, bytes_per_char=4, multiline=False)
@example(raw="e\u200b\u0301", max_chars=10, bytes_per_char=4, multiline=False)
def test_clean_text_rejects_with_a_code_or_returns_safe_nfc_text(
    raw: str, max_chars: int, bytes_per_char: int, multiline: bool
) -> None:
    limits = {"max_chars": max_chars, "max_bytes": max_chars * bytes_per_char}
    try:
        text = clean_text(raw, multiline=multiline, **limits)
    except TextRejected as exc:
        rejected: TextRejected | None = exc
    else:
        rejected = None
    if rejected is not None:
        assert rejected.code in REJECTION_CODES
        if rejected.code == "bidi_controls":
            assert any(char in BIDI_CONTROLS for char in raw)
        return

    assert not any(char in BIDI_CONTROLS for char in raw)  # never silently dropped
    assert text == unicodedata.normalize("NFC", text)
    assert len(text) <= max_chars
    assert len(text.encode("utf-8")) <= limits["max_bytes"]
    assert all(allowed(char, multiline) for char in text)
    assert text == text.strip()
    if not multiline:
        assert text == " ".join(text.split())
    assert clean_text(text, multiline=multiline, **limits) == text  # idempotent


@BOUNDED
@given(st.text(st.characters(min_codepoint=0x0900, max_codepoint=0x097F), max_size=30))
def test_plain_devanagari_is_kept_up_to_nfc_and_whitespace(raw: str) -> None:
    text = clean_text(raw, max_chars=200, max_bytes=800, multiline=True)

    assert text == unicodedata.normalize("NFC", raw).strip()


# --- 3. form validation -------------------------------------------------------------------

FIELD_NAMES = ["product", "reason", "phone", "consent", "form_token", "src", "name", "x"]
OPTION_IDS = ["pressure-cooker", "mixer-grinder", "tawa", "air-fryer"]
PHONES = ["9876543210", "098765 43210", "+91 98765 43210", "+447911123456", "12", "+1", "٩٨٧"]
E164 = re.compile(r"^\+[1-9][0-9]{1,14}$")
KNOWN_CODES = {
    "required",
    "invalid_choice",
    "too_long",
    "too_many_bytes",
    "control_characters",
    "bidi_controls",
    "phone_invalid",
    "phone_needs_consent",
    "consent_needs_phone",
}
FIELD_VALUES = st.one_of(
    TEXT,
    st.text(CHARS, min_size=480, max_size=520),
    st.sampled_from(OPTION_IDS + PHONES + ["", "yes", "on", "true", "no", " tawa "]),
)
FIELDS = st.dictionaries(st.one_of(st.sampled_from(FIELD_NAMES), st.text(max_size=8)), FIELD_VALUES)


@FEW
@given(FIELDS)
@example({"product": "tawa", "phone": "9876543210", "consent": "yes"})
@example({"product": "tawa", "phone": "9876543210"})
@example({"product": "tawa", "consent": "on"})
@example({"product": "\u202etawa"})
def test_validate_answer_returns_clean_answers_or_names_real_fields(
    fields: dict[str, str],
) -> None:
    campaign = wishlist()
    questions = {q.id: q for q in campaign.questions}
    try:
        valid = validate_answer(campaign, fields)
    except InvalidResponse as exc:
        invalid: InvalidResponse | None = exc
    else:
        invalid = None
    if invalid is not None:
        assert invalid.errors
        for error in invalid.errors:
            assert error.field in {*questions, "phone", "consent"}
            assert error.code in KNOWN_CODES
            for locale in campaign.locales:
                assert field_message(error, translations_for(locale), locale)
        return

    assert isinstance(valid, ValidAnswer)
    assert set(valid.answers) <= set(questions)
    assert valid.answers.get("product") in {o.id for o in questions["product"].options}
    for question_id, answer in valid.answers.items():
        assert answer == clean_text(
            answer, max_chars=questions[question_id].max_length, max_bytes=2000, multiline=True
        )
    if valid.phone is not None:
        assert E164.match(valid.phone)
        assert phonenumbers.is_valid_number(phonenumbers.parse(valid.phone))
        assert valid.consent  # a number is kept only with consent


# --- 4. rendering -------------------------------------------------------------------------


class FormReader(HTMLParser):
    """The values a browser would submit back: inputs by name, textareas by name."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.inputs: dict[str, str] = {}
        self.textareas: dict[str, str] = {}
        self._textarea: str | None = None
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        named = dict(attrs)
        if tag == "input" and named.get("type") in {"hidden", "tel"} and named.get("name"):
            self.inputs[str(named["name"])] = named.get("value") or ""
        if tag == "textarea":
            self._textarea = named.get("name") or ""
            self.textareas[self._textarea] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self.textareas[self._textarea] += data


def form_page(campaign: Campaign, locale: str, values: dict[str, str], error: str) -> str:
    """The form with the customer's input, as the 422 answer to a form post draws it."""
    errors = {"reason": error, "phone": error} if error else {}
    body = _form_page(campaign, locale, dict(values), errors, status=422, base="").body
    return body if isinstance(body, str) else body.decode("utf-8")


INPUT_TEXT = st.text(st.one_of(CHARS, st.sampled_from(list("<>&\"'/=!-[]`"))), max_size=40)


@FEW
@given(
    locale=st.sampled_from(["en", "hi", "ur"]),
    reason=INPUT_TEXT,
    phone=INPUT_TEXT,
    token=INPUT_TEXT,
    src=INPUT_TEXT,
    ref=INPUT_TEXT,
    error=INPUT_TEXT,
)
@example(
    locale="hi",
    reason="</textarea><script>alert(1)</script>",
    phone='"><img src=x onerror=alert(1)>',
    token="' autofocus onfocus='x",
    src="&lt;already-escaped&gt;",
    ref="{{ 7*7 }}{% raw %}",
    error="<b>bold</b>",
)
def test_form_page_echoes_any_input_escaped_and_intact(
    locale: str, reason: str, phone: str, token: str, src: str, ref: str, error: str
) -> None:
    campaign = wishlist()
    values = {"reason": reason, "phone": phone, "form_token": token, "src": src, "ref": ref}

    page = form_page(campaign, locale, values, error)
    baseline = form_page(
        campaign,
        locale,
        {name: "v" if value else "" for name, value in values.items()},
        "e" if error else "",
    )

    # Nothing from the input became markup: the same tags as with harmless input ...
    reader, plain = FormReader(), FormReader()
    reader.feed(page)
    plain.feed(baseline)
    assert reader.tags == plain.tags
    assert page.count("<") == baseline.count("<")
    # ... and a browser reads back exactly what was typed.
    assert reader.textareas["reason"] == reason
    assert reader.inputs["phone"] == phone
    if token:
        assert reader.inputs["form_token"] == token
    else:
        assert reader.inputs["form_token"]  # a fresh one
    assert reader.inputs["src"] == src
    if ref:
        assert reader.inputs["ref"] == ref
    page.encode("utf-8")  # no lone surrogates or other unencodable text


@pytest.mark.parametrize("locale", ["en", "hi", "ur"])
def test_preview_page_renders_in_every_locale(locale: str) -> None:
    page = preview_page(wishlist(), locale)

    reader = FormReader()
    reader.feed(page)
    assert f'lang="{locale}"' in page
    assert reader.inputs["src"] == "preview"


def test_huge_q_value_is_not_infinite_preference() -> None:
    assert math.isinf(float("1e400"))
    assert parse_accept_language("hi;q=1e400, en") == ["en"]
