"""An in-memory publisher for unit tests: records deliveries, can be told to fail."""

from __future__ import annotations

from chalicelib.followups.model import FollowUpJob
from chalicelib.messaging import PublishFailed


class InMemoryPublisher:
    def __init__(self, *, failing: bool = False) -> None:
        self.delivered: list[FollowUpJob] = []
        self.failing = failing

    def deliver(self, job: FollowUpJob) -> str:
        if self.failing:
            raise PublishFailed("Throttling")
        self.delivered.append(job)
        return f"msg-{len(self.delivered)}"
