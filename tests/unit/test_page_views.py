"""Page views are counted in the container and written in batches (no AWS call per view)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chalicelib.storage.page_views import ViewCounter
from tests.fakes import FakeStore

START = datetime(2026, 11, 25, 10, tzinfo=UTC)


def test_views_wait_for_the_interval_and_are_written_summed() -> None:
    store, now = FakeStore(), [START]
    counter = ViewCounter(store, lambda: now[0], timedelta(seconds=30))

    for _ in range(5):
        counter.view("wishlist", "hi", "poster")
    counter.view("wishlist", "en", "direct")
    assert store.writes == []  # warm page views: no call
    now[0] = START + timedelta(seconds=31)
    counter.view("wishlist", "hi", "poster")

    assert sorted(store.writes) == [
        ("views", "wishlist", "en", "direct", 1),
        ("views", "wishlist", "hi", "poster", 6),
    ]


def test_a_busy_container_writes_before_the_interval() -> None:
    store = FakeStore()
    counter = ViewCounter(store, lambda: START, timedelta(seconds=30), most=10)

    for _ in range(10):
        counter.view("wishlist", "hi", "direct")

    assert store.writes == [("views", "wishlist", "hi", "direct", 10)]


def test_the_local_stage_writes_each_view_at_once() -> None:
    store = FakeStore()
    counter = ViewCounter(store, lambda: START, timedelta(0))

    counter.view("wishlist", "ur", "direct")

    assert store.writes == [("views", "wishlist", "ur", "direct", 1)]
