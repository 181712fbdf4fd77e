"""Who may send how many answers: per client address and per phone number (429 beyond)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from chalicelib.bootstrap import Services
from chalicelib.responses.validation import parse_phone
from chalicelib.web.http import WebRequest


def over_limit(
    services: Services, request: WebRequest, fields: Mapping[str, str], region: str
) -> int | None:
    """None if the answer may go on; else the seconds to wait."""
    now = services.clock()
    settings = services.settings
    checks = [("client", request.client or "unknown", settings.rate_per_client)]
    phone = parse_phone(fields.get("phone", "")[:40], region) if fields.get("phone") else None
    if phone:
        checks.append(("phone", phone, settings.rate_per_phone))
    for kind, key, (limit, seconds) in checks:
        if not services.limiter.allow(kind, key, limit, timedelta(seconds=seconds), now):
            return seconds
    return None
