"""The ``variants`` of a campaign definition: each mistake names its file, line and field;
a translator can supply a variant's texts in a language file."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from chalicelib.campaigns import translations
from chalicelib.campaigns.loader import load_campaign_file
from chalicelib.errors import InvalidCampaignDefinition
from tests.unit.test_i18n_translations import without

AB_KITCHEN = Path(__file__).resolve().parents[1] / "campaigns" / "ab-kitchen.yaml"
TEXT = AB_KITCHEN.read_text(encoding="utf-8")
FESTIVE_TITLE_HI = "      hi: त्योहारों का मौसम! हम आगे क्या बनाएँ?\n"


def problems_of(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "ab-kitchen.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidCampaignDefinition) as caught:
        load_campaign_file(path)
    return [str(p) for p in caught.value.problems]


def edited(old: str, new: str) -> str:
    assert TEXT.count(old) == 1, old
    return TEXT.replace(old, new)


def line_of(text: str, fragment: str) -> int:
    assert text.count(fragment) == 1, fragment
    return text[: text.index(fragment)].count("\n") + 1


MISTAKES = [
    pytest.param(
        edited(FESTIVE_TITLE_HI, ""),
        "      en: Festive season!",  # a mapping's problems are at its first line
        "variants[1].title",
        "missing the 'hi' text",
        id="a variant text missing a locale",
    ),
    pytest.param(
        edited("  - id: festive\n", "  - id: plain\n"),
        "  - id: plain\n    weight",
        "variants[1].id",
        "'plain' is used twice",
        id="duplicate ids",
    ),
    pytest.param(
        edited("    weight: 1\n", "    weight: 0\n"),
        "    weight: 0",
        "variants[1].weight",
        "",
        id="a weight that is not positive",
    ),
    pytest.param(
        edited("      thanks_sms:\n", "      thank_you:\n"),
        '        dlt_template_id: {en: "1107161234567890211"',
        "variants[1].followups.thank_you",
        "no follow-up 'thank_you' with a text (those with: thanks_sms)",
        id="a step the campaign does not have",
    ),
    pytest.param(
        edited(
            "      en: Festive season! What should we make next?",
            "      en: Festive season! Win {amount}!",
        ),
        "Festive season! Win",
        "variants[1].title.en",
        "unknown placeholder {amount}",
        id="a placeholder the title does not know",
    ),
    pytest.param(
        edited(
            '          en: "Happy festivals from {brand}! Thank you for your answer.',
            '          en: "Happy Diwali from {brand}! Thank you for your answer.',
        ),
        '          en: "Happy Diwali',
        "variants[1].followups.thanks_sms.text.en",
        "does not match the DLT-registered body",
        id="a variant SMS its DLT template does not fit",
    ),
]


@pytest.mark.parametrize(("text", "where", "field", "message"), MISTAKES)
def test_a_variant_mistake_names_its_line_and_field(
    tmp_path: Path, text: str, where: str, field: str, message: str
) -> None:
    found = problems_of(tmp_path, text)
    line = line_of(text, where)
    assert len(found) == 1, found
    # the column (tests/unit/test_problem_positions.py) is where the value starts
    assert re.match(rf"ab-kitchen\.yaml:{line}:\d+: {re.escape(field)}: ", found[0]), found
    assert message in found[0]


def test_a_prize_text_needs_the_campaign_prize(tmp_path: Path) -> None:
    data: dict[str, Any] = yaml.safe_load(TEXT)
    del data["prize"]
    del data["variants"][1]["prize"]
    data["variants"][0]["prize"] = {"text": {"en": "a", "hi": "b", "ur": "c"}}
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)
    found = problems_of(tmp_path, text)
    assert found == [
        f"ab-kitchen.yaml:{line_of(text, '  prize:') + 1}:5: variants[0].prize: "
        "the campaign has no prize to vary: add prize: first"
    ]


def test_one_variant_is_not_a_test(tmp_path: Path) -> None:
    data: dict[str, Any] = yaml.safe_load(TEXT)
    data["variants"] = data["variants"][1:]
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)
    found = problems_of(tmp_path, text)
    assert len(found) == 1
    assert found[0].startswith("ab-kitchen.yaml:")
    assert "variants" in found[0]


def test_a_translator_supplies_variant_texts_in_the_language_file(tmp_path: Path) -> None:
    """The Urdu texts, the festive variant's among them, from translations/ab-kitchen/ur.yaml
    give the same campaign as the texts written inline."""
    data: dict[str, Any] = yaml.safe_load(TEXT)
    texts = {"status": "drafted", **translations.extract(data, "ur", "en")}
    festive = next(v for v in texts["variants"] if v["id"] == "festive")
    assert festive["title"] == "تہواروں کا موسم! ہم آگے کیا بنائیں؟"
    assert festive["followups"]["thanks_sms"]["text"].startswith("{brand} کی طرف سے")
    campaign = tmp_path / "ab-kitchen.yaml"
    dump = {"allow_unicode": True, "sort_keys": False, "width": 1000}
    campaign.write_text(yaml.safe_dump(without(data, "ur"), **dump), encoding="utf-8")
    folder = tmp_path / "translations" / "ab-kitchen"
    folder.mkdir(parents=True)
    (folder / "ur.yaml").write_text(yaml.safe_dump(texts, **dump), encoding="utf-8")

    assert load_campaign_file(campaign) == load_campaign_file(AB_KITCHEN)

    # A variant text the language file leaves out is named in the translator's file.
    del festive["intro"]
    (folder / "ur.yaml").write_text(yaml.safe_dump(texts, **dump), encoding="utf-8")
    found = problems_of_path(campaign)
    assert found == [
        "translations/ab-kitchen/ur.yaml:1: variants[1].intro: missing the text "
        "(en: 'Tell us before the festivals which product you wa…')"
    ]


def problems_of_path(path: Path) -> list[str]:
    with pytest.raises(InvalidCampaignDefinition) as caught:
        load_campaign_file(path)
    return [str(p) for p in caught.value.problems]
