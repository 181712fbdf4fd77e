"""Structured logs: one JSON object per line, each with the request id, never personal data.

Powertools' Logger writes the JSON; modules log through it with ``event`` names and ids
(response, share, campaign), never phone numbers, e-mail addresses, names or customers' texts.
The Logger is made on first use, so a cold start whose request logs nothing never imports it.
"""

from __future__ import annotations

import threading
import uuid
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aws_lambda_powertools import Logger

_request: dict[str, str] = {}  # the bound request id, kept for a Logger made later


_made = threading.Lock()


@cache
def _made_once() -> Logger:
    from aws_lambda_powertools import Logger

    return Logger(service="samvad")


def _logger() -> Logger:
    """One Logger only, even when threads log first at once (the local stack's): a second
    Powertools Logger of the same service takes the first handler of the "samvad" logger for
    its own, and fails if that one is not Powertools'."""
    with _made:
        return _made_once()


def get_logger() -> Logger:
    """The one Logger, carrying the id of the request being served."""
    logger = _logger()
    logger.append_keys(**_request)
    return logger


def bind_request(request_id: str | None) -> str:
    """Every line logged until the next request carries this id."""
    rid = request_id or uuid.uuid4().hex
    _request["request_id"] = rid
    return rid


def event(name: str, **fields: Any) -> None:
    """A domain event, e.g. ``event("response.accepted", response_id=..., locale="hi")``."""
    get_logger().info(name, extra={"event": name, **fields})
