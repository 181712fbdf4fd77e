"""Sharing, referrals, contacts and the dialogue as services over the fakes: each side effect
of an answer is written with the write it belongs to."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from chalicelib.campaigns import Campaign
from chalicelib.campaigns.loader import load_campaign_file
from chalicelib.consent.keys import Keys
from chalicelib.consent.links import Links
from chalicelib.contacts.service import ContactService
from chalicelib.dialogue.service import DialogueService
from chalicelib.errors import CampaignNotFound, DialogueProblem
from chalicelib.followups.planning import plan_jobs
from chalicelib.responses.model import Consent, Response
from chalicelib.responses.service import ResponseService
from chalicelib.sharing.service import SharingService
from chalicelib.variants.report import variant_report
from tests.fakes import Clock, FakeEraser, FakePublisher, FakeShares, FakeStore, FakeThreads

NOW = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
LINKS = Links("https://samvad.example", Keys(contact=b"c" * 32, link=b"k" * 32))
SLUG = "design-your-dress"


@pytest.fixture(scope="module")
def campaign() -> Campaign:
    return load_campaign_file(Path(f"chalicelib/campaigns/definitions/{SLUG}.yaml"))


def answer(campaign: Campaign, number: int, referred_by: str | None = None) -> Response:
    return Response(
        id=f"{number:032x}",
        campaign=campaign.slug,
        campaign_version=campaign.version,
        locale="hi",
        answers={"colour": "ruby"},
        phone=f"+9198765{number:05d}",
        consent=Consent("followups", "v1", "hi", NOW),
        created_at=NOW,
        request_hash=f"hash-{number}",
        source="share" if referred_by else "direct",
        design_name="Lal",
        referred_by=referred_by,
    )


@pytest.fixture
def store() -> FakeStore:
    return FakeStore()


@pytest.fixture
def sharing(campaign: Campaign, store: FakeStore) -> SharingService:
    return SharingService(
        shares=FakeShares(store),
        answers=store,
        campaigns=lambda slug, version: campaign,
        published=lambda slug: campaign,
        links=LINKS,
        clock=Clock(NOW),
    )


def stored(store: FakeStore, campaign: Campaign, response: Response) -> Response:
    store.create_response(response, plan_jobs(campaign, response, NOW, LINKS))
    return response


def test_a_share_is_counted_with_the_share_itself(
    campaign: Campaign, store: FakeStore, sharing: SharingService
) -> None:
    sharer = stored(store, campaign, answer(campaign, 1))
    share = sharing.create(campaign, sharer, "मेरी ड्रेस देखो")
    assert share.public
    assert store.counts[("shares", SLUG, "hi", "direct")] == 1
    assert store.writes == []  # no count of its own: it went with the share


def test_proven_friends_earn_the_reward_once_and_never_the_sharer_himself(
    campaign: Campaign, store: FakeStore, sharing: SharingService
) -> None:
    sharer = stored(store, campaign, answer(campaign, 1))
    share = sharing.create(campaign, sharer, "देखो")
    own = stored(store, campaign, answer(campaign, 1, referred_by=share.id))
    assert sharing.verify_friend(campaign, own).counted is False  # the sharer's own number
    outcomes = []
    for number in range(2, 8):
        friend = stored(store, campaign, answer(campaign, number, referred_by=share.id))
        outcomes.append(sharing.verify_friend(campaign, friend))
        assert sharing.verify_friend(campaign, friend).counted is False  # once per number
    assert [o.rewarded for o in outcomes] == [False, False, False, False, True, False]
    assert store.counts[("verified", SLUG, "hi", "share")] == 6
    assert store.counts[("rewards", SLUG, "hi", "share")] == 1
    reward_steps = [s.id for s in campaign.followups if s.trigger == "reward"]
    assert {step for (rid, step) in store.jobs if rid == sharer.id} >= set(reward_steps)


def test_a_share_its_friends_and_reward_count_in_the_variant_of_the_sharers_answer(
    campaign: Campaign, store: FakeStore, sharing: SharingService
) -> None:
    sharer = stored(store, campaign, replace(answer(campaign, 1), variant="b"))
    share = sharing.create(campaign, sharer, "देखो")
    for number in range(2, 7):  # the friends saw variant a: the share is still b's
        friend = replace(answer(campaign, number, referred_by=share.id), variant="a")
        sharing.verify_friend(campaign, stored(store, campaign, friend))

    assert store.counts[("shares", SLUG, "hi", "direct")] == 1  # the funnel adds variants up
    assert store.counts[("rewards", SLUG, "hi", "share")] == 1
    rows = {r["id"]: r for r in variant_report(["a", "b"], store.variant_stats(SLUG))["items"]}
    assert [rows["b"][k] for k in ("responses", "shares", "verified", "rewards")] == [1, 1, 5, 1]
    assert [rows["a"][k] for k in ("responses", "shares", "verified", "rewards")] == [5, 0, 0, 0]


def test_a_referred_answer_is_counted_in_its_own_write_and_a_repeat_is_not(
    campaign: Campaign, store: FakeStore, sharing: SharingService
) -> None:
    sharer = stored(store, campaign, answer(campaign, 1))
    share = sharing.create(campaign, sharer, "देखो")
    responses = ResponseService(
        store=store, links=LINKS, clock=Clock(NOW), referrer=sharing.referrer
    )
    fields = {"colour": "ruby", "size": "m"}
    first = responses.accept(campaign, "hi", fields, "key-0001", ref=share.id)
    again = responses.accept(campaign, "hi", fields, "key-0001", ref=share.id)
    other = responses.accept(campaign, "hi", fields, "key-0002", ref="unknown-share")
    assert first.created
    assert not again.created
    assert first.response.referred_by == share.id
    assert other.response.referred_by is None
    assert store.counts[("referred", SLUG, "hi", "share")] == 1
    assert store.writes == []


def test_an_opt_out_cancels_only_that_contacts_pending_jobs(
    campaign: Campaign, store: FakeStore
) -> None:
    mine, theirs = (
        stored(store, campaign, answer(campaign, 1)),
        stored(store, campaign, answer(campaign, 2)),
    )
    contacts = ContactService(contacts=store, eraser=FakeEraser(store), clock=Clock(NOW))
    contact_id = LINKS.contact_id(mine.phone or "")
    contacts.opt_out(contact_id, "unsubscribe_link")
    assert contacts.opted_out(contact_id)
    sms = [job for job in store.jobs.values() if job.channel == "sms"]
    assert {job.status for job in sms if job.response_id == mine.id} == {"cancelled"}
    assert {job.status for job in sms if job.response_id == theirs.id} == {"pending"}


def test_a_customers_sms_joins_the_thread_and_stop_ends_the_replies(
    campaign: Campaign, store: FakeStore
) -> None:
    customer = stored(store, campaign, answer(campaign, 1))
    threads, publisher = FakeThreads(), FakePublisher()
    contacts = ContactService(contacts=store, eraser=FakeEraser(store), clock=Clock(NOW))
    dialogue = DialogueService(
        answers=store,
        threads=threads,
        contacts=contacts,
        publisher=publisher,
        campaigns=lambda slug, version: campaign,
        links=LINKS,
        clock=Clock(NOW),
    )
    number = customer.phone or ""
    said = {"originationNumber": number, "messageBody": "कल आऊँगी", "inboundMessageId": "in-1"}
    assert dialogue.handle_inbound(said, NOW) == "threaded"
    assert dialogue.handle_inbound(said, NOW) == "duplicate"
    stop = {"originationNumber": number, "messageBody": "बंद करें", "inboundMessageId": "in-2"}
    assert dialogue.handle_inbound(stop, NOW) == "stop"
    assert contacts.opted_out(LINKS.contact_id(number))
    with pytest.raises(DialogueProblem):
        dialogue.reply(SLUG, customer.id, "धन्यवाद", "tailor")
    assert publisher.delivered == []
    _, messages = dialogue.thread(SLUG, customer.id)
    assert [m.text for m in messages] == ["कल आऊँगी", "बंद करें"]


def test_a_share_is_made_only_in_a_language_the_campaign_offers_and_the_pages_serve(
    campaign: Campaign, store: FakeStore, sharing: SharingService
) -> None:
    sharer = stored(store, campaign, answer(campaign, 7))

    assert sharing.to_share(sharer.id, "ur", {"en", "hi", "ur"}) == (campaign, sharer)
    with pytest.raises(CampaignNotFound):
        sharing.to_share(sharer.id, "ur", {"en", "hi"})  # offered, but no catalog here
    with pytest.raises(CampaignNotFound):
        sharing.to_share(sharer.id, "sat", {"en", "hi", "ur", "sat"})  # a catalog, not offered
