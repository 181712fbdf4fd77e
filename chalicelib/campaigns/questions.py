"""What a question type means wherever it is used: the control a page shows, the bounds of a
number, whether a question is shown (``show_if``), and the steps a form takes without
JavaScript. Plain functions of the model: the loader, validation, pages and stats share them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation

from chalicelib.campaigns.model import Question, QuestionControl, ShowIf

Control = QuestionControl
SHORT_TEXT_MAX = 100
"""A ``text`` question this long or shorter is one line (an input), longer a textarea."""
CHOICES = frozenset({"single_choice", "multi_choice", "dropdown"})
NUMBERS = frozenset({"rating", "nps", "scale", "number"})
TEXTS = frozenset({"short_text", "long_text"})


def control(question: Question) -> Control:
    """The control of a question: the old ``choice`` is a single choice, the old ``text``
    a line or a box by its length.

    >>> from chalicelib.campaigns.model import Question
    >>> control(Question("city", "text", {}, False, max_length=60))
    'short_text'
    >>> control(Question("why", "text", {}, False)), control(Question("p", "choice", {}, False))
    ('long_text', 'single_choice')
    """
    if question.kind == "choice":
        return "single_choice"
    if question.kind == "text":
        return "short_text" if question.max_length <= SHORT_TEXT_MAX else "long_text"
    return question.kind


def _or(value: Decimal | None, default: int) -> Decimal:
    return Decimal(default) if value is None else value


def bounds(question: Question) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
    """(lowest, highest, step) of a numeric question; None where any value goes.

    >>> from chalicelib.campaigns.model import Question
    >>> bounds(Question("r", "rating", {}, False))
    (Decimal('1'), Decimal('5'), Decimal('1'))
    >>> bounds(Question("n", "nps", {}, False))
    (Decimal('0'), Decimal('10'), Decimal('1'))
    """
    kind = control(question)
    if kind == "nps":
        return Decimal(0), Decimal(10), Decimal(1)
    if kind == "rating":
        return Decimal(1), _or(question.maximum, 5), Decimal(1)
    if kind == "scale":
        return _or(question.minimum, 1), _or(question.maximum, 5), _or(question.step, 1)
    return question.minimum, question.maximum, question.step


def scale_points(question: Question) -> list[Decimal]:
    """The points a rating, NPS or scale offers, lowest first."""
    low, high, step = bounds(question)
    if low is None or high is None:
        return []
    points: list[Decimal] = []
    at = low
    while at <= high and len(points) < 101:
        points.append(at)
        at += step or 1
    return points


def number_of(text: str) -> Decimal | None:
    """A stored or typed number, or None (``1e9999`` and ``NaN`` are not numbers here).

    >>> number_of("4"), number_of("x"), number_of("nan")
    (Decimal('4'), None, None)
    """
    try:
        value = Decimal(text)
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() and abs(value.adjusted()) < 16 else None


def matches(condition: ShowIf, answer: str) -> bool:
    """Whether a stored ``answer`` ("" when there is none) meets ``condition``."""
    if not answer:
        return False
    if condition.equals is not None:
        return answer == condition.equals
    if condition.of:
        return answer in condition.of
    if condition.includes is not None:
        return condition.includes in answer.split(",")
    value = number_of(answer)
    if value is None:
        return False
    if condition.at_most is not None and value > condition.at_most:
        return False
    return condition.at_least is None or value >= condition.at_least


def shown(question: Question, answers: Mapping[str, str]) -> bool:
    """Whether ``question`` is asked, given the (valid, stored) ``answers`` before it."""
    condition = question.show_if
    return condition is None or matches(condition, answers.get(condition.question, ""))


def steps(questions: Sequence[Question]) -> list[tuple[Question, ...]]:
    """The questions in the steps a form takes without JavaScript: a new step starts at a
    question whose ``show_if`` depends on a question of the current step.

    >>> from chalicelib.campaigns.model import Question, QuestionControl, ShowIf
    >>> a, b = Question("a", "rating", {}, True), Question("b", "text", {}, False)
    >>> c = Question("c", "text", {}, False, show_if=ShowIf("a", at_most=Decimal(2)))
    >>> [[q.id for q in step] for step in steps([a, b, c])]
    [['a', 'b'], ['c']]
    """
    found: list[tuple[Question, ...]] = []
    current: list[Question] = []
    for question in questions:
        depends = question.show_if.question if question.show_if else None
        if current and any(q.id == depends for q in current):
            found.append(tuple(current))
            current = []
        current.append(question)
    found.append(tuple(current))
    return found
