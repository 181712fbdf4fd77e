"""The follow-ups sent as soon as a response is stored: a thank-you SMS and a topic event."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from chalicelib.campaigns import Campaign
from chalicelib.followups.model import FollowUpJob
from chalicelib.messaging import Publisher, PublishFailed
from chalicelib.responses.model import Response
from chalicelib.storage import ResponseStore

# How long the request that wrote a job owns it; after that a scheduled run may send it.
SEND_LEASE = timedelta(minutes=2)
RETRY_AFTER = timedelta(minutes=1)


def plan_immediate(campaign: Campaign, response: Response, now: datetime) -> list[FollowUpJob]:
    """The jobs to write with the response, already leased to this request (``sending``)."""
    lease = now + SEND_LEASE
    jobs = [
        FollowUpJob(
            response_id=response.id,
            step="response_event",
            channel="event",
            status="sending",
            due_at=lease,
            message=json.dumps(_event(response), ensure_ascii=False, sort_keys=True),
            attributes={
                "campaign": campaign.slug,
                "locale": response.locale,
                "event": "response.created",
            },
            campaign=campaign.slug,
            locale=response.locale,
        )
    ]
    sms = campaign.thank_you_sms
    if sms is not None and response.phone and response.consent is not None:
        attributes: dict[str, str] = {"AWS.SNS.SMS.SMSType": sms.sms_type}
        if response.phone.startswith("+91") and sms.dlt_entity_id and sms.dlt_template_id:
            attributes["AWS.MM.SMS.EntityId"] = sms.dlt_entity_id
            attributes["AWS.MM.SMS.TemplateId"] = sms.dlt_template_id
        text = sms.text[response.locale].replace("{brand}", campaign.brand[response.locale])
        jobs.append(
            FollowUpJob(
                response_id=response.id,
                step="thank_you_sms",
                channel="sms",
                status="sending",
                due_at=lease,
                message=text,
                attributes=attributes,
                campaign=campaign.slug,
                locale=response.locale,
                phone_number=response.phone,
            )
        )
    return jobs


def _event(response: Response) -> dict[str, object]:
    # Subscribers (CRM, e-mail sender) get the answer but no contact details.
    return {
        "event": "response.created",
        "response_id": response.id,
        "campaign": response.campaign,
        "campaign_version": response.campaign_version,
        "locale": response.locale,
        "answers": dict(response.answers),
        "has_phone": response.phone is not None,
        "created_at": response.created_at.isoformat(),
    }


def dispatch(
    jobs: Sequence[FollowUpJob],
    store: ResponseStore,
    publisher: Publisher,
    clock: Callable[[], datetime],
) -> list[FollowUpJob]:
    """Send each job once; a job SNS refuses stays pending for the scheduled retry."""
    done = []
    for job in jobs:
        try:
            message_id = publisher.deliver(job)
        except PublishFailed as exc:
            later = job.retry_later(exc.reason, clock() + RETRY_AFTER)
            store.save_job(later)
            done.append(later)
            continue
        sent = job.sent(message_id, clock())
        store.save_job(sent)
        done.append(sent)
    return done
