"""A share: a design a customer passes on to friends, public once moderation allows it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Share:
    id: str
    campaign: str
    response_id: str
    locale: str
    message: str
    design_name: str
    status: str  # public | pending | rejected
    reasons: tuple[str, ...]
    sharer_contact: str | None
    created_at: datetime
    visits: int = 0
    referred: int = 0
    reward_granted_at: datetime | None = None

    @property
    def public(self) -> bool:
        return self.status == "public"
