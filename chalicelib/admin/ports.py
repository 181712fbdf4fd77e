"""What marketers' operations need from storage beyond the campaigns' own store: answers a
page at a time, the funnel's counters, a campaign's follow-up jobs (DynamoDB in
``chalicelib.storage``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from chalicelib.followups.model import FollowUpJob
from chalicelib.responses.model import Response


class AnswerReader(Protocol):
    def responses_page(
        self, slug: str, limit: int, cursor: dict[str, Any] | None
    ) -> tuple[list[Response], dict[str, Any] | None]:
        """One page of a campaign's answers, oldest first, and the key to the next page."""
        ...

    def stats(self, slug: str) -> list[tuple[str, str, str, int]]:
        """(what, locale, source, count) for each funnel counter of the campaign."""
        ...

    def day_counts(self, slug: str, day: str) -> dict[str, int]:
        """The campaign's counts (``views``, ``responses``) on ``day`` (``YYYY-MM-DD`` in its
        time zone); a count with nothing that day is absent."""
        ...


class JobDesk(Protocol):
    def campaign_jobs(self, slug: str) -> list[FollowUpJob]: ...

    def reopen_failed(self, job: FollowUpJob, now: datetime) -> bool:
        """A failed job becomes pending again with fresh attempts; False if it was not failed."""
        ...
