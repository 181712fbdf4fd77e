"""The responses service with the fake store and a clock that stands still."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from chalicelib.campaigns import Campaign
from chalicelib.campaigns.loader import load_campaign_file
from chalicelib.consent.keys import Keys
from chalicelib.consent.links import Links
from chalicelib.errors import IdempotencyConflict, InvalidResponse, RateLimited
from chalicelib.followups.model import FollowUpJob
from chalicelib.responses.limits import Limit, RateLimiter
from chalicelib.responses.service import Accepted, ResponseService
from tests.fakes import FakeStore

NOW = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
LINKS = Links("https://samvad.example", Keys(contact=b"c" * 32, link=b"k" * 32))
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
def store() -> FakeStore:
    return FakeStore()


def accept(
    campaign: Campaign,
    store: FakeStore,
    fields: dict[str, str],
    *,
    locale: str = "hi",
    key: str = "key-1",
    limits: Sequence[Limit] = (),
) -> Accepted:
    service = ResponseService(store=store, links=LINKS, clock=lambda: NOW, limits=lambda *_: limits)
    return service.accept(campaign, locale, fields, key)


def by_step(jobs: Sequence[FollowUpJob]) -> dict[str, FollowUpJob]:
    return {job.step: job for job in jobs}


def test_valid_answer_is_stored_with_its_follow_up_plan(
    campaign: Campaign, store: FakeStore
) -> None:
    accepted = accept(campaign, store, HINDI_ANSWER)

    assert accepted.created is True
    response = accepted.response
    assert store.responses == {response.id: response}
    assert response.answers == {"product": "tawa", "reason": "\u0929ानी के लिए"}
    assert response.phone == "+919876543210"
    assert response.consent is not None
    assert (response.consent.purpose, response.consent.notice_locale) == ("followup_sms", "hi")
    assert response.consent.notice_version == "2026-11-25"
    assert response.consent.given_at == NOW

    jobs = by_step(store.jobs_for(response.id))
    assert set(jobs) == {"response_event", "thank_you_sms", "reminder", "offer", "offer_event"}
    assert {j.created_at for j in jobs.values()} == {NOW}
    assert {j.locale for j in jobs.values()} == {"hi"}

    event = jobs["response_event"]
    assert (event.channel, event.phone_number, event.contact_id) == ("event", None, None)

    expected = {  # nothing is sent in the request: the stream hands due jobs to the sender
        "response_event": ("event", NOW),
        "thank_you_sms": ("sms", NOW),
        "reminder": ("sms", NOW + timedelta(days=1)),
        "offer": ("sms", NOW + timedelta(days=3)),
        "offer_event": ("event", NOW + timedelta(days=3)),
    }
    for step, (channel, due_at) in expected.items():
        job = jobs[step]
        assert (job.channel, job.status, job.due_at, job.lease_id) == (
            channel,
            "pending",
            due_at,
            None,
        )
    for step in ("thank_you_sms", "reminder", "offer"):
        assert jobs[step].phone_number == "+919876543210"
    assert jobs["offer_event"].phone_number is None


def test_sms_jobs_name_the_contact_by_an_opaque_stable_id(
    campaign: Campaign, store: FakeStore
) -> None:
    first = accept(campaign, store, HINDI_ANSWER, key="key-1")
    second = accept(campaign, store, HINDI_ANSWER, locale="en", key="key-2")
    other = accept(campaign, store, {**HINDI_ANSWER, "phone": "91234 56789"}, key="key-3")

    def contact_ids(accepted: Accepted) -> set[str | None]:
        jobs = store.jobs_for(accepted.response.id)
        return {job.contact_id for job in jobs if job.channel == "sms"}

    [contact_id] = contact_ids(first)
    assert contact_id is not None
    assert "9876543210" not in contact_id
    assert "98765" not in contact_id
    assert contact_ids(second) == {contact_id}
    assert contact_ids(other) != {contact_id}
    assert contact_id == LINKS.contact_id("+919876543210")


def test_without_consent_only_events_are_planned(campaign: Campaign, store: FakeStore) -> None:
    accepted = accept(campaign, store, {"product": "tawa"})
    assert accepted.response.phone is None
    assert accepted.response.consent is None
    jobs = store.jobs_for(accepted.response.id)
    assert sorted(j.step for j in jobs) == ["offer_event", "response_event"]
    assert {j.channel for j in jobs} == {"event"}
    assert all(j.phone_number is None and j.contact_id is None for j in jobs)


def test_a_retry_returns_the_first_response_and_plans_nothing_more(
    campaign: Campaign, store: FakeStore
) -> None:
    first = accept(campaign, store, HINDI_ANSWER)
    jobs_before = store.jobs_for(first.response.id)
    again = accept(campaign, store, dict(HINDI_ANSWER))
    assert again.created is False
    assert again.response == first.response
    assert len(store.responses) == 1
    assert store.jobs_for(first.response.id) == jobs_before  # the first plan is kept


def test_same_key_with_a_different_answer_is_a_conflict(
    campaign: Campaign, store: FakeStore
) -> None:
    accept(campaign, store, HINDI_ANSWER)
    with pytest.raises(IdempotencyConflict):
        accept(campaign, store, {**HINDI_ANSWER, "product": "air-fryer"})
    assert len(store.responses) == 1
    assert len(store.jobs) == 5


def test_another_key_is_another_response(campaign: Campaign, store: FakeStore) -> None:
    accept(campaign, store, HINDI_ANSWER, key="key-1")
    accept(campaign, store, HINDI_ANSWER, key="key-2")
    assert len(store.responses) == 2
    assert len(store.jobs) == 10


def test_an_invalid_answer_stores_nothing(campaign: Campaign, store: FakeStore) -> None:
    with pytest.raises(InvalidResponse):
        accept(campaign, store, {"product": "toaster"})
    assert store.responses == {}
    assert store.jobs == {}


def test_a_full_rate_limit_stores_nothing_and_a_repeat_is_not_limited(
    campaign: Campaign, store: FakeStore
) -> None:
    limiter = RateLimiter(b"salt")
    client = limiter.limit("client", "203.0.113.9", 2, timedelta(minutes=1), NOW)
    first = accept(campaign, store, HINDI_ANSWER, key="key-1", limits=[client])
    accept(campaign, store, HINDI_ANSWER, key="key-2", limits=[client])
    with pytest.raises(RateLimited) as raised:
        accept(campaign, store, HINDI_ANSWER, key="key-3", limits=[client])
    assert raised.value.retry_after == 60
    assert len(store.responses) == 2
    assert len(store.jobs) == 10
    again = accept(campaign, store, HINDI_ANSWER, key="key-1", limits=[client])
    assert (again.created, again.response) == (False, first.response)
    later = limiter.limit(
        "client", "203.0.113.9", 2, timedelta(minutes=1), NOW + timedelta(minutes=1)
    )
    assert accept(campaign, store, HINDI_ANSWER, key="key-3", limits=[later]).created


def test_limit_counters_are_per_kind_key_and_window_and_never_name_the_key() -> None:
    limiter = RateLimiter(b"salt")
    minute = timedelta(minutes=1)
    phone = limiter.limit("phone", "+919876543210", 5, minute, NOW)
    assert "9876543210" not in phone.pk
    assert phone.pk.startswith("RATE#phone#")
    assert phone.pk != limiter.limit("client", "+919876543210", 5, minute, NOW).pk
    assert phone.pk != RateLimiter(b"other").limit("phone", "+919876543210", 5, minute, NOW).pk
    assert (
        phone.window_start
        == limiter.limit(
            "phone", "+919876543210", 5, minute, NOW + timedelta(seconds=29)
        ).window_start
    )
