"""compose(): the text and SNS attributes of each follow-up, rendered when it is sent."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from chalicelib.campaigns import Campaign
from chalicelib.campaigns.loader import load_campaign_file
from chalicelib.consent.keys import Keys
from chalicelib.consent.links import Links
from chalicelib.consent.tokens import UnsubscribeClaim, verify_unsubscribe
from chalicelib.followups.compose import NotSendable, Skip, compose
from chalicelib.followups.model import FollowUpJob
from chalicelib.followups.planning import plan_jobs
from chalicelib.responses.model import Consent, Response
from tests.samples import end_date

NOW = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
LINKS = Links("https://samvad.example", Keys(contact=b"c" * 32, link=b"k" * 32))
INDIAN = "+919876543210"
BRITISH = "+447700900123"


@pytest.fixture(scope="module")
def campaign() -> Campaign:
    return load_campaign_file(Path("chalicelib/campaigns/definitions/wishlist.yaml"))


def response(
    locale: str = "hi",
    *,
    phone: str | None = INDIAN,
    answers: dict[str, str] | None = None,
) -> Response:
    return Response(
        id="r" * 32,
        campaign="wishlist",
        campaign_version=1,
        locale=locale,
        answers={"product": "tawa"} if answers is None else answers,
        phone=phone,
        consent=Consent("followup_sms", "2026-11-25", locale, NOW) if phone else None,
        created_at=NOW,
        request_hash="h",
    )


def job_for(campaign: Campaign, answer: Response, step: str) -> FollowUpJob:
    jobs = {job.step: job for job in plan_jobs(campaign, answer, NOW, LINKS)}
    return jobs[step]


def composed(
    campaign: Campaign, answer: Response, step: str, now: datetime = NOW
) -> tuple[str, dict[str, str]]:
    outgoing = compose(job_for(campaign, answer, step), campaign, answer, now, LINKS)
    return outgoing.message, outgoing.attributes


def before_the_end(campaign: Campaign, days: int) -> datetime:
    assert campaign.ends_at is not None
    return campaign.ends_at - timedelta(days=days)


def test_hindi_thank_you_carries_the_hindi_dlt_template(campaign: Campaign) -> None:
    message, attributes = composed(campaign, response("hi"), "thank_you_sms")
    assert message == (
        "काव्या होम को यह बताने के लिए धन्यवाद कि हम आगे क्या बनाएँ। हम हर जवाब पढ़ते हैं। "
        "बंद करने के लिए STOP भेजें।"
    )
    assert attributes == {
        "AWS.SNS.SMS.SMSType": "Transactional",
        "AWS.MM.SMS.EntityId": "1101456789012345678",
        "AWS.MM.SMS.TemplateId": "1107161234567890124",
    }


def test_english_thank_you_carries_the_english_dlt_template(campaign: Campaign) -> None:
    message, attributes = composed(campaign, response("en"), "thank_you_sms")
    assert message.startswith("Thank you for telling Kavya Home what to make next.")
    assert attributes["AWS.MM.SMS.TemplateId"] == "1107161234567890123"
    assert attributes["AWS.MM.SMS.EntityId"] == "1101456789012345678"


def test_no_dlt_attributes_outside_india(campaign: Campaign) -> None:
    _, attributes = composed(campaign, response("en", phone=BRITISH), "thank_you_sms")
    assert attributes == {"AWS.SNS.SMS.SMSType": "Transactional"}


def test_reminder_is_promotional(campaign: Campaign) -> None:
    message, attributes = composed(campaign, response("hi"), "reminder")
    assert attributes["AWS.SNS.SMS.SMSType"] == "Promotional"
    assert attributes["AWS.MM.SMS.TemplateId"] == "1107161234567890126"
    assert message.startswith("काव्या होम: कच्चे लोहे का तवा चुनने के लिए धन्यवाद!")
    assert "https://samvad.example/hi/c/wishlist" in message


def test_reminder_is_skipped_once_the_reason_is_given(campaign: Campaign) -> None:
    answer = response("hi", answers={"product": "tawa", "reason": "रोटी के लिए"})
    with pytest.raises(Skip) as skipped:
        composed(campaign, answer, "reminder")
    assert skipped.value.reason == "answered reason"


def test_hindi_offer_formats_the_price_with_babel(campaign: Campaign) -> None:
    message, attributes = composed(campaign, response("hi"), "offer", before_the_end(campaign, 3))
    assert f"कच्चे लोहे का तवा लॉन्च कीमत ₹899.00 पर {end_date('hi')} से पहले बुक करें" in message
    assert "3 दिन बाकी।" in message
    assert attributes["AWS.SNS.SMS.SMSType"] == "Promotional"
    assert attributes["AWS.MM.SMS.TemplateId"] == "1107161234567890128"


@pytest.mark.parametrize(("days", "left"), [(1, "1 day left."), (3, "3 days left.")])
def test_english_offer_picks_the_plural_variant(campaign: Campaign, days: int, left: str) -> None:
    now = before_the_end(campaign, days)
    message, _ = composed(campaign, response("en"), "offer", now)
    assert f"before {end_date('en')}, {left}" in message
    assert "at the launch price ₹899.00" in message


def test_offer_after_the_campaign_ended_is_skipped(campaign: Campaign) -> None:
    assert campaign.ends_at is not None
    with pytest.raises(Skip):
        composed(campaign, response("en"), "offer", campaign.ends_at + timedelta(minutes=1))


def test_unsubscribe_link_verifies_and_carries_the_locale(campaign: Campaign) -> None:
    answer = response("hi")
    job = job_for(campaign, answer, "reminder")
    message = compose(job, campaign, answer, NOW, LINKS).message
    url = message.rsplit(" ", 1)[-1]
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc) == ("https", "samvad.example")
    assert parts.path.startswith("/u/")
    assert job.contact_id is not None
    assert verify_unsubscribe(
        parts.path.removeprefix("/u/"), LINKS.keys.current().link
    ) == UnsubscribeClaim(job.contact_id, "hi")
    assert "9876543210" not in url


def test_a_text_that_no_longer_fits_its_dlt_body_is_not_sendable(campaign: Campaign) -> None:
    step = campaign.step("thank_you_sms")
    assert step is not None
    assert step.text is not None
    edited_text = {**step.text, "en": "Thanks a lot, {brand}! Reply STOP to opt out."}
    changed = replace(
        campaign,
        followups=tuple(
            replace(s, text=edited_text) if s.id == "thank_you_sms" else s
            for s in campaign.followups
        ),
    )
    answer = response("en")
    with pytest.raises(NotSendable, match="dlt_mismatch"):
        composed(changed, answer, "thank_you_sms")
    # Outside India there is no registered body to match.
    assert composed(changed, response("en", phone=BRITISH), "thank_you_sms")[0].startswith(
        "Thanks a lot, Kavya Home!"
    )


def test_response_event_has_the_answer_but_no_phone(campaign: Campaign) -> None:
    answer = response("hi", answers={"product": "tawa", "reason": "रोटी के लिए"})
    message, attributes = composed(campaign, answer, "response_event")
    assert "98765" not in message
    body = json.loads(message)
    assert body["event"] == "response.created"
    assert body["answers"] == {"product": "tawa", "reason": "रोटी के लिए"}
    assert body["has_phone"] is True
    assert "phone" not in body
    assert "phone_number" not in body
    assert attributes == {"campaign": "wishlist", "locale": "hi", "event": "response.created"}


def test_offer_event_goes_out_without_contact_details(campaign: Campaign) -> None:
    message, attributes = composed(campaign, response("en"), "offer_event")
    body = json.loads(message)
    assert body["event"] == "followup.offer_event"
    assert "98765" not in message
    assert attributes["event"] == "followup.offer_event"


def test_a_single_choice_question_fills_its_placeholder_as_choice_did(
    campaign: Campaign,
) -> None:
    product = campaign.questions[0]
    renamed = replace(campaign, questions=(replace(product, kind="single_choice"),))
    message, _ = composed(renamed, response("hi"), "reminder")
    assert message.startswith("काव्या होम: कच्चे लोहे का तवा चुनने के लिए धन्यवाद!")
