"""The campaign form in steps, without JavaScript: the questions a page shows, what it carries
from the other steps in hidden fields, and where ``Next`` and ``Back`` lead.

Carried answers are never trusted: ``Next`` re-validates every step so far, and the final send
validates the whole answer again (``responses.validation.validate_answer``).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from chalicelib.campaigns import Campaign, Question
from chalicelib.campaigns.questions import bounds, control, scale_points, shown, steps
from chalicelib.errors import FieldError, InvalidResponse
from chalicelib.i18n import formatting
from chalicelib.responses.question_answers import multi_field
from chalicelib.responses.validation import answers_of

INPUT_MODES = {"number": "numeric", "email": "email"}
CONTACT_FIELDS = ("phone", "consent")


def _plain(value: Decimal | None) -> str:
    return "" if value is None else format(value.normalize(), "f")


def question_view(q: Question, locale: str) -> dict[str, Any]:
    """What the page shows of a question in ``locale`` (``_questions.html``)."""
    kind = control(q)
    low, high, step = bounds(q)
    decimal = kind == "number" and (step is None or step != step.to_integral_value())
    return {
        "id": q.id,
        "kind": kind,
        "label": q.label[locale],
        "hint": q.hint[locale] if q.hint else None,
        "required": q.required,
        "max_length": q.max_length,
        "options": [{"id": o.id, "label": o.label[locale], "price": o.price} for o in q.options],
        "points": [
            {"value": _plain(p), "shown": formatting.number(p, locale)} for p in scale_points(q)
        ]
        if kind in ("rating", "nps", "scale")
        else [],
        "min": q.earliest if kind == "date" else _plain(low),
        "max": q.latest if kind == "date" else _plain(high),
        "min_shown": formatting.number(low, locale) if low is not None else "",
        "max_shown": formatting.number(high, locale) if high is not None else "",
        "step": _plain(step) or "any",
        "inputmode": "decimal" if decimal else INPUT_MODES.get(kind, "text"),
        "min_label": q.min_label[locale] if q.min_label else None,
        "max_label": q.max_label[locale] if q.max_label else None,
    }


def _fields_of(question: Question) -> tuple[str, ...]:
    return (question.id, *(multi_field(question.id, o.id) for o in question.options))


def _lenient(campaign: Campaign, values: Mapping[str, str], upto: int) -> dict[str, str]:
    """The valid answers of the steps before ``upto`` (problems are ignored here)."""
    asked = {q.id for step in steps(campaign.questions)[:upto] for q in step}
    return answers_of(campaign, values, [], asked)


def _index(campaign: Campaign, values: Mapping[str, str], errors: Mapping[str, str]) -> int:
    all_steps = steps(campaign.questions)
    last = len(all_steps) - 1
    for i, step in enumerate(all_steps):
        if any(q.id in errors for q in step):
            return i
    if any(name in errors for name in CONTACT_FIELDS):
        return last
    raw = values.get("step", "0")
    fits = raw.isascii() and raw.isdigit() and len(raw) <= 3  # int() of 5,000 digits raises
    return min(int(raw), last) if fits else 0


def form_step(
    campaign: Campaign, values: Mapping[str, str], errors: Mapping[str, str]
) -> dict[str, Any]:
    """The step to show: the first with a problem, else the one ``values`` names; the ids of
    its questions that are shown, and the other steps' fields to carry."""
    all_steps = steps(campaign.questions)
    index = _index(campaign, values, errors)
    last = index == len(all_steps) - 1
    before = _lenient(campaign, values, index)
    here = [q.id for q in all_steps[index] if shown(q, before)]
    others = [q for i, step in enumerate(all_steps) if i != index for q in step]
    names = [name for q in others for name in _fields_of(q)]
    if not last:
        names.extend(CONTACT_FIELDS)
    carried = [(name, values[name]) for name in names if values.get(name)]
    return {
        "index": index,
        "count": len(all_steps),
        "last": last,
        "shown": here,
        "carried": carried,
    }


def _has_shown(campaign: Campaign, values: Mapping[str, str], index: int) -> bool:
    before = _lenient(campaign, values, index)
    return any(shown(q, before) for q in steps(campaign.questions)[index])


def advance(campaign: Campaign, values: Mapping[str, str]) -> int:
    """The step after ``Next`` (its step and the ones before valid, else InvalidResponse) or
    ``Back``; steps whose questions are all hidden are passed over, the last never."""
    all_steps = steps(campaign.questions)
    last = len(all_steps) - 1
    index = _index(campaign, values, {})
    if values.get("action") == "back":
        index -= 1
        while index > 0 and not _has_shown(campaign, values, index):
            index -= 1
        return max(index, 0)
    errors: list[FieldError] = []
    answers_of(campaign, values, errors, {q.id for step in all_steps[: index + 1] for q in step})
    if errors:
        raise InvalidResponse(errors)
    index += 1
    while index < last and not _has_shown(campaign, values, index):
        index += 1
    return min(index, last)
