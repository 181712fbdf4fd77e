"""A campaign's funnel: views, responses, shares, referred answers, verified friends, rewards.

A ``Count`` is a value: a service hands it to its store with the write it belongs to (an
answer, a share, a referral), and the store adds it in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Count:
    """``by`` more of ``what`` for the campaign ``slug``, in ``locale``, from ``source`` (and
    in its A/B ``variant``, when the customer saw one: the variant is a further dimension of
    the same counter, not a second count). With a ``day`` (``YYYY-MM-DD`` in the campaign's
    time zone, see ``local_day``) the store also adds ``by`` to the campaign's count of
    ``what`` on that day, in the same write."""

    what: str
    slug: str
    locale: str
    source: str
    by: int = 1
    variant: str | None = None
    day: str | None = None


def local_day(at: datetime, timezone: str) -> str:
    """The day (``YYYY-MM-DD``) that the moment ``at`` falls on in ``timezone``."""
    return at.astimezone(ZoneInfo(timezone)).date().isoformat()
