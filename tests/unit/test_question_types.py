"""Question types in campaign definitions: every type's fields reach the model, the steps
follow show_if, and each mistake names its file, line and field."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from chalicelib.campaigns.loader import load_campaign_file
from chalicelib.campaigns.model import ShowIf
from chalicelib.campaigns.questions import bounds, control, scale_points, steps
from chalicelib.errors import DefinitionProblem, InvalidCampaignDefinition
from tests.samples import DEFINITIONS

SAMPLE = (DEFINITIONS / "store-feedback.yaml").read_text(encoding="utf-8")
NAME = "store-feedback.yaml"


def edited(old: str, new: str) -> str:
    assert SAMPLE.count(old) == 1, old
    return SAMPLE.replace(old, new)


def line_of(text: str, fragment: str) -> int:
    assert text.count(fragment) == 1, fragment
    return text[: text.index(fragment)].count("\n") + 1


def problems_of(tmp_path: Path, text: str) -> list[DefinitionProblem]:
    path = tmp_path / NAME
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidCampaignDefinition) as caught:
        load_campaign_file(path)
    return caught.value.problems


def test_every_type_and_its_fields_reach_the_model() -> None:
    campaign = load_campaign_file(DEFINITIONS / NAME)
    by_id = {q.id: q for q in campaign.questions}

    assert {q.id: control(q) for q in campaign.questions} == {
        "rating": "rating",
        "recommend": "nps",
        "heard": "single_choice",
        "went_wrong": "multi_choice",
        "favourites": "multi_choice",
        "details": "long_text",
        "city": "dropdown",
        "boxes": "number",
        "sweetness": "scale",
        "visited": "date",
        "email": "email",
        "area": "short_text",  # type text, max_length 60: one line
        "suggestion": "long_text",  # type text, max_length 500: a box
    }
    assert by_id["went_wrong"].show_if == ShowIf("rating", at_most=Decimal(2))
    assert by_id["details"].show_if == ShowIf("went_wrong", includes="other")
    assert (by_id["favourites"].minimum, by_id["favourites"].maximum) == (1, 3)
    assert bounds(by_id["boxes"]) == (Decimal(1), Decimal(50), Decimal(1))
    assert (by_id["visited"].earliest, by_id["visited"].latest) == ("2026-01-01", "2029-12-31")
    assert by_id["sweetness"].min_label == {"en": "Less sweet", "hi": "कम मीठी", "ur": "کم میٹھی"}
    assert [str(p) for p in scale_points(by_id["recommend"])] == [str(n) for n in range(11)]
    assert len(scale_points(by_id["rating"])) == 5


def test_old_choice_and_text_questions_keep_their_meaning() -> None:
    wishlist = load_campaign_file(DEFINITIONS / "wishlist.yaml")
    assert [(q.kind, control(q)) for q in wishlist.questions] == [
        ("choice", "single_choice"),
        ("text", "long_text"),
    ]


def test_the_form_steps_start_where_a_question_depends_on_the_current_step() -> None:
    campaign = load_campaign_file(DEFINITIONS / NAME)
    assert [[q.id for q in step] for step in steps(campaign.questions)] == [
        ["rating", "recommend", "heard"],
        ["went_wrong", "favourites"],
        ["details", "city", "boxes", "sweetness", "visited", "email", "area", "suggestion"],
    ]


def test_a_scale_from_zero_starts_at_zero(tmp_path: Path) -> None:
    text = edited("    type: scale\n    min: 1\n", "    type: scale\n    min: 0\n")
    path = tmp_path / NAME
    path.write_text(text, encoding="utf-8")
    sweetness = load_campaign_file(path).question("sweetness")
    assert sweetness is not None
    assert [str(p) for p in scale_points(sweetness)] == ["0", "1", "2", "3", "4", "5"]


MISTAKES = [
    (
        "show_if: {question: rating, at_most: 2}",
        "show_if: {question: ratings, at_most: 2}",
        "questions[3].show_if.question",
        "'ratings' is not a question of this campaign",
    ),
    (
        "show_if: {question: rating, at_most: 2}",
        "show_if: {question: favourites, includes: ladoo}",
        "questions[3].show_if.question",
        "'favourites' is not an earlier question",
    ),
    (
        "show_if: {question: went_wrong, includes: other}",
        "show_if: {question: went_wrong, includes: others}",
        "questions[5].show_if",
        "'others' is not an option of 'went_wrong'",
    ),
    (
        "show_if: {question: went_wrong, includes: other}",
        "show_if: {question: heard, includes: online}",
        "questions[5].show_if.includes",
        "'heard' is not a multi_choice question",
    ),
    (
        "show_if: {question: went_wrong, includes: other}",
        "show_if: {question: heard, at_least: 2}",
        "questions[5].show_if.at_least",
        "'heard' is not a number, rating, scale or NPS",
    ),
    (
        "show_if: {question: went_wrong, includes: other}",
        "show_if: {question: heard, equals: online, in: [friends]}",
        "questions[5].show_if",
        "give one of equals, in, includes, or at_most/at_least",
    ),
    (
        "    max: 50\n",
        "    max: 0\n",
        "questions[7].max",
        "must be more than min",
    ),
    (
        "    min: 1\n    max: 50\n",
        "",
        "questions[7]",
        "a number question needs min and max",
    ),
    (
        "    type: scale\n    min: 1\n    max: 5\n",
        "    type: scale\n    min: 1\n    max: 50\n",
        "questions[8].step",
        "a scale has at most 11 points",
    ),
    (
        '    max: "2029-12-31"\n',
        '    max: "2029-02-30"\n',
        "questions[9].max",
        "not a date such as 2026-11-01",
    ),
    (
        '    min: "2026-01-01"\n',
        '    min: "2030-01-01"\n',
        "questions[9].max",
        "must not be before min",
    ),
    (
        "    type: multi_choice\n    required: true\n    min: 1\n    max: 3\n",
        "    type: multi_choice\n    required: true\n    min: 1\n    max: 6\n",
        "questions[4].max",
        "must be a whole number from 0 to 5 (the options)",
    ),
    (
        "    type: email\n",
        "    type: email\n    min: 3\n",
        "questions[10].min",
        "a email question does not take min",
    ),
    (
        "    type: nps\n",
        "    type: nps\n    options:\n      - {id: a, label: {en: A, hi: A, ur: A}}\n",
        "questions[1].options",
        "a nps question has no options",
    ),
]


@pytest.mark.parametrize(("old", "new", "field", "message"), MISTAKES)
def test_a_question_mistake_names_its_line_and_field(
    tmp_path: Path, old: str, new: str, field: str, message: str
) -> None:
    text = edited(old, new)
    problems = problems_of(tmp_path, text)

    assert [(p.field, p.message) for p in problems] == [(field, message)]
    assert problems[0].file == NAME
    assert problems[0].line is not None
    question = int(field.split("[")[1].split("]")[0])
    starts = [i for i, line in enumerate(text.splitlines(), 1) if line.startswith("  - id: ")]
    assert starts[question] <= problems[0].line, "the problem is reported inside its question"


def test_a_missing_end_label_translation_is_found(tmp_path: Path) -> None:
    text = edited("      ur: کم میٹھی\n", "")
    [problem] = problems_of(tmp_path, text)
    assert (problem.field, problem.message) == (
        "questions[8].min_label",
        "missing the 'ur' text",
    )
    assert problem.line == line_of(text, "      en: Less sweet")  # where the texts start


def test_show_if_values_compare_as_answers_are_stored(tmp_path: Path) -> None:
    text = edited(
        "show_if: {question: rating, at_most: 2}", "show_if: {question: rating, in: [1, 2.0]}"
    )
    path = tmp_path / NAME
    path.write_text(text, encoding="utf-8")
    went_wrong = load_campaign_file(path).question("went_wrong")
    assert went_wrong is not None
    assert went_wrong.show_if == ShowIf("rating", of=("1", "2"))
