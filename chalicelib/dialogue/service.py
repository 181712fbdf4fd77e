"""Replies from marketers (by SMS, in the customer's language) and customers' SMS answers."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from chalicelib.campaigns import Campaign, placeholders
from chalicelib.consent.links import Links
from chalicelib.contacts.service import ContactService
from chalicelib.dialogue.ports import Answers, Message, ThreadStore
from chalicelib.errors import CampaignNotFound, DialogueProblem
from chalicelib.followups.model import FollowUpJob
from chalicelib.followups.ports import Publisher, PublishFailed
from chalicelib.logs import event
from chalicelib.responses.model import Response
from chalicelib.responses.text import TextRejected, clean_text
from chalicelib.sms import matches_dlt_template

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


class DialogueService:
    def __init__(
        self,
        *,
        answers: Answers,
        threads: ThreadStore,
        contacts: ContactService,
        publisher: Publisher,
        campaigns: Callable[[str, int], Campaign | None],
        links: Links,
        clock: Callable[[], datetime],
    ) -> None:
        self._answers = answers
        self._threads = threads
        self._contacts = contacts
        self._publisher = publisher
        self._campaigns = campaigns
        self._links = links
        self._clock = clock

    def reply(self, slug: str, response_id: str, raw: str, by: str) -> Message:
        """Send a marketer's reply to the customer who answered, and keep it in the thread."""
        response = self._answers.get_response(response_id)
        if response is None or response.campaign != slug:
            raise CampaignNotFound(f"{slug}/{response_id}")
        campaign = self._campaigns(response.campaign, response.campaign_version)
        if campaign is None or campaign.replies is None:
            raise DialogueProblem(f"{slug} has no replies template")
        if response.phone is None or response.consent is None:
            raise DialogueProblem("the customer gave no number to reply to")
        contact_id = self._links.contact_id(response.phone)
        contact = self._contacts.get(contact_id)
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
        now = self._clock()
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
            message_id = self._publisher.deliver(job)
        except PublishFailed as exc:
            raise DialogueProblem(f"SNS did not take the reply ({exc.reason}); try again") from exc
        message = Message(response.id, "out", body, now, message_id, by)
        self._threads.add(message)
        event("reply.sent", response_id=response.id, campaign=slug, locale=locale)
        return message

    def handle_inbound(self, payload: Mapping[str, Any], at: datetime) -> str:
        """One inbound SMS as AWS two-way SMS publishes it to the inbound topic.

        Returns what was done: ``stop``, ``threaded``, ``duplicate`` or ``unmatched``.
        """
        number = str(payload.get("originationNumber", ""))
        body = str(payload.get("messageBody", ""))
        inbound_id = str(payload.get("inboundMessageId", "")) or f"{number}:{at.isoformat()}"
        if not number.startswith("+"):
            return "unmatched"
        contact_id = self._links.contact_id(number)
        response_id = None
        previous = payload.get("previousPublishedMessageId")
        if previous:
            response_id = self._threads.response_of("out", str(previous))
        if response_id is None:
            response_id = self._latest_response(contact_id)
        outcome = "unmatched"
        if response_id is not None:
            text = unicodedata.normalize("NFC", body)[:1000]
            added = self._threads.add(Message(response_id, "in", text, at, inbound_id, "customer"))
            outcome = "threaded" if added else "duplicate"
        if is_stop(body):
            self._contacts.opt_out(contact_id, "sms_stop_reply", at)
            return "stop"
        return outcome

    def _latest_response(self, contact_id: str) -> str | None:
        contact = self._contacts.get(contact_id)
        if contact is None:
            return None
        responses = [self._answers.get_response(rid) for rid in contact.response_ids]
        known = [r for r in responses if r is not None]
        return max(known, key=lambda r: r.created_at).id if known else None

    def thread(self, slug: str, response_id: str) -> tuple[Response, list[Message]]:
        """An answer of ``slug`` and its conversation (CampaignNotFound if it is not one)."""
        response = self._answers.get_response(response_id)
        if response is None or response.campaign != slug:
            raise CampaignNotFound(f"{slug}/{response_id}")
        return response, self._threads.thread(response_id)
