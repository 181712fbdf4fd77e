"""accept_response with the in-memory store, a recording `send`, and a clock that stands still."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from chalicelib.campaigns import Campaign
from chalicelib.campaigns.loader import load_campaign_file
from chalicelib.errors import IdempotencyConflict, InvalidResponse, StorageUnavailable
from chalicelib.followups.compose import Links
from chalicelib.followups.model import FollowUpJob
from chalicelib.followups.runner import LEASE
from chalicelib.responses.service import Accepted, accept_response
from chalicelib.storage.memory import InMemoryStore

NOW = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
LINKS = Links("https://samvad.example", b"k" * 32)
HINDI_ANSWER = {
    "product": "tawa",
    "reason": "न\u093cानी के लिए",  # न + nukta: NFC stores ऩ (U+0929)
    "phone": "098765 43210",
    "consent": "yes",
}


class RecordingSend:
    """Stands in for ``Runner.send``: remembers each batch of jobs it is handed."""

    def __init__(self) -> None:
        self.batches: list[list[FollowUpJob]] = []

    def __call__(self, jobs: Sequence[FollowUpJob]) -> None:
        self.batches.append(list(jobs))


@pytest.fixture(scope="module")
def campaign() -> Campaign:
    return load_campaign_file(Path("chalicelib/campaigns/definitions/wishlist.yaml"))


@pytest.fixture
def store() -> InMemoryStore:
    return InMemoryStore()


@pytest.fixture
def send() -> RecordingSend:
    return RecordingSend()


def accept(
    campaign: Campaign,
    store: InMemoryStore,
    send: RecordingSend,
    fields: dict[str, str],
    *,
    locale: str = "hi",
    key: str = "key-1",
) -> Accepted:
    return accept_response(
        campaign, locale, fields, key, store=store, send=send, links=LINKS, clock=lambda: NOW
    )


def by_step(jobs: Sequence[FollowUpJob]) -> dict[str, FollowUpJob]:
    return {job.step: job for job in jobs}


def test_valid_answer_is_stored_with_its_follow_up_plan(
    campaign: Campaign, store: InMemoryStore, send: RecordingSend
) -> None:
    accepted = accept(campaign, store, send, HINDI_ANSWER)

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

    event, thanks = jobs["response_event"], jobs["thank_you_sms"]
    for job in (event, thanks):  # leased to this request, which sends them at once
        assert (job.status, job.due_at) == ("sending", NOW + LEASE)
        assert job.lease_id is not None
    assert event.lease_id == thanks.lease_id
    assert (event.channel, event.phone_number, event.contact_id) == ("event", None, None)

    expected = {
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


def test_only_the_immediate_jobs_are_handed_to_send(
    campaign: Campaign, store: InMemoryStore, send: RecordingSend
) -> None:
    accepted = accept(campaign, store, send, HINDI_ANSWER)
    [batch] = send.batches
    assert [job.step for job in batch] == ["response_event", "thank_you_sms"]
    stored = [job for job in store.jobs_for(accepted.response.id) if job.status == "sending"]
    assert sorted(batch, key=lambda j: j.step) == stored


def test_the_lease_fences_who_may_record_an_immediate_job(
    campaign: Campaign, store: InMemoryStore, send: RecordingSend
) -> None:
    accept(campaign, store, send, HINDI_ANSWER)
    thanks = by_step(send.batches[0])["thank_you_sms"]
    assert store.save_job(thanks.sent("msg-1", NOW)) is True
    assert store.save_job(thanks.sent("msg-2", NOW)) is False  # no longer sending
    event = by_step(send.batches[0])["response_event"]
    stranger = replace(event, lease_id="someone-else")
    assert store.save_job(stranger.sent("msg-3", NOW)) is False


def test_sms_jobs_name_the_contact_by_an_opaque_stable_id(
    campaign: Campaign, store: InMemoryStore, send: RecordingSend
) -> None:
    first = accept(campaign, store, send, HINDI_ANSWER, key="key-1")
    second = accept(campaign, store, send, HINDI_ANSWER, locale="en", key="key-2")
    other = accept(campaign, store, send, {**HINDI_ANSWER, "phone": "91234 56789"}, key="key-3")

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


def test_without_consent_only_events_are_planned(
    campaign: Campaign, store: InMemoryStore, send: RecordingSend
) -> None:
    accepted = accept(campaign, store, send, {"product": "tawa"})
    assert accepted.response.phone is None
    assert accepted.response.consent is None
    jobs = store.jobs_for(accepted.response.id)
    assert sorted(j.step for j in jobs) == ["offer_event", "response_event"]
    assert {j.channel for j in jobs} == {"event"}
    assert all(j.phone_number is None and j.contact_id is None for j in jobs)
    [batch] = send.batches
    assert [j.step for j in batch] == ["response_event"]


def test_a_retry_returns_the_first_response_and_sends_nothing_more(
    campaign: Campaign, store: InMemoryStore, send: RecordingSend
) -> None:
    first = accept(campaign, store, send, HINDI_ANSWER)
    jobs_before = store.jobs_for(first.response.id)
    again = accept(campaign, store, send, dict(HINDI_ANSWER))
    assert again.created is False
    assert again.response == first.response
    assert len(send.batches) == 1
    assert len(store.responses) == 1
    assert store.jobs_for(first.response.id) == jobs_before  # the first plan is kept


def test_same_key_with_a_different_answer_is_a_conflict(
    campaign: Campaign, store: InMemoryStore, send: RecordingSend
) -> None:
    accept(campaign, store, send, HINDI_ANSWER)
    with pytest.raises(IdempotencyConflict):
        accept(campaign, store, send, {**HINDI_ANSWER, "product": "air-fryer"})
    assert len(send.batches) == 1
    assert len(store.responses) == 1


def test_another_key_is_another_response(
    campaign: Campaign, store: InMemoryStore, send: RecordingSend
) -> None:
    accept(campaign, store, send, HINDI_ANSWER, key="key-1")
    accept(campaign, store, send, HINDI_ANSWER, key="key-2")
    assert len(store.responses) == 2
    assert len(send.batches) == 2


def test_an_invalid_answer_stores_and_sends_nothing(
    campaign: Campaign, store: InMemoryStore, send: RecordingSend
) -> None:
    with pytest.raises(InvalidResponse):
        accept(campaign, store, send, {"product": "toaster"})
    assert store.responses == {}
    assert store.jobs == {}
    assert send.batches == []


def test_a_store_outage_while_sending_keeps_the_answer(
    campaign: Campaign, store: InMemoryStore
) -> None:
    def broken_send(jobs: Sequence[FollowUpJob]) -> None:
        raise StorageUnavailable("throttled while recording the SMS")

    accepted = accept_response(
        campaign,
        "hi",
        HINDI_ANSWER,
        "key-outage",
        store=store,
        send=broken_send,
        links=LINKS,
        clock=lambda: NOW,
    )

    assert accepted.created is True
    assert store.get_response(accepted.response.id) is not None
    leased = [job for job in store.jobs_for(accepted.response.id) if job.status == "sending"]
    assert {job.due_at for job in leased} == {NOW + LEASE}  # the scheduler takes them after
