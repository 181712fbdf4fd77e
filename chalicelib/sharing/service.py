"""Create shares (moderated before they are public, the sharer told of the decision), count
visits once per visitor and proven friends once, grant rewards once."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from chalicelib.campaigns import Campaign
from chalicelib.consent.links import Links
from chalicelib.errors import FieldError, InvalidResponse
from chalicelib.followups.planning import plan_event_jobs
from chalicelib.logs import event
from chalicelib.moderation import check_text
from chalicelib.responses.model import Response
from chalicelib.responses.text import TextRejected, clean_text
from chalicelib.storage.dynamodb import DynamoStore
from chalicelib.storage.sharing import Share, ShareStore

MESSAGE_MAX_CHARS = 280


def new_share_id() -> str:
    """Short enough for an SMS link, long enough not to be guessed (72 random bits)."""
    return secrets.token_urlsafe(9)


def create_share(
    campaign: Campaign,
    response: Response,
    raw_message: str,
    *,
    shares: ShareStore,
    links: Links,
    clock: Callable[[], datetime],
) -> Share:
    """A share of the design in ``response``; held for moderation when flagged (or always,
    if the campaign says so). Raises InvalidResponse for a message that cannot be taken."""
    try:
        message = clean_text(
            raw_message,
            max_chars=MESSAGE_MAX_CHARS,
            max_bytes=MESSAGE_MAX_CHARS * 4,
            multiline=False,
        )
    except TextRejected as exc:
        raise InvalidResponse(
            [FieldError("message", exc.code, {"num": MESSAGE_MAX_CHARS})]
        ) from exc
    verdict = check_text(f"{response.design_name or ''}\n{message}")
    status = "pending" if verdict.flagged or campaign.moderation == "all" else "public"
    share = Share(
        id=new_share_id(),
        campaign=campaign.slug,
        response_id=response.id,
        locale=response.locale,
        message=message,
        design_name=response.design_name or "",
        status=status,
        reasons=_reasons(verdict.reasons, status),
        sharer_contact=links.contact_id(response.phone) if response.phone else None,
        created_at=clock(),
    )
    shares.create(share)
    event(
        "share.created",
        share_id=share.id,
        campaign=campaign.slug,
        status=status,
        reasons=list(share.reasons),
    )
    return share


def _reasons(flags: tuple[str, ...], status: str) -> tuple[str, ...]:
    if flags:
        return flags
    return ("approval_required",) if status == "pending" else ()


def referrer(campaign: Campaign, raw_ref: str | None, shares: ShareStore) -> str | None:
    """The share an answer may be credited to: a public share of this very campaign. A ``ref``
    of another campaign (or a hidden share) is ignored, not credited."""
    if raw_ref is None:
        return None
    share = shares.get(raw_ref)
    if share is None or share.campaign != campaign.slug or not share.public:
        return None
    return share.id


VISITOR = re.compile(r"^[A-Za-z0-9_-]{22}$")


def count_visit(campaign: Campaign, share_id: str, visitor: str | None, shares: ShareStore) -> str:
    """Count a visit through a share once per visitor (a random id in a cookie). Returns the
    visitor id to keep in the cookie (a new one when the browser had none)."""
    visitor = visitor if visitor and VISITOR.match(visitor) else secrets.token_urlsafe(16)
    shares.count_visit(share_id, visitor, campaign.slug)
    return visitor


@dataclass(frozen=True)
class Referral:
    counted: bool
    rewarded: bool


def verify_friend(
    campaign: Campaign,
    friend: Response,
    *,
    shares: ShareStore,
    store: DynamoStore,
    links: Links,
    clock: Callable[[], datetime],
) -> Referral:
    """The friend opened the signed link sent to their number: their number is theirs. Count
    them for the share that brought them (once per number, never the sharer's own, only a
    share of the same campaign), and give the sharer the reward exactly once at the threshold.
    The reward's follow-ups are written due now; the table's stream hands them to the sender."""
    if friend.referred_by is None or friend.phone is None:
        return Referral(counted=False, rewarded=False)  # only a phone tells friends apart
    total = shares.count_referral(
        friend.referred_by,
        links.contact_id(friend.phone),
        friend.id,
        campaign.slug,
        also=[store.count_write("verified", campaign.slug, friend.locale, "share")],
    )
    if total is None:
        return Referral(counted=False, rewarded=False)
    sharing = campaign.sharing
    if sharing is None or sharing.reward_threshold is None or total < sharing.reward_threshold:
        return Referral(counted=True, rewarded=False)
    now = clock()
    share = shares.get(friend.referred_by)
    sharer = store.get_response(share.response_id) if share else None
    jobs = plan_event_jobs(campaign, sharer, "reward", now, links) if sharer else []
    granted = shares.grant_reward(
        friend.referred_by,
        sharing.reward_threshold,
        now,
        also=[
            store.count_write("rewards", campaign.slug, friend.locale, "share"),
            *(store.job_write(job) for job in jobs),
        ],
    )
    if not granted:
        return Referral(counted=True, rewarded=False)  # someone else's request granted it
    event("reward.granted", share_id=friend.referred_by, campaign=campaign.slug)
    return Referral(counted=True, rewarded=True)


def decide(
    campaign: Campaign,
    share: Share,
    decision: str,
    by: str,
    *,
    shares: ShareStore,
    store: DynamoStore,
    links: Links,
    clock: Callable[[], datetime],
) -> str:
    """A marketer approves or rejects a share; the sharer (if they gave a phone and consent)
    is told by SMS, once: the job is keyed by their answer and the step, so deciding again
    (say, after a crash between the two writes) plans nothing twice."""
    status = {"approve": "public", "reject": "rejected"}[decision]
    now = clock()
    before = shares.decide(share, status, now, by)
    sharer = store.get_response(share.response_id)
    if sharer is not None:
        trigger = "share_approved" if status == "public" else "share_rejected"
        jobs = plan_event_jobs(campaign, sharer, trigger, now, links)
        store.add_jobs([replace(job, ref=share.id) for job in jobs])
    event("share.decided", share_id=share.id, campaign=campaign.slug, status=status, before=before)
    return status
