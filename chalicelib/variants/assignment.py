"""Which variant a visitor sees: assigned once from a hash of a random visitor id, weighted,
then kept in a cookie, and stored with the visitor's answer.

The hash makes the assignment deterministic for a given id (tests give the ids), and the
weights hold over many visitors: a variant of weight 2 gets twice the visitors of weight 1.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from chalicelib.campaigns.model import Campaign, Variant
from chalicelib.variants.texts import in_variant, variant_of

COOKIE_PREFIX = "samvad_variant_"


def cookie_name(slug: str) -> str:
    """One cookie per campaign: its pages live under /{locale}/c/{slug}, the locale first, so
    a cookie's Path cannot cover one campaign in all its languages; its name does."""
    return COOKIE_PREFIX + slug


def assign(slug: str, variants: Sequence[Variant], visitor: str) -> Variant:
    """The variant of ``visitor`` (a random id): the same id always gets the same variant.

    >>> from chalicelib.campaigns.model import Variant
    >>> two = [Variant("a"), Variant("b", weight=3)]
    >>> assign("wishlist", two, "v1") == assign("wishlist", two, "v1")
    True
    """
    digest = hashlib.sha256(f"{slug}\n{visitor}".encode()).digest()
    point = int.from_bytes(digest[:8], "big") / 2**64 * sum(v.weight for v in variants)
    for variant in variants:
        point -= variant.weight
        if point < 0:
            return variant
    return variants[-1]  # rounding at the very top of the range


@dataclass(frozen=True)
class Assigned:
    campaign: Campaign
    """The campaign in the visitor's variant's texts (as it is without variants)."""
    cookie: str | None
    """The variant id for the browser to keep, when it did not send a valid one (else None)."""


class VariantPicker:
    """Assigns visitors to a campaign's variants; ``new_visitor`` is the randomness."""

    def __init__(self, new_visitor: Callable[[], str] = lambda: secrets.token_hex(16)) -> None:
        self._new_visitor = new_visitor

    def for_visitor(
        self, campaign: Campaign, kept: str | None, visitor: str | None = None
    ) -> Assigned:
        """The campaign as this visitor sees it. ``kept``: the variant id the browser sent
        (used when the campaign declares it; anything else is reassigned, never an error);
        ``visitor``: an id to assign by (a random one if None)."""
        if not campaign.variants:
            return Assigned(campaign, None)
        if variant_of(campaign, kept) is not None:
            return Assigned(in_variant(campaign, kept), None)
        chosen = assign(campaign.slug, campaign.variants, visitor or self._new_visitor())
        return Assigned(in_variant(campaign, chosen.id), chosen.id)
