"""What sharing needs from storage: the shares themselves, and the answers they are made of
(DynamoDB in ``chalicelib.storage``; fakes in ``tests/fakes.py``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from chalicelib.campaigns.funnel import Count
from chalicelib.followups.model import FollowUpJob
from chalicelib.responses.model import Response
from chalicelib.sharing.model import Share


class ShareStore(Protocol):
    def create(self, share: Share, counts: Sequence[Count] = ()) -> None: ...

    def get(self, share_id: str) -> Share | None: ...

    def count_visit(self, share_id: str, visitor: str, campaign: str) -> bool:
        """Count one visitor of a public or pending share of ``campaign`` once."""
        ...

    def count_referral(
        self,
        share_id: str,
        contact_id: str,
        response_id: str,
        campaign: str,
        counts: Sequence[Count] = (),
    ) -> int | None:
        """Count a proven friend once for a public share of ``campaign`` (never the sharer);
        the share's new total, or None if it did not count."""
        ...

    def grant_reward(
        self,
        share_id: str,
        threshold: int,
        at: datetime,
        counts: Sequence[Count] = (),
        jobs: Sequence[FollowUpJob] = (),
    ) -> bool:
        """Mark the reward given once the share has ``threshold`` friends: True for the one
        caller that did; ``counts`` and ``jobs`` are written with it or not at all."""
        ...

    def queue(self, campaign: str, status: str = "pending") -> list[Share]: ...

    def decide(self, share: Share, status: str, at: datetime, by: str) -> str | None:
        """Set a marketer's decision; the status it had before (None if the share is gone)."""
        ...


class Answers(Protocol):
    """The answers shares are made of, and the follow-ups a decision plans for the sharer."""

    def get_response(self, response_id: str) -> Response | None: ...

    def add_jobs(self, jobs: Sequence[FollowUpJob]) -> list[FollowUpJob]:
        """Write new jobs of an existing answer; the ones that already exist are skipped."""
        ...
