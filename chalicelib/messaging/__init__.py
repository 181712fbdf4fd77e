"""Publishers: deliver follow-up jobs (SMS to a phone, events to a topic)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from chalicelib.followups.model import FollowUpJob


class PublishFailed(Exception):
    """SNS did not take the message; ``reason`` is safe to store (no personal data)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Publisher(Protocol):
    def deliver(self, job: FollowUpJob) -> str:
        """Send the job's message and return the provider's message id."""
        ...

    def deliver_events(self, jobs: Sequence[FollowUpJob]) -> list[str | PublishFailed]:
        """Publish topic events in batches; per job, its message id or why it failed."""
        ...

    def opted_out(self, phone_number: str) -> bool:
        """Whether the number told the SMS provider to stop (e.g. replied STOP)."""
        ...
