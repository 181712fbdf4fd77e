"""Which follow-up jobs a new response gets. They are written with the response, in one
transaction, so a follow-up can be late but never lost."""

from __future__ import annotations

import uuid
from datetime import datetime

from chalicelib.campaigns import Campaign
from chalicelib.followups.compose import Links
from chalicelib.followups.model import RESPONSE_EVENT, FollowUpJob
from chalicelib.followups.runner import LEASE
from chalicelib.responses.model import Response


def plan_jobs(
    campaign: Campaign, response: Response, now: datetime, links: Links
) -> list[FollowUpJob]:
    """Immediate jobs come already leased to this request (``sending``), so it can send them
    right after the write; if it dies, the lease expires and the scheduler sends them."""
    lease_id = uuid.uuid4().hex
    lease_until = now + LEASE
    contact_id = links.contact_id(response.phone) if response.phone else None
    consented = response.phone is not None and response.consent is not None

    def job(step: str, channel: str, after_zero: bool, due: datetime) -> FollowUpJob:
        return FollowUpJob(
            response_id=response.id,
            step=step,
            channel="sms" if channel == "sms" else "event",
            status="sending" if after_zero else "pending",
            due_at=lease_until if after_zero else due,
            campaign=campaign.slug,
            locale=response.locale,
            created_at=response.created_at,
            phone_number=response.phone if channel == "sms" else None,
            contact_id=contact_id if channel == "sms" else None,
            lease_id=lease_id if after_zero else None,
        )

    jobs = [job(RESPONSE_EVENT, "event", True, now)]
    for step in campaign.followups:
        if step.trigger is not None:
            continue  # planned when the event happens (a reward: chalicelib.sharing)
        if step.channel == "sms" and not consented:
            continue  # only consented contacts are messaged
        jobs.append(job(step.id, step.channel, step.immediate, response.created_at + step.after))
    return jobs


def plan_event_jobs(
    campaign: Campaign, response: Response, event: str, now: datetime, links: Links
) -> list[FollowUpJob]:
    """The jobs of the steps that wait for ``event`` (e.g. ``reward``), leased to the caller."""
    lease_id = uuid.uuid4().hex
    consented = response.phone is not None and response.consent is not None
    return [
        FollowUpJob(
            response_id=response.id,
            step=step.id,
            channel=step.channel,
            status="sending",
            due_at=now + LEASE,
            campaign=campaign.slug,
            locale=response.locale,
            created_at=response.created_at,
            phone_number=response.phone if step.channel == "sms" else None,
            contact_id=links.contact_id(response.phone)
            if step.channel == "sms" and response.phone
            else None,
            lease_id=lease_id,
        )
        for step in campaign.followups
        if step.trigger == event and (step.channel == "event" or consented)
    ]
