"""Fakes for every port, for the unit tests: in memory, with the same rules as the DynamoDB
adapters for what the tests use (conditional writes, all-or-nothing transactions, leases).

One fake per adapter: ``FakeStore`` (responses, jobs, contacts, counters: the ports of
responses, follow-ups' runner, contacts, sharing's answers and admin's reader), ``FakeShares``,
``FakeThreads``, ``FakeCampaigns``, ``FakeEraser``, ``FakePublisher``, ``FakeAccounts`` and
``FakeAudit``.
"""

from __future__ import annotations

import hashlib
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from chalicelib.accounts.model import Attempts, AuditEntry, Session, User
from chalicelib.campaigns.funnel import Count
from chalicelib.campaigns.model import Definition
from chalicelib.campaigns.ports import CampaignState, StoredVersion
from chalicelib.dialogue.ports import Message
from chalicelib.errors import CampaignNotFound, RateLimited, StorageUnavailable, VersionProblem
from chalicelib.followups.model import OPEN_STATUSES, Contact, FollowUpJob
from chalicelib.followups.ports import PublishFailed
from chalicelib.responses.limits import Limit
from chalicelib.responses.model import Response
from chalicelib.sharing.model import Share


class FakeStore:
    """Responses, their jobs, contacts and counters, as ``DynamoStore`` keeps them.

    ``busy`` makes that many ``save_job`` calls fail as a throttled table does."""

    def __init__(self, *, busy: int = 0) -> None:
        self.responses: dict[str, Response] = {}
        self.jobs: dict[tuple[str, str], FollowUpJob] = {}
        self.hits: dict[tuple[str, int], int] = {}
        self.counts: Counter[tuple[str, str, str, str]] = Counter()
        self.variant_counts: Counter[tuple[str, str, str]] = Counter()
        """(slug, variant, what): the A/B variants' dimension of the same counters."""
        self.daily: Counter[tuple[str, str, str]] = Counter()
        """(slug, day, what): the counts per day in the campaign's time zone."""
        self.contacts: dict[str, Contact] = {}
        self.marketing: dict[str, tuple[str, int]] = {}
        self.budgets: Counter[tuple[str, str]] = Counter()
        self.busy = busy
        self.saved: list[FollowUpJob] = []
        self.writes: list[tuple[str, str, str, str, int]] = []
        """Each ``count`` call, as the request DynamoDB would get."""
        self._lock = threading.Lock()

    # responses.ports.ResponseStore
    def create_response(
        self,
        response: Response,
        jobs: Sequence[FollowUpJob],
        limits: Sequence[Limit] = (),
        counts: Sequence[Count] = (),
        day: str | None = None,
    ) -> Response | None:
        with self._lock:
            if response.id in self.responses:
                return self.responses[response.id]
            for limit in limits:
                if self.hits.get((limit.pk, limit.window_start), 0) >= limit.most:
                    raise RateLimited(limit.seconds)
            for limit in limits:
                key = (limit.pk, limit.window_start)
                self.hits[key] = self.hits.get(key, 0) + 1
            self.responses[response.id] = response
            for job in jobs:
                self.jobs[(job.response_id, job.step)] = job
                if job.contact_id:
                    self._remember(job.contact_id, response.id)
            answered = Count(
                "responses",
                response.campaign,
                response.locale,
                response.source,
                variant=response.variant,
                day=day,
            )
            self._add_counts([answered, *counts])
            return None

    def get_response(self, response_id: str) -> Response | None:
        return self.responses.get(response_id)

    def jobs_for(self, response_id: str) -> list[FollowUpJob]:
        return [job for (rid, _), job in sorted(self.jobs.items()) if rid == response_id]

    def campaign_jobs(self, slug: str) -> list[FollowUpJob]:
        return [job for _, job in sorted(self.jobs.items()) if job.campaign == slug]

    def add_jobs(self, jobs: Sequence[FollowUpJob]) -> list[FollowUpJob]:
        added = []
        with self._lock:
            for job in jobs:
                if (job.response_id, job.step) not in self.jobs:
                    self.jobs[(job.response_id, job.step)] = job
                    added.append(job)
        return added

    def reopen_failed(self, job: FollowUpJob, now: datetime) -> bool:
        with self._lock:
            current = self.jobs.get((job.response_id, job.step))
            if current is None or current.status != "failed":
                return False
            self.jobs[(job.response_id, job.step)] = replace(
                current,
                status="pending",
                due_at=now,
                attempts=0,
                lease_id=None,
                note="retried by an operator",
            )
            return True

    # followups.runner.FollowUpStore
    def due_jobs(self, now: datetime, limit: int) -> list[FollowUpJob]:
        due = [j for j in self.jobs.values() if j.status in OPEN_STATUSES and j.due_at <= now]
        return sorted(due, key=lambda job: job.due_at)[:limit]

    def claim(self, job: FollowUpJob, lease_until: datetime, lease_id: str) -> FollowUpJob | None:
        with self._lock:
            current = self.jobs.get((job.response_id, job.step))
            if current is None or (current.status, current.due_at) != (job.status, job.due_at):
                return None  # changed since it was read: another runner has it
            taken = replace(current, status="sending", due_at=lease_until, lease_id=lease_id)
            self.jobs[(job.response_id, job.step)] = taken
            return taken

    def save_job(self, job: FollowUpJob) -> bool:
        with self._lock:
            if self.busy:
                self.busy -= 1
                raise StorageUnavailable("throttled")
            # Like DynamoStore.save_job: only the holder of the current lease may record.
            current = self.jobs.get((job.response_id, job.step))
            if current is None or current.status != "sending":
                return False
            if job.lease_id is None or current.lease_id != job.lease_id:
                return False  # another runner took the job over after our lease ran out
            self.jobs[(job.response_id, job.step)] = job
            self.saved.append(job)
            return True

    def contact(self, contact_id: str) -> Contact | None:
        return self.contacts.get(contact_id)

    def opt_out(self, contact_id: str, at: datetime, source: str) -> Contact:
        with self._lock:
            contact = self.contacts.get(contact_id) or Contact(contact_id, None, frozenset())
            if contact.opted_out_at is None:
                contact = replace(contact, opted_out_at=at)
            self.contacts[contact_id] = contact
            for key, job in self.jobs.items():
                if job.contact_id == contact_id and job.status == "pending":
                    self.jobs[key] = replace(job, status="cancelled", note="opted out")
            return contact

    def take_marketing_slot(self, contact_id: str, week: str, cap: int) -> bool:
        seen_week, count = self.marketing.get(contact_id, (week, 0))
        count = count if seen_week == week else 0
        if count >= cap:
            return False
        self.marketing[contact_id] = (week, count + 1)
        return True

    def take_sms_budget(self, scope: str, hour: datetime, cap: int) -> bool:
        key = (scope, hour.strftime("%Y-%m-%dT%H"))
        if self.budgets[key] >= cap:
            return False
        self.budgets[key] += 1
        return True

    def give_back_sms_budget(self, scope: str, hour: datetime) -> None:
        key = (scope, hour.strftime("%Y-%m-%dT%H"))
        if self.budgets[key] > 0:
            self.budgets[key] -= 1

    # storage.page_views.CountStore and admin.ports.AnswerReader
    def count(
        self,
        what: str,
        slug: str,
        locale: str,
        source: str,
        by: int = 1,
        variant: str | None = None,
        day: str | None = None,
    ) -> None:
        self.writes.append((what, slug, locale, source, by))
        self._add_counts([Count(what, slug, locale, source, by, variant, day)])

    def day_counts(self, slug: str, day: str) -> dict[str, int]:
        return {w: n for (s, d, w), n in self.daily.items() if (s, d) == (slug, day)}

    def stats(self, slug: str) -> list[tuple[str, str, str, int]]:
        return sorted(
            (what, locale, source, n)
            for (what, s, locale, source), n in self.counts.items()
            if s == slug
        )

    # variants.ports.VariantCounts
    def variant_stats(self, slug: str) -> list[tuple[str, str, int]]:
        return sorted((v, what, n) for (s, v, what), n in self.variant_counts.items() if s == slug)

    def responses_page(
        self, slug: str, limit: int, cursor: dict[str, Any] | None
    ) -> tuple[list[Response], dict[str, Any] | None]:
        ordered = sorted(
            (r for r in self.responses.values() if r.campaign == slug),
            key=lambda r: (r.created_at, r.id),
        )
        start = int(cursor["at"]) if cursor else 0
        page = ordered[start : start + limit]
        more = start + limit < len(ordered)
        return page, {"at": start + limit} if more else None

    def _add_counts(self, counts: Sequence[Count]) -> None:
        for count in counts:
            self.counts[(count.what, count.slug, count.locale, count.source)] += count.by
            if count.variant is not None:
                self.variant_counts[(count.slug, count.variant, count.what)] += count.by
            if count.day is not None:
                self.daily[(count.slug, count.day, count.what)] += count.by

    def _remember(self, contact_id: str, response_id: str) -> None:
        contact = self.contacts.get(contact_id) or Contact(contact_id, None, frozenset())
        ids = contact.response_ids | {response_id}
        self.contacts[contact_id] = replace(contact, response_ids=ids)


class FakeShares:
    """Shares, their visits and proven friends, as ``storage.sharing.ShareStore`` keeps them;
    the funnel counts and reward jobs go to ``store`` in the same (locked) step."""

    def __init__(self, store: FakeStore) -> None:
        self.store = store
        self.shares: dict[str, Share] = {}
        self.visitors: set[tuple[str, str]] = set()
        self.friends: dict[tuple[str, str], str] = {}
        self._lock = threading.Lock()

    def create(self, share: Share, counts: Sequence[Count] = ()) -> None:
        with self._lock:
            if share.id in self.shares:
                raise StorageUnavailable("share id taken")
            self.shares[share.id] = share
            self.store._add_counts(counts)

    def get(self, share_id: str) -> Share | None:
        return self.shares.get(share_id)

    def count_visit(self, share_id: str, visitor: str, campaign: str) -> bool:
        with self._lock:
            share = self.shares.get(share_id)
            if share is None or share.campaign != campaign or (share_id, visitor) in self.visitors:
                return False
            self.visitors.add((share_id, visitor))
            self.shares[share_id] = replace(share, visits=share.visits + 1)
            return True

    def count_referral(
        self,
        share_id: str,
        contact_id: str,
        response_id: str,
        campaign: str,
        counts: Sequence[Count] = (),
    ) -> int | None:
        with self._lock:
            share = self.shares.get(share_id)
            if (
                share is None
                or not share.public
                or share.campaign != campaign
                or share.sharer_contact == contact_id
                or (share_id, contact_id) in self.friends
            ):
                return None
            self.friends[(share_id, contact_id)] = response_id
            self.shares[share_id] = replace(share, referred=share.referred + 1)
            self.store._add_counts(counts)
            return share.referred + 1

    def grant_reward(
        self,
        share_id: str,
        threshold: int,
        at: datetime,
        counts: Sequence[Count] = (),
        jobs: Sequence[FollowUpJob] = (),
    ) -> bool:
        with self._lock:
            share = self.shares.get(share_id)
            if share is None or share.reward_granted_at is not None or share.referred < threshold:
                return False
            if any((job.response_id, job.step) in self.store.jobs for job in jobs):
                return False  # the transaction's job Put is refused: nothing is written
            self.shares[share_id] = replace(share, reward_granted_at=at)
            self.store._add_counts(counts)
            for job in jobs:
                self.store.jobs[(job.response_id, job.step)] = job
            return True

    def queue(self, campaign: str, status: str = "pending") -> list[Share]:
        found = [s for s in self.shares.values() if s.campaign == campaign and s.status == status]
        return sorted(found, key=lambda share: (share.created_at, share.id))

    def decide(self, share: Share, status: str, at: datetime, by: str) -> str | None:
        with self._lock:
            current = self.shares.get(share.id)
            if current is None:
                return None
            self.shares[share.id] = replace(current, status=status)
            return current.status


class FakeThreads:
    """Conversations, as ``storage.threads.ThreadStore`` keeps them (a message id once)."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.sent: dict[tuple[str, str], str] = {}

    def add(self, message: Message) -> bool:
        key = (message.direction, message.message_id)
        if key in self.sent:
            return False
        self.sent[key] = message.response_id
        self.messages.append(message)
        return True

    def response_of(self, direction: str, message_id: str) -> str | None:
        return self.sent.get((direction, message_id))

    def thread(self, response_id: str) -> list[Message]:
        found = [m for m in self.messages if m.response_id == response_id]
        return sorted(found, key=lambda m: (m.at, m.direction, m.message_id))


class FakeEraser:
    """Erasure, as ``storage.erasure.Eraser`` does it, over a ``FakeStore``."""

    def __init__(self, store: FakeStore) -> None:
        self.store = store
        self.erased: list[str] = []

    def erase(self, contact_id: str) -> int:
        contact = self.store.contacts.pop(contact_id, None)
        ids = contact.response_ids if contact else frozenset()
        deleted = 1 if contact else 0
        for response_id in ids:
            deleted += self.store.responses.pop(response_id, None) is not None
            for key in [k for k in self.store.jobs if k[0] == response_id]:
                del self.store.jobs[key]
                deleted += 1
        self.erased.append(contact_id)
        return deleted


class FakeCampaigns:
    """Deployed versions and the published pointer, as ``storage.campaigns.CampaignStore``."""

    def __init__(self) -> None:
        self.stored: dict[str, list[StoredVersion]] = {}
        self.states: dict[str, CampaignState] = {}

    def deploy(self, definition: Definition, at: datetime, by: str) -> StoredVersion:
        versions = self.stored.setdefault(definition.slug, [])
        stored = StoredVersion(
            slug=definition.slug,
            version=len(versions) + 1,
            source=definition.source,
            checksum=hashlib.sha256(definition.source.encode()).hexdigest(),
            deployed_at=at,
            deployed_by=by,
            validated=definition.validated,
        )
        versions.append(stored)
        state = self.states.get(definition.slug)
        self.states[definition.slug] = CampaignState(
            definition.slug,
            state.published if state else None,
            stored.version,
            state.published_at if state else None,
            state.history if state else (),
        )
        return stored

    def publish(self, slug: str, version: int, at: datetime) -> None:
        state = self.state(slug)
        if not 0 < version <= state.last_version:
            raise VersionProblem(f"{slug} has no version {version}")
        entry = {"action": "publish", "version": version, "at": at.isoformat()}
        self.states[slug] = replace(
            state, published=version, published_at=at, history=(*state.history, entry)
        )

    def rollback(self, slug: str, at: datetime) -> int:
        state = self.state(slug)
        earlier = [e["version"] for e in state.history if e["version"] != state.published]
        if not earlier:
            raise VersionProblem(f"{slug} has no earlier version")
        self.publish(slug, earlier[-1], at)
        return int(earlier[-1])

    def state(self, slug: str) -> CampaignState:
        if slug not in self.states:
            raise CampaignNotFound(slug)
        return self.states[slug]

    def campaigns(self) -> list[CampaignState]:
        return list(self.states.values())

    def version(self, slug: str, version: int) -> StoredVersion:
        for stored in self.stored.get(slug, []):
            if stored.version == version:
                return stored
        raise VersionProblem(f"{slug} has no version {version}")

    def versions(self, slug: str) -> list[StoredVersion]:
        return list(self.stored.get(slug, []))


class FakePublisher:
    """SNS as the runner and replies see it: records what it was given; ``failing`` makes it
    refuse (as throttled SNS); ``stopped`` numbers replied STOP."""

    def __init__(self, *, failing: bool = False) -> None:
        self.delivered: list[FollowUpJob] = []
        self.failing = failing
        self.stopped: set[str] = set()

    def deliver(self, job: FollowUpJob) -> str:
        if self.failing:
            raise PublishFailed("Throttling")
        self.delivered.append(job)
        return f"msg-{len(self.delivered)}"

    def deliver_events(self, jobs: Sequence[FollowUpJob]) -> list[str | PublishFailed]:
        outcomes: list[str | PublishFailed] = []
        for job in jobs:
            try:
                outcomes.append(self.deliver(job))
            except PublishFailed as exc:
                outcomes.append(exc)
        return outcomes

    def opted_out(self, phone_number: str) -> bool:
        return phone_number in self.stopped


class FakeAccounts:
    """Users, API keys, sessions and sign-in attempts, as ``storage.accounts.AccountStore``."""

    def __init__(self) -> None:
        self.by_name: dict[str, User] = {}
        self.keys: dict[str, str] = {}
        self.sessions: dict[str, Session] = {}
        self.tries: dict[str, Attempts] = {}

    def create_user(self, user: User) -> bool:
        if user.name in self.by_name:
            return False
        self.by_name[user.name] = user
        return True

    def save_user(self, user: User) -> None:
        self.by_name[user.name] = user

    def user(self, name: str) -> User | None:
        return self.by_name.get(name)

    def users(self) -> list[User]:
        return [self.by_name[name] for name in sorted(self.by_name)]

    def add_key(self, key_hash: str, user: str, at: datetime) -> None:
        self.keys[key_hash] = user

    def key_owner(self, key_hash: str) -> str | None:
        return self.keys.get(key_hash)

    def add_session(self, session: Session, expires: datetime) -> None:
        self.sessions[session.token_hash] = session

    def session(self, token_hash: str) -> Session | None:
        return self.sessions.get(token_hash)

    def save_session(self, session: Session, expires: datetime) -> None:
        self.sessions[session.token_hash] = session

    def attempts(self, subject: str) -> Attempts:
        return self.tries.get(subject, Attempts())

    def save_attempts(self, subject: str, attempts: Attempts, expires: datetime) -> None:
        self.tries[subject] = attempts


class FakeAudit:
    """The audit log, as ``storage.accounts.AuditStore``: newest first."""

    def __init__(self) -> None:
        self.entries: list[AuditEntry] = []

    def record(self, entry: AuditEntry) -> None:
        self.entries.append(entry)

    def recent(self, limit: int) -> list[AuditEntry]:
        ordered = sorted(self.entries, key=lambda e: (e.at.isoformat(), e.entry_id), reverse=True)
        return ordered[:limit]


class Clock:
    """A clock that stands still until a test moves it."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, by: timedelta) -> None:
        self.now += by
