"""Structured logs: one JSON object per line, each with the request id, never personal data.

The standard ``logging`` module writes the lines, in the shape of Lambda's JSON log format
(``timestamp``, ``level``, ``message``, ``logger``) plus ``service``, ``request_id`` and the
event's fields. Modules log through it with ``event`` names and ids (response, share,
campaign), never phone numbers, e-mail addresses, names or customers' texts.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import threading
import uuid
from datetime import UTC, datetime
from typing import Any

SERVICE = "samvad"
_request: dict[str, str] = {}  # the bound request id, added to every line until the next
# What every LogRecord carries; anything else on a record came from ``extra=``.
_STANDARD = {*vars(logging.makeLogRecord({})), "message", "asctime", "taskName"}
_made = threading.Lock()


class JsonFormatter(logging.Formatter):
    """A record as one JSON line, as Lambda's JSON log format writes it, with its extras."""

    def format(self, record: logging.LogRecord) -> str:
        at = datetime.fromtimestamp(record.created, UTC)
        line: dict[str, Any] = {
            "timestamp": at.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname,
            "message": record.getMessage(),
            "logger": record.name,
            "service": SERVICE,
            **_request,
        }
        line.update((k, v) for k, v in vars(record).items() if k not in _STANDARD)
        if record.exc_info:
            line["exception_name"] = record.exc_info[0].__name__ if record.exc_info[0] else None
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def get_logger() -> logging.Logger:
    """The "samvad" logger, writing JSON lines to stdout (what Lambda sends to CloudWatch).
    Set up once, even when threads log first at once (the local stack's)."""
    logger = logging.getLogger(SERVICE)
    with _made:
        if not any(isinstance(h.formatter, JsonFormatter) for h in logger.handlers):
            handler = logging.StreamHandler(sys.stdout)
            handler.setFormatter(JsonFormatter())
            logger.handlers = [handler]
            logger.propagate = False  # Lambda's own root handler would write it a second time
            level = os.environ.get("SAMVAD_LOG_LEVEL") or os.environ.get("AWS_LAMBDA_LOG_LEVEL")
            # Lambda's levels include TRACE, which logging does not know: INFO then.
            names = logging.getLevelNamesMapping()
            logger.setLevel(names.get((level or "INFO").upper(), logging.INFO))
    return logger


def bind_request(request_id: str | None) -> str:
    """Every line logged until the next request carries this id."""
    rid = request_id or uuid.uuid4().hex
    _request["request_id"] = rid
    return rid


def event(name: str, **fields: Any) -> None:
    """A domain event, e.g. ``event("response.accepted", response_id=..., locale="hi")``."""
    get_logger().info(name, extra={"event": name, **fields})
