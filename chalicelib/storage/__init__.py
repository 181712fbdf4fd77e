"""Stores: where responses and their follow-up jobs live (DynamoDB, or memory in unit tests)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from chalicelib.followups.model import FollowUpJob
from chalicelib.responses.model import Response
from chalicelib.storage.limits import Limit


class ResponseStore(Protocol):
    def create_response(
        self, response: Response, jobs: Sequence[FollowUpJob], limits: Sequence[Limit] = ()
    ) -> Response | None:
        """Write the response and its jobs at once, counting ``limits`` (RateLimited when one
        is full, and nothing is written); None if written, else the stored twin."""
        ...

    def get_response(self, response_id: str) -> Response | None: ...

    def jobs_for(self, response_id: str) -> list[FollowUpJob]: ...

    def save_job(self, job: FollowUpJob) -> bool:
        """Record a job's outcome, only if this caller still holds it (status ``sending``)."""
        ...
