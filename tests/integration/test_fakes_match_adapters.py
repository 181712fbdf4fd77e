"""The fakes of tests/fakes.py behave as the DynamoDB adapters do, for what the unit tests use:
the same steps against each, the same outcome (moto in-process for the adapters)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.accounts.model import Attempts, AuditEntry, Session, User
from chalicelib.accounts.roles import Role
from chalicelib.campaigns.funnel import Count
from chalicelib.errors import RateLimited
from chalicelib.followups.model import FollowUpJob
from chalicelib.responses.limits import RateLimiter
from chalicelib.responses.model import Consent, Response
from chalicelib.sharing.model import Share
from tests.fakes import FakeAccounts, FakeAudit, FakeShares, FakeStore

NOW = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
SLUG = "contract"


@pytest.fixture(params=["fake", "dynamodb"])
def stores(request: pytest.FixtureRequest) -> Iterator[tuple[Any, Any]]:
    """(answers store, share store): the fakes, or the adapters on moto."""
    if request.param == "fake":
        store = FakeStore()
        yield store, FakeShares(store)
    else:
        aws = request.getfixturevalue("aws")
        yield aws.adapters.store, aws.adapters.shares


def answer(number: int, referred_by: str | None = None) -> Response:
    return Response(
        id=f"{number:032x}",
        campaign=SLUG,
        campaign_version=1,
        locale="hi",
        answers={"q": "a"},
        phone=f"+9198765{number:05d}",
        consent=Consent("followups", "v1", "hi", NOW),
        created_at=NOW,
        request_hash=f"hash-{number}",
        referred_by=referred_by,
    )


def sms(response: Response, step: str, contact: str) -> FollowUpJob:
    return FollowUpJob(
        response_id=response.id,
        step=step,
        channel="sms",
        status="pending",
        due_at=NOW + timedelta(days=1),
        campaign=SLUG,
        locale="hi",
        created_at=NOW,
        phone_number=response.phone,
        contact_id=contact,
    )


def test_an_answer_is_written_once_with_its_counts_and_limits(stores: tuple[Any, Any]) -> None:
    store, _ = stores
    limit = RateLimiter(b"salt").limit("client", "203.0.113.9", 1, timedelta(minutes=10), NOW)
    first, referred = answer(1), [Count("referred", SLUG, "hi", "share")]
    assert store.create_response(first, [sms(first, "thanks", "c-1")], [], referred) is None
    assert store.create_response(first, [], [], referred) == first  # the stored twin
    assert store.create_response(answer(2), [], [limit]) is None
    with pytest.raises(RateLimited):
        store.create_response(answer(3), [], [limit])
    assert store.get_response(answer(3).id) is None
    assert store.stats(SLUG) == [
        ("referred", "hi", "share", 1),
        ("responses", "hi", "direct", 2),
    ]


def test_answers_and_views_are_counted_per_day_with_their_totals(stores: tuple[Any, Any]) -> None:
    store, _ = stores
    referred = [Count("referred", SLUG, "hi", "share", day="2026-11-24")]
    assert store.create_response(answer(1), [], [], referred, "2026-11-24") is None
    assert store.create_response(answer(2), [], [], [], "2026-11-25") is None
    assert store.create_response(answer(1), [], [], [], "2026-11-25") == answer(1)  # a repeat
    store.count("views", SLUG, "hi", "poster", 3, None, "2026-11-25")
    store.count("views", SLUG, "en", "direct", 1, "b", "2026-11-25")
    store.count("views", SLUG, "en", "direct")  # no day: the total only

    assert store.day_counts(SLUG, "2026-11-24") == {"referred": 1, "responses": 1}
    assert store.day_counts(SLUG, "2026-11-25") == {"responses": 1, "views": 4}
    assert store.day_counts(SLUG, "2026-11-2") == {}  # a day is not a prefix of another
    assert store.day_counts("other", "2026-11-25") == {}
    assert dict(((w, loc, src), n) for w, loc, src, n in store.stats(SLUG)) == {
        ("referred", "hi", "share"): 1,
        ("responses", "hi", "direct"): 2,
        ("views", "en", "direct"): 2,
        ("views", "hi", "poster"): 3,
    }


def test_an_opt_out_cancels_that_contacts_pending_jobs_only(stores: tuple[Any, Any]) -> None:
    store, _ = stores
    mine, theirs = answer(1), answer(2)
    store.create_response(mine, [sms(mine, "a", "c-1"), sms(mine, "b", "c-1")])
    store.create_response(theirs, [sms(theirs, "a", "c-2")])
    contact = store.opt_out("c-1", NOW, "unsubscribe_link")
    again = store.opt_out("c-1", NOW + timedelta(hours=1), "sms_stop_reply")
    assert contact.opted_out
    assert again.opted_out_at == NOW  # the first time counts
    assert [job.status for job in store.jobs_for(mine.id)] == ["cancelled", "cancelled"]
    assert [job.status for job in store.jobs_for(theirs.id)] == ["pending"]
    assert store.contact("c-2").opted_out is False


def test_friends_count_once_and_the_reward_is_granted_once(stores: tuple[Any, Any]) -> None:
    store, shares = stores
    sharer = replace(answer(1), variant="b")  # its share, friends and reward count under b
    store.create_response(sharer, [])
    share = Share("share-0001", SLUG, sharer.id, "hi", "", "", "public", (), "c-1", NOW)
    shares.create(share, [Count("shares", SLUG, "hi", "direct", variant="b")])
    verified = [Count("verified", SLUG, "hi", "share", variant="b")]
    assert shares.count_referral(share.id, "c-1", "f" * 32, SLUG, verified) is None  # sharer
    assert shares.count_referral(share.id, "c-2", "f" * 32, SLUG, verified) == 1
    assert shares.count_referral(share.id, "c-2", "f" * 32, SLUG, verified) is None  # again
    assert shares.count_referral(share.id, "c-3", "e" * 32, "other", verified) is None
    assert shares.count_referral(share.id, "c-3", "e" * 32, SLUG, verified) == 2
    reward = [sms(sharer, "reward", "c-1")]
    rewards = [Count("rewards", SLUG, "hi", "share", variant="b")]
    assert shares.grant_reward(share.id, 3, NOW, rewards, reward) is False  # not yet
    assert shares.grant_reward(share.id, 2, NOW, rewards, reward) is True
    assert shares.grant_reward(share.id, 2, NOW, rewards, reward) is False  # once
    assert [job.step for job in store.jobs_for(sharer.id)] == ["reward"]
    assert shares.get(share.id).referred == 2
    assert dict(((w, loc, src), n) for w, loc, src, n in store.stats(SLUG)) == {
        ("responses", "hi", "direct"): 1,
        ("shares", "hi", "direct"): 1,
        ("verified", "hi", "share"): 2,
        ("rewards", "hi", "share"): 1,
    }  # the variants added up
    assert store.variant_stats(SLUG) == [
        ("b", "responses", 1),
        ("b", "rewards", 1),
        ("b", "shares", 1),
        ("b", "verified", 2),
    ]


@pytest.fixture(params=["fake", "dynamodb"])
def accounts(request: pytest.FixtureRequest) -> Iterator[tuple[Any, Any]]:
    """(account store, audit log): the fakes, or the adapters on moto."""
    if request.param == "fake":
        yield FakeAccounts(), FakeAudit()
    else:
        aws = request.getfixturevalue("aws")
        yield aws.adapters.accounts, aws.adapters.audit


def test_users_keys_sessions_attempts_and_the_audit_log(accounts: tuple[Any, Any]) -> None:
    store, audit = accounts
    before = [u.name for u in store.users()]  # the adapters' stack has its admin already
    meera = User("meera", Role.EDITOR, "scrypt$hash", NOW)
    assert store.create_user(meera) is True
    assert store.create_user(replace(meera, role=Role.ADMIN)) is False  # the first one stays
    store.save_user(meera.with_role(Role.PUBLISHER).disabled_now())
    store.add_key("k" * 64, "meera", NOW)
    session = Session("s" * 64, "meera", NOW, NOW)
    store.add_session(session, NOW + timedelta(hours=12))
    store.save_session(replace(session, ended=True), NOW + timedelta(hours=12))
    store.save_attempts("user#meera", Attempts(3, NOW, None), NOW + timedelta(minutes=30))
    for n in range(3):
        audit.record(AuditEntry(NOW + timedelta(seconds=n), "meera", f"act-{n}", "", "ok", f"{n}"))

    assert store.user("meera") == User("meera", Role.PUBLISHER, "scrypt$hash", NOW, True)
    assert store.user("nobody") is None
    assert [u.name for u in store.users()] == sorted([*before, "meera"])
    assert (store.key_owner("k" * 64), store.key_owner("x" * 64)) == ("meera", None)
    assert store.session("s" * 64) == replace(session, ended=True)
    assert store.session("t" * 64) is None
    assert store.attempts("user#meera") == Attempts(3, NOW, None)
    assert store.attempts("user#nobody") == Attempts()
    assert [e.action for e in audit.recent(2)] == ["act-2", "act-1"]
