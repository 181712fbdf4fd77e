"""validate_answer against the sample campaign: codes per field, every problem at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from chalicelib.campaigns import Campaign
from chalicelib.campaigns.loader import load_campaign_file
from chalicelib.errors import FieldError, InvalidCampaignDefinition, InvalidResponse
from chalicelib.responses.validation import parse_phone, validate_answer
from tests.samples import inline_text

WISHLIST = Path("chalicelib/campaigns/definitions/wishlist.yaml")


@pytest.fixture(scope="module")
def campaign() -> Campaign:
    return load_campaign_file(WISHLIST)


def errors_of(campaign: Campaign, fields: dict[str, str]) -> list[FieldError]:
    with pytest.raises(InvalidResponse) as caught:
        validate_answer(campaign, fields)
    return caught.value.errors


def test_valid_answer_with_indian_number(campaign: Campaign) -> None:
    valid = validate_answer(
        campaign,
        {
            "product": " tawa ",
            "reason": "  लोहे का तवा  \r\nसबसे अच्छा ",
            "phone": "098765 43210",
            "consent": "yes",
        },
    )
    assert valid.answers == {"product": "tawa", "reason": "लोहे का तवा\nसबसे अच्छा"}
    assert valid.phone == "+919876543210"
    assert valid.consent is True


def test_optional_fields_may_be_left_out(campaign: Campaign) -> None:
    valid = validate_answer(campaign, {"product": "air-fryer"})
    assert (valid.answers, valid.phone, valid.consent) == ({"product": "air-fryer"}, None, False)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({}, FieldError("product", "required")),
        ({"product": "  "}, FieldError("product", "required")),
        ({"product": "toaster"}, FieldError("product", "invalid_choice")),
        ({"product": "tawa", "phone": "12345"}, FieldError("phone", "phone_invalid")),
        ({"product": "tawa", "phone": "9876543210"}, FieldError("consent", "phone_needs_consent")),
        ({"product": "tawa", "consent": "on"}, FieldError("phone", "consent_needs_phone")),
        ({"product": "tawa", "reason": "x" * 501}, FieldError("reason", "too_long", {"num": 500})),
        (
            {"product": "tawa", "reason": "a\u202eb"},
            FieldError("reason", "bidi_controls", {"num": 500}),
        ),
    ],
)
def test_one_problem(campaign: Campaign, fields: dict[str, str], expected: FieldError) -> None:
    assert errors_of(campaign, fields) == [expected]


def test_a_rejected_number_is_the_only_phone_problem(campaign: Campaign) -> None:
    fields = {"product": "tawa", "phone": "9" * 40, "consent": "yes"}
    assert errors_of(campaign, fields) == [FieldError("phone", "too_long", {"num": 32})]


def test_reason_length_counts_characters_not_bytes(campaign: Campaign) -> None:
    valid = validate_answer(campaign, {"product": "tawa", "reason": "क" * 500})
    assert valid.answers["reason"] == "क" * 500


def test_all_problems_are_reported_at_once(campaign: Campaign) -> None:
    fields = {"product": "toaster", "reason": "x" * 501, "phone": "not a number"}
    assert {(e.field, e.code) for e in errors_of(campaign, fields)} == {
        ("product", "invalid_choice"),
        ("reason", "too_long"),
        ("phone", "phone_invalid"),
    }


@pytest.mark.parametrize(
    ("raw", "region", "expected"),
    [
        ("98765 43210", "IN", "+919876543210"),
        ("+91 98765-43210", "US", "+919876543210"),
        ("+1 650 253 0000", "IN", "+16502530000"),
        ("12345", "IN", None),
        ("phone", "IN", None),
        ("", "IN", None),
    ],
)
def test_parse_phone(raw: str, region: str, expected: str | None) -> None:
    assert parse_phone(raw, region) == expected


@pytest.mark.parametrize(
    ("phone", "code"),
    [
        ("+1 201 555 0123", "phone_country_not_served"),  # a US mobile: not a country listed
        ("+882 1600 1234 5678", "phone_country_not_served"),  # international network (premium)
        ("+49 1512 3456789", "phone_country_not_served"),
        ("011 2345 6789", "phone_not_mobile"),  # a Delhi landline
        ("1800 180 1234", "phone_not_mobile"),  # Indian toll-free
        ("+44 20 7946 0018", "phone_not_mobile"),  # a London landline: GB is listed
    ],
)
def test_only_mobile_numbers_of_the_campaigns_countries_are_taken(
    campaign: Campaign, phone: str, code: str
) -> None:
    fields = {"product": "tawa", "phone": phone, "consent": "yes"}

    assert errors_of(campaign, fields) == [FieldError("phone", code)]


def test_the_countries_default_to_the_phone_region(campaign: Campaign, tmp_path: Path) -> None:
    text = inline_text("wishlist").replace("sms_countries: [IN, GB, GG, JE, IM]\n", "")
    (tmp_path / "wishlist.yaml").write_text(text, encoding="utf-8")
    india_only = load_campaign_file(tmp_path / "wishlist.yaml")
    british = {"product": "tawa", "phone": "+44 7400 123456", "consent": "yes"}

    assert campaign.sms_countries == ("IN", "GB", "GG", "JE", "IM")
    assert validate_answer(campaign, british).phone == "+447400123456"
    assert india_only.sms_countries == ("IN",)
    assert errors_of(india_only, british) == [FieldError("phone", "phone_country_not_served")]


def test_a_country_without_phone_numbers_is_refused_at_its_line(tmp_path: Path) -> None:
    text = inline_text("wishlist").replace("[IN, GB, GG, JE, IM]", "[IN, XX]")
    (tmp_path / "wishlist.yaml").write_text(text, encoding="utf-8")

    with pytest.raises(InvalidCampaignDefinition) as caught:
        load_campaign_file(tmp_path / "wishlist.yaml")

    [problem] = caught.value.problems
    assert problem.field == "sms_countries[1]"
    assert problem.line == text.splitlines().index("sms_countries: [IN, XX]") + 1
    assert "'XX' is not a country" in problem.message
