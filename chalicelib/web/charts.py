"""Bar charts drawn on the server as inline SVG, for the console's dashboards.

No script and no ``style`` attribute (the CSP forbids inline styles): geometry and colour are
SVG presentation attributes. A chart is decoration beside its table, which is the accessible
source of the same numbers (the template marks the SVG ``aria-hidden``).

>>> chart = bars([("views", 200), ("answers", 50)])
>>> [(b.label, b.width) for b in chart.bars]
[('views', 300.0), ('answers', 75.0)]
>>> bars([]).height, bars([("none", 0)]).bars[0].width
(0, 0.0)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

LABEL_WIDTH = 140
BAR_SPACE = 300  # the longest bar
ROW = 26
BAR = 18
WIDTH = LABEL_WIDTH + BAR_SPACE + 80  # room for the value after the longest bar


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    y: int
    width: float

    @property
    def text_y(self) -> int:
        return self.y + BAR - 4


@dataclass(frozen=True)
class Chart:
    bars: tuple[Bar, ...]
    width: int = WIDTH
    label_width: int = LABEL_WIDTH
    bar_height: int = BAR

    @property
    def height(self) -> int:
        return len(self.bars) * ROW


def bars(rows: Iterable[tuple[str, float]]) -> Chart:
    """Horizontal bars, the longest ``BAR_SPACE`` wide; labels are cut to fit their column."""
    listed = [(str(label), max(0.0, float(value or 0))) for label, value in rows]
    top = max((value for _, value in listed), default=0.0)
    return Chart(
        tuple(
            Bar(
                label if len(label) <= 20 else label[:19] + "…",
                value,
                index * ROW,
                round(BAR_SPACE * value / top, 1) if top else 0.0,
            )
            for index, (label, value) in enumerate(listed)
        )
    )
