"""Which campaign version a request sees: the published one, read from the store and kept
for a short while (a Lambda serves many requests; a publish shows within the TTL)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import lru_cache

from chalicelib.campaigns.loader import campaign_from_validated, parse_campaign
from chalicelib.campaigns.model import Campaign
from chalicelib.campaigns.ports import CampaignStore
from chalicelib.errors import CampaignNotFound, VersionProblem


class CampaignRegistry:
    def __init__(self, store: CampaignStore, clock: Callable[[], datetime], ttl: timedelta) -> None:
        self._store = store
        self._clock = clock
        self._ttl = ttl
        self._pointers: dict[str, tuple[datetime, int]] = {}
        self._lock = threading.Lock()
        self.version = lru_cache(maxsize=256)(self._load_version)

    def published(self, slug: str) -> Campaign:
        """The live version of ``slug``; CampaignNotFound if it was never published."""
        now = self._clock()
        with self._lock:
            cached = self._pointers.get(slug)
        if cached is None or now - cached[0] >= self._ttl:
            state = self._store.state(slug)
            if state.published is None:
                raise CampaignNotFound(slug)
            cached = (now, state.published)
            with self._lock:
                self._pointers[slug] = cached
        return self.version(slug, cached[1])

    def all_published(self) -> list[Campaign]:
        states = self._store.campaigns()
        return [
            self.version(state.slug, state.published)
            for state in sorted(states, key=lambda s: s.slug)
            if state.published is not None
        ]

    def find(self, slug: str, version: int) -> Campaign | None:
        try:
            return self.version(slug, version)
        except VersionProblem:
            return None

    def _load_version(self, slug: str, version: int) -> Campaign:
        # Versions never change once deployed, so they are cached for good.
        stored = self._store.version(slug, version)
        if stored.validated is not None:
            # Checked when it was deployed: no YAML, no schema on a cold start's first page.
            return campaign_from_validated(stored.validated, version)
        # Deployed before versions kept what was validated: checked again, as then.
        return parse_campaign(stored.source, f"{slug}.yaml (version {version})", version=version)
