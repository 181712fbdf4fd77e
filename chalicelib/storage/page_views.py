"""Page views, counted in the container and written in batches: a warm page view makes no
AWS call. A container that stops loses at most its unwritten views (a marketing figure, not
an answer); the local stage writes each view at once."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Protocol

from chalicelib.campaigns.funnel import local_day


class CountStore(Protocol):
    def count(
        self,
        what: str,
        slug: str,
        locale: str,
        source: str,
        by: int = 1,
        variant: str | None = None,
        day: str | None = None,
    ) -> None: ...


class ViewCounter:
    def __init__(
        self, store: CountStore, clock: Callable[[], datetime], every: timedelta, most: int = 200
    ) -> None:
        self._store = store
        self._clock = clock
        self._every = every
        self._most = most
        self._pending: Counter[tuple[str, str, str, str | None, str | None]] = Counter()
        self._since = clock()
        self._lock = threading.Lock()

    def view(
        self,
        slug: str,
        locale: str,
        source: str,
        variant: str | None = None,
        timezone: str | None = None,
    ) -> None:
        """One more view; with the campaign's ``timezone``, counted on its day there too."""
        day = local_day(self._clock(), timezone) if timezone else None
        with self._lock:
            self._pending[(slug, locale, source, variant, day)] += 1
            due = (
                self._clock() - self._since >= self._every
                or sum(self._pending.values()) >= self._most
            )
        if due:
            self.flush()

    def flush(self) -> None:
        with self._lock:
            pending, self._pending = self._pending, Counter()
            self._since = self._clock()
        for (slug, locale, source, variant, day), views in pending.items():
            if day is not None:
                self._store.count("views", slug, locale, source, views, variant, day)
            elif variant is None:
                self._store.count("views", slug, locale, source, views)
            else:
                self._store.count("views", slug, locale, source, views, variant)
