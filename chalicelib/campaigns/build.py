"""The campaign model made from a definition's data once it passed every check.

Used both on fresh YAML and on the JSON a deploy stored (``Definition.validated``): it reads
plain JSON types only, and makes prices Decimal and dates datetime here.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from chalicelib.campaigns.model import (
    Campaign,
    ConsentSpec,
    FollowUpStep,
    Layer,
    LocalizedText,
    Option,
    OptionGroup,
    Pattern,
    Product,
    ProductOption,
    Question,
    Replies,
    Sharing,
    ShowIf,
    Variant,
    VariantStep,
)
from chalicelib.campaigns.theme import build_theme

DURATION = re.compile(r"P(?!\Z)(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?")


def parse_duration(value: str) -> timedelta:
    """An ISO 8601 duration of days, hours, minutes and seconds.

    >>> parse_duration("P1DT2H")
    datetime.timedelta(days=1, seconds=7200)
    """
    match = DURATION.fullmatch(value)
    if match is None:
        raise ValueError(f"not an ISO 8601 duration: {value!r}")
    days, hours, minutes, seconds = (int(g or 0) for g in match.groups())
    return timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)


def _text(value: dict[str, str] | None) -> LocalizedText | None:
    return dict(value) if value is not None else None


def _question(q: dict[str, Any]) -> Question:
    options = tuple(
        Option(
            id=o["id"],
            label=dict(o["label"]),
            price=Decimal(str(o["price"])) if "price" in o else None,
        )
        for o in q.get("options", [])
    )
    return Question(
        id=q["id"],
        kind=q["type"],
        label=dict(q["label"]),
        required=bool(q.get("required", False)),
        max_length=int(q.get("max_length", 500)),
        hint=_text(q.get("hint")),
        options=options,
        **_question_extras(q),
    )


def _number(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _answer_text(value: Any) -> str:
    """A value as answers store it: ``2.0`` (a number in YAML) as ``"2"``."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return format(Decimal(str(value)).normalize(), "f")
    return str(value)


def _show_if(data: dict[str, Any]) -> ShowIf:
    return ShowIf(
        question=data["question"],
        equals=_answer_text(data["equals"]) if "equals" in data else None,
        of=tuple(_answer_text(v) for v in data.get("in", ())),
        includes=data.get("includes"),
        at_most=_number(data.get("at_most")),
        at_least=_number(data.get("at_least")),
    )


def _question_extras(q: dict[str, Any]) -> dict[str, Any]:
    """The fields of the newer question types (bounds, end labels, show_if)."""
    dated = q["type"] == "date"
    return {
        "minimum": None if dated else _number(q.get("min")),
        "maximum": None if dated else _number(q.get("max")),
        "step": _number(q.get("step")),
        "earliest": q.get("min") if dated else None,
        "latest": q.get("max") if dated else None,
        "min_label": _text(q.get("min_label")),
        "max_label": _text(q.get("max_label")),
        "show_if": _show_if(q["show_if"]) if "show_if" in q else None,
    }


def _step(step: dict[str, Any]) -> FollowUpStep:
    return FollowUpStep(
        id=step["id"],
        after=parse_duration(step.get("after", "PT0S")),
        trigger=step.get("trigger"),
        channel=step["channel"],
        text=step.get("text"),
        sms_type=step.get("sms_type", "Transactional"),
        plural=step.get("plural"),
        dlt_template_id=step.get("dlt_template_id"),
        dlt_registered=step.get("dlt_registered"),
        skip_if_answered=step.get("skip_if_answered"),
    )


def _option(o: dict[str, Any]) -> ProductOption:
    return ProductOption(
        id=o["id"],
        label=dict(o["label"]),
        price=Decimal(str(o.get("price", 0))),
        show=tuple(o.get("show", ())),
        hide=tuple(o.get("hide", ())),
        fill=dict(o.get("fill", {})),
        stroke=dict(o.get("stroke", {})),
        pattern=dict(o.get("pattern", {})),
    )


def _product(data: dict[str, Any]) -> Product:
    """The product of checked data: every layer's and pattern's SVG is inline by now (the
    loader read the brand's files, sanitized them and put their text in ``svg``)."""
    return Product(
        base_price=Decimal(str(data["base_price"])),
        width=int(data.get("width", 320)),
        height=int(data.get("height", 240)),
        layers=tuple(
            Layer(id=la["id"], svg=la["svg"], hidden=bool(la.get("hidden", False)))
            for la in data.get("layers", [])
        ),
        patterns=tuple(Pattern(id=p["id"], svg=p["svg"]) for p in data.get("patterns", [])),
        groups=tuple(
            OptionGroup(
                id=g["id"],
                label=dict(g["label"]),
                choose=g.get("choose", "one"),
                options=tuple(_option(o) for o in g["options"]),
            )
            for g in data["groups"]
        ),
    )


def _consent(consent: dict[str, Any]) -> ConsentSpec:
    return ConsentSpec(
        purpose=consent["purpose"],
        notice_version=consent["notice_version"],
        label=dict(consent["label"]),
        notice=dict(consent["notice"]),
    )


def _sharing(sharing: dict[str, Any]) -> Sharing:
    return Sharing(
        share_text=dict(sharing["share_text"]),
        reward_threshold=sharing.get("reward_threshold"),
        reward=_text(sharing.get("reward")),
    )


def _replies(replies: dict[str, Any]) -> Replies:
    return Replies(
        template=dict(replies["template"]),
        dlt_template_id=_text(replies.get("dlt_template_id")),
        dlt_registered=_text(replies.get("dlt_registered")),
    )


def _variant(data: dict[str, Any]) -> Variant:
    return Variant(
        id=data["id"],
        weight=data.get("weight", 1),
        title=_text(data.get("title")),
        intro=_text(data.get("intro")),
        thanks=_text(data.get("thanks")),
        prize_text=_text(data["prize"]["text"]) if "prize" in data else None,
        followups={
            step_id: VariantStep(
                text=step["text"],
                dlt_template_id=_text(step.get("dlt_template_id")),
                dlt_registered=_text(step.get("dlt_registered")),
            )
            for step_id, step in data.get("followups", {}).items()
        },
    )


def _moment(data: dict[str, Any], key: str) -> datetime | None:
    return datetime.fromisoformat(data[key]) if key in data else None


def build_campaign(data: dict[str, Any], version: int) -> Campaign:
    """The campaign of checked ``data``, as deploy numbered it (``version``)."""
    consent = data.get("consent")
    prize = data.get("prize")
    return Campaign(
        slug=data["slug"],
        version=version,
        default_locale=data["default_locale"],
        locales=tuple(data["locales"]),
        brand=dict(data["brand"]),
        title=dict(data["title"]),
        intro=dict(data["intro"]),
        thanks=dict(data["thanks"]),
        questions=tuple(_question(q) for q in data["questions"]),
        phone=data.get("phone", "none"),
        phone_region=data.get("phone_region", "IN"),
        sms_countries=tuple(data.get("sms_countries", [data.get("phone_region", "IN")])),
        sms_per_hour=data.get("sms_per_hour"),
        consent=_consent(consent) if consent else None,
        followups=tuple(_step(step) for step in data.get("followups", [])),
        dlt_entity_id=data.get("sms", {}).get("dlt_entity_id"),
        currency=data.get("currency", "INR"),
        timezone=data.get("timezone", "Asia/Kolkata"),
        starts_at=_moment(data, "starts_at"),
        ends_at=_moment(data, "ends_at"),
        prize=Decimal(str(prize["amount"])) if prize else None,
        prize_text=dict(prize["text"]) if prize else None,
        product=_product(data["product"]) if "product" in data else None,
        sharing=_sharing(data["sharing"]) if "sharing" in data else None,
        moderation=data.get("moderation", "flagged"),
        replies=_replies(data["replies"]) if "replies" in data else None,
        theme=build_theme(data.get("theme")),
        variants=tuple(_variant(v) for v in data.get("variants", [])),
    )
