"""``samvad stats``: the per-question summary (the admin stats' ``"questions"``) as text."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def _line(summary: Mapping[str, Any]) -> str:
    head = f"  {summary['id']:20} {summary['type']:13} {summary['answered']:>6} answered"
    if "options" in summary:
        chosen = ", ".join(f"{k} {v}" for k, v in summary["options"].items())
        return f"{head}: {chosen}"
    if "score" in summary:
        score = "n/a" if summary["score"] is None else f"{summary['score']:+g}"
        return (
            f"{head}: NPS {score} ({summary['promoters']} promoters, "
            f"{summary['passives']} passives, {summary['detractors']} detractors)"
        )
    if "average" in summary:
        average = "n/a" if summary["average"] is None else f"{summary['average']:g}"
        spread = ", ".join(f"{k}: {v}" for k, v in summary["distribution"].items())
        return f"{head}: average {average}" + (f" ({spread})" if spread else "")
    return head


def print_questions(found: Mapping[str, Any]) -> None:
    """The ``questions`` section of a stats answer, one line a question (none: nothing)."""
    questions = found.get("questions") or []
    if questions:
        print("questions:")
    for summary in questions:
        print(_line(summary))
