"""The dashboard's SMS cost: segments of each text times the list price for the number's
country; a Hindi text (UCS-2, 70 a segment) costs more than an English one of the same length
(GSM-7, 160 a segment)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from chalicelib.campaigns import Campaign
from chalicelib.campaigns.loader import load_campaign_file
from chalicelib.followups.costs import sms_cost, step_segments
from chalicelib.followups.model import FollowUpJob
from chalicelib.sms import price_per_segment, region_of
from chalicelib.web.console_campaign import usd

NOW = datetime(2026, 11, 25, 10, tzinfo=UTC)
INDIA = 0.00278  # USD per segment, AWS list price
ELSEWHERE = 0.0075
ENGLISH_100 = "Thank you! " * 9 + "X"  # 100 GSM-7 characters: one segment
HINDI_100 = "धन्यवाद " * 12 + "धन्य"  # 100 UTF-16 units: two UCS-2 segments (67 each once split)
SENT = FollowUpJob(
    response_id="r" * 32,
    step="thank_you_sms",
    channel="sms",
    status="sent",
    due_at=NOW,
    campaign="design-your-dress",
    locale="en",
    created_at=NOW,
    phone_number="+919876543210",
)


@pytest.fixture(scope="module")
def dress() -> Campaign:
    return load_campaign_file(Path("chalicelib/campaigns/definitions/design-your-dress.yaml"))


def test_the_price_table_lives_in_chalicelib_and_knows_india() -> None:
    assert (price_per_segment("IN"), price_per_segment("in")) == (INDIA, INDIA)
    assert price_per_segment("US") == price_per_segment(None) == ELSEWHERE
    assert region_of("+919876543210", "US") == "IN"
    assert region_of("+14155550100", "IN") == "US"
    assert region_of("not a number", "IN") == region_of(None, "IN") == "IN"


def test_a_hindi_text_costs_twice_an_english_one_of_the_same_length(dress: Campaign) -> None:
    assert len(ENGLISH_100) == len(HINDI_100) == 100
    english = sms_cost([replace(SENT, message=ENGLISH_100)], dress)
    hindi = sms_cost([replace(SENT, message=HINDI_100, locale="hi")], dress)
    both = sms_cost([replace(SENT, message=ENGLISH_100), replace(SENT, message=HINDI_100)], dress)

    assert english.sent == pytest.approx(1 * INDIA)
    assert hindi.sent == pytest.approx(2 * INDIA)
    assert both.sent == pytest.approx(3 * INDIA)
    assert (english.waiting, english.estimated) == (0, 0)


def test_the_price_follows_the_numbers_country(dress: Campaign) -> None:
    abroad = replace(SENT, message=ENGLISH_100, phone_number="+14155550100")

    assert sms_cost([abroad], dress).sent == pytest.approx(ELSEWHERE)


def test_waiting_texts_are_estimated_from_the_steps_text_in_their_locale(dress: Campaign) -> None:
    sizes = step_segments(dress)
    waiting = [replace(SENT, status="pending"), replace(SENT, status="sending", locale="hi")]
    not_counted = [
        replace(SENT, status="failed", message=HINDI_100),
        replace(SENT, channel="event"),
    ]

    cost = sms_cost(waiting + not_counted, dress)

    assert (sizes[("thank_you_sms", "en")], sizes[("thank_you_sms", "hi")]) == (1, 2)
    assert cost.waiting == pytest.approx(3 * INDIA)
    assert cost.sent == 0


def test_a_sent_job_without_its_text_is_estimated_and_counted_as_such(dress: Campaign) -> None:
    cost = sms_cost([replace(SENT, locale="hi")], dress)

    assert cost.sent == pytest.approx(2 * INDIA)
    assert cost.estimated == 1


def test_costs_show_in_dollars_to_a_hundredth_of_a_cent_in_the_consoles_locale() -> None:
    assert usd(2 * INDIA, "en") == "$0.0056"
    assert usd(1234.5, "hi") == "$1,234.50"
    assert usd(0, "en") == "$0.00"
