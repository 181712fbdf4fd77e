"""Rate limits on answers: one counter per key and time window.

A limit is a value, not a request of its own: the store checks and counts it in the same write
as the answer it limits, so an answer costs one write request. Keys are hashed (a client
address or a phone number is personal data); the counter expires with its window.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from chalicelib.responses.validation import parse_phone


@dataclass(frozen=True)
class Limit:
    """One more hit on a counter that allows ``most`` hits per window of ``seconds``."""

    pk: str
    window_start: int
    seconds: int
    most: int


class RateLimiter:
    def __init__(self, salt: bytes) -> None:
        self._salt = salt

    def limit(self, kind: str, key: str, most: int, window: timedelta, now: datetime) -> Limit:
        """The counter of ``kind`` events for ``key`` in the window around ``now``."""
        seconds = int(window.total_seconds())
        start = int(now.timestamp()) // seconds * seconds
        digest = hashlib.sha256(self._salt + f"{kind}:{key}".encode()).hexdigest()[:32]
        return Limit(f"RATE#{kind}#{digest}", start, seconds, most)


class AnswerLimits:
    """Who may send how many answers: per client address and per phone number. ``limiter``
    is asked for on first use (its salt is the stage's contact key, read from the secret)."""

    def __init__(
        self,
        limiter: Callable[[], RateLimiter],
        per_client: tuple[int, int],
        per_phone: tuple[int, int],
    ) -> None:
        self._limiter = limiter
        self._per_client = per_client
        self._per_phone = per_phone

    def __call__(
        self, client: str | None, fields: Mapping[str, str], region: str, now: datetime
    ) -> list[Limit]:
        """The counters one more answer from this client (and phone) must stay under."""
        checks = [("client", client or "unknown", self._per_client)]
        phone = parse_phone(fields.get("phone", "")[:40], region) if fields.get("phone") else None
        if phone:
            checks.append(("phone", phone, self._per_phone))
        limiter = self._limiter()
        return [
            limiter.limit(kind, key, most, timedelta(seconds=seconds), now)
            for kind, key, (most, seconds) in checks
        ]
