"""Which follow-up jobs a new response gets. They are written with the response, in one
transaction, so a follow-up can be late but never lost.

Every job starts ``pending``; the immediate ones are due at once. Nobody sends inside the
customer's request: the table's stream hands new jobs to ``send_new_followups`` (app.py), and
whatever it misses, the scheduler sends when due."""

from __future__ import annotations

from datetime import datetime

from chalicelib.campaigns import Campaign
from chalicelib.followups.compose import Links
from chalicelib.followups.model import RESPONSE_EVENT, FollowUpJob
from chalicelib.responses.model import Response


def plan_jobs(
    campaign: Campaign, response: Response, now: datetime, links: Links
) -> list[FollowUpJob]:
    contact_id = links.contact_id(response.phone) if response.phone else None
    consented = response.phone is not None and response.consent is not None

    def job(step: str, channel: str, due: datetime) -> FollowUpJob:
        return FollowUpJob(
            response_id=response.id,
            step=step,
            channel="sms" if channel == "sms" else "event",
            status="pending",
            due_at=due,
            campaign=campaign.slug,
            locale=response.locale,
            created_at=response.created_at,
            phone_number=response.phone if channel == "sms" else None,
            contact_id=contact_id if channel == "sms" else None,
        )

    jobs = [job(RESPONSE_EVENT, "event", now)]
    for step in campaign.followups:
        if step.trigger is not None:
            continue  # planned when the event happens (a reward: chalicelib.sharing)
        if step.channel == "sms" and not consented:
            continue  # only consented contacts are messaged
        jobs.append(job(step.id, step.channel, response.created_at + step.after))
    return jobs


def plan_event_jobs(
    campaign: Campaign, response: Response, event: str, now: datetime, links: Links
) -> list[FollowUpJob]:
    """The jobs of the steps that wait for ``event`` (e.g. ``reward``), due now."""
    consented = response.phone is not None and response.consent is not None
    return [
        FollowUpJob(
            response_id=response.id,
            step=step.id,
            channel=step.channel,
            status="pending",
            due_at=now,
            campaign=campaign.slug,
            locale=response.locale,
            created_at=response.created_at,
            phone_number=response.phone if step.channel == "sms" else None,
            contact_id=links.contact_id(response.phone)
            if step.channel == "sms" and response.phone
            else None,
        )
        for step in campaign.followups
        if step.trigger == event and (step.channel == "event" or consented)
    ]
