"""Malformed inbound SMS: the local stack's SNS endpoint answers 400 (never a 5xx), and the
deployed ``inbound_sms`` function logs one line without the message and returns."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from chalicelib.responses.model import response_id
from tests.conftest import send_wishlist_form

INBOUND = "/_local/sns/inbound"
JSON = {"Content-Type": "application/json"}
SECRET_TEXT = "my private words 9876543210"


def envelope(message: object) -> bytes:
    return json.dumps({"Type": "Notification", "Message": message}).encode()


MALFORMED_BODIES = [
    b"not json at all",
    b"\xff\xfe\x00",
    b"[1, 2, 3]",
    b'"a string"',
    b"null",
    b'{"Type": "Notification"}',
    envelope(None),
    envelope(12),
    envelope({"originationNumber": "+919876543210"}),
    envelope("not json"),
    envelope("[]"),
    envelope('{"originationNumber": 919876543210, "messageBody": "STOP"}'),
    envelope('{"originationNumber": "+919876543210", "messageBody": ["STOP"]}'),
    envelope('{"originationNumber": "+919876543210"}'),
    envelope('{"originationNumber": "+9198", "messageBody": "x", "inboundMessageId": {}}'),
    envelope('{"originationNumber": "+91", "messageBody": "' + "1" * 5000 + '"}')[:-1],
    envelope('{"n": ' + "9" * 5000 + "}"),
    b'{"Type": "Notification", "Message": "{}", "n": ' + b"9" * 5000 + b"}",
    b'{"Type": "Notification", "Message": ' + b"[" * 5000 + b"]" * 5000 + b"}",
    envelope("[" * 5000 + "]" * 5000),
    b"{" * 100_000,
]


@pytest.mark.parametrize("body", MALFORMED_BODIES, ids=range(len(MALFORMED_BODIES)))
def test_a_malformed_inbound_body_answers_400_on_the_local_stack(
    chalice_client: Any, body: bytes
) -> None:
    answer = chalice_client.raw.http.post(INBOUND, headers=JSON, body=body)

    assert answer.status_code == 400, answer.body


def test_a_well_formed_stop_still_opts_out_and_a_confirmation_is_ignored(
    chalice_client: Any, aws: Any
) -> None:
    assert send_wishlist_form(chalice_client, "inbound-ok-0001", "9876543219").status_code == 303
    stop = {"originationNumber": "+919876543219", "messageBody": "STOP"}

    confirmation = chalice_client.raw.http.post(
        INBOUND, headers=JSON, body=b'{"Type": "SubscriptionConfirmation"}'
    )
    answer = chalice_client.raw.http.post(INBOUND, headers=JSON, body=envelope(json.dumps(stop)))

    assert confirmation.status_code == 200
    assert answer.status_code == 200, answer.body
    assert json.loads(answer.body) == {"outcome": "stop"}
    contact = aws.adapters.store.contact(aws.links.contact_id("+919876543219"))
    assert contact is not None
    assert contact.opted_out
    assert aws.adapters.store.get_response(response_id("wishlist", "inbound-ok-0001")) is not None


@pytest.fixture
def records() -> Iterator[list[logging.LogRecord]]:
    """What the app logs, as records."""
    from chalicelib.logs import get_logger

    seen: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = seen.append  # type: ignore[method-assign]
    get_logger().addHandler(handler)
    yield seen
    get_logger().removeHandler(handler)


@pytest.mark.parametrize(
    "message",
    [
        "not json",
        "[]",
        '{"originationNumber": 1, "messageBody": "' + SECRET_TEXT + '"}',
        '{"n": ' + "9" * 5000 + "}",
        "",
    ],
)
def test_the_deployed_function_logs_a_malformed_message_in_one_line_and_returns(
    chalice_client: Any, records: list[logging.LogRecord], message: str
) -> None:
    event = chalice_client.events.generate_sns_event(message=message)

    chalice_client.lambda_.invoke("inbound_sms", event)

    assert [(r.getMessage(), getattr(r, "outcome", None)) for r in records] == [
        ("sms.inbound", "malformed")
    ]
    assert SECRET_TEXT not in str(vars(records[0]))
