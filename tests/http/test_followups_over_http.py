"""Scheduled follow-ups on the real local stack: answers over HTTP, scheduler passes with the
operators' command (``python -m samvad_cli followups run-due --now …``), SMS read back
from the emulator's own record, the unsubscribe link followed over HTTP."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from tests.conftest import PROJECT_DIR, Emulator, RunningStack
from tests.http.followup_helpers import (
    LINK,
    answer,
    at_ist,
    first_at_ist,
    job,
    list_jobs,
    run_due,
    sms_to,
)

pytestmark = pytest.mark.http


def test_a_day_later_the_reminder_goes_out_once_and_its_link_unsubscribes(
    stack: RunningStack, emulator: Emulator
) -> None:
    answer(stack, "http-followup-1", "98765 60001")
    number = "+919876560001"
    # Every time comes from the answer's own (wall-clock) time, so the test holds at any hour:
    # the reminder (a day later) meets the first quiet night after it falls due and goes out
    # the next morning, always before the offer (three days later).
    answered = datetime.fromisoformat(str(job(stack, "thank_you_sms", "http-followup-1")["due_at"]))
    quiet_night = first_at_ist(answered + timedelta(days=1), hour=22)
    morning = first_at_ist(quiet_night, hour=9)

    early = run_due(stack, emulator, answered + timedelta(hours=12))
    assert len(sms_to(emulator, number)) == 1  # only the thank-you
    run_due(stack, emulator, quiet_night)  # due, but 22:00 is quiet time
    assert len(sms_to(emulator, number)) == 1
    postponed = [j for j in list_jobs(stack) if j["step"] == "reminder"]
    assert postponed[0]["note"] == "quiet hours"
    assert postponed[0]["due_at"] == morning.astimezone(UTC).isoformat(timespec="seconds")

    sent = run_due(stack, emulator, morning + timedelta(minutes=1))
    again = run_due(stack, emulator, morning + timedelta(minutes=2))

    texts = sms_to(emulator, number)
    assert len(texts) == 2, texts
    assert "sent: 1" in sent
    assert "sent" not in again
    assert "sent" not in early
    link = LINK.search(texts[1])
    assert link is not None
    path = link.group(0).removeprefix(stack.base_url)
    page = stack.get(path)
    assert page.status_code == 200
    assert 'lang="hi"' in page.text
    assert stack.post(path, data={"unsubscribe": "yes"}).status_code == 200
    offer = next(j for j in list_jobs(stack) if j["step"] == "offer")
    assert offer["status"] == "cancelled"
    run_due(stack, emulator, answered + timedelta(days=5))
    assert len(sms_to(emulator, number)) == 2  # nothing after the opt-out


def test_two_runners_at_once_send_each_reminder_once(
    stack: RunningStack, emulator: Emulator
) -> None:
    numbers = [f"+9198765{n:05d}" for n in range(61000, 61012)]
    for n, number in enumerate(numbers):
        answer(stack, f"http-parallel-{n:03d}", number)
    env = {**os.environ, "AWS_ENDPOINT_URL": emulator.endpoint}
    now = at_ist(2, 10).isoformat()
    command = [sys.executable, "-m", "samvad_cli", "followups", "run-due", "--now", now]

    runners = [
        subprocess.Popen(command, cwd=PROJECT_DIR, env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [runner.communicate(timeout=120)[0] for runner in runners]

    assert all(runner.returncode == 0 for runner in runners), outputs
    for number in numbers:
        assert len(sms_to(emulator, number)) == 2, number  # thank-you + one reminder
