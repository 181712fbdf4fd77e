"""Accounts' values: users, who is acting (a principal), sessions, sign-in attempts, audit
entries. Immutable; each change is a new value."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from chalicelib.accounts.roles import Action, Role, allows

USER_NAME = re.compile(r"[a-z][a-z0-9._-]{1,39}\Z")
"""A user's name: lower-case letters, digits, ``.``, ``_``, ``-``; 2 to 40 characters."""


@dataclass(frozen=True)
class User:
    name: str
    role: Role
    password_hash: str
    created_at: datetime
    disabled: bool = False

    def with_role(self, role: Role) -> User:
        return replace(self, role=role)

    def disabled_now(self) -> User:
        return replace(self, disabled=True)


@dataclass(frozen=True)
class Principal:
    """Who is making a request: a user with their role, or the bootstrap key (``role`` None),
    which may only create the first admin."""

    name: str
    role: Role | None

    @property
    def is_bootstrap(self) -> bool:
        return self.role is None

    def may(self, action: Action) -> bool:
        return self.role is not None and allows(self.role, action)


BOOTSTRAP = Principal("bootstrap-key", None)


@dataclass(frozen=True)
class Session:
    """A console sign-in, stored under the SHA-256 of its cookie's token (revocable)."""

    token_hash: str
    user: str
    created_at: datetime
    last_seen: datetime
    ended: bool = False

    def expired(self, now: datetime, idle: timedelta, absolute: timedelta) -> bool:
        return self.ended or now - self.last_seen >= idle or now - self.created_at >= absolute


@dataclass(frozen=True)
class Attempts:
    """Failed sign-ins of one subject (an account name, or a client address's hash) in the
    current window, and until when it is locked."""

    failures: int = 0
    window_start: datetime | None = None
    locked_until: datetime | None = None

    def locked(self, now: datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until


@dataclass(frozen=True)
class AuditEntry:
    """What was done, by whom, when, to what: never a customer's phone number or text."""

    at: datetime
    who: str
    action: str
    target: str = ""
    outcome: str = "ok"
    entry_id: str = ""
