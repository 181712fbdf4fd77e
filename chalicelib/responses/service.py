"""Accept a response: validate, then store it with its follow-ups, its funnel counts and its
rate-limit counts in one write request. Sending is not done here: the table's stream hands the
new jobs to the sender (app.py ``send_new_followups``), and the scheduler sends whatever that
misses."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from chalicelib.campaigns import Campaign
from chalicelib.campaigns.funnel import Count, local_day
from chalicelib.consent.links import Links
from chalicelib.errors import CampaignClosed, IdempotencyConflict
from chalicelib.followups.planning import plan_jobs
from chalicelib.logs import event
from chalicelib.responses.limits import Limit
from chalicelib.responses.model import Consent, Response, request_hash, response_id
from chalicelib.responses.ports import ResponseStore
from chalicelib.responses.validation import validate_answer

LimitsFor = Callable[[str | None, Mapping[str, str], str, datetime], Sequence[Limit]]
"""The rate-limit counters of one more answer: (client address, fields, phone region, now)."""
Referrer = Callable[[Campaign, str | None], str | None]
"""The share an answer may be credited to, from the ``ref`` it came with (or None)."""


@dataclass(frozen=True)
class Accepted:
    response: Response
    created: bool


def _no_limits(*_: object) -> Sequence[Limit]:
    return ()


def _no_referrer(_campaign: Campaign, _ref: str | None) -> str | None:
    return None


class ResponseService:
    def __init__(
        self,
        *,
        store: ResponseStore,
        links: Links,
        clock: Callable[[], datetime],
        limits: LimitsFor = _no_limits,
        referrer: Referrer = _no_referrer,
    ) -> None:
        self._store = store
        self._links = links
        self._clock = clock
        self._limits = limits
        self._referrer = referrer

    def get(self, response_id: str) -> Response | None:
        return self._store.get_response(response_id)

    def accept(
        self,
        campaign: Campaign,
        locale: str,
        fields: Mapping[str, str],
        idempotency_key: str,
        *,
        source: str = "direct",
        ref: str | None = None,
        client: str | None = None,
    ) -> Accepted:
        """Store the answer once per idempotency key; a repeat returns the first without
        resending or counting again. An answer through a friend's share (``ref``, credited
        only to a public share of this campaign) counts as ``referred`` in the same write;
        it counts toward a reward only once the friend proves the number theirs (sharing).

        Raises InvalidResponse (nothing stored), CampaignClosed, RateLimited (a counter is
        full; nothing stored) or IdempotencyConflict (the key was used for a different answer).
        """
        now = self._clock()
        window = campaign.window(now)
        if window != "open":
            raise CampaignClosed(campaign.slug, window)
        response = self._response(campaign, locale, fields, idempotency_key, source, ref, now)
        referred_by = response.referred_by
        jobs = plan_jobs(campaign, response, now, self._links)
        limits = self._limits(client, fields, campaign.phone_region, now)
        counts = [Count("referred", campaign.slug, locale, "share")] if referred_by else []
        day = local_day(now, campaign.timezone)
        existing = self._store.create_response(response, jobs, limits, counts, day)
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

    def _response(
        self,
        campaign: Campaign,
        locale: str,
        fields: Mapping[str, str],
        idempotency_key: str,
        source: str,
        ref: str | None,
        now: datetime,
    ) -> Response:
        """The validated answer as it will be stored (InvalidResponse if it is not valid)."""
        valid = validate_answer(campaign, fields)
        consent = None
        if valid.consent and campaign.consent is not None:
            consent = Consent(
                campaign.consent.purpose, campaign.consent.notice_version, locale, now
            )
        return Response(
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
            referred_by=self._referrer(campaign, ref),
            variant=campaign.shown_variant,
        )
