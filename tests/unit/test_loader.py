"""Campaign definitions: the sample loads; each mistake names its file, line and field."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from chalicelib.campaigns.loader import load_campaign_file, load_campaigns
from chalicelib.errors import DefinitionProblem, InvalidCampaignDefinition

DEFINITIONS = Path("chalicelib/campaigns/definitions")
WISHLIST = (DEFINITIONS / "wishlist.yaml").read_text(encoding="utf-8")


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
    with pytest.raises(InvalidCampaignDefinition) as caught:
        load_campaign_file(path)
    return caught.value.problems


def test_the_sample_campaign_loads() -> None:
    campaign = load_campaign_file(DEFINITIONS / "wishlist.yaml")
    assert campaign.slug == "wishlist"
    assert campaign.locales == ("en", "hi")
    assert campaign.default_locale == "en"
    assert campaign.title["hi"] == "हम आपकी रसोई के लिए आगे क्या बनाएँ?"
    assert [q.id for q in campaign.questions] == ["product", "reason"]
    tawa = campaign.questions[0].option("tawa")
    assert tawa is not None
    assert tawa.price == Decimal("899")
    assert campaign.prize == Decimal("1234567.5")
    assert campaign.ends_at == datetime.fromisoformat("2026-12-31T23:59:00+05:30")
    assert campaign.thank_you_sms is not None
    assert campaign.thank_you_sms.dlt_template_id == "1107161234567890123"


def test_every_definition_in_the_folder_loads() -> None:
    assert "wishlist" in load_campaigns(DEFINITIONS)


def test_missing_translation_points_at_the_text(tmp_path: Path) -> None:
    text = edited("  hi: हम आपकी रसोई के लिए आगे क्या बनाएँ?\n", "")
    assert problems_of(tmp_path, text) == [
        DefinitionProblem(
            "wishlist.yaml",
            line_of(text, "  en: What should we make"),
            "title",
            "missing the 'hi' text",
        )
    ]


def test_missing_translation_in_a_question_names_its_path(tmp_path: Path) -> None:
    text = edited("      hi: हमें आगे कौन-सा उत्पाद बनाना चाहिए?\n", "")
    [problem] = problems_of(tmp_path, text)
    assert (problem.line, problem.field) == (
        line_of(text, "      en: Which product should"),
        "questions[0].label",
    )


def test_unknown_locale_code(tmp_path: Path) -> None:
    text = edited("locales: [en, hi]", "locales: [en, hi, xx]")
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


def test_text_in_a_locale_the_campaign_does_not_offer(tmp_path: Path) -> None:
    text = edited("  hi: काव्या होम\n", "  hi: काव्या होम\n  ta: காவ்யா ஹோம்\n")
    assert problems_of(tmp_path, text) == [
        DefinitionProblem(
            "wishlist.yaml",
            line_of(text, "  ta: "),
            "brand.ta",
            "'ta' is not one of the campaign's locales",
        )
    ]


def test_duplicate_key(tmp_path: Path) -> None:
    text = edited("version: 1\n", "version: 1\nversion: 2\n")
    assert problems_of(tmp_path, text) == [
        DefinitionProblem("wishlist.yaml", line_of(text, "version: 2"), "version", "given twice")
    ]


def test_wrong_type(tmp_path: Path) -> None:
    text = edited("    max_length: 500\n", "    max_length: many\n")
    [problem] = problems_of(tmp_path, text)
    assert (problem.line, problem.field) == (
        line_of(text, "max_length: many"),
        "questions[1].max_length",
    )
    assert "'many' is not of type 'integer'" in problem.message


def test_unknown_placeholder(tmp_path: Path) -> None:
    text = edited('hi: "{brand} को', 'hi: "{shop} को')
    assert problems_of(tmp_path, text) == [
        DefinitionProblem(
            "wishlist.yaml",
            line_of(text, "{shop}"),
            "sms.thank_you.text.hi",
            "unknown placeholder {shop}",
        )
    ]


def test_placeholder_allowed_elsewhere_is_unknown_in_a_title(tmp_path: Path) -> None:
    text = edited("  en: What should we make", "  en: Before {ends}, what should we make")
    [problem] = problems_of(tmp_path, text)
    assert (problem.line, problem.field) == (line_of(text, "{ends}, what"), "title.en")


def test_file_name_must_match_the_slug(tmp_path: Path) -> None:
    assert problems_of(tmp_path, WISHLIST, name="wish-list.yaml") == [
        DefinitionProblem(
            "wish-list.yaml",
            line_of(WISHLIST, "slug: wishlist"),
            "slug",
            "the file must be named wishlist.yaml",
        )
    ]


def test_choice_with_one_option(tmp_path: Path) -> None:
    start = WISHLIST.index("      - id: mixer-grinder")
    end = WISHLIST.index("  - id: reason")
    text = WISHLIST[:start] + WISHLIST[end:]
    assert problems_of(tmp_path, text) == [
        DefinitionProblem(
            "wishlist.yaml",
            line_of(text, "      - id: pressure-cooker"),
            "questions[0].options",
            "a choice needs at least two options",
        )
    ]


def test_yaml_syntax_error(tmp_path: Path) -> None:
    text = edited("version: 1\n", "version: 1: 2\n")
    [problem] = problems_of(tmp_path, text)
    assert (problem.file, problem.line, problem.field) == (
        "wishlist.yaml",
        line_of(text, "version: 1: 2"),
        "(top)",
    )
    assert problem.message.startswith("not valid YAML")


def test_sms_to_india_needs_dlt_ids(tmp_path: Path) -> None:
    text = edited('    dlt_template_id: "1107161234567890123"\n', "")
    assert problems_of(tmp_path, text) == [
        DefinitionProblem(
            "wishlist.yaml",
            line_of(text, "    sms_type: Transactional"),  # where the thank_you block starts
            "sms.thank_you.dlt_template_id",
            "required for SMS to +91 numbers (DLT)",
        )
    ]


def test_all_problems_are_reported_in_line_order(tmp_path: Path) -> None:
    text = edited("max_length: 500", "max_length: 0").replace("version: 1\n", "version: 0\n")
    problems = problems_of(tmp_path, text)
    assert [(p.line, p.field) for p in problems] == [
        (line_of(text, "version: 0"), "version"),
        (line_of(text, "max_length: 0"), "questions[1].max_length"),
    ]


def test_folder_reports_problems_of_every_file(tmp_path: Path) -> None:
    (tmp_path / "wishlist.yaml").write_text(
        WISHLIST.replace("version: 1\n", "version: 0\n"), encoding="utf-8"
    )
    (tmp_path / "other.yaml").write_text(WISHLIST, encoding="utf-8")
    with pytest.raises(InvalidCampaignDefinition) as caught:
        load_campaigns(tmp_path)
    assert {(p.file, p.field) for p in caught.value.problems} == {
        ("other.yaml", "slug"),
        ("wishlist.yaml", "version"),
    }
