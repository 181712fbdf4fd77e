"""Turn a follow-up job into the message to publish, in the customer's language.

A step's text is rendered when it is sent, not when the response arrives, so that an offer's
"3 days left" is true on the day it goes out. Numbers, money and dates are formatted by Babel
for the job's locale; a text with plural forms picks its variant by CLDR plural rules.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from chalicelib.campaigns import Campaign, FollowUpStep, placeholders
from chalicelib.consent.links import Links
from chalicelib.followups.model import RESPONSE_EVENT, FollowUpJob
from chalicelib.followups.ports import Answer
from chalicelib.i18n import formatting
from chalicelib.i18n.tags import babel_id
from chalicelib.sms import matches_dlt_template
from chalicelib.variants.texts import in_variant


@dataclass(frozen=True)
class Outgoing:
    message: str
    attributes: dict[str, str]


class Skip(Exception):
    """The step should not be sent for this response; ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class NotSendable(Exception):
    """The step cannot be sent as defined (e.g. text does not fit its DLT template)."""


def response_event(response: Answer) -> Outgoing:
    # Subscribers (CRM, e-mail sender) get the answer but no contact details.
    body = {
        "event": "response.created",
        "response_id": response.id,
        "campaign": response.campaign,
        "campaign_version": response.campaign_version,
        "locale": response.locale,
        "answers": dict(response.answers),
        "has_phone": response.phone is not None,
        "created_at": response.created_at.isoformat(),
    }
    return Outgoing(_json(body), _event_attributes(response, "response.created"))


def compose(
    job: FollowUpJob, campaign: Campaign, response: Answer, now: datetime, links: Links
) -> Outgoing:
    """The message and SNS attributes for ``job``; raises Skip or NotSendable."""
    if job.step == RESPONSE_EVENT:
        return response_event(response)
    campaign = in_variant(campaign, response.variant)  # the texts of the customer's variant
    step = campaign.step(job.step)
    if step is None:
        raise NotSendable(f"campaign {campaign.slug} has no step {job.step!r} any more")
    if step.skip_if_answered and response.answers.get(step.skip_if_answered):
        raise Skip(f"answered {step.skip_if_answered}")
    values = _values(campaign, response, job, now, links)
    if values.get("days_left") == 0 and _uses(step, job.locale, "{days_left}"):
        raise Skip("the offer has ended")
    if step.channel == "event":
        body = {
            "event": f"followup.{step.id}",
            "response_id": response.id,
            "campaign": campaign.slug,
            "locale": job.locale,
            "answers": dict(response.answers),
            "text": render(step, job.locale, values) if step.text else None,
        }
        return Outgoing(_json(body), _event_attributes(response, f"followup.{step.id}"))
    text = render(step, job.locale, values)
    attributes: dict[str, str] = {"AWS.SNS.SMS.SMSType": step.sms_type}
    if job.phone_number and job.phone_number.startswith("+91"):
        registered = (step.dlt_registered or {}).get(job.locale)
        template_id = (step.dlt_template_id or {}).get(job.locale)
        if not (registered and template_id and campaign.dlt_entity_id):
            raise NotSendable("dlt_ids_missing")
        if not matches_dlt_template(text, registered):
            raise NotSendable("dlt_mismatch")  # carriers drop it; a marketer must fix the text
        attributes["AWS.MM.SMS.EntityId"] = campaign.dlt_entity_id
        attributes["AWS.MM.SMS.TemplateId"] = template_id
    return Outgoing(text, attributes)


def render(step: FollowUpStep, locale: str, values: dict[str, str | int]) -> str:
    from babel import Locale

    assert step.text is not None
    text = step.text[locale]
    if not isinstance(text, str):
        count = values.get(step.plural or "", 0)
        count = count if isinstance(count, int) else 0
        category = Locale.parse(babel_id(locale)).plural_form(count)
        text = text.get(category, text["other"])
    # An answer the customer did not give renders as nothing, not as an error.
    shown = {
        k: formatting.number(v, locale) if isinstance(v, int) else v for k, v in values.items()
    }
    return placeholders.fill(text, shown)


def _uses(step: FollowUpStep, locale: str, placeholder: str) -> bool:
    text = (step.text or {}).get(locale, "")
    variants = [text] if isinstance(text, str) else list(text.values())
    return any(placeholder in variant for variant in variants)


def _values(
    campaign: Campaign, response: Answer, job: FollowUpJob, now: datetime, links: Links
) -> dict[str, str | int]:
    locale = job.locale
    values: dict[str, str | int] = {
        "brand": campaign.brand[locale],
        "link": links.page(locale, campaign.slug),
        "unsubscribe": links.unsubscribe(job.contact_id, locale) if job.contact_id else "",
        "confirm": links.confirm(response.id) if response.referred_by else "",
        "share_link": links.share(locale, job.ref) if job.ref else "",
    }
    if campaign.sharing is not None and campaign.sharing.reward is not None:
        values["reward"] = campaign.sharing.reward[locale]
        values["count"] = campaign.sharing.reward_threshold or 0
    if campaign.ends_at is not None:
        values["ends"] = formatting.long_date(campaign.ends_at, campaign.timezone, locale)
        values["days_left"] = max(0, math.ceil((campaign.ends_at - now).total_seconds() / 86400))
    for question in campaign.questions:
        option = question.option(response.answers.get(question.id, ""))
        if question.kind not in ("choice", "single_choice", "dropdown"):
            continue
        values[question.id] = option.label[locale] if option else ""
        if option is not None and option.price is not None:
            values[f"{question.id}_price"] = formatting.money(
                option.price, campaign.currency, locale
            )
    return values


def _event_attributes(response: Answer, event: str) -> dict[str, str]:
    return {"campaign": response.campaign, "locale": response.locale, "event": event}


def _json(body: Mapping[str, object]) -> str:
    return json.dumps(body, ensure_ascii=False, sort_keys=True)
