"""Accept a response: validate, then store it with its follow-ups and rate-limit counts in one
write request. Sending is not done here: the table's stream hands the new jobs to the sender
(app.py ``send_new_followups``), and the scheduler sends whatever that misses."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from chalicelib.campaigns import Campaign
from chalicelib.consent.links import Links
from chalicelib.errors import CampaignClosed, IdempotencyConflict
from chalicelib.followups.planning import plan_jobs
from chalicelib.logs import event
from chalicelib.responses.model import Consent, Response, request_hash, response_id
from chalicelib.responses.validation import validate_answer
from chalicelib.storage import ResponseStore
from chalicelib.storage.limits import Limit


@dataclass(frozen=True)
class Accepted:
    response: Response
    created: bool


def accept_response(
    campaign: Campaign,
    locale: str,
    fields: Mapping[str, str],
    idempotency_key: str,
    *,
    store: ResponseStore,
    links: Links,
    clock: Callable[[], datetime],
    source: str = "direct",
    referred_by: str | None = None,
    limits: Sequence[Limit] = (),
) -> Accepted:
    """Store the answer once per idempotency key; a repeat returns the first without resending.

    Raises InvalidResponse (nothing stored), CampaignClosed, RateLimited (a counter of
    ``limits`` is full; nothing stored) or IdempotencyConflict (the key was used for a
    different answer).
    """
    now = clock()
    window = campaign.window(now)
    if window != "open":
        raise CampaignClosed(campaign.slug, window)
    valid = validate_answer(campaign, fields)
    consent = None
    if valid.consent and campaign.consent is not None:
        consent = Consent(campaign.consent.purpose, campaign.consent.notice_version, locale, now)
    response = Response(
        id=response_id(campaign.slug, idempotency_key),
        campaign=campaign.slug,
        campaign_version=campaign.version,
        locale=locale,
        answers=valid.answers,
        phone=valid.phone,
        consent=consent,
        created_at=now,
        request_hash=request_hash(locale, valid.answers, valid.phone, valid.consent),
        source=source,
        design_name=valid.design_name,
        referred_by=referred_by,
    )
    jobs = plan_jobs(campaign, response, now, links)
    existing = store.create_response(response, jobs, limits)
    if existing is not None:
        if existing.request_hash != response.request_hash:
            raise IdempotencyConflict(response.id)
        return Accepted(existing, created=False)
    event(
        "response.accepted",
        response_id=response.id,
        campaign=campaign.slug,
        version=campaign.version,
        locale=locale,
        source=source,
        with_phone=response.phone is not None,
    )
    return Accepted(response, created=True)
