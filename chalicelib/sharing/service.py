"""Create shares (moderated before they are public), count referrals, grant rewards once."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from chalicelib.campaigns import Campaign
from chalicelib.errors import FieldError, InvalidResponse
from chalicelib.followups.compose import Links
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
        reasons=verdict.reasons
        if verdict.flagged
        else (("approval_required",) if status == "pending" else ()),
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


@dataclass(frozen=True)
class Referral:
    counted: bool
    rewarded: bool


def record_referral(
    campaign: Campaign,
    friend: Response,
    *,
    shares: ShareStore,
    store: DynamoStore,
    links: Links,
    clock: Callable[[], datetime],
) -> Referral:
    """Count the friend's answer for the share that brought them (once per phone, never the
    sharer's own), and give the sharer the reward exactly once when the threshold is met.
    The reward's follow-ups are written due now; the table's stream hands them to the sender."""
    if friend.referred_by is None or friend.phone is None:
        return Referral(counted=False, rewarded=False)  # only a phone tells friends apart
    total = shares.count_referral(friend.referred_by, links.contact_id(friend.phone), friend.id)
    sharing = campaign.sharing
    if total is None or sharing is None or sharing.reward_threshold is None:
        return Referral(counted=total is not None, rewarded=False)
    if total < sharing.reward_threshold:
        return Referral(counted=True, rewarded=False)
    now = clock()
    if not shares.grant_reward(friend.referred_by, sharing.reward_threshold, now):
        return Referral(counted=True, rewarded=False)  # someone else's request granted it
    share = shares.get(friend.referred_by)
    sharer = store.get_response(share.response_id) if share else None
    if sharer is not None:
        store.add_jobs(plan_event_jobs(campaign, sharer, "reward", now, links))
    event("reward.granted", share_id=friend.referred_by, campaign=campaign.slug)
    return Referral(counted=True, rewarded=True)
