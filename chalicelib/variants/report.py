"""Views, answers and conversion per variant, each compared with the first variant; and the
rest of the funnel (shares, verified friends, rewards), counted under the variant of the
sharer's answer."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from chalicelib.variants.significance import ENOUGH, Arm, compare

SHARING_STEPS = ("shares", "verified", "rewards")  # after the answer, in the sharer's variant


def variant_report(
    declared: Sequence[str], counted: Iterable[tuple[str, str, int]]
) -> dict[str, Any]:
    """``declared``: the published version's variant ids, in order (the first is the
    baseline); ``counted``: (variant, what, count) rows. Variants counted under an older
    version follow the declared ones."""
    counts: Counter[tuple[str, str]] = Counter()
    for variant, what, count in counted:
        counts[(variant, what)] += count
    ids = [*declared, *sorted({v for v, _ in counts} - set(declared))]
    arms = {v: Arm(counts[(v, "views")], counts[(v, "responses")]) for v in ids}
    rows = []
    for variant in ids:
        arm = arms[variant]
        row: dict[str, Any] = {
            "id": variant,
            "views": arm.views,
            "responses": arm.answers,
            "conversion": round(arm.conversion, 4) if arm.conversion is not None else None,
            **{what: counts[(variant, what)] for what in SHARING_STEPS},
        }
        if variant != ids[0]:
            test = compare(arms[ids[0]], arm)
            row["vs_first"] = (
                {"z": round(test.z, 3), "p_value": round(test.p_value, 4)} if test else None
            )
        rows.append(row)
    return {"items": rows, "rule": ENOUGH}
