"""Answers to each question type: good values stored in their one form, bad ones refused with
a code the page turns into a localized message; hidden questions neither required nor kept;
the no-JS steps validate what they show and carry the rest."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.campaigns import Campaign
from chalicelib.campaigns.loader import load_campaign_file
from chalicelib.errors import FieldError, InvalidResponse
from chalicelib.i18n.catalogs import translations_for
from chalicelib.responses.question_answers import plain_number
from chalicelib.responses.validation import validate_answer
from chalicelib.web.form_steps import advance, form_step
from chalicelib.web.messages import field_message
from tests.samples import DEFINITIONS

# A happy customer: rating 4, so "what went wrong?" is not asked.
HAPPY = {
    "rating": "4",
    "recommend": "9",
    "heard": "friends",
    "favourites.kaju-katli": "yes",
    "favourites.ladoo": "yes",
    "city": "lucknow",
}


@pytest.fixture(scope="module")
def campaign() -> Campaign:
    return load_campaign_file(DEFINITIONS / "store-feedback.yaml")


def answers(campaign: Campaign, **more: str) -> dict[str, str]:
    return validate_answer(campaign, {**HAPPY, **more}).answers


def problems(campaign: Campaign, fields: dict[str, str]) -> list[FieldError]:
    with pytest.raises(InvalidResponse) as caught:
        validate_answer(campaign, fields)
    return caught.value.errors


def test_a_full_answer_is_stored_in_one_form_per_type(campaign: Campaign) -> None:
    stored = answers(
        campaign,
        boxes="१२",  # Devanagari digits
        sweetness="2",
        visited="2026-11-01",
        email="Asha.Rao@Example.COM",
        area="  Aminabad  ",
        suggestion="More\nkaju katli",
    )
    assert stored == {
        "rating": "4",
        "recommend": "9",
        "heard": "friends",
        "favourites": "kaju-katli,ladoo",
        "city": "lucknow",
        "boxes": "12",
        "sweetness": "2",
        "visited": "2026-11-01",
        "email": "Asha.Rao@example.com",
        "area": "Aminabad",
        "suggestion": "More\nkaju katli",
    }


BAD: list[tuple[dict[str, str], FieldError]] = [
    ({"rating": "6"}, FieldError("rating", "number_range", {"min": "1", "max": "5"})),
    ({"rating": "x"}, FieldError("rating", "number_range", {"min": "1", "max": "5"})),
    ({"recommend": "11"}, FieldError("recommend", "number_range", {"min": "0", "max": "10"})),
    ({"recommend": "-1"}, FieldError("recommend", "number_range", {"min": "0", "max": "10"})),
    ({"sweetness": "2.5"}, FieldError("sweetness", "number_range", {"min": "1", "max": "5"})),
    ({"boxes": "51"}, FieldError("boxes", "number_range", {"min": "1", "max": "50"})),
    ({"boxes": "2.5"}, FieldError("boxes", "number_range", {"min": "1", "max": "50"})),
    ({"boxes": "1e999"}, FieldError("boxes", "number_range", {"min": "1", "max": "50"})),
    ({"boxes": "NaN"}, FieldError("boxes", "number_range", {"min": "1", "max": "50"})),
    ({"heard": "tv"}, FieldError("heard", "invalid_choice")),
    ({"city": "paris"}, FieldError("city", "invalid_choice")),
    ({"city": ""}, FieldError("city", "required")),
    ({"email": "asha@"}, FieldError("email", "email_invalid")),
    ({"email": "asha rao@example.com"}, FieldError("email", "email_invalid")),
    ({"email": "asha@example"}, FieldError("email", "email_invalid")),
    (
        {"visited": "2025-12-31"},
        FieldError("visited", "date_range", {"min": "2026-01-01", "max": "2029-12-31"}),
    ),
    (
        {"visited": "2026-02-30"},
        FieldError("visited", "date_range", {"min": "2026-01-01", "max": "2029-12-31"}),
    ),
    (
        {"visited": "01/11/2026"},
        FieldError("visited", "date_range", {"min": "2026-01-01", "max": "2029-12-31"}),
    ),
    ({"area": "x" * 61}, FieldError("area", "too_long", {"num": 60})),
]


@pytest.mark.parametrize(("fields", "expected"), BAD)
def test_a_bad_value_is_one_problem(
    campaign: Campaign, fields: dict[str, str], expected: FieldError
) -> None:
    assert problems(campaign, {**HAPPY, **fields}) == [expected]


def test_multiple_choice_counts_its_choices(campaign: Campaign) -> None:
    four = {f"favourites.{o}": "yes" for o in ("kaju-katli", "ladoo", "barfi", "rasgulla")}
    none = {k: v for k, v in HAPPY.items() if not k.startswith("favourites.")}
    assert problems(campaign, {**none, **four}) == [
        FieldError("favourites", "choose_at_most", {"num": 3})
    ]
    assert problems(campaign, none) == [FieldError("favourites", "required")]
    # An unknown option's box is not an option: it is ignored, never stored.
    assert answers(campaign, **{"favourites.cake": "yes"})["favourites"] == "kaju-katli,ladoo"


def test_a_hidden_question_is_not_required_and_its_answer_is_dropped(
    campaign: Campaign,
) -> None:
    posted = {**HAPPY, "went_wrong.stale": "yes", "details": "posted anyway"}
    stored = validate_answer(campaign, posted).answers
    assert "went_wrong" not in stored
    assert "details" not in stored


def test_a_shown_question_is_required_and_its_follow_up_kept(campaign: Campaign) -> None:
    unhappy = {**HAPPY, "rating": "2"}
    assert problems(campaign, unhappy) == [FieldError("went_wrong", "required")]
    stored = validate_answer(
        campaign, {**unhappy, "went_wrong.other": "yes", "details": "No candles"}
    ).answers
    assert (stored["went_wrong"], stored["details"]) == ("other", "No candles")
    # "details" asks only if "other" was chosen:
    stored = validate_answer(
        campaign, {**unhappy, "went_wrong.box": "yes", "details": "dropped"}
    ).answers
    assert stored["went_wrong"] == "box"
    assert "details" not in stored


@pytest.mark.parametrize(
    ("raw", "plain"), [("१,२५०", "1250"), ("۱۲٫۵", "12.5"), ("12 500", "12500"), ("٣", "3")]
)
def test_typed_numbers_in_any_digits(raw: str, plain: str) -> None:
    assert plain_number(raw) == plain


@pytest.mark.parametrize(
    ("error", "locale", "expected"),
    [
        (FieldError("b", "number_range", {"min": "1", "max": "50"}), "en", "from 1 to 50"),
        (FieldError("b", "number_range", {"min": "1", "max": "50"}), "hi", "1 से 50 तक"),
        (FieldError("f", "choose_at_most", {"num": 3}), "hi", "ज़्यादा से ज़्यादा 3"),
        (FieldError("e", "email_invalid"), "ur", "درست ای میل"),
        (
            FieldError("d", "date_range", {"min": "2026-01-01", "max": "2029-12-31"}),
            "en",
            "Jan 1, 2026 to Dec 31, 2029",
        ),
    ],
)
def test_codes_become_messages_in_the_customers_language(
    error: FieldError, locale: str, expected: str
) -> None:
    assert expected in field_message(error, translations_for(locale), locale)


def step_of(campaign: Campaign, fields: dict[str, Any]) -> dict[str, Any]:
    return form_step(campaign, fields, {})


def test_next_validates_the_step_and_passes_over_a_step_with_nothing_to_ask(
    campaign: Campaign,
) -> None:
    with pytest.raises(InvalidResponse) as caught:
        advance(campaign, {"step": "0", "action": "next", "rating": "4"})
    assert [e.field for e in caught.value.errors] == ["recommend"]

    happy = {"step": "0", "action": "next", "rating": "4", "recommend": "9"}
    assert advance(campaign, happy) == 1  # step 2 still asks for the favourites
    unhappy = {**happy, "rating": "1"}
    assert advance(campaign, unhappy) == 1
    assert step_of(campaign, {**unhappy, "step": "1"})["shown"] == ["went_wrong", "favourites"]
    assert step_of(campaign, {**happy, "step": "1"})["shown"] == ["favourites"]
    # Back from the last step lands on the second one.
    assert advance(campaign, {**happy, "step": "2", "action": "back"}) == 1


def test_a_step_carries_the_other_steps_answers_and_not_its_own(campaign: Campaign) -> None:
    fields = {**HAPPY, "step": "1", "went_wrong.box": "yes", "csrf": "c"}
    step = step_of(campaign, fields)
    carried = dict(step["carried"])
    assert carried == {"rating": "4", "recommend": "9", "heard": "friends", "city": "lucknow"}
    assert (step["index"], step["count"], step["last"]) == (1, 3, False)


def test_errors_show_the_first_step_that_has_one(campaign: Campaign) -> None:
    step = form_step(campaign, {"step": "2"}, {"recommend": "…"})
    assert step["index"] == 0
    assert form_step(campaign, {"step": "7"}, {})["index"] == 2  # out of range: the last
    assert form_step(campaign, {"step": "x"}, {})["index"] == 0
    assert form_step(campaign, {"step": "9" * 5000}, {})["index"] == 0
