"""Send follow-ups that are due: claim, check, publish, record. Safe to run concurrently.

Each job is claimed with a conditional update (pending → sending, with a lease); only the
runner holding the lease may record the outcome. A runner that dies mid-batch leaves its jobs
``sending``; when the lease expires they are due again and the next run takes them. SNS is
at-least-once: a crash between a publish and its record can repeat that one message.
"""

from __future__ import annotations

import random
import time as clock_time
import uuid
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from chalicelib.campaigns import Campaign
from chalicelib.config import SMS_PER_HOUR
from chalicelib.consent.links import Links
from chalicelib.errors import StorageUnavailable
from chalicelib.followups.compose import NotSendable, Skip, compose
from chalicelib.followups.model import Contact, FollowUpJob
from chalicelib.followups.ports import Answer, Publisher, PublishFailed
from chalicelib.followups.quiet_hours import next_allowed_time, recipient_timezone

LEASE = timedelta(seconds=45)
"""How long a claim holds: a sender that died leaves its jobs due again this soon."""
PUBLISH_WITHIN = timedelta(seconds=30)
"""A runner publishes a claimed job only this soon after claiming it: the rest of the lease
covers a publish under way (botocore's timeouts), so no job goes out twice."""
MAX_ATTEMPTS = 5
BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_CAP = timedelta(hours=1)
MARKETING_SMS_PER_WEEK = 3
STAGE_BUDGET = "hourly SMS budget of the stage"
CAMPAIGN_BUDGET = "hourly SMS budget of the campaign"
SAVE_ATTEMPTS = 6
SAVE_BACKOFF = 0.05  # seconds, doubled each attempt
SAVE_MARGIN = 1.0  # seconds kept for the rest of the run


class FollowUpStore(Protocol):
    def get_response(self, response_id: str) -> Answer | None: ...
    def due_jobs(self, now: datetime, limit: int) -> list[FollowUpJob]: ...
    def claim(
        self, job: FollowUpJob, lease_until: datetime, lease_id: str
    ) -> FollowUpJob | None: ...
    def save_job(self, job: FollowUpJob) -> bool: ...
    def contact(self, contact_id: str) -> Contact | None: ...
    def opt_out(self, contact_id: str, at: datetime, source: str) -> Contact: ...
    def take_marketing_slot(self, contact_id: str, week: str, cap: int) -> bool: ...
    def take_sms_budget(self, scope: str, hour: datetime, cap: int) -> bool: ...
    def give_back_sms_budget(self, scope: str, hour: datetime) -> None: ...


def backoff(attempts: int, rng: random.Random) -> timedelta:
    """Exponential backoff with "equal jitter": half the delay fixed, half random.

    >>> backoff(1, random.Random(1)) <= timedelta(minutes=2)
    True
    >>> backoff(20, random.Random(1)) <= BACKOFF_CAP
    True
    """
    factor: int = 2 ** min(max(0, attempts - 1), 20)
    delay = min(BACKOFF_CAP, BACKOFF_BASE * factor)
    return delay / 2 + delay / 2 * rng.random()


@dataclass
class RunReport:
    counts: Counter[str] = field(default_factory=Counter)

    def add(self, job: FollowUpJob, outcome: str | None = None) -> None:
        self.counts[outcome or job.status] += 1

    def __str__(self) -> str:
        return ", ".join(f"{k}: {v}" for k, v in sorted(self.counts.items())) or "nothing due"


@dataclass
class Runner:
    store: FollowUpStore
    publisher: Publisher
    campaigns: Callable[[str, int], Campaign | None]
    """The campaign version a response answered (its follow-ups speak that version's texts)."""
    links: Links
    clock: Callable[[], datetime]
    rng: random.Random = field(default_factory=random.Random)
    max_attempts: int = MAX_ATTEMPTS
    marketing_per_week: int = MARKETING_SMS_PER_WEEK
    sms_per_hour: int = SMS_PER_HOUR
    """The stage's hourly SMS budget (a campaign may have a smaller one of its own)."""
    lease: timedelta = LEASE
    sleep: Callable[[float], None] = clock_time.sleep
    time_left: Callable[[], float] = lambda: float("inf")
    """Seconds the Lambda has left (``context.get_remaining_time_in_millis() / 1000``)."""

    def within(self, lambda_context: object | None) -> Runner:
        """This runner, retrying only while the Lambda of ``lambda_context`` has time left."""
        remaining = getattr(lambda_context, "get_remaining_time_in_millis", None)
        if remaining is None:
            return self
        return replace(self, time_left=lambda: remaining() / 1000)

    def run_due(self, limit: int = 500) -> RunReport:
        """One pass: claim what is due now, send it, record the outcomes."""
        return self.take(self.store.due_jobs(self.clock(), limit))

    def take(
        self, jobs: Sequence[FollowUpJob], responses: Mapping[str, Answer] | None = None
    ) -> RunReport:
        """Claim ``jobs`` as they were read (from the due index, or from the table's stream)
        and send the ones this runner got; ``responses`` are ones already at hand."""
        now = self.clock()
        lease_id = uuid.uuid4().hex
        claimed = []
        report = RunReport()
        for job in jobs:
            if job.due_at > now:
                continue  # a later step, written with the response: the scheduler's
            taken = self.store.claim(job, now + self.lease, lease_id)
            if taken is None:
                report.counts["taken_by_another_runner"] += 1
                continue
            claimed.append(taken)
        return self.send(claimed, report, responses)

    def send(
        self,
        jobs: Sequence[FollowUpJob],
        report: RunReport | None = None,
        responses: Mapping[str, Answer] | None = None,
    ) -> RunReport:
        """Send jobs this runner holds (status ``sending``, our lease); events go in batches."""
        report = report or RunReport()
        events: list[FollowUpJob] = []
        known: dict[str, Answer | None] = dict(responses or {})
        for job in jobs:
            if self.clock() > job.due_at - (self.lease - PUBLISH_WITHIN):
                report.counts["lease_ran_out"] += 1  # left to the next runner, untouched
                continue
            if job.response_id not in known:
                known[job.response_id] = self.store.get_response(job.response_id)
            ready = self._prepare(job, known[job.response_id])
            if ready.status != "sending":
                self._record(ready, report)
            elif ready.channel == "event":
                events.append(ready)
            else:
                self._record(self._publish_sms(ready), report)
        if events:
            outcomes = self.publisher.deliver_events(events)
            for job, outcome in zip(events, outcomes, strict=True):
                self._record(self._outcome(job, outcome), report)
        return report

    def _prepare(self, job: FollowUpJob, response: Answer | None) -> FollowUpJob:
        """The job ready to publish (still ``sending``), or closed, failed, postponed or set to
        retry (the provider did not say whether the number opted out)."""
        now = self.clock()
        if response is None:
            return job.failed("response missing")
        campaign = self.campaigns(job.campaign, response.campaign_version)
        if campaign is None:
            return job.failed("response or campaign missing")
        if job.channel == "sms":
            stopped = self._stopped(job, now)
            if stopped is not None:
                return stopped
        try:
            outgoing = compose(job, campaign, response, now, self.links)
        except Skip as exc:
            return job.closed("skipped", exc.reason)
        except NotSendable as exc:
            return job.failed(str(exc))
        job = replace(job, message=outgoing.message, attributes=outgoing.attributes)
        step = campaign.step(job.step)
        if step is not None and step.promotional:
            job = self._marketing_window(job, campaign, now)
        if job.channel == "sms" and job.status == "sending":
            return self._sms_budget(job, campaign, now)
        return job

    def _stopped(self, job: FollowUpJob, now: datetime) -> FollowUpJob | None:
        if not job.phone_number or not job.contact_id:
            return job.failed("sms job without a consented contact")
        contact = self.store.contact(job.contact_id)
        if contact is not None and contact.opted_out:
            return job.closed("cancelled", "opted out")
        try:
            opted_out = self.publisher.opted_out(job.phone_number)
        except PublishFailed as exc:
            return self._retry(job, exc.reason)
        if opted_out:
            self.store.opt_out(job.contact_id, now, "sms_stop")
            return job.closed("cancelled", "opted out with the SMS provider")
        return None

    def _marketing_window(self, job: FollowUpJob, campaign: Campaign, now: datetime) -> FollowUpJob:
        zone = recipient_timezone(job.phone_number, campaign.timezone)
        allowed = next_allowed_time(now, zone)
        if allowed > now:
            return job.postponed(allowed, "quiet hours")
        assert job.contact_id is not None
        week = _iso_week(now, zone)
        if not self.store.take_marketing_slot(job.contact_id, week, self.marketing_per_week):
            monday = _next_week_start(now, zone)
            return job.postponed(monday, "weekly SMS limit")
        return job

    def _sms_budget(self, job: FollowUpJob, campaign: Campaign, now: datetime) -> FollowUpJob:
        """Take one SMS from the stage's and the campaign's budgets of this hour, or hold the
        job until the next hour: a script posting numbers cannot spend more than these."""
        hour = now.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
        budgets = [("stage", self.sms_per_hour, STAGE_BUDGET)]
        if campaign.sms_per_hour is not None:
            budgets.append((f"campaign#{campaign.slug}", campaign.sms_per_hour, CAMPAIGN_BUDGET))
        taken: list[str] = []
        for scope, cap, why in budgets:
            if not self.store.take_sms_budget(scope, hour, cap):
                for earlier in taken:  # that SMS does not go out this hour after all
                    self.store.give_back_sms_budget(earlier, hour)
                return job.postponed(hour + timedelta(hours=1), why)
            taken.append(scope)
        return job

    def _publish_sms(self, job: FollowUpJob) -> FollowUpJob:
        try:
            return job.sent(self.publisher.deliver(job), self.clock())
        except PublishFailed as exc:
            return self._retry(job, exc.reason)

    def _outcome(self, job: FollowUpJob, outcome: str | PublishFailed) -> FollowUpJob:
        if isinstance(outcome, PublishFailed):
            return self._retry(job, outcome.reason)
        return job.sent(outcome, self.clock())

    def _retry(self, job: FollowUpJob, reason: str) -> FollowUpJob:
        if job.attempts + 1 >= self.max_attempts:
            return job.failed(reason)
        return job.retry_later(reason, self.clock() + backoff(job.attempts + 1, self.rng))

    def _record(self, job: FollowUpJob, report: RunReport) -> None:
        if not self._save(job):
            report.counts["lease_lost"] += 1
            return
        outcome = "postponed" if job.status == "pending" and job.note else None
        if job.status == "pending" and job.note in (STAGE_BUDGET, CAMPAIGN_BUDGET):
            report.counts["sms_budget_reached"] += 1
        outcome = "retry" if job.status == "pending" and job.last_error else outcome
        report.add(job, outcome)

    def _save(self, job: FollowUpJob) -> bool:
        """Record an outcome, trying harder than botocore: after a publish, a lost record
        would let the lease expire and the message go out twice. Backoff with jitter, within
        the time the Lambda has left."""
        for attempt in range(SAVE_ATTEMPTS):
            try:
                return self.store.save_job(job)
            except StorageUnavailable:
                pause = SAVE_BACKOFF * 2**attempt * (0.5 + self.rng.random() / 2)
                if attempt == SAVE_ATTEMPTS - 1 or self.time_left() < pause + SAVE_MARGIN:
                    raise
                self.sleep(pause)
        return False  # unreachable: the loop returns or raises


def _iso_week(now: datetime, timezone: str) -> str:
    year, week, _ = now.astimezone(ZoneInfo(timezone)).isocalendar()
    return f"{year}-W{week:02d}"


def _next_week_start(now: datetime, timezone: str) -> datetime:
    local = now.astimezone(ZoneInfo(timezone))
    monday = local.date() + timedelta(days=7 - local.weekday())
    return next_allowed_time(
        datetime.combine(monday, time(0), tzinfo=local.tzinfo).astimezone(now.tzinfo),
        timezone,
    )
