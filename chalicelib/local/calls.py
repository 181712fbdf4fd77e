"""AWS calls counted with botocore events: how many, of which operation, and how long."""

from __future__ import annotations

import time
from collections import Counter
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from chalicelib.bootstrap import Services


class Calls:
    """The AWS calls of the app's clients (DynamoDB, SNS), counted by ``service.Operation``,
    and the time spent in them (for ``make bench`` and the tests that count calls)."""

    def __init__(self, services: Services) -> None:
        self.counts: Counter[str] = Counter()
        self.seconds = 0.0
        self._started = 0.0
        for client in (services.adapters.dynamodb, services.adapters.sns):
            client.meta.events.register("before-call", self._before)
            client.meta.events.register("after-call", self._after)

    def _before(self, event_name: str, **_: Any) -> None:
        self.counts[event_name.removeprefix("before-call.")] += 1
        self._started = time.perf_counter()

    def _after(self, **_: Any) -> None:
        self.seconds += time.perf_counter() - self._started

    def take(self) -> tuple[dict[str, int], float]:
        """What was counted since the last take, and the seconds spent in the calls."""
        taken = (dict(self.counts), self.seconds)
        self.counts.clear()
        self.seconds = 0.0
        return taken
