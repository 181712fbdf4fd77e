"""Opening a campaign's page over the fakes: one view in the funnel; through a friend's share,
one visit of that share per visitor, the visitor's id kept in their cookie."""

from __future__ import annotations

from chalicelib.campaigns import Campaign
from chalicelib.sharing.service import SharingService
from chalicelib.sharing.visits import PageVisits
from tests.fakes import FakeShares, FakeStore
from tests.unit.test_sharing_service import answer, campaign, sharing, store, stored

__all__ = ["campaign", "sharing", "store"]  # fixtures


def test_a_view_is_counted_and_a_share_visited_once_per_visitor(
    campaign: Campaign, store: FakeStore, sharing: SharingService
) -> None:
    views: list[tuple[str, ...]] = []
    visits = PageVisits(count_view=lambda *view: views.append(view), sharing=sharing)
    sharer = stored(store, campaign, answer(campaign, 1))
    share = sharing.create(campaign, sharer, "Dekho!")
    shares = sharing._shares
    assert isinstance(shares, FakeShares)

    assert visits.visit(campaign, "hi", "poster-7", None, None) is None
    first = visits.visit(campaign, "hi", "share", share.id, None)
    assert first is not None
    assert visits.visit(campaign, "hi", "share", share.id, first) == first  # kept, not new
    other = visits.visit(campaign, "en", "share", share.id, "not a visitor id!")
    assert other not in (None, first, "not a visitor id!")

    assert views == [
        (campaign.slug, "hi", "poster-7", None, campaign.timezone),
        (campaign.slug, "hi", "share", None, campaign.timezone),
        (campaign.slug, "hi", "share", None, campaign.timezone),
        (campaign.slug, "en", "share", None, campaign.timezone),
    ]
    assert shares.shares[share.id].visits == 2  # two visitors, however often they came
