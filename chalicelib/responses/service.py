"""Accept a response: validate, store it with its follow-ups in one write, then send the
immediate ones (the rest wait for the scheduler)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from chalicelib.campaigns import Campaign
from chalicelib.errors import CampaignClosed, IdempotencyConflict, StorageUnavailable
from chalicelib.followups.compose import Links
from chalicelib.followups.model import FollowUpJob
from chalicelib.followups.planning import plan_jobs
from chalicelib.logs import event, get_logger
from chalicelib.responses.model import Consent, Response, request_hash, response_id
from chalicelib.responses.validation import validate_answer
from chalicelib.storage import ResponseStore


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
    send: Callable[[Sequence[FollowUpJob]], object],
    links: Links,
    clock: Callable[[], datetime],
    source: str = "direct",
    referred_by: str | None = None,
) -> Accepted:
    """Store the answer once per idempotency key; a repeat returns the first without resending.

    Raises InvalidResponse (nothing stored) or IdempotencyConflict (the key was used for a
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
        email=None,
        consent=consent,
        created_at=now,
        request_hash=request_hash(locale, valid.answers, valid.phone, valid.consent),
        source=source,
        design_name=valid.design_name,
        referred_by=referred_by,
    )
    jobs = plan_jobs(campaign, response, now, links)
    existing = store.create_response(response, jobs)
    if existing is not None:
        if existing.request_hash != response.request_hash:
            raise IdempotencyConflict(response.id)
        return Accepted(existing, created=False)
    try:
        send([job for job in jobs if job.status == "sending"])
    except StorageUnavailable:
        # The answer is stored; its leased jobs fall to the scheduler when the lease expires.
        get_logger().warning(
            "immediate follow-ups not recorded", extra={"response_id": response.id}
        )
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
