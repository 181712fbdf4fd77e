"""Faults on the real local stack: SNS refusing (the topic is gone), and a scheduler process
killed in the middle of a batch. The emulator runs in this process, so the test can make it
misbehave and read what it recorded."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from datetime import timedelta
from typing import Any

import pytest
from moto.sns.models import SNSBackend

from tests.conftest import PROJECT_DIR, Emulator, RunningStack
from tests.http.followup_helpers import answer, at_ist, job, run_due, sms_to

pytestmark = pytest.mark.http


def cli(emulator: Emulator, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "AWS_ENDPOINT_URL": emulator.endpoint}
    return subprocess.Popen(
        [sys.executable, "-m", "samvad_cli", "followups", *args],
        cwd=PROJECT_DIR,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )


def test_refused_events_are_retried_then_failed_then_retried_by_an_operator(
    stack: RunningStack, emulator: Emulator
) -> None:
    sns = emulator.client("sns")
    topic = next(
        t["TopicArn"] for t in sns.list_topics()["Topics"] if t["TopicArn"].endswith("-followups")
    )
    answer(stack, "fault-retry-01", "98765 70001")
    answer(stack, "fault-limit-01", "98765 70002")
    sns.delete_topic(TopicArn=topic)
    now = at_ist(4, 10)

    run_due(stack, emulator, now)
    first = job(stack, "offer_event", "fault-retry-01")
    assert (first["status"], first["attempts"], first["last_error"]) == ("pending", 1, "NotFound")
    for _ in range(3):
        now += timedelta(hours=2)
        run_due(stack, emulator, now)
    assert job(stack, "offer_event", "fault-limit-01")["attempts"] == 4

    now += timedelta(hours=2)
    run_due(stack, emulator, now)  # the fifth refusal is the last
    failed = job(stack, "offer_event", "fault-limit-01")
    assert (failed["status"], failed["attempts"]) == ("failed", 5)

    sns.create_topic(Name=topic.rsplit(":", 1)[1])  # SNS is back
    run_due(stack, emulator, now + timedelta(hours=2))
    assert job(stack, "offer_event", "fault-limit-01")["status"] == "failed"  # stays failed
    retry = cli(emulator, "retry", "wishlist", "--step", "offer_event")
    assert "reopened 2 failed job(s)" in retry.communicate(timeout=120)[0]
    run_due(stack, emulator, now + timedelta(hours=3))
    assert job(stack, "offer_event", "fault-limit-01")["status"] == "sent"
    assert job(stack, "offer_event", "fault-retry-01")["status"] == "sent"


def test_a_scheduler_killed_mid_batch_loses_nothing(
    stack: RunningStack, emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    tokens = [f"fault-crash-{n:02d}" for n in range(6)]
    numbers = [f"+91987657{n:04d}" for n in range(100, 106)]
    for token, number in zip(tokens, numbers, strict=True):
        answer(stack, token, number)
    blocked, release = threading.Event(), threading.Event()
    calls = {"sms": 0}
    publish = SNSBackend.publish

    def stalling_publish(self: SNSBackend, *args: Any, **kwargs: Any) -> str:
        if kwargs.get("phone_number"):
            calls["sms"] += 1
            if calls["sms"] == 3:  # the third reminder: the runner hangs here, then dies
                blocked.set()
                release.wait(60)
                raise RuntimeError("the runner that sent this is gone")
        return publish(self, *args, **kwargs)

    monkeypatch.setattr(SNSBackend, "publish", stalling_publish)
    now = at_ist(2, 10)
    runner = cli(emulator, "run-due", "--now", now.isoformat())
    assert blocked.wait(60)
    runner.kill()
    runner.communicate(timeout=30)
    release.set()

    statuses = [job(stack, "reminder", token)["status"] for token in tokens]
    assert statuses.count("sent") == 2
    assert statuses.count("sending") == 4  # claimed by the dead runner, leased
    run_due(stack, emulator, now + timedelta(seconds=30))
    assert [job(stack, "reminder", t)["status"] for t in tokens].count("sent") == 2
    run_due(stack, emulator, now + timedelta(minutes=3))  # the lease expired

    assert all(job(stack, "reminder", t)["status"] == "sent" for t in tokens)
    for number in numbers:
        assert len(sms_to(emulator, number)) == 2  # thank-you + exactly one reminder
