"""Accept a response: validate, store it with its follow-ups in one write, then send them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from chalicelib.campaigns import Campaign
from chalicelib.errors import IdempotencyConflict
from chalicelib.followups.immediate import dispatch, plan_immediate
from chalicelib.messaging import Publisher
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
    publisher: Publisher,
    clock: Callable[[], datetime],
) -> Accepted:
    """Store the answer once per idempotency key; a repeat returns the first without resending.

    Raises InvalidResponse (nothing stored) or IdempotencyConflict (the key was used for a
    different answer).
    """
    valid = validate_answer(campaign, fields)
    now = clock()
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
    )
    jobs = plan_immediate(campaign, response, now)
    existing = store.create_response(response, jobs)
    if existing is not None:
        if existing.request_hash != response.request_hash:
            raise IdempotencyConflict(response.id)
        return Accepted(existing, created=False)
    dispatch(jobs, store, publisher, clock)
    return Accepted(response, created=True)
