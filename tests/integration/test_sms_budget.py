"""The stage's and a campaign's hourly SMS budgets (moto in-process, injected clock): under
budget an SMS goes at once; beyond it the SMS waits for the next hour (not failed, not
dropped), goes then exactly once, and the run's metric line says the budget was reached."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from moto.core import DEFAULT_ACCOUNT_ID
from moto.sns.models import sns_backends

from chalicelib.followups.model import FollowUpJob
from chalicelib.followups.runner import CAMPAIGN_BUDGET, STAGE_BUDGET, Runner
from chalicelib.responses.model import response_id
from tests.conftest import send_wishlist_form

START = datetime(2026, 12, 1, 10, 20, tzinfo=UTC)
NEXT_HOUR = datetime(2026, 12, 1, 11, tzinfo=UTC)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock(aws: Any) -> Clock:
    """The app's clock, set before the runner is built from it; a stage budget of 2 an hour."""
    clock = Clock(START)
    aws.clock = clock
    aws.settings = replace(aws.settings, sms_per_hour=2)
    for built in ("runner", "registry", "views"):
        aws.__dict__.pop(built, None)
    return clock


def sms_to(number: str) -> list[str]:
    backend = sns_backends[DEFAULT_ACCOUNT_ID]["ap-south-1"]
    return [text for phone, text in backend.sms_messages.values() if phone == number]


def thank_you(aws: Any, token: str) -> FollowUpJob:
    return {job.step: job for job in aws.adapters.store.jobs_for(response_id("wishlist", token))}[
        "thank_you_sms"
    ]


def answer(client: Any, token: str, phone: str) -> None:
    assert send_wishlist_form(client, token, phone).status_code == 303


def budget_lines(out: str) -> list[int]:
    return [json.loads(line)["SmsBudgetReached"] for line in out.splitlines() if '"_aws"' in line]


def runner_at(aws: Any, now: datetime, **changes: Any) -> Runner:
    return replace(aws.runner, clock=lambda: now, rng=random.Random(3), **changes)


def test_beyond_the_stage_budget_a_thank_you_waits_for_the_next_hour_then_goes_once(
    clock: Clock, chalice_client: Any, aws: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    answer(chalice_client, "budget-stage-01", "9876560001")
    answer(chalice_client, "budget-stage-02", "9876560002")
    assert budget_lines(capsys.readouterr().out) == [0, 0]

    clock.now = START + timedelta(minutes=30)
    answer(chalice_client, "budget-stage-03", "9876560003")

    assert [len(sms_to(f"+91987656000{n}")) for n in (1, 2, 3)] == [1, 1, 0]
    held = thank_you(aws, "budget-stage-03")
    assert (held.status, held.note, held.due_at) == ("pending", STAGE_BUDGET, NEXT_HOUR)
    assert budget_lines(capsys.readouterr().out) == [1]

    early = runner_at(aws, NEXT_HOUR - timedelta(seconds=1)).run_due()
    assert early.counts["sent"] == 0
    sent = runner_at(aws, NEXT_HOUR).run_due()
    again = runner_at(aws, NEXT_HOUR + timedelta(minutes=1)).run_due()

    assert (sent.counts["sent"], again.counts["sent"]) == (1, 0)
    assert thank_you(aws, "budget-stage-03").status == "sent"
    assert len(sms_to("+919876560003")) == 1


def test_the_held_back_go_within_the_next_hours_budget_and_the_rest_wait_again(
    clock: Clock, chalice_client: Any, aws: Any
) -> None:
    for n in range(5):
        answer(chalice_client, f"budget-queue-0{n}", f"987656010{n}")
    held = [n for n in range(5) if thank_you(aws, f"budget-queue-0{n}").status == "pending"]
    assert len(held) == 3

    report = runner_at(aws, NEXT_HOUR + timedelta(minutes=2)).run_due()

    assert (report.counts["sent"], report.counts["sms_budget_reached"]) == (2, 1)
    waiting = [thank_you(aws, f"budget-queue-0{n}") for n in held]
    assert sorted(job.status for job in waiting) == ["pending", "sent", "sent"]
    assert [job.due_at for job in waiting if job.status == "pending"] == [
        NEXT_HOUR + timedelta(hours=1)
    ]
    assert sum(len(sms_to(f"+91987656010{n}")) for n in range(5)) == 4  # each at most once


def test_a_campaigns_own_budget_holds_back_first_and_gives_the_stages_slot_back(
    clock: Clock, chalice_client: Any, aws: Any
) -> None:
    find: Callable[[str, int], Any] = aws.registry.find
    aws.__dict__["runner"] = replace(
        aws.runner,
        campaigns=lambda slug, version: replace(find(slug, version), sms_per_hour=1),
    )

    answer(chalice_client, "budget-campaign-1", "9876560201")
    answer(chalice_client, "budget-campaign-2", "9876560202")

    held = thank_you(aws, "budget-campaign-2")
    assert (held.status, held.note, held.due_at) == ("pending", CAMPAIGN_BUDGET, NEXT_HOUR)
    assert [len(sms_to(f"+9198765602{n:02d}")) for n in (1, 2)] == [1, 0]
    hour = START.replace(minute=0)
    assert aws.adapters.store.take_sms_budget("stage", hour, 2)  # the held SMS took no stage slot
    assert not aws.adapters.store.take_sms_budget("stage", hour, 2)

    runner_at(aws, NEXT_HOUR).run_due()
    assert thank_you(aws, "budget-campaign-2").status == "sent"
    assert len(sms_to("+919876560202")) == 1
