"""The runner records an outcome even when the store is briefly busy (a lost record after a
publish would let the lease expire and the message go out twice)."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from typing import Any

import pytest

from chalicelib.consent.keys import Keys
from chalicelib.consent.links import Links
from chalicelib.errors import StorageUnavailable
from chalicelib.followups.model import FollowUpJob
from chalicelib.followups.runner import SAVE_ATTEMPTS, Runner

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


class BusyStore:
    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.saved: list[FollowUpJob] = []

    def save_job(self, job: FollowUpJob) -> bool:
        if self.failures:
            self.failures -= 1
            raise StorageUnavailable("throttled")
        self.saved.append(job)
        return True


def runner(store: Any, sleeps: list[float], time_left: float = float("inf")) -> Runner:
    return Runner(
        store=store,
        publisher=None,
        campaigns=lambda *_: None,  # type: ignore[arg-type]
        links=Links("https://x.example", Keys(contact=b"c" * 32, link=b"k" * 32)),
        clock=lambda: NOW,
        rng=random.Random(1),
        sleep=sleeps.append,
        time_left=lambda: time_left,
    )


def test_a_busy_store_is_retried_with_growing_jittered_pauses() -> None:
    store, sleeps = BusyStore(failures=3), []

    assert runner(store, sleeps)._save(JOB) is True

    assert store.saved == [JOB]
    assert len(sleeps) == 3
    assert sleeps[0] < sleeps[1] < sleeps[2]  # exponential, with jitter within each step


def test_retries_stop_when_the_lambda_has_no_time_left() -> None:
    store, sleeps = BusyStore(failures=1), []

    with pytest.raises(StorageUnavailable):
        runner(store, sleeps, time_left=0.5)._save(JOB)

    assert sleeps == []


def test_retries_are_bounded() -> None:
    store, sleeps = BusyStore(failures=SAVE_ATTEMPTS), []

    with pytest.raises(StorageUnavailable):
        runner(store, sleeps)._save(JOB)

    assert len(sleeps) == SAVE_ATTEMPTS - 1
