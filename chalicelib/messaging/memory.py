"""An in-memory publisher for unit tests: records deliveries, can be told to fail."""

from __future__ import annotations

from collections.abc import Sequence

from chalicelib.followups.model import FollowUpJob
from chalicelib.messaging import PublishFailed


class InMemoryPublisher:
    def __init__(self, *, failing: bool = False) -> None:
        self.delivered: list[FollowUpJob] = []
        self.failing = failing
        self.stopped_numbers: set[str] = set()

    def deliver(self, job: FollowUpJob) -> str:
        if self.failing:
            raise PublishFailed("Throttling")
        self.delivered.append(job)
        return f"msg-{len(self.delivered)}"

    def deliver_events(self, jobs: Sequence[FollowUpJob]) -> list[str | PublishFailed]:
        outcomes: list[str | PublishFailed] = []
        for job in jobs:
            try:
                outcomes.append(self.deliver(job))
            except PublishFailed as exc:
                outcomes.append(exc)
        return outcomes

    def opted_out(self, phone_number: str) -> bool:
        return phone_number in self.stopped_numbers
