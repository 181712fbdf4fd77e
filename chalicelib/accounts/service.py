"""Accounts: users and their roles, API keys, console sign-in with lockout, sessions, and the
audit log. The admin API, the console and ``samvad users`` all go through ``AccountService``.

API keys are random (256 bits) and stored as their SHA-256: a fast hash is enough for a key no
one can guess, and lets a request find its key in one read. Passwords are people's, so they
get scrypt (``passwords.py``). The stage's shared key (``admin_key_sha256`` in its secret) is a
bootstrap: it may create the first admin and nothing else, and not even that once an enabled
admin exists.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

from chalicelib.accounts.model import (
    BOOTSTRAP,
    USER_NAME,
    Attempts,
    AuditEntry,
    Principal,
    Session,
    User,
)
from chalicelib.accounts.passwords import (
    DUMMY_HASH,
    hash_password,
    password_problem,
    verify_password,
)
from chalicelib.accounts.ports import AccountStore, AuditLog
from chalicelib.accounts.roles import Role
from chalicelib.errors import SamvadError

SESSION_IDLE = timedelta(hours=8)
SESSION_ABSOLUTE = timedelta(hours=12)
SESSION_TOUCH = timedelta(minutes=5)  # last_seen is written at most this often
MAX_ACCOUNT_FAILURES = 5  # failed sign-ins of one account within FAILURE_WINDOW lock it
MAX_CLIENT_FAILURES = 20  # ... and of one client address, whatever the names it tries
FAILURE_WINDOW = timedelta(minutes=15)
LOCK_FOR = timedelta(minutes=15)
AUDIT_PAGE = 100


class AccountProblem(SamvadError):
    """A user cannot be added or changed as asked (the message says why)."""


class NotAllowed(SamvadError):
    """The principal's role does not allow this."""


class SignInRefused(SamvadError):
    """Wrong name or password, a disabled user, or a lock: one message for all, so that it does
    not tell whether the account exists."""


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def pseudonym(item_id: str) -> str:
    """How the audit log names a customer's response or share: the first 12 hex digits of the
    id's SHA-256. An admin holding the id can find its entries; once the contact is erased, the
    log keeps nothing that leads back to them (their ids are gone from the table).

    >>> pseudonym("0" * 32)
    '#84e0c0eafaa9'
    """
    return "#" + sha256(item_id)[:12]


class AccountService:
    def __init__(
        self,
        *,
        store: AccountStore,
        audit: AuditLog,
        clock: Callable[[], datetime],
        bootstrap_key_sha256: Callable[[], str],
        token: Callable[[], str] = lambda: secrets.token_urlsafe(32),
        password_cost: int | None = None,
    ) -> None:
        self._store = store
        self._audit = audit
        self._clock = clock
        self._bootstrap = bootstrap_key_sha256
        self._token = token
        self._cost = password_cost

    # --- who is asking -------------------------------------------------------------------

    def principal_for_key(self, key: str) -> Principal | None:
        """The user an API key belongs to (if enabled), the bootstrap key, or None."""
        key = key.strip()
        if not key:
            return None
        digest = sha256(key)
        expected = self._bootstrap()
        if expected and hmac.compare_digest(digest, expected):
            return BOOTSTRAP
        owner = self._store.key_owner(digest)
        user = self._store.user(owner) if owner else None
        if user is None or user.disabled:
            return None
        return Principal(user.name, user.role)

    def principal_for_session(self, token: str) -> Principal | None:
        """The signed-in user of a console session, if it has not expired or ended."""
        if not token or len(token) > 128:
            return None
        now = self._clock()
        session = self._store.session(sha256(token))
        if session is None or session.expired(now, SESSION_IDLE, SESSION_ABSOLUTE):
            return None
        user = self._store.user(session.user)
        if user is None or user.disabled:
            return None
        if now - session.last_seen >= SESSION_TOUCH:
            self._store.save_session(replace(session, last_seen=now), self._ends(session))
        return Principal(user.name, user.role)

    # --- users ---------------------------------------------------------------------------

    def users(self) -> list[User]:
        return self._store.users()

    def admin_exists(self) -> bool:
        return any(u.role is Role.ADMIN and not u.disabled for u in self._store.users())

    def add_user(self, by: Principal, name: str, role: Role, password: str) -> User:
        """A new user. The bootstrap key may add only the first admin."""
        if by.is_bootstrap and (role is not Role.ADMIN or self.admin_exists()):
            self.record(by.name, "user.add", name, "refused")
            raise NotAllowed("the bootstrap key may only create the first admin")
        if not USER_NAME.fullmatch(name):
            raise AccountProblem(
                "a user name is 2-40 characters: lower-case letters, digits, . _ - "
                "(starting with a letter)"
            )
        problem = password_problem(password)
        if problem:
            raise AccountProblem(problem)
        user = User(name, role, self._hash(password), self._clock())
        if not self._store.create_user(user):
            raise AccountProblem(f"there is already a user {name}")
        self.record(by.name, "user.add", f"{name} ({role})")
        return user

    def set_role(self, by: Principal, name: str, role: Role) -> User:
        user = self._existing(name).with_role(role)
        self._store.save_user(user)
        self.record(by.name, "user.role", f"{name} ({role})")
        return user

    def disable(self, by: Principal, name: str) -> User:
        """The user can no longer sign in; their keys and sessions stop working at once."""
        user = self._existing(name).disabled_now()
        self._store.save_user(user)
        self.record(by.name, "user.disable", name)
        return user

    def set_password(self, by: Principal, name: str, password: str) -> User:
        problem = password_problem(password)
        if problem:
            raise AccountProblem(problem)
        user = replace(self._existing(name), password_hash=self._hash(password))
        self._store.save_user(user)
        self.record(by.name, "user.password", name)
        return user

    def issue_key(self, by: Principal, name: str) -> str:
        """A new API key for ``name``: returned once, stored only as its SHA-256."""
        user = self._existing(name)
        if user.disabled:
            raise AccountProblem(f"{name} is disabled")
        key = f"sk_{self._token()}"
        self._store.add_key(sha256(key), name, self._clock())
        self.record(by.name, "user.key", name)
        return key

    def _existing(self, name: str) -> User:
        user = self._store.user(name)
        if user is None:
            raise AccountProblem(f"there is no user {name}")
        return user

    def _hash(self, password: str) -> str:
        return (
            hash_password(password) if self._cost is None else hash_password(password, self._cost)
        )

    # --- console sign-in -----------------------------------------------------------------

    def sign_in(self, name: str, password: str, client: str) -> str:
        """A new session's token for the right name and password; ``SignInRefused`` otherwise,
        and while the account or the client address is locked. The log and the attempts'
        keys never hold what was typed as a name unless it names a user (a password typed in
        the wrong field stays out): attempts are kept under hashes of the name and address."""
        now = self._clock()
        name = name.strip().lower()[:64]
        user = self._store.user(name) if USER_NAME.fullmatch(name) else None
        who = user.name if user is not None else "unknown"
        subjects = (
            (f"user#{sha256(name)[:32]}", MAX_ACCOUNT_FAILURES, "account"),
            (f"client#{sha256(client)[:32]}", MAX_CLIENT_FAILURES, "client"),
        )
        if any(self._store.attempts(subject).locked(now) for subject, _, _ in subjects):
            self.record(who, "signin", "", "locked")
            raise SignInRefused("locked")
        right = verify_password(password, user.password_hash if user else DUMMY_HASH)
        if user is None or user.disabled or not right:
            self.record(who, "signin", "", "failed")
            for subject, limit, kind in subjects:
                self._failed(subject, limit, now, who, kind)
            raise SignInRefused("failed")
        self._store.save_attempts(subjects[0][0], Attempts(), now)
        token = self._token()
        self._store.add_session(Session(sha256(token), user.name, now, now), now + SESSION_ABSOLUTE)
        self.record(user.name, "signin", "", "ok")
        return token

    def _failed(self, subject: str, limit: int, now: datetime, who: str, kind: str) -> None:
        attempts = self._store.attempts(subject)
        if attempts.window_start is None or now - attempts.window_start >= FAILURE_WINDOW:
            attempts = Attempts(0, now)
        attempts = replace(attempts, failures=attempts.failures + 1)
        if attempts.failures >= limit:
            attempts = Attempts(0, None, now + LOCK_FOR)
            self.record(who, "signin.lock", kind)  # which lock; never the address
        self._store.save_attempts(subject, attempts, now + FAILURE_WINDOW + LOCK_FOR)

    def sign_out(self, token: str) -> None:
        session = self._store.session(sha256(token)) if token else None
        if session is not None and not session.ended:
            self._store.save_session(replace(session, ended=True), self._ends(session))
            self.record(session.user, "signout")

    @staticmethod
    def _ends(session: Session) -> datetime:
        return session.created_at + SESSION_ABSOLUTE

    # --- audit ---------------------------------------------------------------------------

    def record(self, who: str, action: str, target: str = "", outcome: str = "ok") -> None:
        """One line of the audit log (never a customer's number or text: ids only)."""
        entry = AuditEntry(self._clock(), who, action, target[:200], outcome, secrets.token_hex(6))
        self._audit.record(entry)

    def audit(self, limit: int = AUDIT_PAGE) -> list[AuditEntry]:
        return self._audit.recent(max(1, min(limit, AUDIT_PAGE)))
