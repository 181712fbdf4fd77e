"""A follow-up job: one message to send, stored beside its response so it is never lost."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal

JobStatus = Literal["pending", "sending", "sent", "failed"]
Channel = Literal["sms", "event"]


@dataclass(frozen=True)
class FollowUpJob:
    """``sending`` carries a lease: when ``due_at`` passes, another runner may take it over."""

    response_id: str
    step: str
    channel: Channel
    status: JobStatus
    due_at: datetime
    message: str
    attributes: Mapping[str, str]
    campaign: str
    locale: str
    phone_number: str | None = None
    attempts: int = 0
    message_id: str | None = None
    sent_at: datetime | None = None
    last_error: str | None = None

    def sent(self, message_id: str, at: datetime) -> FollowUpJob:
        return replace(self, status="sent", message_id=message_id, sent_at=at, last_error=None)

    def retry_later(self, error: str, at: datetime) -> FollowUpJob:
        return replace(
            self, status="pending", due_at=at, attempts=self.attempts + 1, last_error=error
        )
