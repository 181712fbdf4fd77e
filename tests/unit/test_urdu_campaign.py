"""Urdu in the sample campaign: added as data only, every text translated, SMS that fit DLT."""

from __future__ import annotations

import string
import unicodedata
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from chalicelib.campaigns import Campaign
from chalicelib.campaigns.loader import LOCALIZED_KEYS, VERBATIM, load_campaign_file, sms_sizes
from chalicelib.consent.keys import Keys
from chalicelib.consent.links import Links
from chalicelib.followups.compose import compose
from chalicelib.followups.planning import plan_jobs
from chalicelib.responses.model import Consent, Response
from chalicelib.sms import DLT_VARIABLE_MAX_CHARS, matches_dlt_template
from tests.samples import end_date

WISHLIST = Path("chalicelib/campaigns/definitions/wishlist.yaml")
NOW = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
LINKS = Links("https://samvad.example", Keys(contact=b"c" * 32, link=b"k" * 32))
# Letters Arabic writes but Urdu does not: an Urdu text with them was typed on the wrong layout.
ARABIC_NOT_URDU = {"\u064a": "ی", "\u0643": "ک", "\u0647": "ہ/ھ", "\u0649": "ی"}


def localized_texts(data: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every localized text of a definition (the loader's keys), with where it is."""
    if isinstance(data, dict):
        if path.rsplit(".", 1)[-1] in LOCALIZED_KEYS:
            yield path, data
            return
        for key, value in data.items():
            yield from localized_texts(value, f"{path}.{key}" if path else str(key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from localized_texts(value, f"{path}[{index}]")


def variants(value: str | dict[str, str]) -> dict[str | None, str]:
    return dict(value) if isinstance(value, dict) else {None: value}


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.fixture(scope="module")
def definition() -> dict[str, Any]:
    data = yaml.safe_load(WISHLIST.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def campaign() -> Campaign:
    return load_campaign_file(WISHLIST)


def test_urdu_is_offered(campaign: Campaign) -> None:
    assert "ur" in campaign.locales
    assert campaign.brand["ur"] == "کاویہ ہوم"


def test_every_text_has_urdu_with_the_english_placeholders(definition: dict[str, Any]) -> None:
    texts = list(localized_texts(definition))
    assert len(texts) > 20
    for where, text in texts:
        assert "ur" in text, where
        urdu, english = variants(text["ur"]), variants(text["en"])
        if where.rsplit(".", 1)[-1] in VERBATIM:
            continue
        assert set(urdu) == set(english), where  # the same plural categories (CLDR: one, other)
        for variant, value in urdu.items():
            assert value.strip(), (where, variant)
            assert value != english[variant], (where, variant)
            assert fields(value) == fields(english[variant]), (where, variant)


def test_urdu_texts_are_urdu_script_and_nfc(definition: dict[str, Any]) -> None:
    for where, text in localized_texts(definition):
        if where.endswith("dlt_template_id"):
            continue
        for value in variants(text["ur"]).values():
            assert unicodedata.normalize("NFC", value) == value, where
            assert not set(value) & set(ARABIC_NOT_URDU), where
            assert any("\u0600" <= ch <= "\u06ff" for ch in value), where


def test_urdu_values_fit_a_dlt_variable(campaign: Campaign) -> None:
    assert len(campaign.brand["ur"]) <= DLT_VARIABLE_MAX_CHARS
    for question in campaign.questions:
        for option in question.options:
            assert len(option.label["ur"]) <= DLT_VARIABLE_MAX_CHARS, option.id


def test_urdu_dlt_template_ids_are_new(campaign: Campaign) -> None:
    ids = [
        template_id
        for step in campaign.followups
        for template_id in (step.dlt_template_id or {}).values()
    ]
    urdu = [step.dlt_template_id["ur"] for step in campaign.followups if step.dlt_template_id]
    assert len(urdu) == 3
    assert len(set(ids)) == len(ids)
    assert all(len(template_id) == 19 and template_id.isdigit() for template_id in urdu)


def test_urdu_sms_are_ucs2(campaign: Campaign) -> None:
    urdu = [size for _, locale, _, size in sms_sizes(campaign) if locale == "ur"]
    assert len(urdu) == 4  # thank-you, reminder, offer (one, other)
    assert {size.encoding for size in urdu} == {"UCS-2"}


def answer(locale: str = "ur") -> Response:
    return Response(
        id="r" * 32,
        campaign="wishlist",
        campaign_version=1,
        locale=locale,
        answers={"product": "mixer-grinder"},
        phone="+919876543210",
        consent=Consent("followup_sms", "2026-11-25", locale, NOW),
        created_at=NOW,
        request_hash="h",
    )


def composed(campaign: Campaign, step: str, now: datetime = NOW) -> tuple[str, dict[str, str]]:
    response = answer()
    job = {job.step: job for job in plan_jobs(campaign, response, NOW, LINKS)}[step]
    outgoing = compose(job, campaign, response, now, LINKS)
    return outgoing.message, outgoing.attributes


def test_urdu_reminder_names_the_product_and_links_the_urdu_page(campaign: Campaign) -> None:
    message, attributes = composed(campaign, "reminder")
    assert message.startswith("کاویہ ہوم: تین جار والا مکسر گرائنڈر چننے کا شکریہ!")
    assert "https://samvad.example/ur/c/wishlist" in message
    assert attributes["AWS.MM.SMS.TemplateId"] == "1107161234567890130"
    assert campaign.followups[1].dlt_registered is not None
    assert matches_dlt_template(message, campaign.followups[1].dlt_registered["ur"])


@pytest.mark.parametrize("days", [1, 3])
def test_urdu_offer_fits_its_dlt_template_in_each_plural_form(
    campaign: Campaign, days: int
) -> None:
    assert campaign.ends_at is not None
    message, attributes = composed(campaign, "offer", campaign.ends_at - timedelta(days=days))
    assert f"تین جار والا مکسر گرائنڈر لانچ قیمت ₹3,499.00 پر {end_date('ur')} سے پہلے" in message
    assert f"{days} دن باقی۔" in message
    assert attributes["AWS.SNS.SMS.SMSType"] == "Promotional"
    assert attributes["AWS.MM.SMS.TemplateId"] == "1107161234567890131"
    offer = campaign.followups[2]
    assert offer.dlt_registered is not None
    assert matches_dlt_template(message, offer.dlt_registered["ur"])
