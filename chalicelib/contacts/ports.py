"""What contacts need from storage (DynamoDB in ``chalicelib.storage``; fakes in
``tests/fakes.py``)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from chalicelib.followups.model import Contact


class ContactStore(Protocol):
    def contact(self, contact_id: str) -> Contact | None: ...

    def opt_out(self, contact_id: str, at: datetime, source: str) -> Contact:
        """Mark the contact opted out (the first time counts) and cancel its pending jobs."""
        ...


class Eraser(Protocol):
    def erase(self, contact_id: str) -> int:
        """Delete everything about the contact; how many items went."""
        ...
