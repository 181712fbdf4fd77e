"""Faults at every AWS call of the answer and follow-up paths: DynamoDB throttling and
timeouts, SNS errors. Nothing may be lost, nothing sent twice, every follow-up ends sent,
failed, skipped or cancelled. Faults are injected with botocore event hooks on the app's own
clients (moto in-process behind them)."""

from __future__ import annotations

import contextlib
import json
import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from typing import Any

from botocore.awsrequest import AWSResponse
from botocore.exceptions import ReadTimeoutError
from moto.core import DEFAULT_ACCOUNT_ID
from moto.sns.models import sns_backends

from chalicelib.errors import StorageUnavailable
from chalicelib.responses.model import response_id
from tests.conftest import send_wishlist_form

CUSTOMERS = 12


CLAIM = "#s = :seen AND due_at = :seen_due"  # DynamoStore.claim's condition


class Faults:
    """Fails a share of calls before they reach AWS, as after botocore's retries: throttling,
    a timeout, or a conditional write refused as if another writer had come first (the
    answer's transaction, a runner's claim). (A call that succeeds at AWS while the client
    times out is another story: SNS has no idempotency for SMS; see the README.)"""

    def __init__(self, rate: float, seed: int) -> None:
        self.rate = rate
        self.seed = seed
        self.rngs: dict[str, random.Random] = {}  # one per service: SNS's faults do not
        self.injected: Counter[str] = Counter()  # shift when DynamoDB's calls change

    @contextlib.contextmanager
    def paused(self) -> Iterator[None]:
        """The test's own reads, without faults."""
        rate, self.rate = self.rate, 0
        try:
            yield
        finally:
            self.rate = rate

    def __call__(
        self, model: Any, params: dict[str, Any], **_: Any
    ) -> tuple[Any, dict[str, Any]] | None:
        service = model.service_model.service_name
        rng = self.rngs.setdefault(service, random.Random(f"{self.seed}:{service}"))
        if self.rate == 0 or rng.random() >= self.rate:
            return None
        kinds = ["throttle", "timeout"]
        request = json.loads(params.get("body") or b"{}") if service == "dynamodb" else {}
        if model.name == "TransactWriteItems" or request.get("ConditionExpression") == CLAIM:
            kinds.append("conditional")
        kind = rng.choice(kinds)
        self.injected[f"{service}:{kind}"] += 1
        if kind == "timeout":
            raise ReadTimeoutError(endpoint_url=f"https://{service}.ap-south-1.amazonaws.com")
        if kind == "conditional" and model.name == "TransactWriteItems":
            reasons = [{"Code": "None"} for _ in request["TransactItems"]]
            reasons[0] = {"Code": "ConditionalCheckFailed"}  # the response's put
            error: dict[str, Any] = {
                "Error": {"Code": "TransactionCanceledException", "Message": "cancelled"},
                "CancellationReasons": reasons,
            }
        elif kind == "conditional":
            error = {"Error": {"Code": "ConditionalCheckFailedException", "Message": "refused"}}
        else:
            code = "ThrottlingException" if service == "dynamodb" else "Throttling"
            error = {"Error": {"Code": code, "Message": "Rate exceeded"}}
        return AWSResponse("https://aws", 400, {}, None), error


def test_faults_lose_nothing_and_send_nothing_twice(
    chalice_client: Any, aws: Any, monkeypatch: Any
) -> None:
    import time

    monkeypatch.setattr(time, "sleep", lambda _: None)  # botocore's backoff, in test time
    faults = Faults(rate=0.08, seed=11)  # of calls failing after botocore's own retries
    aws.adapters.dynamodb.meta.events.register("before-call.dynamodb", faults)
    aws.adapters.sns.meta.events.register("before-call.sns", faults)
    tokens = [f"fault-answer-{n:03d}" for n in range(CUSTOMERS)]
    phones = {token: f"98765{n:05d}" for n, token in enumerate(tokens, start=80000)}

    for token in tokens:  # a customer retries the same form until it goes through
        for _ in range(20):
            answer = send_wishlist_form(chalice_client, token, phones[token])
            if answer.status_code == 303:
                break
            assert answer.status_code == 503  # storage busy: try again, nothing half-stored
        else:
            raise AssertionError(f"{token} never went through")

    with faults.paused():
        created = aws.adapters.store.get_response(response_id("wishlist", tokens[0])).created_at
    now = created
    for _ in range(60):  # the scheduler every so often, faults and all, time passing
        now += timedelta(hours=3)
        runner = replace(aws.runner, clock=lambda at=now: at, sleep=lambda _: None)
        with contextlib.suppress(StorageUnavailable):
            runner.run_due()  # a run that dies leaves leases; the next run picks the jobs up
    faults.rate = 0
    for _ in range(10):  # then daily, at 10:30 in India (inside the SMS window)
        now = (now + timedelta(days=1)).replace(hour=5, minute=0)
        replace(aws.runner, clock=lambda at=now: at).run_due()

    injected = {k.split(":")[0]: 0 for k in faults.injected}
    for key, count in faults.injected.items():
        injected[key.split(":")[0]] += count
    print("faults injected:", dict(faults.injected))  # a figure for the log
    assert injected["dynamodb"] >= 10
    assert faults.injected["dynamodb:conditional"] >= 2
    assert injected["sns"] >= 3
    sms = Counter(
        phone for phone, _ in sns_backends[DEFAULT_ACCOUNT_ID]["ap-south-1"].sms_messages.values()
    )
    lost = twice = still_open = 0
    outcomes: Counter[str] = Counter()
    for token in tokens:
        rid = response_id("wishlist", token)
        lost += aws.adapters.store.get_response(rid) is None
        jobs = aws.adapters.store.jobs_for(rid)
        outcomes.update(job.status for job in jobs)
        still_open += sum(job.status in ("pending", "sending") for job in jobs)
        sent_sms = [job for job in jobs if job.channel == "sms" and job.status == "sent"]
        twice += sms[f"+91{phones[token]}"] - len(sent_sms)
        assert len(sent_sms) >= 1  # the thank-you at least
    print(  # the figures for the log
        f"answers lost {lost}, SMS sent more than once {twice}, follow-ups still open "
        f"{still_open}, outcomes {dict(outcomes)}"
    )
    assert (lost, twice, still_open) == (0, 0, 0)
    assert set(outcomes) <= {"sent", "failed", "skipped", "cancelled"}
