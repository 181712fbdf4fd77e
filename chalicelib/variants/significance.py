"""Whether a variant converts differently from the first: a two-proportion z-test.

The normal approximation needs enough data in each arm; with less, the report says so
instead of giving a figure (``ENOUGH``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

MIN_VIEWS = 100
MIN_ANSWERS = 5
ENOUGH = (
    f"a variant is compared with the first once both have at least {MIN_VIEWS} views, "
    f"{MIN_ANSWERS} answers and {MIN_ANSWERS} views without an answer"
)


@dataclass(frozen=True)
class Arm:
    views: int
    answers: int

    @property
    def conversion(self) -> float | None:
        return self.answers / self.views if self.views else None

    @property
    def enough(self) -> bool:
        return self.views >= MIN_VIEWS and MIN_ANSWERS <= self.answers <= self.views - MIN_ANSWERS


@dataclass(frozen=True)
class ZTest:
    z: float
    p_value: float
    """Two-sided: the chance of a difference at least this large if the variants were alike."""


def z_test(first: Arm, other: Arm) -> ZTest:
    """The pooled two-proportion z-test of ``other``'s conversion against ``first``'s.

    >>> round(z_test(Arm(1000, 200), Arm(1000, 250)).z, 3)
    2.677
    """
    p1, p2 = first.answers / first.views, other.answers / other.views
    pooled = (first.answers + other.answers) / (first.views + other.views)
    error = math.sqrt(pooled * (1 - pooled) * (1 / first.views + 1 / other.views))
    if error == 0:
        return ZTest(0.0, 1.0)
    z = (p2 - p1) / error
    return ZTest(z, math.erfc(abs(z) / math.sqrt(2)))


def compare(first: Arm, other: Arm) -> ZTest | None:
    """The test, or None while either arm has too little data (``ENOUGH``)."""
    return z_test(first, other) if first.enough and other.enough else None
