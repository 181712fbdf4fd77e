"""A customer opening a campaign's page: a view in the campaign's funnel and, when they came
through a friend's share, a visit of that share, once per visitor."""

from __future__ import annotations

from collections.abc import Callable

from chalicelib.campaigns import Campaign
from chalicelib.sharing.service import SharingService


class PageVisits:
    def __init__(
        self, *, count_view: Callable[[str, str, str], None], sharing: SharingService
    ) -> None:
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
        None when the page was not opened through a share."""
        self._count_view(campaign.slug, locale, source)
        if share_id is None:
            return None
        return self._sharing.count_visit(campaign, share_id, visitor)
