"""A campaign as a visitor of one of its variants sees it."""

from __future__ import annotations

from dataclasses import replace

from chalicelib.campaigns.model import Campaign, FollowUpStep, Variant


def variant_of(campaign: Campaign, variant_id: str | None) -> Variant | None:
    """The campaign's variant ``variant_id``; None for an id it does not declare (an old
    cookie, a variant removed in a later version, a made-up value)."""
    return next((v for v in campaign.variants if v.id == variant_id), None)


def in_variant(campaign: Campaign, variant_id: str | None) -> Campaign:
    """The campaign with the texts of its variant ``variant_id`` (and ``shown_variant`` set);
    the campaign as it is for an id it does not declare.

    Pages, the answer's count and its follow-up SMS all read this campaign, so none of them
    needs to know about variants."""
    variant = variant_of(campaign, variant_id)
    if variant is None:
        return campaign
    steps = tuple(_step(step, variant) for step in campaign.followups)
    return replace(
        campaign,
        title=variant.title or campaign.title,
        intro=variant.intro or campaign.intro,
        thanks=variant.thanks or campaign.thanks,
        prize_text=variant.prize_text or campaign.prize_text,
        followups=steps,
        shown_variant=variant.id,
    )


def _step(step: FollowUpStep, variant: Variant) -> FollowUpStep:
    own = variant.followups.get(step.id)
    if own is None:
        return step
    return replace(
        step,
        text=own.text,
        dlt_template_id=own.dlt_template_id or step.dlt_template_id,
        dlt_registered=own.dlt_registered or step.dlt_registered,
    )
