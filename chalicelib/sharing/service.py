"""Create shares (moderated before they are public, the sharer told of the decision), count
visits once per visitor and proven friends once, grant rewards once."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Collection
from dataclasses import dataclass, replace
from datetime import datetime

from chalicelib.campaigns import Campaign
from chalicelib.campaigns.funnel import Count
from chalicelib.consent.links import Links
from chalicelib.errors import CampaignNotFound, FieldError, InvalidResponse
from chalicelib.followups.planning import plan_event_jobs
from chalicelib.logs import event
from chalicelib.moderation import check_text
from chalicelib.responses.model import Response
from chalicelib.responses.text import TextRejected, clean_text
from chalicelib.sharing.model import Share
from chalicelib.sharing.ports import Answers, ShareStore

MESSAGE_MAX_CHARS = 280
VISITOR = re.compile(r"^[A-Za-z0-9_-]{22}$")
RESPONSE_ID = re.compile(r"^[0-9a-f]{32}$")
SHARE_ID = re.compile(r"^[A-Za-z0-9_-]{8,32}$")

CampaignFinder = Callable[[str, int], Campaign | None]
"""A campaign version (the one an answer was given to), None if it cannot be loaded."""


def new_share_id() -> str:
    """Short enough for an SMS link, long enough not to be guessed (72 random bits)."""
    return secrets.token_urlsafe(9)


def _reasons(flags: tuple[str, ...], status: str) -> tuple[str, ...]:
    if flags:
        return flags
    return ("approval_required",) if status == "pending" else ()


@dataclass(frozen=True)
class Referral:
    counted: bool
    rewarded: bool


@dataclass(frozen=True)
class Shown:
    """A share with the answer it shows and the campaign version that answer was given to."""

    share: Share
    response: Response
    campaign: Campaign


class SharingService:
    def __init__(
        self,
        *,
        shares: ShareStore,
        answers: Answers,
        campaigns: CampaignFinder,
        published: Callable[[str], Campaign],
        links: Links,
        clock: Callable[[], datetime],
    ) -> None:
        self._shares = shares
        self._answers = answers
        self._campaigns = campaigns
        self._published = published
        self._links = links
        self._clock = clock

    def designed(self, campaign: Campaign, response_id: str) -> Response | None:
        """The answer ``response_id`` of ``campaign`` (its design), or None."""
        if not RESPONSE_ID.match(response_id):
            return None
        response = self._answers.get_response(response_id)
        if response is None or response.campaign != campaign.slug:
            return None
        return response

    def to_share(
        self, response_id: str, locale: str, served: Collection[str]
    ) -> tuple[Campaign, Response]:
        """The answer to share and its campaign version; CampaignNotFound unless that version
        offers sharing in ``locale`` and ``locale`` is ``served`` (has a customer catalog in
        this deployment): the one rule for where a share can be made."""
        response = self._answers.get_response(response_id)
        if response is None:
            raise CampaignNotFound(response_id)
        campaign = self._campaigns(response.campaign, response.campaign_version)
        if campaign is None or campaign.sharing is None:
            raise CampaignNotFound(response.campaign)
        if not campaign.offers(locale) or locale not in served:
            raise CampaignNotFound(response.campaign)
        return campaign, response

    def create(self, campaign: Campaign, response: Response, raw_message: str) -> Share:
        """A share of the design in ``response``, counted in the funnel in the same write;
        held for moderation when flagged (or always, if the campaign says so). Raises
        InvalidResponse for a message that cannot be taken."""
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
            reasons=_reasons(verdict.reasons if verdict.flagged else (), status),
            sharer_contact=self._links.contact_id(response.phone) if response.phone else None,
            created_at=self._clock(),
        )
        shares = Count(
            "shares", campaign.slug, response.locale, response.source, variant=response.variant
        )
        self._shares.create(share, [shares])
        event(
            "share.created",
            share_id=share.id,
            campaign=campaign.slug,
            status=status,
            reasons=list(share.reasons),
        )
        return share

    def shown(self, share_id: str) -> Shown | None:
        """A share with its answer and campaign version, whatever its status; None if any is
        missing."""
        share = self._shares.get(share_id) if SHARE_ID.match(share_id) else None
        if share is None:
            return None
        response = self._answers.get_response(share.response_id)
        if response is None:
            return None
        campaign = self._campaigns(share.campaign, response.campaign_version)
        return Shown(share, response, campaign) if campaign is not None else None

    def referrer(self, campaign: Campaign, raw_ref: str | None) -> str | None:
        """The share an answer may be credited to: a public share of this very campaign. A
        ``ref`` of another campaign (or a hidden share) is ignored, not credited."""
        if raw_ref is None:
            return None
        share = self._shares.get(raw_ref)
        if share is None or share.campaign != campaign.slug or not share.public:
            return None
        return share.id

    def count_visit(self, campaign: Campaign, share_id: str, visitor: str | None) -> str:
        """Count a visit through a share once per visitor (a random id in a cookie). Returns
        the visitor id to keep in the cookie (a new one when the browser had none)."""
        visitor = visitor if visitor and VISITOR.match(visitor) else secrets.token_urlsafe(16)
        self._shares.count_visit(share_id, visitor, campaign.slug)
        return visitor

    def friend(self, response_id: str) -> tuple[Campaign, Response] | None:
        """A referred friend's answer (from the signed link sent to their number) and its
        campaign version; None if it is not one."""
        response = self._answers.get_response(response_id)
        if response is None or response.referred_by is None:
            return None
        campaign = self._campaigns(response.campaign, response.campaign_version)
        return (campaign, response) if campaign is not None else None

    def verify_friend(self, campaign: Campaign, friend: Response) -> Referral:
        """The friend opened the signed link sent to their number: their number is theirs.
        Count them for the share that brought them (once per number, never the sharer's own,
        only a share of the same campaign), and give the sharer the reward exactly once at
        the threshold. The reward's follow-ups are written due now; the table's stream hands
        them to the sender."""
        if friend.referred_by is None or friend.phone is None:
            return Referral(counted=False, rewarded=False)  # only a phone tells friends apart
        share = self._shares.get(friend.referred_by)
        sharer = self._answers.get_response(share.response_id) if share else None
        variant = sharer.variant if sharer else None  # the sharer's answer's A/B variant
        total = self._shares.count_referral(
            friend.referred_by,
            self._links.contact_id(friend.phone),
            friend.id,
            campaign.slug,
            counts=[Count("verified", campaign.slug, friend.locale, "share", variant=variant)],
        )
        if total is None:
            return Referral(counted=False, rewarded=False)
        sharing = campaign.sharing
        if sharing is None or sharing.reward_threshold is None or total < sharing.reward_threshold:
            return Referral(counted=True, rewarded=False)
        now = self._clock()
        jobs = plan_event_jobs(campaign, sharer, "reward", now, self._links) if sharer else []
        granted = self._shares.grant_reward(
            friend.referred_by,
            sharing.reward_threshold,
            now,
            counts=[Count("rewards", campaign.slug, friend.locale, "share", variant=variant)],
            jobs=jobs,
        )
        if not granted:
            return Referral(counted=True, rewarded=False)  # someone else's request granted it
        event("reward.granted", share_id=friend.referred_by, campaign=campaign.slug)
        return Referral(counted=True, rewarded=True)

    def queue(self, campaign: str, status: str) -> list[Share]:
        return self._shares.queue(campaign, status)

    def moderate(self, slug: str, share_id: str, decision: str, by: str) -> str:
        """A marketer's decision on a share of ``slug`` (CampaignNotFound if it is not one),
        judged by the campaign version the sharer answered."""
        share = self._shares.get(share_id)
        if share is None or share.campaign != slug:
            raise CampaignNotFound(f"{slug}/{share_id}")
        sharer = self._answers.get_response(share.response_id)
        found = self._campaigns(slug, sharer.campaign_version) if sharer else None
        return self.decide(found or self._published(slug), share, decision, by)

    def decide(self, campaign: Campaign, share: Share, decision: str, by: str) -> str:
        """A marketer approves or rejects a share; the sharer (if they gave a phone and
        consent) is told by SMS, once: the job is keyed by their answer and the step, so
        deciding again (say, after a crash between the two writes) plans nothing twice."""
        status = {"approve": "public", "reject": "rejected"}[decision]
        now = self._clock()
        before = self._shares.decide(share, status, now, by)
        sharer = self._answers.get_response(share.response_id)
        if sharer is not None:
            trigger = "share_approved" if status == "public" else "share_rejected"
            jobs = plan_event_jobs(campaign, sharer, trigger, now, self._links)
            self._answers.add_jobs([replace(job, ref=share.id) for job in jobs])
        event(
            "share.decided", share_id=share.id, campaign=campaign.slug, status=status, before=before
        )
        return status
