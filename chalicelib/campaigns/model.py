"""Campaign model: frozen dataclasses built only by the validating loader."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Literal

from chalicelib.campaigns.theme import Theme

LocalizedText = Mapping[str, str]
"""A marketer's text in every locale the campaign offers (the loader guarantees all are there)."""

QuestionControl = Literal[
    "single_choice",
    "multi_choice",
    "dropdown",
    "rating",
    "nps",
    "scale",
    "number",
    "email",
    "date",
    "short_text",
    "long_text",
]
"""How a question is asked and answered (``questions.control`` of a question)."""
QuestionKind = Literal[
    QuestionControl,
    "choice",  # = single_choice (kept for older campaigns)
    "text",  # = short_text if max_length <= 100, else long_text
]
ContactMode = Literal["none", "optional", "required"]


@dataclass(frozen=True)
class Option:
    id: str
    label: LocalizedText
    price: Decimal | None = None


@dataclass(frozen=True)
class ShowIf:
    """A question is shown only if an earlier question's answer matches: it ``equals`` a
    value, is one ``of`` several, ``includes`` an option (multi_choice), or is ``at_most`` /
    ``at_least`` a number. ``chalicelib.campaigns.questions.shown`` decides."""

    question: str
    equals: str | None = None
    of: tuple[str, ...] = ()
    includes: str | None = None
    at_most: Decimal | None = None
    at_least: Decimal | None = None


@dataclass(frozen=True)
class Question:
    id: str
    kind: QuestionKind
    label: LocalizedText
    required: bool
    max_length: int = 500
    hint: LocalizedText | None = None
    options: tuple[Option, ...] = ()
    minimum: Decimal | None = None
    """Smallest number (number, scale, rating, nps) or fewest choices (multi_choice)."""
    maximum: Decimal | None = None
    """Largest number or most choices, as ``minimum``."""
    step: Decimal | None = None
    """A number's or scale's step (1: whole numbers only)."""
    earliest: str | None = None
    """A date question's first allowed day (ISO), or None."""
    latest: str | None = None
    min_label: LocalizedText | None = None
    """The label of a scale's (or NPS, rating) low end."""
    max_label: LocalizedText | None = None
    show_if: ShowIf | None = None

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
    trigger: Literal["reward", "referred", "share_approved", "share_rejected"] | None = None

    @property
    def immediate(self) -> bool:
        return self.trigger is None and self.after == timedelta(0)

    @property
    def promotional(self) -> bool:
        return self.channel == "sms" and self.sms_type == "Promotional"


@dataclass(frozen=True)
class ProductOption:
    """An option and what choosing it does to the drawing: layers it shows or hides, colours
    it gives named parts (``fill``, ``stroke``), patterns it lays on parts (``pattern``)."""

    id: str
    label: LocalizedText
    price: Decimal = Decimal(0)
    show: tuple[str, ...] = ()
    hide: tuple[str, ...] = ()
    fill: Mapping[str, str] = field(default_factory=dict)
    stroke: Mapping[str, str] = field(default_factory=dict)
    pattern: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Layer:
    """One SVG part of a product's drawing (sanitized ``<svg>`` text; its children are drawn
    in the product's coordinates), hidden until an option shows it when ``hidden``."""

    id: str
    svg: str
    hidden: bool = False


@dataclass(frozen=True)
class Pattern:
    """A brand's print: ``svg`` is one tile (its viewBox is the tile's size) repeated over a
    part, on the part's colour."""

    id: str
    svg: str


@dataclass(frozen=True)
class OptionGroup:
    id: str
    label: LocalizedText
    choose: Literal["one", "many"]
    options: tuple[ProductOption, ...]

    def option(self, option_id: str) -> ProductOption | None:
        return next((o for o in self.options if o.id == option_id), None)


Choices = Mapping[str, tuple[str, ...]]
"""A design: per option group, the chosen option ids (one, or any number for ``many``)."""


@dataclass(frozen=True)
class Product:
    """What the customer personalizes: a drawing of layers (``width`` × ``height`` units) and
    priced option groups whose options show, hide, colour and pattern the layers' parts."""

    base_price: Decimal
    groups: tuple[OptionGroup, ...]
    width: int = 320
    height: int = 240
    layers: tuple[Layer, ...] = ()
    patterns: tuple[Pattern, ...] = ()

    def defaults(self) -> dict[str, tuple[str, ...]]:
        return {g.id: (g.options[0].id,) if g.choose == "one" else () for g in self.groups}

    def chosen(self, choices: Choices) -> list[tuple[OptionGroup, ProductOption]]:
        return [
            (group, option)
            for group in self.groups
            for option_id in choices.get(group.id, ())
            if (option := group.option(option_id)) is not None
        ]

    def price(self, choices: Choices) -> Decimal:
        return self.base_price + sum((o.price for _, o in self.chosen(choices)), Decimal(0))

    def pattern(self, pattern_id: str) -> Pattern | None:
        return next((p for p in self.patterns if p.id == pattern_id), None)


@dataclass(frozen=True)
class Sharing:
    share_text: LocalizedText
    reward_threshold: int | None = None
    reward: LocalizedText | None = None


@dataclass(frozen=True)
class Replies:
    """How a marketer's reply reaches a customer by SMS (DLT-registered per locale)."""

    template: LocalizedText
    dlt_template_id: LocalizedText | None = None
    dlt_registered: LocalizedText | None = None


@dataclass(frozen=True)
class VariantStep:
    """A follow-up's text in a variant; with DLT, the template that text is registered as
    (None: the step's own)."""

    text: StepText
    dlt_template_id: LocalizedText | None = None
    dlt_registered: LocalizedText | None = None


@dataclass(frozen=True)
class Variant:
    """An A/B variant of the campaign's texts: each text it gives replaces the campaign's
    (None, or a step not named in ``followups``: the text as the campaign writes it)."""

    id: str
    weight: float = 1
    title: LocalizedText | None = None
    intro: LocalizedText | None = None
    thanks: LocalizedText | None = None
    prize_text: LocalizedText | None = None
    followups: Mapping[str, VariantStep] = field(default_factory=dict)
    """A step's text in this variant, by the step's id."""


@dataclass(frozen=True)
class Definition:
    """A campaign definition that passed every check (``loader.definition_of``): the YAML
    ``source`` the marketer wrote, and ``validated``, the data that was checked, as JSON.

    A deployed version stores both: pages build the campaign from ``validated`` without
    parsing YAML or loading the schema again; the source stays what marketers read and diff.
    """

    slug: str
    source: str
    validated: str


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
    sms_countries: tuple[str, ...] = ()
    """Countries whose mobile numbers the campaign takes (and may text); () is phone_region's."""
    sms_per_hour: int | None = None
    """At most this many of the campaign's SMS a clock hour (None: only the stage's budget)."""
    prize: Decimal | None = None
    prize_text: LocalizedText | None = None
    product: Product | None = None
    sharing: Sharing | None = None
    moderation: Literal["flagged", "all"] = "flagged"
    replies: Replies | None = None
    theme: Theme | None = None
    """The campaign's logo, colours and hero image (``theme.py``); None: the plain look."""
    variants: tuple[Variant, ...] = ()
    """A/B variants of the texts (none, or two and more; the first is the baseline)."""
    shown_variant: str | None = None
    """The variant whose texts this campaign carries (``variants.texts.in_variant``)."""

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
