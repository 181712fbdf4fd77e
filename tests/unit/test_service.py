"""accept_response with the in-memory store and publisher, and a clock that stands still."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from chalicelib.campaigns import Campaign
from chalicelib.campaigns.loader import load_campaign_file
from chalicelib.errors import IdempotencyConflict, InvalidResponse
from chalicelib.messaging.memory import InMemoryPublisher
from chalicelib.responses.service import Accepted, accept_response
from chalicelib.storage.memory import InMemoryStore

NOW = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
HINDI_ANSWER = {
    "product": "tawa",
    "reason": "न\u093cानी के लिए",  # न + nukta: NFC stores ऩ (U+0929)
    "phone": "098765 43210",
    "consent": "yes",
}


@pytest.fixture(scope="module")
def campaign() -> Campaign:
    return load_campaign_file(Path("chalicelib/campaigns/definitions/wishlist.yaml"))


@pytest.fixture
def store() -> InMemoryStore:
    return InMemoryStore()


@pytest.fixture
def publisher() -> InMemoryPublisher:
    return InMemoryPublisher()


def accept(
    campaign: Campaign,
    store: InMemoryStore,
    publisher: InMemoryPublisher,
    fields: dict[str, str],
    *,
    locale: str = "hi",
    key: str = "key-1",
) -> Accepted:
    return accept_response(
        campaign, locale, fields, key, store=store, publisher=publisher, clock=lambda: NOW
    )


def test_valid_answer_is_stored_and_its_follow_ups_sent(
    campaign: Campaign, store: InMemoryStore, publisher: InMemoryPublisher
) -> None:
    accepted = accept(campaign, store, publisher, HINDI_ANSWER)

    assert accepted.created is True
    response = accepted.response
    assert store.responses == {response.id: response}
    assert response.answers == {"product": "tawa", "reason": "\u0929ानी के लिए"}
    assert response.phone == "+919876543210"
    assert response.consent is not None
    assert (response.consent.purpose, response.consent.notice_locale) == ("thank_you_sms", "hi")
    assert response.consent.given_at == NOW

    event, sms = publisher.delivered
    assert (event.step, sms.step) == ("response_event", "thank_you_sms")
    assert sms.phone_number == "+919876543210"
    assert sms.attributes == {
        "AWS.SNS.SMS.SMSType": "Transactional",
        "AWS.MM.SMS.EntityId": "1101456789012345678",
        "AWS.MM.SMS.TemplateId": "1107161234567890123",
    }
    assert sms.message.startswith("काव्या होम को यह बताने के लिए धन्यवाद")
    assert [(j.step, j.status, j.sent_at) for j in store.jobs_for(response.id)] == [
        ("response_event", "sent", NOW),
        ("thank_you_sms", "sent", NOW),
    ]


def test_event_carries_the_answer_but_no_contact_details(
    campaign: Campaign, store: InMemoryStore, publisher: InMemoryPublisher
) -> None:
    accept(campaign, store, publisher, HINDI_ANSWER)
    event = publisher.delivered[0]
    assert event.channel == "event"
    assert event.phone_number is None
    assert "98765" not in event.message
    body = json.loads(event.message)
    assert body["answers"]["product"] == "tawa"
    assert body["has_phone"] is True
    assert "phone" not in body


def test_english_sms_for_an_english_response(
    campaign: Campaign, store: InMemoryStore, publisher: InMemoryPublisher
) -> None:
    accept(campaign, store, publisher, HINDI_ANSWER, locale="en")
    assert publisher.delivered[1].message.startswith("Thank you for telling Kavya Home")


def test_a_retry_returns_the_first_response_and_sends_nothing_more(
    campaign: Campaign, store: InMemoryStore, publisher: InMemoryPublisher
) -> None:
    first = accept(campaign, store, publisher, HINDI_ANSWER)
    again = accept(campaign, store, publisher, dict(HINDI_ANSWER))
    assert again.created is False
    assert again.response == first.response
    assert len(publisher.delivered) == 2
    assert len(store.responses) == 1


def test_same_key_with_a_different_answer_is_a_conflict(
    campaign: Campaign, store: InMemoryStore, publisher: InMemoryPublisher
) -> None:
    accept(campaign, store, publisher, HINDI_ANSWER)
    with pytest.raises(IdempotencyConflict):
        accept(campaign, store, publisher, {**HINDI_ANSWER, "product": "air-fryer"})
    assert len(publisher.delivered) == 2


def test_another_key_is_another_response(
    campaign: Campaign, store: InMemoryStore, publisher: InMemoryPublisher
) -> None:
    accept(campaign, store, publisher, HINDI_ANSWER, key="key-1")
    accept(campaign, store, publisher, HINDI_ANSWER, key="key-2")
    assert len(store.responses) == 2


def test_when_sns_fails_the_response_is_kept_and_its_jobs_wait(
    campaign: Campaign, store: InMemoryStore
) -> None:
    accepted = accept(campaign, store, InMemoryPublisher(failing=True), HINDI_ANSWER)
    assert accepted.created is True
    assert store.get_response(accepted.response.id) == accepted.response
    jobs = store.jobs_for(accepted.response.id)
    assert [(j.step, j.status, j.attempts, j.last_error) for j in jobs] == [
        ("response_event", "pending", 1, "Throttling"),
        ("thank_you_sms", "pending", 1, "Throttling"),
    ]
    assert all(j.due_at > NOW for j in jobs)


def test_without_consent_no_sms_is_planned(
    campaign: Campaign, store: InMemoryStore, publisher: InMemoryPublisher
) -> None:
    accepted = accept(campaign, store, publisher, {"product": "tawa"})
    assert accepted.response.phone is None
    assert accepted.response.consent is None
    assert [j.channel for j in publisher.delivered] == ["event"]
    assert [j.step for j in store.jobs_for(accepted.response.id)] == ["response_event"]


def test_an_invalid_answer_stores_and_sends_nothing(
    campaign: Campaign, store: InMemoryStore, publisher: InMemoryPublisher
) -> None:
    with pytest.raises(InvalidResponse):
        accept(campaign, store, publisher, {"product": "toaster"})
    assert store.responses == {}
    assert publisher.delivered == []
