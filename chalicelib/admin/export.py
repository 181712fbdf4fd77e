"""Responses as spreadsheet rows: CSV that Excel opens correctly, or JSON Lines.

CSV starts with a UTF-8 byte order mark (else Excel shows Hindi as mojibake), and a cell that
starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading apostrophe,
so a customer's answer can never run as a formula in the marketer's spreadsheet (CSV
injection, OWASP).

Columns by question type: a multiple-choice question gets one column per option, named
``<question>.<option>``, holding 1 (chosen) or 0 (answered without it), empty when the question
was not answered: a spreadsheet sums, filters and charts such columns without splitting text.
Ratings, NPS, scales and numbers are numbers (JSON numbers; unquoted in CSV, a negative one
without the formula guard); every other answer is its stored text.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from chalicelib.campaigns import Campaign
from chalicelib.campaigns.questions import NUMBERS, control
from chalicelib.responses.model import Response

BOM = "\ufeff"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """A value as a CSV cell that no spreadsheet evaluates.

    >>> safe_cell("=HYPERLINK(\\"http://x\\")"), safe_cell("-5"), safe_cell("तवा")
    ('\\'=HYPERLINK("http://x")', "'-5", 'तवा')
    """
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)  # a number, not a formula: -5 stays -5
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def columns(versions: Sequence[Campaign]) -> list[str]:
    """The columns of an export: every question any of ``versions`` asked (the first
    version's in its order, then the others' new ones), so that no stored answer is left out
    after a question was dropped or a version rolled back."""
    fixed = ["response_id", "created_at", "campaign_version", "locale", "source"]
    questions = list(
        dict.fromkeys(
            name
            for campaign in versions
            for q in campaign.questions
            for name in (
                [f"{q.id}.{o.id}" for o in q.options] if control(q) == "multi_choice" else [q.id]
            )
        )
    )
    tested = ["variant"] if any(campaign.variants for campaign in versions) else []  # A/B
    return [*fixed, *tested, *questions, "has_phone", "consent_notice_version"]


def numeric_columns(versions: Sequence[Campaign]) -> frozenset[str]:
    """The columns whose answers are numbers (rating, NPS, scale, number) in any version."""
    return frozenset(
        q.id for campaign in versions for q in campaign.questions if control(q) in NUMBERS
    )


def _number(text: str) -> int | float | str:
    try:
        value = float(text)
    except ValueError:
        return text
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


def _cell(answers: dict[str, str], name: str, numeric: frozenset[str]) -> Any:
    question, dot, option = name.partition(".")
    if dot:  # a multiple-choice option: chosen or not
        chosen = answers.get(question, "")
        return "" if not chosen else int(option in chosen.split(","))
    value = answers.get(name, "")
    return _number(value) if value and name in numeric else value


def row(
    response: Response, names: Sequence[str], numeric: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """One response; the phone number itself stays in the store (marketers read answers)."""
    values: dict[str, Any] = {
        "response_id": response.id,
        "created_at": response.created_at.isoformat(),
        "campaign_version": response.campaign_version,
        "locale": response.locale,
        "source": response.source,
        "variant": response.variant or "",
        "has_phone": response.phone is not None,
        "consent_notice_version": response.consent.notice_version if response.consent else "",
    }
    answers = dict(response.answers)
    values.update({name: _cell(answers, name, numeric) for name in names if name not in values})
    return {name: values.get(name, "") for name in names}


def csv_lines(names: Sequence[str], rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    """The CSV text, a line at a time (so a long export streams)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(names)
    yield BOM + buffer.getvalue()
    for values in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([safe_cell(values[name]) for name in names])
        yield buffer.getvalue()


def jsonl_lines(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    for values in rows:
        yield json.dumps(values, ensure_ascii=False) + "\n"
