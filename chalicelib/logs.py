"""Structured logs: one JSON object per line, each with the request id, never personal data.

Powertools' Logger writes the JSON; modules log through it with ``event`` names and ids
(response, share, campaign), never phone numbers, e-mail addresses, names or customers' texts.
"""

from __future__ import annotations

import uuid
from typing import Any

from aws_lambda_powertools import Logger

logger = Logger(service="samvad")


def bind_request(request_id: str | None) -> str:
    """Every line logged until the next request carries this id."""
    rid = request_id or uuid.uuid4().hex
    logger.append_keys(request_id=rid)
    return rid


def event(name: str, **fields: Any) -> None:
    """A domain event, e.g. ``event("response.accepted", response_id=..., locale="hi")``."""
    logger.info(name, extra={"event": name, **fields})
