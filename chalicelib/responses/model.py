"""A customer's response to a campaign, as it is stored."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Consent:
    """What the customer agreed to, under which notice, in which language, and when."""

    purpose: str
    notice_version: str
    notice_locale: str
    given_at: datetime


@dataclass(frozen=True)
class Response:
    id: str
    campaign: str
    campaign_version: int
    locale: str
    answers: Mapping[str, str]
    phone: str | None
    consent: Consent | None
    created_at: datetime
    request_hash: str
    source: str = "direct"
    """Where the customer came from (the link's ``?src=``: a poster, a WhatsApp share)."""
    design_name: str | None = None
    """What the customer called their design (its choices are in ``answers``)."""
    referred_by: str | None = None
    """The share whose link brought the customer here."""
    variant: str | None = None
    """The A/B variant of the campaign's texts the customer saw (None: it has none)."""


def response_id(campaign: str, idempotency_key: str) -> str:
    """The same campaign and key always give the same id, so a double submit collides."""
    digest = hashlib.sha256(f"{campaign}\n{idempotency_key}".encode()).hexdigest()
    return digest[:32]


def request_hash(locale: str, answers: Mapping[str, str], phone: str | None, consent: bool) -> str:
    """Fingerprint of what was submitted, to tell a retry from a different answer."""
    canonical = json.dumps(
        {"locale": locale, "answers": dict(answers), "phone": phone, "consent": consent},
        sort_keys=True,
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()
