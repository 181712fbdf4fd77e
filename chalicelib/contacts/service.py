"""Stop messages to a contact (the unsubscribe link, a STOP reply) and erase a contact."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from chalicelib.contacts.ports import ContactStore, Eraser
from chalicelib.followups.model import Contact
from chalicelib.logs import event


class ContactService:
    def __init__(
        self, *, contacts: ContactStore, eraser: Eraser, clock: Callable[[], datetime]
    ) -> None:
        self._contacts = contacts
        self._eraser = eraser
        self._clock = clock

    def get(self, contact_id: str) -> Contact | None:
        return self._contacts.contact(contact_id)

    def opted_out(self, contact_id: str) -> bool:
        contact = self._contacts.contact(contact_id)
        return contact is not None and contact.opted_out

    def opt_out(self, contact_id: str, source: str, at: datetime | None = None) -> None:
        """No more messages to the contact; its pending follow-ups are cancelled."""
        self._contacts.opt_out(contact_id, at or self._clock(), source)

    def erase(self, contact_id: str, by: str) -> int:
        """Delete everything about the contact (only anonymous counters stay)."""
        deleted = self._eraser.erase(contact_id)
        event("contact.erased", contact_id=contact_id, items=deleted, by=by)
        return deleted
