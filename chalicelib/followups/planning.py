"""Which follow-up jobs a new response gets. They are written with the response, in one
transaction, so a follow-up can be late but never lost.

Every job starts ``pending``; the immediate ones are due at once. Nobody sends inside the
customer's request: the table's stream hands new jobs to ``send_new_followups`` (app.py), and
whatever it misses, the scheduler sends when due."""

from __future__ import annotations

from datetime import datetime

from chalicelib.campaigns import Campaign
from chalicelib.consent.links import Links
from chalicelib.followups.model import RESPONSE_EVENT, FollowUpJob
from chalicelib.followups.ports import Answer


def _job(
    campaign: Campaign, response: Answer, step: str, channel: str, due: datetime, links: Links
) -> FollowUpJob:
    """A pending job of ``response``; an SMS job names the customer's number and contact."""
    phone = response.phone if channel == "sms" else None
    return FollowUpJob(
        response_id=response.id,
        step=step,
        channel="sms" if channel == "sms" else "event",
        status="pending",
        due_at=due,
        campaign=campaign.slug,
        locale=response.locale,
        created_at=response.created_at,
        phone_number=phone,
        contact_id=links.contact_id(phone) if phone else None,
    )


def _consented(response: Answer) -> bool:
    return response.phone is not None and response.consent is not None


def plan_jobs(
    campaign: Campaign, response: Answer, now: datetime, links: Links
) -> list[FollowUpJob]:
    jobs = [_job(campaign, response, RESPONSE_EVENT, "event", now, links)]
    for step in campaign.followups:
        if step.trigger == "referred" and response.referred_by and _consented(response):
            # The friend proves the number theirs by opening the link this SMS carries.
            jobs.append(_job(campaign, response, step.id, step.channel, now, links))
            continue
        if step.trigger is not None:
            continue  # planned when the event happens (a reward: chalicelib.sharing)
        if step.channel == "sms" and not _consented(response):
            continue  # only consented contacts are messaged
        due = response.created_at + step.after
        jobs.append(_job(campaign, response, step.id, step.channel, due, links))
    return jobs


def plan_event_jobs(
    campaign: Campaign, response: Answer, event: str, now: datetime, links: Links
) -> list[FollowUpJob]:
    """The jobs of the steps that wait for ``event`` (e.g. ``reward``), due now."""
    return [
        _job(campaign, response, step.id, step.channel, now, links)
        for step in campaign.followups
        if step.trigger == event and (step.channel == "event" or _consented(response))
    ]
