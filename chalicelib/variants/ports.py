"""What the variants' report needs from storage (DynamoDB in ``chalicelib.storage``)."""

from __future__ import annotations

from typing import Protocol


class VariantCounts(Protocol):
    def variant_stats(self, slug: str) -> list[tuple[str, str, int]]:
        """(variant, what, count) for each funnel counter a variant was counted in."""
        ...
