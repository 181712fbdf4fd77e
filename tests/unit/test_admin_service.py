"""Marketers' operations over the fakes: versions, the funnel, failed follow-ups, erasure."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from chalicelib.admin.operations import AdminService
from chalicelib.campaigns.registry import CampaignRegistry
from chalicelib.consent.keys import Keys
from chalicelib.consent.links import Links
from chalicelib.contacts.service import ContactService
from chalicelib.dialogue.service import DialogueService
from chalicelib.errors import CampaignNotFound, VersionProblem
from chalicelib.responses.service import ResponseService
from chalicelib.sharing.service import SharingService
from tests.fakes import (
    Clock,
    FakeCampaigns,
    FakeEraser,
    FakePublisher,
    FakeShares,
    FakeStore,
    FakeThreads,
)
from tests.samples import inline_text

NOW = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
LINKS = Links("https://samvad.example", Keys(contact=b"c" * 32, link=b"k" * 32))
WISHLIST = Path("chalicelib/campaigns/definitions/wishlist.yaml")
ANSWER = {"product": "tawa", "reason": "रोटी", "phone": "098765 43210", "consent": "yes"}


class World:
    def __init__(self) -> None:
        self.clock = Clock(NOW)
        self.store, self.campaigns = FakeStore(), FakeCampaigns()
        self.registry = CampaignRegistry(self.campaigns, self.clock, timedelta(seconds=30))
        sharing = SharingService(
            shares=FakeShares(self.store),
            answers=self.store,
            campaigns=self.registry.find,
            published=self.registry.published,
            links=LINKS,
            clock=self.clock,
        )
        contacts = ContactService(
            contacts=self.store, eraser=FakeEraser(self.store), clock=self.clock
        )
        dialogue = DialogueService(
            answers=self.store,
            threads=FakeThreads(),
            contacts=contacts,
            publisher=FakePublisher(),
            campaigns=self.registry.find,
            links=LINKS,
            clock=self.clock,
        )
        self.admin = AdminService(
            campaigns=self.campaigns,
            registry=self.registry,
            answers=self.store,
            jobs=self.store,
            sharing=sharing,
            dialogue=dialogue,
            contacts=contacts,
            links=LINKS,
            clock=self.clock,
            variant_counts=self.store,
        )
        self.responses = ResponseService(store=self.store, links=LINKS, clock=self.clock)


@pytest.fixture
def world() -> World:
    return World()


def test_a_deployed_version_is_live_once_published(world: World) -> None:
    text = inline_text("wishlist")
    assert world.admin.deploy(text, "wishlist.yaml", "test") == {"slug": "wishlist", "version": 1}
    with pytest.raises(CampaignNotFound):
        world.registry.published("wishlist")
    world.admin.publish("wishlist", 1)
    assert world.registry.published("wishlist").version == 1
    assert world.admin.list_campaigns()[0]["published"] == 1


def test_the_funnel_and_failed_follow_ups(world: World) -> None:
    world.admin.deploy(inline_text("wishlist"), "wishlist.yaml", "test")
    world.admin.publish("wishlist", 1)
    accepted = world.responses.accept(world.registry.published("wishlist"), "hi", ANSWER, "k-1")
    assert world.admin.stats("wishlist")["responses"] == 1
    jobs = world.admin.followups("wishlist")
    failed = replace(jobs[0], status="failed", attempts=5)
    world.store.jobs[(failed.response_id, failed.step)] = failed
    world.clock.advance(timedelta(hours=1))
    assert world.admin.retry_failed("wishlist") == 1
    assert world.admin.retry_failed("wishlist") == 0  # pending now, not failed
    again = world.store.jobs[(failed.response_id, failed.step)]
    assert (again.status, again.attempts, again.due_at) == ("pending", 0, NOW + timedelta(hours=1))
    assert again.response_id == accepted.response.id


def test_erasing_a_number_deletes_its_answers(world: World) -> None:
    world.admin.deploy(inline_text("wishlist"), "wishlist.yaml", "test")
    world.admin.publish("wishlist", 1)
    accepted = world.responses.accept(world.registry.published("wishlist"), "hi", ANSWER, "k-1")
    with pytest.raises(VersionProblem):
        world.admin.erase_contact("not a number")
    erased = world.admin.erase_contact("+919876543210")
    assert erased["deleted_items"] > 1
    assert world.store.get_response(accepted.response.id) is None
