"""What the schema cannot say about questions of each type: which fields a type takes, that
bounds are in order, and that ``show_if`` names an earlier question and its real options.
Each problem names the file, line and field (``questions[3].show_if.question``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from chalicelib.campaigns.document import Document, Path_

OPTION_TYPES = frozenset({"choice", "single_choice", "multi_choice", "dropdown"})
NUMERIC_TYPES = frozenset({"rating", "nps", "scale", "number"})
# The type-specific fields each type takes; any other type refusing them.
FIELDS = {
    "multi_choice": {"min", "max"},
    "number": {"min", "max", "step"},
    "scale": {"min", "max", "step", "min_label", "max_label"},
    "rating": {"max", "min_label", "max_label"},
    "nps": {"min_label", "max_label"},
    "date": {"min", "max"},
}
SPECIFIC = {"min", "max", "step", "min_label", "max_label"}
MOST_SCALE_POINTS = 11


def _number(doc: Document, at: Path_, value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        doc.problem(at, "must be a number")
        return None
    return float(value)


def _check_multi(doc: Document, at: Path_, q: dict[str, Any]) -> None:
    count = len(q.get("options", []))
    low, high = q.get("min", 0), q.get("max", count)
    for key, value in (("min", low), ("max", high)):
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= count:
            doc.problem((*at, key), f"must be a whole number from 0 to {count} (the options)")
            return
    if low > high:
        doc.problem((*at, "max"), "must not be less than min")


def _check_numbers(doc: Document, at: Path_, q: dict[str, Any]) -> None:
    kind = q["type"]
    if kind == "number" and not ("min" in q and "max" in q):
        doc.problem(at, "a number question needs min and max")
        return
    found = {k: _number(doc, (*at, k), q[k]) for k in ("min", "max", "step") if k in q}
    values = {k: v for k, v in found.items() if v is not None}
    if len(values) < len(found):
        return
    if kind == "rating" and "max" in q and (q["max"] not in range(3, 11)):
        doc.problem((*at, "max"), "a rating goes up to 3 to 10 stars")
        return
    low = values.get("min", 1.0)
    high = values.get("max", 10.0 if kind == "nps" else 5.0)
    if low >= high:
        doc.problem((*at, "max"), "must be more than min")
    elif kind == "scale":
        step = values.get("step", 1.0) or 1.0
        if (high - low) / step + 1 > MOST_SCALE_POINTS:
            doc.problem((*at, "step"), f"a scale has at most {MOST_SCALE_POINTS} points")


def _check_dates(doc: Document, at: Path_, q: dict[str, Any]) -> None:
    days = {}
    for key in ("min", "max"):
        if key in q:
            try:
                days[key] = date.fromisoformat(str(q[key]))
            except ValueError:
                doc.problem((*at, key), "not a date such as 2026-11-01")
                return
    if len(days) == 2 and days["min"] > days["max"]:
        doc.problem((*at, "max"), "must not be before min")


def _check_show_if(doc: Document, i: int, questions: list[dict[str, Any]]) -> None:
    condition = questions[i]["show_if"]
    at: Path_ = ("questions", i, "show_if")
    target = condition["question"]
    index = next((j for j, q in enumerate(questions) if q["id"] == target), None)
    if index is None:
        doc.problem((*at, "question"), f"{target!r} is not a question of this campaign")
        return
    if index >= i:
        doc.problem((*at, "question"), f"{target!r} is not an earlier question")
        return
    earlier = questions[index]
    tests = [k for k in ("equals", "in", "includes") if k in condition]
    ranges = [k for k in ("at_most", "at_least") if k in condition]
    if len(tests) + bool(ranges) != 1:
        doc.problem(at, "give one of equals, in, includes, or at_most/at_least")
        return
    if ranges and earlier["type"] not in NUMERIC_TYPES:
        doc.problem((*at, ranges[0]), f"{target!r} is not a number, rating, scale or NPS")
    if "includes" in condition and earlier["type"] != "multi_choice":
        doc.problem((*at, "includes"), f"{target!r} is not a multi_choice question")
    options = [o["id"] for o in earlier.get("options", [])]
    values = [condition.get("equals"), condition.get("includes"), *condition.get("in", [])]
    for value in values:
        if value is not None and options and str(value) not in options:
            doc.problem(at, f"{value!r} is not an option of {target!r}")


def check_question_types(doc: Document, data: dict[str, Any]) -> None:
    """Each question's type-specific fields and its ``show_if``."""
    questions: list[dict[str, Any]] = data["questions"]
    for i, q in enumerate(questions):
        at: Path_ = ("questions", i)
        kind = q["type"]
        for key in sorted(SPECIFIC & q.keys() - FIELDS.get(kind, set())):
            doc.problem((*at, key), f"a {kind} question does not take {key}")
        if kind == "multi_choice":
            _check_multi(doc, at, q)
        elif kind in NUMERIC_TYPES:
            _check_numbers(doc, at, q)
        elif kind == "date":
            _check_dates(doc, at, q)
        if "show_if" in q:
            _check_show_if(doc, i, questions)
