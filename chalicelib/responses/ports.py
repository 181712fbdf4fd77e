"""What accepting an answer needs from storage (DynamoDB in ``chalicelib.storage``, a fake in
the unit tests)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from chalicelib.campaigns.funnel import Count
from chalicelib.followups.model import FollowUpJob
from chalicelib.responses.limits import Limit
from chalicelib.responses.model import Response


class ResponseStore(Protocol):
    def create_response(
        self,
        response: Response,
        jobs: Sequence[FollowUpJob],
        limits: Sequence[Limit] = (),
        counts: Sequence[Count] = (),
        day: str | None = None,
    ) -> Response | None:
        """Write the response, its jobs, the funnel's ``responses`` count (and, with ``day``,
        the campaign's count of answers that day) and ``counts`` at once, counting
        ``limits`` (RateLimited when one is full, and nothing is written);
        None if written, else the stored twin (then nothing is counted)."""
        ...

    def get_response(self, response_id: str) -> Response | None: ...
