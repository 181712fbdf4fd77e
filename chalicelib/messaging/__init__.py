"""Publishers: deliver follow-up jobs (SMS to a phone, events to a topic)."""

from __future__ import annotations

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
