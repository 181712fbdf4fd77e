"""What follow-ups need from the rest of the app: a publisher (SNS in ``chalicelib.messaging``)
and the answer a job belongs to, as far as follow-ups read it (``responses.model.Response``
is one). The runner's store is ``runner.FollowUpStore``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
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


class Answer(Protocol):
    """A customer's answer, as follow-ups read it."""

    @property
    def id(self) -> str: ...
    @property
    def campaign(self) -> str: ...
    @property
    def campaign_version(self) -> int: ...
    @property
    def locale(self) -> str: ...
    @property
    def answers(self) -> Mapping[str, str]: ...
    @property
    def phone(self) -> str | None: ...
    @property
    def consent(self) -> object | None:
        """What the customer agreed to; None without consent (then no SMS)."""
        ...

    @property
    def created_at(self) -> datetime: ...
    @property
    def referred_by(self) -> str | None: ...
    @property
    def variant(self) -> str | None:
        """The A/B variant whose texts the customer saw (and gets in SMS), or None."""
        ...
