"""Campaign model: frozen dataclasses built only by the validating loader."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
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


@dataclass(frozen=True)
class SmsSpec:
    """A follow-up SMS; India's DLT rules need the registered entity and template ids."""

    text: LocalizedText
    sms_type: Literal["Transactional", "Promotional"]
    dlt_entity_id: str | None = None
    dlt_template_id: str | None = None


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
    thank_you_sms: SmsSpec | None
    currency: str = "INR"
    timezone: str = "Asia/Kolkata"
    ends_at: datetime | None = None
    prize: Decimal | None = None
    prize_text: LocalizedText | None = None

    def offers(self, locale: str) -> bool:
        return locale in self.locales

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)
