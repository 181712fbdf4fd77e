"""Campaign model: frozen dataclasses built only by the validating loader."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Literal

LocalizedText = Mapping[str, str]
"""A marketer's text in every locale the campaign offers (the loader guarantees all are there)."""

QuestionKind = Literal["choice", "text"]
ContactMode = Literal["none", "optional", "required"]


@dataclass(frozen=True)
class Option:
    id: str
    label: LocalizedText
    price: Decimal | None = None


@dataclass(frozen=True)
class Question:
    id: str
    kind: QuestionKind
    label: LocalizedText
    required: bool
    max_length: int = 500
    hint: LocalizedText | None = None
    options: tuple[Option, ...] = ()

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)


@dataclass(frozen=True)
class ConsentSpec:
    """What a customer agrees to by ticking the box, and the notice shown beside it."""

    purpose: str
    notice_version: str
    label: LocalizedText
    notice: LocalizedText


SmsType = Literal["Transactional", "Promotional"]
StepText = Mapping[str, str | Mapping[str, str]]
"""A follow-up's text per locale: one string, or one per CLDR plural category of ``plural``."""


@dataclass(frozen=True)
class FollowUpStep:
    """A message the campaign sends ``after`` a response: an SMS to the customer, or an event
    on the campaign-events topic for other subscribers (an e-mail sender, a CRM).

    India's DLT rules: an SMS names, per locale, its registered template id and the registered
    body (``{#var#}`` for each variable); the rendered text must match that body.
    """

    id: str
    after: timedelta
    channel: Literal["sms", "event"]
    text: StepText | None = None
    sms_type: SmsType = "Transactional"
    plural: str | None = None
    dlt_template_id: LocalizedText | None = None
    dlt_registered: LocalizedText | None = None
    skip_if_answered: str | None = None

    @property
    def immediate(self) -> bool:
        return self.after == timedelta(0)

    @property
    def promotional(self) -> bool:
        return self.channel == "sms" and self.sms_type == "Promotional"


@dataclass(frozen=True)
class Campaign:
    slug: str
    version: int
    default_locale: str
    locales: tuple[str, ...]
    brand: LocalizedText
    title: LocalizedText
    intro: LocalizedText
    thanks: LocalizedText
    questions: tuple[Question, ...]
    phone: ContactMode
    phone_region: str
    consent: ConsentSpec | None
    followups: tuple[FollowUpStep, ...] = ()
    dlt_entity_id: str | None = None
    currency: str = "INR"
    timezone: str = "Asia/Kolkata"
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    prize: Decimal | None = None
    prize_text: LocalizedText | None = None

    def window(self, now: datetime) -> Literal["coming", "open", "closed"]:
        """Where ``now`` falls in the campaign's window (``starts_at``, ``ends_at``)."""
        if self.starts_at is not None and now < self.starts_at:
            return "coming"
        if self.ends_at is not None and now >= self.ends_at:
            return "closed"
        return "open"

    def offers(self, locale: str) -> bool:
        return locale in self.locales

    def step(self, step_id: str) -> FollowUpStep | None:
        return next((s for s in self.followups if s.id == step_id), None)

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)
