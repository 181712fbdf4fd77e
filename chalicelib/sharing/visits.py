"""A customer opening a campaign's page: a view in the campaign's funnel and, when they came
through a friend's share, a visit of that share, once per visitor."""

from __future__ import annotations

from typing import Protocol

from chalicelib.campaigns import Campaign
from chalicelib.sharing.service import SharingService


class CountView(Protocol):
    def __call__(
        self,
        slug: str,
        locale: str,
        source: str,
        variant: str | None = None,
        timezone: str | None = None,
    ) -> None:
        """One more view (in the A/B ``variant`` the visitor sees, if any), counted on the
        day in the campaign's ``timezone`` too."""


class PageVisits:
    def __init__(self, *, count_view: CountView, sharing: SharingService) -> None:
        self._count_view = count_view
        self._sharing = sharing

    def visit(
        self,
        campaign: Campaign,
        locale: str,
        source: str,
        share_id: str | None,
        visitor: str | None,
    ) -> str | None:
        """Count the view (``source``: the link's ``src``); through a share, the share's
        visit too. Returns the visitor id the browser keeps (a new one when it had none), or
        None when the page was not opened through a share. A campaign in one of its variants'
        texts (``Campaign.shown_variant``) counts the view in that variant."""
        tz = campaign.timezone
        self._count_view(campaign.slug, locale, source, campaign.shown_variant, tz)
        if share_id is None:
            return None
        return self._sharing.count_visit(campaign, share_id, visitor)
