"""Permissions proven from behaviour: every AWS call each Lambda function makes on a whole
journey (pages, answers with SMS consent, designs and shares, moderation, the admin API,
replies, inbound SMS, unsubscribe, erasure, the stream's batches and a scheduled run) is
checked against that function's role in the packaged template; and every action the template
grants is used by some call, or listed below with the reason it is needed anyway."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from chalice.test import Client

from samvad_cli.template import FUNCTIONS
from tests.conftest import ADMIN_KEY, send_wishlist_form
from tests.permissions import CallRecorder, emulator_roles, judge, listening, packaged_template
from tests.samples import DRESS_DESIGN, inline_text

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
KEY = {"Authorization": f"Bearer {ADMIN_KEY}", "Content-Type": "application/json"}
ADMIN = "/admin/api/v1"
DRESS = "design-your-dress"
WISHLIST = Path("chalicelib/campaigns/definitions/wishlist.yaml")
# 10:30 in India: no follow-up waits for quiet hours, now or three days later.
START = datetime(2026, 11, 27, 5, 0, tzinfo=UTC)

# Granted but made by AWS on the function's behalf, never by its code; and why.
NOT_CALLED_BY_THE_CODE = {
    ("*", "logs:CreateLogStream"): "Lambda writes the function's logs with its role",
    ("*", "logs:PutLogEvents"): "Lambda writes the function's logs with its role",
    **{
        ("SendNewFollowups", f"dynamodb:{action}"): (
            "the event source mapping reads the table's stream with this function's role"
        )
        for action in ("DescribeStream", "GetRecords", "GetShardIterator", "ListStreams")
    },
}


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return packaged_template()


@pytest.fixture(autouse=True)
def recorder() -> Iterator[CallRecorder]:
    """Listening before ``aws`` builds the app's clients, of whatever service."""
    with listening() as recorder:
        yield recorder


@pytest.fixture
def clock(aws: Any) -> Clock:
    clock = Clock(START)
    aws.clock = clock  # before the runner, views and registry are built from it
    return clock


@pytest.fixture
def containers(
    aws: Any, clock: Clock, recorder: CallRecorder, monkeypatch: pytest.MonkeyPatch
) -> dict[str, Any]:
    """Each function with services of its own, as each runs in containers of its own on AWS:
    what one caches (settings, a client, a campaign, a secret) another must fetch itself, with
    its own role. Each builds them through the composition root, inside the function."""
    import app
    from chalicelib import bootstrap

    services: dict[str, bootstrap.Services] = {}

    def get_services() -> bootstrap.Services:
        function = recorder.running_function() or "APIHandler"
        if function not in services:
            bootstrap.reset()  # a new container: nothing cached yet
            services[function] = bootstrap.get_services()
            services[function].clock = clock
        return services[function]

    monkeypatch.setattr(app, "get_services", get_services)
    return services


def post(client: Any, path: str, **fields: str) -> Any:
    return client.http.post(path, headers=FORM, body=urlencode(fields))


def admin(client: Any, method: str, path: str, body: object = None, **headers: str) -> Any:
    data = json.dumps(body) if body is not None else None
    return client.http.request(method, ADMIN + path, headers={**KEY, **headers}, body=data)


def design_and_share(
    client: Any, token: str, phone: str, message: str, **extra: str
) -> tuple[str, str]:
    """A designed dress with SMS consent, shared with ``message``: the design's (response's)
    id and the share page's path."""
    fields = {"form_token": token, **DRESS_DESIGN, "phone": phone, "consent": "yes", **extra}
    thanks = post(client, f"/hi/c/{DRESS}", **fields)
    assert thanks.status_code == 303, thanks.body
    page = client.http.get(thanks.headers["Location"]).body.decode()
    action = re.search(r'action="(/hi/d/[0-9a-f]{32}/share)"', page).group(1)  # type: ignore[union-attr]
    shared = post(client, action, message=message)
    assert shared.status_code == 303
    return thanks.headers["Location"].rsplit("=", 1)[1], str(shared.headers["Location"])


def run_journey(client: Any, aws: Any, clock: Clock) -> None:
    """What customers, marketers and AWS do with a stage, each step through app.py."""
    http = client.http
    # Customers: pages, an answer with consent, the JSON API, a design shared with friends.
    assert http.get("/").status_code == 200
    assert http.get("/c/wishlist", headers={"Accept-Language": "hi-IN"}).status_code in (302, 303)
    assert http.get("/hi/c/wishlist?src=poster").status_code == 200
    assert http.get("/static/samvad.css").status_code == 200
    answer = send_wishlist_form(client, "permissions-form-0001", "9876540001", reason="")
    assert answer.status_code == 303
    # moto's SNS says numbers ending in 99 opted out: the sender cancels the contact's jobs.
    assert send_wishlist_form(client, "permissions-form-0099", "9876540199").status_code == 303
    assert http.get(answer.headers["Location"]).status_code == 200
    body = {"locale": "hi", "answers": {"product": "tawa"}, "phone": "9876540002", "consent": True}
    api = {"Content-Type": "application/json", "Idempotency-Key": "permissions-api-0001"}
    path = "/api/v1/campaigns/wishlist/responses"
    assert http.post(path, headers=api, body=json.dumps(body)).status_code == 201
    assert http.post(path, headers=api, body=json.dumps(body)).status_code == 200
    response_id, share_page = design_and_share(client, "permissions-dress-01", "9876540003", "")
    share_id = share_page.rsplit("/", 1)[1]
    assert http.get(share_page).status_code == 200
    assert http.get(f"{share_page}/design.svg").status_code == 200
    http.get(f"{share_page}/design.png", headers={"Accept": "image/png"})
    assert http.get(f"/hi/c/{DRESS}?ref={share_id}&src=share").status_code == 200
    for n in range(1, 7):  # five friends earn the sharer a reward (an SMS)
        friend = f"permissions-friend-{n:02d}"
        design_and_share(client, friend, f"98765410{n:02d}", "", ref=share_id)
    # Marketers: moderation, versions, answers, exports, stats, a reply.
    _, waiting = design_and_share(client, "permissions-dress-02", "9876540004", "tu chutiya hai")
    queue = json.loads(admin(client, "GET", f"/campaigns/{DRESS}/moderation").body)
    [held] = [i for i in queue["items"] if i["share_id"] == waiting.rsplit("/", 1)[1]]
    approve = {"decision": "approve"}
    moderated = admin(client, "POST", f"/campaigns/{DRESS}/moderation/{held['share_id']}", approve)
    assert moderated.status_code == 200
    assert admin(client, "GET", "/campaigns").status_code == 200
    # A version whose CRM event goes out at once: from the stream, to the follow-ups topic.
    source = inline_text("wishlist").replace(
        "  - id: offer_event\n    after: P3D", "  - id: offer_event\n    after: PT0S"
    )
    deployed = admin(client, "POST", "/campaigns", {"file": "wishlist.yaml", "source": source})
    assert deployed.status_code == 201, deployed.body
    version = {"version": json.loads(deployed.body)["version"]}
    assert admin(client, "POST", "/campaigns/wishlist/publish", version).status_code == 200
    assert send_wishlist_form(client, "permissions-form-0002", "9876540005").status_code == 303
    assert admin(client, "POST", "/campaigns/wishlist/rollback", {}).status_code == 200
    assert admin(client, "GET", "/campaigns/wishlist").status_code == 200
    assert admin(client, "GET", "/campaigns/wishlist/responses?limit=1").status_code == 200
    assert admin(client, "GET", "/campaigns/wishlist/export").status_code == 200
    assert admin(client, "GET", "/campaigns/wishlist/export?format=jsonl").status_code == 200
    assert admin(client, "GET", f"/campaigns/{DRESS}/stats").status_code == 200
    assert http.get(f"{ADMIN}/openapi.json").status_code == 200
    assert http.get("/api/v1/openapi.json").status_code == 200
    denied = http.request("GET", f"{ADMIN}/campaigns", headers={"Authorization": "Bearer wrong"})
    assert denied.status_code == 403
    reply = admin(
        client,
        "POST",
        f"/campaigns/{DRESS}/responses/{response_id}/replies",
        {"text": "आपकी ड्रेस कल तैयार होगी।"},
    )
    assert reply.status_code == 201, reply.body
    # AWS: customers' SMS answers (and a STOP) through the inbound topic's subscription.
    for n, text in enumerate(["धन्यवाद", "STOP"]):
        message = {
            "originationNumber": "+919876540003",
            "messageBody": text,
            "inboundMessageId": f"permissions-inbound-{n}",
            "previousPublishedMessageId": json.loads(reply.body)["message_id"],
        }
        event = client.events.generate_sns_event(message=json.dumps(message))
        client.lambda_.invoke("inbound_sms", event)
    thread = admin(client, "GET", f"/campaigns/{DRESS}/responses/{response_id}/thread")
    assert len(json.loads(thread.body)["messages"]) == 3
    # Customers: unsubscribe, and "delete my data"; a marketer erases on request.
    contact = aws.links.contact_id("+919876540001")
    link = aws.links.unsubscribe(contact, "hi").removeprefix(aws.links.base_url)
    assert http.get(link).status_code == 200
    assert post(client, link, unsubscribe="yes").status_code in (200, 303)
    confirm = re.search(r'name="confirm" value="([^"]+)"', http.get(link + "/erase").body.decode())
    assert confirm is not None
    assert post(client, link + "/erase", confirm=confirm.group(1)).status_code == 200
    erased = admin(client, "POST", "/contacts/erase", {"phone": "+919876540002"})
    assert erased.status_code == 200, erased.body
    # An answer whose stream batch never came (the API's client without the stream's pump):
    # three days later the scheduled run sends its thank-you SMS and event, with the
    # reminders, offers and CRM events now due.
    from app import app

    with Client(app, stage_name="local") as unpumped:
        for n, phone in enumerate(["9876540006", "9876540699"]):  # the second opted out
            late = {**body, "phone": phone}
            late_key = {**api, "Idempotency-Key": f"permissions-late-{n:04d}"}
            answered = unpumped.http.post(path, headers=late_key, body=json.dumps(late))
            assert answered.status_code == 201
    clock.now = START + timedelta(days=3)
    scheduled = client.events.generate_cw_event(
        source="aws.events", detail_type="Scheduled Event", detail={}, resources=[]
    )
    client.lambda_.invoke("send-due-followups", scheduled)


def test_every_call_of_every_function_is_allowed_and_every_grant_is_used(
    recorder: CallRecorder,
    chalice_client: Any,
    aws: Any,
    clock: Clock,
    containers: dict[str, Any],
    template: dict[str, Any],
) -> None:
    run_journey(chalice_client, aws, clock)

    denied, used, unused = judge(recorder.calls, emulator_roles(template, aws))

    ran = {call.function for call in recorder.calls}
    assert {"APIHandler", "SendNewFollowups", "SendDueFollowups", "InboundSms"} <= ran
    assert set(containers) == set(FUNCTIONS)  # the authorizer ran too (it makes no call yet)
    assert denied == []
    unexplained = {
        function: sorted(
            grant
            for grant in grants
            if (function, grant.split(" on ")[0]) not in NOT_CALLED_BY_THE_CODE
            and ("*", grant.split(" on ")[0]) not in NOT_CALLED_BY_THE_CODE
        )
        for function, grants in unused.items()
    }
    remaining = {f: g for f, g in unexplained.items() if g}
    assert not remaining, "granted, never used:\n" + json.dumps(remaining, indent=1)
    print({function: sorted(actions) for function, actions in sorted(used.items())})


def test_erasure_is_allowed_its_batch_deletes(
    recorder: CallRecorder, chalice_client: Any, aws: Any, template: dict[str, Any]
) -> None:
    """``dynamodb:BatchWriteItem`` (storage/erasure.py): without it "Delete my data" and the
    admin API's erase are a 503 on AWS."""
    assert send_wishlist_form(chalice_client, "erase-batch-0001", "9876549999").status_code == 303

    erased = admin(chalice_client, "POST", "/contacts/erase", {"phone": "+919876549999"})

    assert erased.status_code == 200
    batches = [c for c in recorder.calls if c.operation == "BatchWriteItem"]
    assert batches
    assert {c.function for c in batches} == {"APIHandler"}
    denied, _, _ = judge(batches, emulator_roles(template, aws))
    assert denied == []
