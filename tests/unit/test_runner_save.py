"""The runner records an outcome even when the store is briefly busy (a lost record after a
publish would let the lease expire and the message go out twice)."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from chalicelib.consent.keys import Keys
from chalicelib.consent.links import Links
from chalicelib.errors import StorageUnavailable
from chalicelib.followups.model import FollowUpJob
from chalicelib.followups.runner import SAVE_ATTEMPTS, Runner
from tests.fakes import FakePublisher, FakeStore

NOW = datetime(2026, 11, 25, 10, tzinfo=UTC)
JOB = FollowUpJob(
    response_id="r" * 32,
    step="thank_you_sms",
    channel="sms",
    status="sending",
    due_at=NOW,
    campaign="wishlist",
    locale="hi",
    created_at=NOW,
    lease_id="lease",
)


def busy_store(failures: int) -> FakeStore:
    """A store holding JOB (ours, sending) whose next ``failures`` saves are throttled."""
    store = FakeStore(busy=failures)
    store.jobs[(JOB.response_id, JOB.step)] = JOB
    return store


def runner(store: FakeStore, sleeps: list[float], time_left: float = float("inf")) -> Runner:
    return Runner(
        store=store,
        publisher=FakePublisher(),
        campaigns=lambda *_: None,
        links=Links("https://x.example", Keys(contact=b"c" * 32, link=b"k" * 32)),
        clock=lambda: NOW,
        rng=random.Random(1),
        sleep=sleeps.append,
        time_left=lambda: time_left,
    )


def test_a_busy_store_is_retried_with_growing_jittered_pauses() -> None:
    store, sleeps = busy_store(3), []

    assert runner(store, sleeps)._save(JOB) is True

    assert store.saved == [JOB]
    assert len(sleeps) == 3
    assert sleeps[0] < sleeps[1] < sleeps[2]  # exponential, with jitter within each step


def test_retries_stop_when_the_lambda_has_no_time_left() -> None:
    store, sleeps = busy_store(1), []

    with pytest.raises(StorageUnavailable):
        runner(store, sleeps, time_left=0.5)._save(JOB)

    assert sleeps == []


def test_retries_are_bounded() -> None:
    store, sleeps = busy_store(SAVE_ATTEMPTS), []

    with pytest.raises(StorageUnavailable):
        runner(store, sleeps)._save(JOB)

    assert len(sleeps) == SAVE_ATTEMPTS - 1
