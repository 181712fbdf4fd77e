"""The follow-up scheduler over moto in-process: due times, quiet hours, opt-out, concurrency,
crashes and SNS failures. Time is injected: each runner gets the clock the test wants."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from moto.core import DEFAULT_ACCOUNT_ID
from moto.sns.models import sns_backends

from chalicelib.followups.model import FollowUpJob
from chalicelib.followups.runner import MAX_ATTEMPTS, Runner
from chalicelib.responses.model import response_id
from tests.conftest import send_wishlist_form

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
IST = ZoneInfo("Asia/Kolkata")


def answer(client: Any, token: str, phone: str, locale: str = "hi", **extra: str) -> str:
    assert send_wishlist_form(client, token, phone, locale, **extra).status_code == 303
    return response_id("wishlist", token)


def sms_to(number: str) -> list[str]:
    backend = sns_backends[DEFAULT_ACCOUNT_ID]["ap-south-1"]
    return [text for phone, text in backend.sms_messages.values() if phone == number]


def local_time(start: datetime, days: int, hour: int) -> datetime:
    """``hour`` o'clock in India, ``days`` after ``start``."""
    day = start.astimezone(IST).date() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, tzinfo=IST)


def runner_at(aws: Any, now: datetime, **changes: Any) -> Runner:
    return replace(aws.runner, clock=lambda: now, rng=random.Random(7), **changes)


def jobs(aws: Any, rid: str) -> dict[str, FollowUpJob]:
    return {job.step: job for job in aws.adapters.store.jobs_for(rid)}


def test_a_one_day_follow_up_is_not_sent_early_and_is_sent_once_when_due(
    chalice_client: Any, aws: Any
) -> None:
    rid = answer(chalice_client, "due-once-0001", "9876500001")
    created = aws.adapters.store.get_response(rid).created_at
    assert len(sms_to("+919876500001")) == 1  # the thank-you, at once

    early = runner_at(aws, created + timedelta(hours=23)).run_due()
    assert jobs(aws, rid)["reminder"].status == "pending"
    assert early.counts["sent"] == 0

    due = local_time(created, 2, 10)
    runner_at(aws, due).run_due()
    again = runner_at(aws, due + timedelta(minutes=5)).run_due()

    reminder = jobs(aws, rid)["reminder"]
    assert reminder.status == "sent"
    assert reminder.attributes["AWS.SNS.SMS.SMSType"] == "Promotional"
    assert reminder.attributes["AWS.MM.SMS.TemplateId"] == "1107161234567890126"
    texts = sms_to("+919876500001")
    assert len(texts) == 2
    assert "तवा" in texts[1]  # the product the customer chose, in Hindi
    assert f"{aws.links.base_url}/u/" in texts[1]  # carries the unsubscribe link
    assert again.counts["sent"] == 0


def test_quiet_hours_postpone_marketing_to_the_next_morning(chalice_client: Any, aws: Any) -> None:
    rid = answer(chalice_client, "quiet-hours-01", "9876500002")
    created = aws.adapters.store.get_response(rid).created_at
    late_evening = local_time(created, 2, 22)

    runner_at(aws, late_evening).run_due()

    reminder = jobs(aws, rid)["reminder"]
    assert reminder.status == "pending"
    assert reminder.note == "quiet hours"
    assert reminder.due_at == local_time(created, 3, 9)
    assert len(sms_to("+919876500002")) == 1

    runner_at(aws, local_time(created, 3, 9)).run_due()
    assert jobs(aws, rid)["reminder"].status == "sent"


def test_a_reminder_is_skipped_when_the_customer_already_said_why(
    chalice_client: Any, aws: Any
) -> None:
    rid = answer(chalice_client, "skip-reason-01", "9876500003", reason="रोटी अच्छी बनती है")
    created = aws.adapters.store.get_response(rid).created_at

    runner_at(aws, local_time(created, 2, 10)).run_due()

    reminder = jobs(aws, rid)["reminder"]
    assert (reminder.status, reminder.note) == ("skipped", "answered reason")
    assert len(sms_to("+919876500003")) == 1


def test_the_unsubscribe_link_confirms_in_hindi_and_cancels_pending_jobs(
    chalice_client: Any, aws: Any
) -> None:
    rid = answer(chalice_client, "opt-out-00001", "9876500004")
    created = aws.adapters.store.get_response(rid).created_at
    contact_id = jobs(aws, rid)["reminder"].contact_id
    link = aws.links.unsubscribe(contact_id, "hi")
    path = link.removeprefix(aws.links.base_url)

    asked = chalice_client.http.get(path)
    done = chalice_client.http.post(path, headers=FORM, body="")
    repeated = chalice_client.http.post(path, headers=FORM, body="")
    forged = chalice_client.http.get(path[:-2] + "xx")

    assert asked.status_code == 200
    assert 'lang="hi"' in asked.body.decode()
    assert "सभी SMS बंद करें" in asked.body.decode()  # the button, in the customer's language
    assert done.status_code == 200
    assert "आपके SMS बंद कर दिए गए हैं" in done.body.decode()
    assert repeated.status_code == 200
    assert forged.status_code == 404
    after = jobs(aws, rid)
    assert (after["reminder"].status, after["offer"].status) == ("cancelled", "cancelled")
    assert after["offer_event"].status == "pending"  # no contact in an event: not cancelled

    runner_at(aws, local_time(created, 4, 10)).run_due()
    assert len(sms_to("+919876500004")) == 1  # only the thank-you sent before the opt-out


def test_a_number_opted_out_with_sns_gets_nothing(chalice_client: Any, aws: Any) -> None:
    # moto treats numbers ending in 99 as opted out (as after a "STOP" reply)
    rid = answer(chalice_client, "sns-stop-0001", "9876500099")

    thank_you = jobs(aws, rid)["thank_you_sms"]
    assert (thank_you.status, thank_you.note) == ("cancelled", "opted out with the SMS provider")
    assert jobs(aws, rid)["reminder"].status == "cancelled"
    assert sms_to("+919876500099") == []


# Two runners at once: tests/http/test_followups_over_http.py runs two processes against a
# moto server (moto in-process is not thread-safe, so threads here would test moto).


class Crash(BaseException):
    """The Lambda dies (timeout, out of memory) in the middle of a batch."""


class CrashingPublisher:
    def __init__(self, inner: Any, after: int) -> None:
        self.inner, self.left = inner, after

    def deliver(self, job: FollowUpJob) -> str:
        if self.left == 0:
            raise Crash
        self.left -= 1
        return str(self.inner.deliver(job))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def test_a_runner_killed_mid_batch_loses_nothing(chalice_client: Any, aws: Any) -> None:
    numbers = [f"98765{n:05d}" for n in range(50, 56)]
    rids = [answer(chalice_client, f"crash-{n}", n, locale="en") for n in numbers]
    now = local_time(aws.adapters.store.get_response(rids[-1]).created_at, 2, 10)
    crashing = runner_at(aws, now, publisher=CrashingPublisher(aws.adapters.publisher, after=2))

    with pytest.raises(Crash):
        crashing.run_due()
    stuck = [jobs(aws, rid)["reminder"].status for rid in rids]
    assert stuck.count("sent") == 2
    assert stuck.count("sending") == 4  # leased to the dead runner

    runner_at(aws, now + timedelta(seconds=30)).run_due()  # the lease still holds
    assert [jobs(aws, rid)["reminder"].status for rid in rids].count("sent") == 2
    runner_at(aws, now + timedelta(seconds=50)).run_due()  # within a minute: picked up

    assert all(jobs(aws, rid)["reminder"].status == "sent" for rid in rids)
    for number in numbers:
        assert len(sms_to(f"+91{number}")) == 2


def test_a_runner_publishes_nothing_once_its_lease_is_running_out(
    chalice_client: Any, aws: Any
) -> None:
    """A slow runner stops publishing before its claim could pass to another runner: what it
    did not send stays claimed until the lease ends, then goes out once, from the next."""
    numbers = [f"98765{n:05d}" for n in range(60, 64)]
    rids = [answer(chalice_client, f"slow-{n}", n, locale="en") for n in numbers]
    start = local_time(aws.adapters.store.get_response(rids[-1]).created_at, 2, 10)
    times = iter([start, start, *[start + timedelta(seconds=40)] * 50])  # read, claim, then slow
    slow = runner_at(aws, start)
    slow = replace(slow, clock=lambda: next(times))

    report = slow.run_due()
    statuses = [jobs(aws, rid)["reminder"].status for rid in rids]
    runner_at(aws, start + timedelta(seconds=46)).run_due()

    assert report.counts["lease_ran_out"] == 4
    assert statuses == ["sending"] * 4  # left untouched, still ours until the lease ends
    for number in numbers:
        assert len(sms_to(f"+91{number}")) == 2  # the thank-you and one reminder, never two


def test_sns_failures_are_retried_with_backoff_until_sent(chalice_client: Any, aws: Any) -> None:
    rid = answer(chalice_client, "retry-sent-01", "9876500005")
    created = aws.adapters.store.get_response(rid).created_at
    topic = aws.settings.followups_topic_arn
    aws.adapters.sns.delete_topic(TopicArn=topic)  # SNS refuses: NotFound
    now = local_time(created, 4, 10)

    runner_at(aws, now).run_due()
    first = jobs(aws, rid)["offer_event"]
    assert (first.status, first.attempts, first.last_error) == ("pending", 1, "NotFound")
    assert now + timedelta(seconds=30) <= first.due_at <= now + timedelta(minutes=1)

    runner_at(aws, first.due_at).run_due()
    second = jobs(aws, rid)["offer_event"]
    assert second.attempts == 2
    assert second.due_at - first.due_at >= timedelta(minutes=1)  # the delay grows

    aws.adapters.sns.create_topic(Name=topic.rsplit(":", 1)[1])  # SNS is back
    runner_at(aws, second.due_at).run_due()
    assert jobs(aws, rid)["offer_event"].status == "sent"


def test_sns_failures_end_in_failed_after_the_limit(chalice_client: Any, aws: Any) -> None:
    rid = answer(chalice_client, "retry-fail-01", "9876500006")
    created = aws.adapters.store.get_response(rid).created_at
    aws.adapters.sns.delete_topic(TopicArn=aws.settings.followups_topic_arn)
    now = local_time(created, 4, 10)

    for _ in range(MAX_ATTEMPTS + 2):
        runner_at(aws, now).run_due()
        now = max(now, jobs(aws, rid)["offer_event"].due_at)

    failed = jobs(aws, rid)["offer_event"]
    assert (failed.status, failed.attempts, failed.last_error) == (
        "failed",
        MAX_ATTEMPTS,
        "NotFound",
    )
    assert failed not in aws.adapters.store.due_jobs(now + timedelta(days=30), 100)


def test_the_weekly_cap_postpones_marketing_to_next_week(chalice_client: Any, aws: Any) -> None:
    rid = answer(chalice_client, "weekly-cap-001", "9876500007")
    created = aws.adapters.store.get_response(rid).created_at
    now = local_time(created, 4, 10)  # reminder and offer are both due

    runner_at(aws, now, marketing_per_week=1).run_due()

    after = jobs(aws, rid)
    assert sorted(after[step].status for step in ("reminder", "offer")) == ["pending", "sent"]
    held = next(after[step] for step in ("reminder", "offer") if after[step].status == "pending")
    assert held.note == "weekly SMS limit"
    local = held.due_at.astimezone(IST)
    assert (local.weekday(), local.hour) == (0, 9)  # Monday, when the window opens
    assert len(sms_to("+919876500007")) == 2


def test_quiet_hours_follow_the_recipients_country(chalice_client: Any, aws: Any) -> None:
    rid = answer(chalice_client, "quiet-abroad-1", "+447911123456", locale="en")  # Guernsey
    created = aws.adapters.store.get_response(rid).created_at
    ten_in_india = local_time(created, 2, 10)  # 04:30 or 05:30 on the island: still night

    runner_at(aws, ten_in_india).run_due()

    reminder = jobs(aws, rid)["reminder"]
    assert reminder.note == "quiet hours"
    assert reminder.due_at.astimezone(ZoneInfo("Europe/Guernsey")).hour == 9


def test_the_scheduled_function_reports_metrics_for_the_alarm(
    chalice_client: Any, aws: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    answer(chalice_client, "scheduled-emf-01", "9876500008")
    aws.adapters.sns.delete_topic(TopicArn=aws.settings.events_topic_arn)  # nothing due yet anyway

    event = chalice_client.events.generate_cw_event(
        source="aws.events", detail_type="Scheduled Event", detail={}, resources=[]
    )
    chalice_client.lambda_.invoke("send-due-followups", event)

    lines = capsys.readouterr().out.splitlines()
    line = next(text for text in lines if '"_aws"' in text)
    record = json.loads(line)
    assert record["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "Samvad"
    assert {"FollowUpsSent", "FollowUpsFailed", "FollowUpsRetried"} <= record.keys()
    assert "9876500008" not in line


def test_both_senders_retry_only_within_the_lambdas_remaining_time(
    chalice_client: Any, aws: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The scheduled and the stream's functions hand the Lambda context's remaining time to
    the runner (an event handler's context is the event's, not ``app.lambda_context``)."""
    from chalicelib.followups.runner import RunReport
    from chalicelib.storage.items import dump_item, job_item

    seen: dict[str, float] = {}

    def recorder(name: str) -> Any:
        def record(self: Runner, *args: Any, **kwargs: Any) -> RunReport:
            seen[name] = self.time_left()
            return RunReport()

        return record

    monkeypatch.setattr(Runner, "run_due", recorder("scheduled"))
    monkeypatch.setattr(Runner, "take", recorder("stream"))
    scheduled = chalice_client.events.generate_cw_event(
        source="aws.events", detail_type="Scheduled Event", detail={}, resources=[]
    )
    chalice_client.lambda_.invoke("send-due-followups", scheduled)
    now = aws.clock()
    job = FollowUpJob("r-1", "thank_you_sms", "sms", "pending", now, "wishlist", "hi", now)
    image = dump_item(job_item(job))
    record = {
        "eventID": "1",
        "eventName": "INSERT",
        "eventSourceARN": "arn:aws:dynamodb:ap-south-1:123456789012:table/samvad-local/stream/x",
        "awsRegion": "ap-south-1",
        "dynamodb": {
            "ApproximateCreationDateTime": now.timestamp(),
            "Keys": {"pk": image["pk"], "sk": image["sk"]},
            "NewImage": image,
            "SequenceNumber": "1",
            "SizeBytes": 100,
            "StreamViewType": "NEW_IMAGE",
        },
    }
    chalice_client.lambda_.invoke("send-new-followups", {"Records": [record]})

    assert set(seen) == {"scheduled", "stream"}
    assert all(0 < left < 15 * 60 for left in seen.values()), seen  # a Lambda's at most
