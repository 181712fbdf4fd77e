"""Customers' SMS answers as AWS two-way SMS publishes them to the inbound topic: the message
is read here, at the edge, and handed to the dialogue service."""

from __future__ import annotations

from chalicelib.web.http import BadRequest, WebRequest

INBOUND_TEXT_FIELDS = ("originationNumber", "messageBody")
INBOUND_OPTIONAL_FIELDS = ("inboundMessageId", "previousPublishedMessageId", "destinationNumber")
INBOUND_MAX_BYTES = 64 * 1024


def inbound_payload(message: object) -> dict[str, str] | None:
    """The fields of one inbound SMS (the SNS message's JSON text), or None when malformed:
    an SNS topic takes messages from anyone allowed to publish, not only from AWS.

    >>> inbound_payload('{"originationNumber": "+919812345678", "messageBody": "STOP"}')
    {'originationNumber': '+919812345678', 'messageBody': 'STOP'}
    >>> [inbound_payload(m) for m in ("[]", "{", '{"messageBody": 1}', "1" * 5000, None)]
    [None, None, None, None, None]
    """
    if not isinstance(message, str):
        return None
    body = message.encode("utf-8", "replace")
    try:
        payload = WebRequest(body=body).json(INBOUND_MAX_BYTES)
    except BadRequest:
        return None
    if not isinstance(payload, dict):
        return None
    fields: dict[str, str] = {}
    for name in INBOUND_TEXT_FIELDS + INBOUND_OPTIONAL_FIELDS:
        value = payload.get(name)
        if value is None and name in INBOUND_OPTIONAL_FIELDS:
            continue
        if not isinstance(value, str):
            return None
        fields[name] = value
    return fields
