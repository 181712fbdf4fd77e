"""Views and answers are counted per day in the campaign's time zone, in the same writes as
their totals: around midnight in Asia/Kolkata (18:30 UTC), yesterday's do not count today."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from chalicelib.campaigns.funnel import local_day
from chalicelib.campaigns.loader import load_campaign_file
from chalicelib.responses.service import ResponseService
from chalicelib.storage.page_views import ViewCounter
from tests.fakes import FakeStore
from tests.unit.test_service import HINDI_ANSWER, LINKS

MIDNIGHT_IN_KOLKATA = datetime(2026, 11, 24, 18, 30, tzinfo=UTC)  # 25 Nov 00:00 IST


def test_local_day_is_the_day_in_the_campaigns_time_zone() -> None:
    before = MIDNIGHT_IN_KOLKATA - timedelta(minutes=1)
    assert local_day(before, "Asia/Kolkata") == "2026-11-24"
    assert local_day(MIDNIGHT_IN_KOLKATA, "Asia/Kolkata") == "2026-11-25"
    assert local_day(MIDNIGHT_IN_KOLKATA, "UTC") == "2026-11-24"


@pytest.mark.parametrize("minutes", [1, 299])  # just after midnight, and late in the day
def test_a_view_and_an_answer_today_count_today_and_yesterdays_do_not(minutes: int) -> None:
    campaign = load_campaign_file(Path("chalicelib/campaigns/definitions/wishlist.yaml"))
    assert campaign.timezone == "Asia/Kolkata"
    store, now = FakeStore(), [MIDNIGHT_IN_KOLKATA - timedelta(minutes=2)]
    answers = ResponseService(store=store, links=LINKS, clock=lambda: now[0])
    views = ViewCounter(store, lambda: now[0], timedelta(0))  # the local stage: at once

    views.view(campaign.slug, "hi", "direct", None, campaign.timezone)  # yesterday, 23:58 IST
    answers.accept(campaign, "hi", HINDI_ANSWER, "yesterday")
    now[0] = MIDNIGHT_IN_KOLKATA + timedelta(minutes=minutes)
    views.view(campaign.slug, "hi", "poster", None, campaign.timezone)  # today
    views.view(campaign.slug, "en", "direct", None, campaign.timezone)
    answers.accept(campaign, "hi", {**HINDI_ANSWER, "phone": "9876543211"}, "today")

    assert store.day_counts(campaign.slug, "2026-11-25") == {"views": 2, "responses": 1}
    assert store.day_counts(campaign.slug, "2026-11-24") == {"views": 1, "responses": 1}
    assert store.day_counts("other", "2026-11-25") == {}
    totals = {(w, loc, src): n for w, loc, src, n in store.stats(campaign.slug)}
    assert totals[("views", "hi", "direct")] == 1  # the totals are kept as before
    assert sum(n for (w, _, _), n in totals.items() if w == "responses") == 2
