"""``samvad stats`` as a marketer reads it: the whole funnel in one table (views, answers,
shares, answers through shares, verified and unverified friends, rewards) for the campaign,
each language and each source; then its A/B variants, each against the first."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

STEPS = (
    ("views", "views"),
    ("responses", "answers"),
    ("shares", "shares"),
    ("referred", "referred"),
    ("verified", "verified"),
    ("unverified", "unverified"),
    ("rewards", "rewards"),
)
NAME_WIDTH = 22
VARIANT_STEPS = ("views", "responses", "shares", "verified", "rewards")  # per A/B variant


def _percent(part: int, whole: int) -> str:
    return f"{part / whole:.1%}" if whole else "-"


def _row(name: str, counts: Mapping[str, Any]) -> str:
    numbers = "".join(f"{counts.get(key, 0):>11}" for key, _ in STEPS)
    conversion = _percent(counts.get("responses", 0), counts.get("views", 0))
    return f"  {name:<{NAME_WIDTH}}{numbers}{conversion:>11}"


def funnel_lines(found: Mapping[str, Any]) -> Iterator[str]:
    """The funnel table: a header row, the campaign's total, then per locale and source."""
    yield f"{found['slug']}: funnel (answers through shares: referred; friends who proved"
    yield "  their number: verified; conversion: answers per view)"
    yield (
        f"  {'':<{NAME_WIDTH}}"
        + "".join(f"{title:>11}" for _, title in STEPS)
        + (f"{'conversion':>11}")
    )
    yield _row("all", found)
    for key, title in (("by_locale", "locale"), ("by_source", "source")):
        for name, counts in sorted(found.get(key, {}).items()):
            yield _row(f"{title} {name}", counts)


def variant_lines(variants: Mapping[str, Any] | None) -> Iterator[str]:
    """Each A/B variant's views, answers, shares, verified friends, rewards (the last three
    counted under the variant of the sharer's answer) and conversion, and its z-test against
    the first (or why there is no figure yet); nothing for a campaign without variants."""
    items = (variants or {}).get("items", [])
    if not items:
        return
    yield "A/B variants (two-proportion z-test against the first, two-sided p-value):"
    titles = [dict(STEPS)[key] for key in VARIANT_STEPS] + ["conversion"]
    yield f"  {'variant':<{NAME_WIDTH}}" + "".join(f"{t:>11}" for t in titles) + "  vs first"
    for i, item in enumerate(items):
        conversion = _percent(item["responses"], item["views"])
        if i == 0:
            against = "(the baseline)"
        elif item.get("vs_first") is None:
            against = "not enough data yet"
        else:
            test = item["vs_first"]
            against = f"z = {test['z']:+.2f}, p = {test['p_value']:.4f}"
        numbers = "".join(f"{item.get(key, 0):>11}" for key in VARIANT_STEPS)
        numbers += f"{conversion:>11}"
        yield f"  {item['id']:<{NAME_WIDTH}}{numbers}  {against}"
    assert variants is not None
    yield f"  (the rule: {variants['rule']})"
