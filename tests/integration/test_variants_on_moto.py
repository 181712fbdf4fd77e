"""A/B variants on the in-process emulator: an answer in a variant is still one write request
(its variant is a dimension of the counter it updates anyway), the runner sends the
variant's SMS from the table's stream, and a campaign without variants sets no cookie."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from moto.core import DEFAULT_ACCOUNT_ID
from moto.sns.models import sns_backends

from chalicelib.responses.model import response_id
from tests.conftest import CSRF_COOKIE_VALUE, PROJECT_DIR, REGION, csrf_token

AB_KITCHEN = PROJECT_DIR / "tests" / "campaigns" / "ab-kitchen.yaml"
COOKIE = "samvad_variant_ab-kitchen"


@pytest.fixture
def client(aws: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """As test_calls_per_request: a container that caches the published campaigns."""
    from chalice.test import Client

    from app import app
    from chalicelib import bootstrap

    aws.admin.deploy(AB_KITCHEN.read_text(encoding="utf-8"), "ab-kitchen.yaml", "test")
    aws.admin.publish("ab-kitchen", 1)
    monkeypatch.setenv("SAMVAD_CAMPAIGN_TTL_SECONDS", "30")
    bootstrap.reset()
    with Client(app, stage_name="local") as plain:
        yield plain


def set_cookies(answer: Any) -> list[str]:
    found = answer.headers.get("Set-Cookie") or []
    return [found] if isinstance(found, str) else list(found)


def test_an_answer_in_a_variant_is_one_write_and_its_sms_the_variants(
    client: Any, stream: Any
) -> None:
    from chalicelib.bootstrap import get_services
    from chalicelib.local.calls import Calls

    aws = get_services()

    page = client.http.get("/hi/c/ab-kitchen", headers={"Cookie": f"{COOKIE}=festive"})
    assert page.status_code == 200
    assert "त्योहारों का मौसम!" in page.body.decode()
    stream.pump()
    calls: Counter[str] = Calls(aws).counts
    calls.clear()

    fields = {"csrf": csrf_token(), "form_token": "variant-calls-1", "product": "tawa"}
    fields.update(phone="98765 12131", consent="yes")
    cookies = f"samvad_csrf={CSRF_COOKIE_VALUE}; {COOKIE}=festive"
    form = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookies}
    answer = client.http.post("/hi/c/ab-kitchen", headers=form, body=urlencode(fields))

    assert answer.status_code == 303
    assert calls == {"dynamodb.TransactWriteItems": 1}
    stored = aws.responses.get(response_id("ab-kitchen", "variant-calls-1"))
    assert stored is not None
    assert stored.variant == "festive"

    stream.pump()
    sent = [t for p, t in sns_backends[DEFAULT_ACCOUNT_ID][REGION].sms_messages.values()]
    mine = [t for t in sent if "त्योहारों" in t or "काव्या होम को बताने" in t]
    assert mine == [
        "काव्या होम की ओर से त्योहारों की शुभकामनाएँ! जवाब के लिए धन्यवाद। बंद करने के लिए STOP भेजें।"
    ]
    variants = aws.admin.stats("ab-kitchen")["variants"]["items"]
    assert [(v["id"], v["views"], v["responses"]) for v in variants] == [
        ("plain", 0, 0),
        ("festive", 1, 1),
    ]


def test_a_campaign_without_variants_sets_no_variant_cookie(client: Any) -> None:
    page = client.http.get("/hi/c/wishlist")
    assert page.status_code == 200
    assert not [c for c in set_cookies(page) if c.startswith("samvad_variant_")]
    first = client.http.get("/hi/c/ab-kitchen")
    assert [c.split(";")[0] for c in set_cookies(first) if c.startswith(COOKIE)] in (
        [f"{COOKIE}=plain"],
        [f"{COOKIE}=festive"],
    )
