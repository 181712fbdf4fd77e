"""Replies from marketers (by SMS, in the customer's language) and customers' SMS answers."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from chalicelib.campaigns import placeholders
from chalicelib.errors import CampaignNotFound, DialogueProblem
from chalicelib.followups.model import FollowUpJob
from chalicelib.logs import event
from chalicelib.messaging import PublishFailed
from chalicelib.responses.text import TextRejected, clean_text
from chalicelib.sms import matches_dlt_template
from chalicelib.storage.threads import Message
from chalicelib.web.http import BadRequest, WebRequest

REPLY_MAX_CHARS = 140
# What a customer may text to stop all messages (English and Hindi, as carriers expect).
STOP_WORDS = frozenset(
    {
        "stop",
        "stopall",
        "unsubscribe",
        "cancel",
        "end",
        "quit",
        "बंद",
        "बंद करो",
        "बंद करें",
        "रोकें",
        "रोको",
    }
)


def is_stop(body: str) -> bool:
    """Whether an SMS asks to stop all messages.

    >>> is_stop(" Stop "), is_stop("बंद करें"), is_stop("please stop by the shop")
    (True, True, False)
    """
    text = " ".join(unicodedata.normalize("NFC", body).casefold().split()).strip(".!।")
    return text in STOP_WORDS


def reply(services: Any, slug: str, response_id: str, raw: str, by: str) -> Message:
    """Send a marketer's reply to the customer who answered, and keep it in the thread."""
    response = services.store.get_response(response_id)
    if response is None or response.campaign != slug:
        raise CampaignNotFound(f"{slug}/{response_id}")
    campaign = services.registry.find(response.campaign, response.campaign_version)
    if campaign is None or campaign.replies is None:
        raise DialogueProblem(f"{slug} has no replies template")
    if response.phone is None or response.consent is None:
        raise DialogueProblem("the customer gave no number to reply to")
    contact_id = services.links.contact_id(response.phone)
    contact = services.store.contact(contact_id)
    if contact is not None and contact.opted_out:
        raise DialogueProblem("the customer opted out of messages")
    try:
        text = clean_text(
            raw, max_chars=REPLY_MAX_CHARS, max_bytes=REPLY_MAX_CHARS * 4, multiline=False
        )
    except TextRejected as exc:
        raise DialogueProblem(f"the reply cannot be sent: {exc.code}") from exc
    if not text:
        raise DialogueProblem("the reply is empty")
    locale = response.locale
    shown = {"brand": campaign.brand[locale], "text": text}
    body = placeholders.fill(campaign.replies.template[locale], shown)
    attributes = {"AWS.SNS.SMS.SMSType": "Transactional"}
    if response.phone.startswith("+91"):
        registered = (campaign.replies.dlt_registered or {}).get(locale)
        template_id = (campaign.replies.dlt_template_id or {}).get(locale)
        if not (registered and template_id and campaign.dlt_entity_id):
            raise DialogueProblem("DLT ids for replies are missing in the campaign")
        if not matches_dlt_template(body, registered):
            raise DialogueProblem("the reply does not fit the registered DLT template")
        attributes["AWS.MM.SMS.EntityId"] = campaign.dlt_entity_id
        attributes["AWS.MM.SMS.TemplateId"] = template_id
    now = services.clock()
    job = FollowUpJob(
        response_id=response.id,
        step="reply",
        channel="sms",
        status="sending",
        due_at=now,
        campaign=slug,
        locale=locale,
        created_at=now,
        message=body,
        attributes=attributes,
        phone_number=response.phone,
        contact_id=contact_id,
    )
    try:
        message_id = services.publisher.deliver(job)
    except PublishFailed as exc:
        raise DialogueProblem(f"SNS did not take the reply ({exc.reason}); try again") from exc
    message = Message(response.id, "out", body, now, message_id, by)
    services.threads.add(message)
    event("reply.sent", response_id=response.id, campaign=slug, locale=locale)
    return message


INBOUND_TEXT_FIELDS = ("originationNumber", "messageBody")
INBOUND_OPTIONAL_FIELDS = ("inboundMessageId", "previousPublishedMessageId", "destinationNumber")
INBOUND_MAX_BYTES = 64 * 1024


def inbound_payload(message: object) -> dict[str, str] | None:
    """The fields of one inbound SMS (the SNS message's JSON text), or None when malformed:
    an SNS topic takes messages from anyone allowed to publish, not only from AWS.

    >>> inbound_payload('{"originationNumber": "+919812345678", "messageBody": "STOP"}')
    {'originationNumber': '+919812345678', 'messageBody': 'STOP'}
    >>> [inbound_payload(m) for m in ("[]", "{", '{"messageBody": 1}', "1" * 5000, None)]
    [None, None, None, None, None]
    """
    if not isinstance(message, str):
        return None
    body = message.encode("utf-8", "replace")
    try:
        payload = WebRequest(body=body).json(INBOUND_MAX_BYTES)
    except BadRequest:
        return None
    if not isinstance(payload, dict):
        return None
    fields: dict[str, str] = {}
    for name in INBOUND_TEXT_FIELDS + INBOUND_OPTIONAL_FIELDS:
        value = payload.get(name)
        if value is None and name in INBOUND_OPTIONAL_FIELDS:
            continue
        if not isinstance(value, str):
            return None
        fields[name] = value
    return fields


def handle_inbound(services: Any, payload: Mapping[str, Any], at: datetime) -> str:
    """One inbound SMS as AWS two-way SMS publishes it to the inbound topic.

    Returns what was done: ``stop``, ``threaded``, ``duplicate`` or ``unmatched``.
    """
    number = str(payload.get("originationNumber", ""))
    body = str(payload.get("messageBody", ""))
    inbound_id = str(payload.get("inboundMessageId", "")) or f"{number}:{at.isoformat()}"
    if not number.startswith("+"):
        return "unmatched"
    contact_id = services.links.contact_id(number)
    response_id = None
    previous = payload.get("previousPublishedMessageId")
    if previous:
        response_id = services.threads.response_of("out", str(previous))
    if response_id is None:
        response_id = _latest_response(services, contact_id)
    outcome = "unmatched"
    if response_id is not None:
        text = unicodedata.normalize("NFC", body)[:1000]
        added = services.threads.add(Message(response_id, "in", text, at, inbound_id, "customer"))
        outcome = "threaded" if added else "duplicate"
    if is_stop(body):
        services.store.opt_out(contact_id, at, "sms_stop_reply")
        return "stop"
    return outcome


def _latest_response(services: Any, contact_id: str) -> str | None:
    contact = services.store.contact(contact_id)
    if contact is None:
        return None
    responses = [services.store.get_response(rid) for rid in contact.response_ids]
    known = [r for r in responses if r is not None]
    return max(known, key=lambda r: r.created_at).id if known else None
