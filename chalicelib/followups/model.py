"""A follow-up job: one message to send, stored beside its response so it is never lost."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Literal

JobStatus = Literal["pending", "sending", "sent", "failed", "cancelled", "skipped"]
Channel = Literal["sms", "event"]
OPEN_STATUSES = ("pending", "sending")
RESPONSE_EVENT = "response_event"
"""The built-in step: the ``response.created`` event every response publishes at once."""


@dataclass(frozen=True)
class FollowUpJob:
    """One step of one response. ``pending`` waits for ``due_at``; ``sending`` is leased to
    the runner holding ``lease_id`` until ``due_at``, after which another runner may take it.
    ``message`` and ``attributes`` are what was (or is about to be) published."""

    response_id: str
    step: str
    channel: Channel
    status: JobStatus
    due_at: datetime
    campaign: str
    locale: str
    created_at: datetime
    message: str = ""
    attributes: Mapping[str, str] = field(default_factory=dict)
    phone_number: str | None = None
    contact_id: str | None = None
    lease_id: str | None = None
    attempts: int = 0
    message_id: str | None = None
    sent_at: datetime | None = None
    last_error: str | None = None
    note: str | None = None
    ref: str | None = None  # the share a sharer's step is about (approved or rejected)

    @property
    def key(self) -> tuple[str, str]:
        return (self.response_id, self.step)

    def sent(self, message_id: str, at: datetime) -> FollowUpJob:
        return replace(
            self, status="sent", message_id=message_id, sent_at=at, last_error=None, note=None
        )

    def retry_later(self, error: str, at: datetime) -> FollowUpJob:
        return replace(
            self, status="pending", due_at=at, attempts=self.attempts + 1, last_error=error
        )

    def failed(self, error: str) -> FollowUpJob:
        return replace(self, status="failed", attempts=self.attempts + 1, last_error=error)

    def postponed(self, until: datetime, why: str) -> FollowUpJob:
        return replace(self, status="pending", due_at=until, note=why)

    def closed(self, status: Literal["cancelled", "skipped"], why: str) -> FollowUpJob:
        return replace(self, status=status, note=why)


@dataclass(frozen=True)
class Contact:
    """A phone number, known only by its opaque id, and whether it asked for no more messages."""

    contact_id: str
    opted_out_at: datetime | None
    response_ids: frozenset[str] = frozenset()

    @property
    def opted_out(self) -> bool:
        return self.opted_out_at is not None
