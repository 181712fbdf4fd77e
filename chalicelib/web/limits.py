"""Who may send how many answers: per client address and per phone number (429 beyond)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from chalicelib.bootstrap import Services
from chalicelib.responses.validation import parse_phone
from chalicelib.storage.limits import Limit
from chalicelib.web.http import WebRequest


def answer_limits(
    services: Services, request: WebRequest, fields: Mapping[str, str], region: str
) -> list[Limit]:
    """The counters one more answer from this client (and phone) must stay under; they are
    checked and counted in the answer's own write."""
    now = services.clock()
    settings = services.settings
    checks = [("client", request.client or "unknown", settings.rate_per_client)]
    phone = parse_phone(fields.get("phone", "")[:40], region) if fields.get("phone") else None
    if phone:
        checks.append(("phone", phone, settings.rate_per_phone))
    return [
        services.limiter.limit(kind, key, most, timedelta(seconds=seconds), now)
        for kind, key, (most, seconds) in checks
    ]
