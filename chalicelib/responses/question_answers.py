"""One question's answer from the form, by its type, as it is stored (always a string):

- single choice, dropdown: the option id; multiple choice: the chosen option ids in the
  campaign's order, comma-joined (check boxes named ``<question>.<option>``, as the
  configurator's many-choice groups);
- rating, NPS, scale, number: the number in ASCII digits (``"4"``, ``"12.5"``);
- e-mail: as typed, the domain lower-cased; date: ISO ``YYYY-MM-DD``; text: cleaned text.

A problem is appended to ``errors`` as a code with its parameters; "" is returned then.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal

from chalicelib.campaigns import Question
from chalicelib.campaigns.questions import bounds, control, number_of
from chalicelib.errors import FieldError
from chalicelib.responses.text import TextRejected, clean_text

BYTES_PER_CHAR = 4
EMAIL_MAX = 254
EMAIL = re.compile(r"^[^\s@]{1,64}@[^\s@.]+(\.[^\s@.]+)+$")
ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Separators people type in numbers: spaces and commas group, Arabic-script ones too.
GROUPING = str.maketrans("", "", " \u00a0\u202f,\u066c")


def multi_field(question_id: str, option_id: str) -> str:
    return f"{question_id}.{option_id}"


def plain_number(raw: str) -> str:
    """A typed number with any script's digits as ASCII and grouping taken out.

    >>> plain_number("१,२५०"), plain_number("۱۲٫۵"), plain_number(" 3 ")
    ('1250', '12.5', '3')
    """
    digits = "".join(
        str(unicodedata.digit(c)) if c.isdigit() and not c.isascii() else c for c in raw
    )
    return digits.translate(GROUPING).replace("\u066b", ".")


def _shown(value: Decimal) -> str:
    """``Decimal("4.0")`` stored as ``"4"``, ``Decimal("12.50")`` as ``"12.5"``."""
    text = format(value.normalize(), "f")
    return text


def _choice(errors: list[FieldError], q: Question, fields: Mapping[str, str]) -> str:
    value = fields.get(q.id, "").strip()
    if value and q.option(value) is None:
        errors.append(FieldError(q.id, "invalid_choice"))
        return ""
    return value


def _multi(errors: list[FieldError], q: Question, fields: Mapping[str, str]) -> str:
    chosen = [o.id for o in q.options if fields.get(multi_field(q.id, o.id))]
    fewest = int(q.minimum) if q.minimum is not None else 0
    most = int(q.maximum) if q.maximum is not None else len(q.options)
    if chosen and len(chosen) < fewest:
        errors.append(FieldError(q.id, "choose_at_least", {"num": fewest}))
        return ""
    if len(chosen) > most:
        errors.append(FieldError(q.id, "choose_at_most", {"num": most}))
        return ""
    return ",".join(chosen)


def _number(errors: list[FieldError], q: Question, fields: Mapping[str, str]) -> str:
    raw = plain_number(fields.get(q.id, ""))
    if not raw:
        return ""
    low, high, step = bounds(q)
    value = number_of(raw) if len(raw) <= 32 else None
    fits = value is not None
    if value is not None and low is not None and high is not None:
        fits = low <= value <= high and (step is None or (value - low) % step == 0)
    if value is None or not fits:
        params = {"min": str(low), "max": str(high)}
        errors.append(FieldError(q.id, "number_range", params))  # type: ignore[arg-type]
        return ""
    return _shown(value)


def _email(errors: list[FieldError], q: Question, fields: Mapping[str, str]) -> str:
    raw = unicodedata.normalize("NFC", fields.get(q.id, "").strip())
    if not raw:
        return ""
    if len(raw) > EMAIL_MAX or not EMAIL.match(raw) or not raw.isprintable():
        errors.append(FieldError(q.id, "email_invalid"))
        return ""
    local, _, domain = raw.rpartition("@")
    return f"{local}@{domain.lower()}"


def _date(errors: list[FieldError], q: Question, fields: Mapping[str, str]) -> str:
    raw = fields.get(q.id, "").strip()
    if not raw:
        return ""
    try:
        day = date.fromisoformat(raw) if ISO_DAY.match(raw) else None
    except ValueError:
        day = None
    if q.earliest and q.latest:
        if day is None or not q.earliest <= day.isoformat() <= q.latest:
            errors.append(FieldError(q.id, "date_range", {"min": q.earliest, "max": q.latest}))
            return ""
    elif day is None or (q.earliest or "") > raw or raw > (q.latest or "9999"):
        errors.append(FieldError(q.id, "date_invalid"))
        return ""
    return raw


def _text(errors: list[FieldError], q: Question, fields: Mapping[str, str]) -> str:
    try:
        return clean_text(
            fields.get(q.id, ""),
            max_chars=q.max_length,
            max_bytes=q.max_length * BYTES_PER_CHAR,
            multiline=control(q) == "long_text",
        )
    except TextRejected as exc:
        errors.append(FieldError(q.id, exc.code, {"num": q.max_length}))
        return ""


Parser = Callable[[list[FieldError], Question, Mapping[str, str]], str]
PARSERS: dict[str, Parser] = {
    "single_choice": _choice,
    "dropdown": _choice,
    "multi_choice": _multi,
    "rating": _number,
    "nps": _number,
    "scale": _number,
    "number": _number,
    "email": _email,
    "date": _date,
    "short_text": _text,
    "long_text": _text,
}


def parse_answer(errors: list[FieldError], question: Question, fields: Mapping[str, str]) -> str:
    """The answer to ``question`` in ``fields`` as stored, or "" (none, or a problem)."""
    value = PARSERS[control(question)](errors, question, fields)
    if question.required and not value and not any(e.field == question.id for e in errors):
        errors.append(FieldError(question.id, "required"))
    return value
