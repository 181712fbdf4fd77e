"""AWS calls per request, counted with botocore events. A warm page view makes none. An
answer costs one write request: the response, its follow-up jobs, the funnel count and
the rate-limit counters go into one DynamoDB transaction, and nothing is sent inside the
request. The table's stream then hands the new jobs to ``send_new_followups``, which sends
the thank-you SMS and the response event."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from moto.core import DEFAULT_ACCOUNT_ID
from moto.sns.models import sns_backends

from tests.conftest import CSRF_COOKIE_VALUE, REGION, csrf_token

FORM = {
    "Content-Type": "application/x-www-form-urlencoded",
    "Cookie": f"samvad_csrf={CSRF_COOKIE_VALUE}",
}


@pytest.fixture
def client(aws: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Chalice's test client without the stream pumped after each request, on a container
    that caches the published campaigns and batches page views as deployed stages do."""
    from chalice.test import Client

    from app import app
    from chalicelib import bootstrap

    monkeypatch.setenv("SAMVAD_CAMPAIGN_TTL_SECONDS", "30")
    monkeypatch.setenv("SAMVAD_VIEW_FLUSH_SECONDS", "30")
    bootstrap.reset()
    with Client(app, stage_name="local") as plain:
        assert plain.http.get("/hi/c/wishlist").status_code == 200  # a warm container
        yield plain


@pytest.fixture
def calls(client: Any) -> Counter[str]:
    """The AWS calls of the app's clients (in the test client's container)."""
    from chalicelib.bootstrap import get_services
    from chalicelib.local.calls import Calls

    return Calls(get_services()).counts


def sms_sent() -> list[str]:
    return [p for p, _ in sns_backends[DEFAULT_ACCOUNT_ID][REGION].sms_messages.values()]


def test_a_form_answer_is_one_write_and_the_stream_sends_its_follow_ups(
    client: Any, stream: Any, calls: Counter[str]
) -> None:
    stream.pump()  # what the page view wrote
    calls.clear()
    fields = {"csrf": csrf_token(), "product": "tawa", "phone": "98765 12121", "consent": "yes"}
    answer = client.http.post("/hi/c/wishlist", headers=FORM, body=urlencode(fields))

    assert answer.status_code == 303
    assert calls == {"dynamodb.TransactWriteItems": 1}
    assert "+919876512121" not in sms_sent()  # nothing is sent inside the request

    calls.clear()
    stream.pump()
    assert sms_sent().count("+919876512121") == 1  # the thank-you, from the stream
    assert calls["sns.PublishBatch"] == 1  # the response event
    assert calls["dynamodb.GetItem"] <= 1  # the response came with the stream: no re-read of it


def test_a_json_answer_is_one_write_and_a_repeat_is_one_write_and_one_read(
    client: Any, calls: Counter[str]
) -> None:
    body = json.dumps({"locale": "en", "answers": {"product": "tawa"}})
    headers = {"Content-Type": "application/json", "Idempotency-Key": "calls-per-answer-1"}
    calls.clear()
    first = client.http.post("/api/v1/campaigns/wishlist/responses", headers=headers, body=body)
    assert first.status_code == 201
    assert calls == {"dynamodb.TransactWriteItems": 1}

    calls.clear()
    again = client.http.post("/api/v1/campaigns/wishlist/responses", headers=headers, body=body)
    assert again.status_code == 200
    assert calls == {"dynamodb.TransactWriteItems": 1, "dynamodb.GetItem": 1}


def test_a_warm_page_view_makes_no_aws_call(client: Any, calls: Counter[str]) -> None:
    """The published campaign is cached in the container (30 s, then a version check) and
    views are counted in memory and written in batches."""
    calls.clear()
    for locale in ("hi", "en", "ur", "hi"):
        assert client.http.get(f"/{locale}/c/wishlist").status_code == 200
    assert calls == {}


def test_a_flush_writes_each_batch_of_views_with_its_days_count_in_one_request(
    client: Any, calls: Counter[str]
) -> None:
    from chalicelib.bootstrap import get_services

    for locale in ("hi", "en", "ur", "hi"):
        assert client.http.get(f"/{locale}/c/wishlist").status_code == 200
    calls.clear()
    get_services().views.flush()
    assert calls == {"dynamodb.TransactWriteItems": 3}  # hi, en, ur: total and day at once
