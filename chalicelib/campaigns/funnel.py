"""A campaign's funnel: views, responses, shares, referred answers, verified friends, rewards.

A ``Count`` is a value: a service hands it to its store with the write it belongs to (an
answer, a share, a referral), and the store adds it in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Count:
    """``by`` more of ``what`` for the campaign ``slug``, in ``locale``, from ``source`` (and
    in its A/B ``variant``, when the customer saw one: the variant is a further dimension of
    the same counter, not a second count)."""

    what: str
    slug: str
    locale: str
    source: str
    by: int = 1
    variant: str | None = None
