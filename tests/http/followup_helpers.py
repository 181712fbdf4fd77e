"""Helpers for follow-up tests on the local stack: answer over HTTP, run a scheduler pass
with the operators' command, read jobs from the outbox and SMS from the emulator."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from chalicelib.responses.model import response_id
from tests.conftest import PROJECT_DIR, Emulator, RunningStack, eventually

IST = ZoneInfo("Asia/Kolkata")
LINK = re.compile(r"https?://\S+/u/\S+")


def run_due(stack: RunningStack, emulator: Emulator, now: datetime) -> str:
    env = {
        **os.environ,
        "AWS_ENDPOINT_URL": emulator.endpoint,
        "SAMVAD_PUBLIC_URL": stack.base_url,
    }
    done = subprocess.run(
        [sys.executable, "-m", "samvad_cli", "followups", "run-due", "--now", now.isoformat()],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout


def list_jobs(stack: RunningStack) -> list[dict[str, object]]:
    jobs: list[dict[str, object]] = stack.get("/_local/outbox?format=jobs").json()
    return jobs


def answer(stack: RunningStack, token: str, phone: str) -> None:
    """Answer with consent, and wait until the thank-you SMS is out (the stack's stream)."""
    data = {"form_token": token, "product": "tawa", "phone": phone, "consent": "yes"}
    assert stack.post("/hi/c/wishlist", data=data).status_code == 303
    eventually(lambda: job(stack, "thank_you_sms", token)["status"] == "sent")
    eventually(lambda: job(stack, "response_event", token)["status"] == "sent")


def sms_to(emulator: Emulator, number: str) -> list[str]:
    return [text for phone, text in emulator.sms_messages() if phone == number]


def at_ist(days_from_today: int, hour: int) -> datetime:
    day = datetime.now(IST).date() + timedelta(days=days_from_today)
    return datetime(day.year, day.month, day.day, hour, tzinfo=IST)


def first_at_ist(after: datetime, hour: int) -> datetime:
    """The first ``hour``:00 in India at or after ``after``.

    >>> first_at_ist(datetime(2026, 12, 1, 23, 40, tzinfo=ZoneInfo("UTC")), 9).isoformat()
    '2026-12-02T09:00:00+05:30'
    >>> first_at_ist(datetime(2026, 12, 1, 23, 40, tzinfo=ZoneInfo("UTC")), 22).isoformat()
    '2026-12-02T22:00:00+05:30'
    """
    local = after.astimezone(IST)
    candidate = local.replace(hour=hour, minute=0, second=0, microsecond=0)
    return candidate if candidate >= local else candidate + timedelta(days=1)


def job(stack: RunningStack, step: str, token: str) -> dict[str, Any]:
    """The job of ``step`` for the response sent with form token ``token``."""
    rid = response_id("wishlist", token)
    mine = [j for j in list_jobs(stack) if j["step"] == step and j["response_id"] == rid]
    assert len(mine) == 1, mine
    return mine[0]
