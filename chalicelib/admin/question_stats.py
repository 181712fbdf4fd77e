"""A summary per question of a campaign's answers, for the admin stats (``"questions"``):

- single choice, dropdown, multiple choice: how often each option was chosen;
- rating, scale, number: how many answered, the average and the distribution;
- NPS: promoters (9–10), passives (7–8), detractors (0–6) and the score,
  % promoters − % detractors (−100 to 100);
- e-mail, date, text: how many answered.

It reads every answer (``summarize`` takes them as an iterable, so the caller pages through
the store): see ``AdminService.question_stats`` for what that costs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from chalicelib.campaigns import Campaign, Question
from chalicelib.campaigns.questions import CHOICES, NUMBERS, control, number_of
from chalicelib.responses.model import Response

PROMOTER, PASSIVE = 9, 7


def nps(values: Iterable[Decimal]) -> dict[str, Any]:
    """Promoters, passives, detractors and the score (None without answers).

    >>> nps([Decimal(10), Decimal(9), Decimal(8), Decimal(3)])
    {'promoters': 2, 'passives': 1, 'detractors': 1, 'score': 25.0}
    """
    counts = Counter(
        "promoters" if v >= PROMOTER else "passives" if v >= PASSIVE else "detractors"
        for v in values
    )
    total = sum(counts.values())
    score = None
    if total:
        score = round(100 * (counts["promoters"] - counts["detractors"]) / total, 1)
    return {
        "promoters": counts["promoters"],
        "passives": counts["passives"],
        "detractors": counts["detractors"],
        "score": score,
    }


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _numbers(kind: str, answers: list[str]) -> dict[str, Any]:
    values = [v for v in (number_of(a) for a in answers) if v is not None]
    average = float(round(sum(values, Decimal(0)) / len(values), 2)) if values else None
    found: dict[str, Any] = {"average": average}
    found["distribution"] = {
        _plain(v): n for v, n in sorted(Counter(v.normalize() for v in values).items())
    }
    if kind == "nps":
        found.update(nps(values))
    return found


def _summary(question: Question, answers: list[str]) -> dict[str, Any]:
    kind = control(question)
    found: dict[str, Any] = {"id": question.id, "type": kind, "answered": len(answers)}
    if kind in CHOICES:
        chosen = Counter(i for a in answers for i in a.split(",") if i)
        found["options"] = {o.id: chosen[o.id] for o in question.options}
    elif kind in NUMBERS:
        found.update(_numbers(kind, answers))
    return found


def summarize(campaign: Campaign, responses: Iterable[Response]) -> list[dict[str, Any]]:
    """One summary per question of ``campaign`` (the published version), in its order, over
    ``responses`` (answers of any version: an answer to a question counts where it is stored
    under the same id)."""
    answers: dict[str, list[str]] = {q.id: [] for q in campaign.questions}
    for response in responses:
        for question_id, given in answers.items():
            value = response.answers.get(question_id, "")
            if value:
                given.append(value)
    return [_summary(q, answers[q.id]) for q in campaign.questions]
