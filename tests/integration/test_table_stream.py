"""The table's stream as the follow-up sender sees it: every new job once, in order, and
nothing of a write that was refused (a rate-limited answer, an idempotent repeat)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from moto.core import DEFAULT_ACCOUNT_ID
from moto.sns.models import sns_backends

from chalicelib.local.streams import table_stream
from tests.conftest import REGION, _BrowserLikeHttp, send_wishlist_form


class NoStream:
    def pump(self) -> int:
        return 0


@pytest.fixture
def handed(aws: Any) -> tuple[Any, list[dict[str, Any]]]:
    """A stream pump that records what it hands over instead of sending."""
    records: list[dict[str, Any]] = []
    pump = table_stream(aws, lambda event, context: records.extend(event["Records"]))
    pump.pump()  # what deploying the samples wrote
    records.clear()
    return pump, records


def inserted(records: list[dict[str, Any]], kind: str) -> list[str]:
    return [
        r["dynamodb"]["NewImage"]["pk"]["S"]
        for r in records
        if r["eventName"] == "INSERT" and r["dynamodb"]["NewImage"].get("type") == {"S": kind}
    ]


def test_each_new_item_is_handed_over_once_in_order_as_lambda_gets_it(
    chalice_client: Any, aws: Any, handed: tuple[Any, list[dict[str, Any]]]
) -> None:
    pump, records = handed
    send_wishlist_form(chalice_client, "stream-order-01", "98765 10101")
    send_wishlist_form(chalice_client, "stream-order-02", "98765 10102")
    pump.pump()
    responses = inserted(records, "response")
    assert len(responses) == 2
    assert len(inserted(records, "followup")) == 10
    numbers = [int(r["dynamodb"]["SequenceNumber"]) for r in records]
    assert numbers == sorted(numbers)
    assert len(set(numbers)) == len(numbers)
    table = aws.adapters.dynamodb.describe_table(TableName=aws.settings.table_name)["Table"]
    assert {r["eventSourceARN"] for r in records} == {table["LatestStreamArn"]}
    assert isinstance(records[0]["dynamodb"]["ApproximateCreationDateTime"], float)  # as Lambda
    assert pump.pump() == 0  # nothing new, nothing again


def test_a_refused_answer_leaves_nothing_in_the_stream(
    chalice_client: Any,
    handed: tuple[Any, list[dict[str, Any]]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from chalicelib import bootstrap

    monkeypatch.setenv("SAMVAD_RATE_PER_PHONE", "1/3600")
    bootstrap.reset()
    pump, records = handed
    first = send_wishlist_form(chalice_client, "stream-limit-01", "98765 20202")
    assert first.status_code == 303
    pump.pump()
    assert len(inserted(records, "followup")) == 5
    records.clear()

    limited = send_wishlist_form(chalice_client, "stream-limit-02", "98765 20202")
    again = send_wishlist_form(chalice_client, "stream-limit-01", "98765 20202")
    assert (limited.status_code, again.status_code) == (429, 303)
    pump.pump()
    assert inserted(records, "response") == []  # the transaction was rolled back, stream too
    assert inserted(records, "followup") == []


@pytest.mark.parametrize("first", ["scheduler", "stream"])
def test_the_stream_and_the_scheduler_racing_for_new_jobs_send_each_once(
    aws: Any, stream: Any, first: str
) -> None:
    """Immediate jobs are due at once, so the scheduler may reach them before the stream's
    sender does (or after): whoever claims second finds them taken."""
    from chalice.test import Client

    from app import app
    from chalicelib.responses.model import response_id

    token = f"stream-race-{first}"
    with Client(app, stage_name="local") as plain:  # no pump after the request
        browser = SimpleNamespace(http=_BrowserLikeHttp(plain.http, NoStream()))
        assert send_wishlist_form(browser, token, "98765 30303").status_code == 303
    runs = {"scheduler": aws.runner.run_due, "stream": stream.pump}
    for who in (first, "stream" if first == "scheduler" else "scheduler"):
        runs[who]()

    sms = [p for p, _ in sns_backends[DEFAULT_ACCOUNT_ID][REGION].sms_messages.values()]
    assert sms.count("+919876530303") == 1
    jobs = {j.step: j for j in aws.adapters.store.jobs_for(response_id("wishlist", token))}
    assert (jobs["thank_you_sms"].status, jobs["response_event"].status) == ("sent", "sent")
