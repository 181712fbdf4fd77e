"""What accounts need from storage (DynamoDB in ``chalicelib.storage.accounts``; an
in-memory fake in ``tests/fakes.py``)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from chalicelib.accounts.model import Attempts, AuditEntry, Session, User


class AccountStore(Protocol):
    def create_user(self, user: User) -> bool:
        """Add a user; False if one of that name exists."""
        ...

    def save_user(self, user: User) -> None:
        """Replace an existing user's record (role, password, disabled)."""
        ...

    def user(self, name: str) -> User | None: ...

    def users(self) -> list[User]:
        """Every user, by name."""
        ...

    def add_key(self, key_hash: str, user: str, at: datetime) -> None:
        """An API key of ``user``, stored as its SHA-256."""
        ...

    def key_owner(self, key_hash: str) -> str | None: ...

    def add_session(self, session: Session, expires: datetime) -> None: ...

    def session(self, token_hash: str) -> Session | None: ...

    def save_session(self, session: Session, expires: datetime) -> None:
        """Its ``last_seen`` moved, or it ended (sign-out)."""
        ...

    def attempts(self, subject: str) -> Attempts: ...

    def save_attempts(self, subject: str, attempts: Attempts, expires: datetime) -> None: ...


class AuditLog(Protocol):
    def record(self, entry: AuditEntry) -> None: ...

    def recent(self, limit: int) -> list[AuditEntry]:
        """The newest entries first."""
        ...
