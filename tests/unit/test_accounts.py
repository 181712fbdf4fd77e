"""Accounts over the fakes: passwords, the roles table, the bootstrap key, API keys, sign-in
lockout, sessions and CSRF on the console's forms (the clock is injected)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlencode

import pytest

from chalicelib.accounts.model import BOOTSTRAP, Principal
from chalicelib.accounts.passwords import hash_password, verify_password
from chalicelib.accounts.roles import ALLOWED, Action, Role, allows
from chalicelib.accounts.service import (
    LOCK_FOR,
    MAX_ACCOUNT_FAILURES,
    MAX_CLIENT_FAILURES,
    SESSION_ABSOLUTE,
    SESSION_IDLE,
    AccountProblem,
    AccountService,
    NotAllowed,
    SignInRefused,
    sha256,
)
from chalicelib.consent.keys import Keys
from chalicelib.web import console, csrf
from chalicelib.web.http import WebRequest, WebResponse
from tests.fakes import Clock, FakeAccounts, FakeAudit

NOW = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
BOOTSTRAP_KEY = "the-stages-shared-key"
PASSWORD = "a long enough password"
CHEAP = 2**10  # scrypt's cost in these tests: the parameters have their own test


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture
def audit() -> FakeAudit:
    return FakeAudit()


@pytest.fixture
def service(clock: Clock, audit: FakeAudit) -> AccountService:
    return AccountService(
        store=FakeAccounts(),
        audit=audit,
        clock=clock,
        bootstrap_key_sha256=lambda: sha256(BOOTSTRAP_KEY),
        password_cost=CHEAP,
    )


def admin_of(service: AccountService) -> Principal:
    service.add_user(BOOTSTRAP, "asha", Role.ADMIN, PASSWORD)
    return Principal("asha", Role.ADMIN)


def test_a_password_verifies_only_as_itself_and_each_hash_has_its_own_salt() -> None:
    stored = hash_password("correct horse battery", cost=CHEAP)

    assert verify_password("correct horse battery", stored)
    assert not verify_password("correct horse battery!", stored)
    assert not verify_password("", stored)
    assert hash_password("correct horse battery", cost=CHEAP) != stored  # a new salt
    assert stored.split("$")[1:4] == [str(CHEAP), "8", "1"]  # parameters kept with it


def test_the_default_scrypt_parameters_are_memory_hard() -> None:
    n, r, p = (int(x) for x in hash_password("x" * 10).split("$")[1:4])

    assert 128 * n * r * p >= 32 * 1024 * 1024  # bytes of memory per hash


def test_each_role_may_do_what_the_one_below_may_and_exactly_its_own() -> None:
    assert ALLOWED[Role.VIEWER] == {Action.READ_CAMPAIGNS}
    assert ALLOWED[Role.EDITOR] - ALLOWED[Role.VIEWER] == {
        Action.READ_ANSWERS,
        Action.DEPLOY,
        Action.MODERATE,
        Action.REPLY,
    }
    assert ALLOWED[Role.PUBLISHER] - ALLOWED[Role.EDITOR] == {Action.PUBLISH, Action.ROLLBACK}
    assert ALLOWED[Role.ADMIN] - ALLOWED[Role.PUBLISHER] == {
        Action.ERASE,
        Action.MANAGE_USERS,
        Action.READ_AUDIT,
    }
    assert not allows(Role.VIEWER, Action.PUBLISH)
    assert not allows(Role.EDITOR, Action.ERASE)
    assert set(ALLOWED[Role.ADMIN]) == set(Action)


def test_the_bootstrap_key_creates_the_first_admin_and_nothing_else(
    service: AccountService, audit: FakeAudit
) -> None:
    assert service.principal_for_key(BOOTSTRAP_KEY) == BOOTSTRAP
    with pytest.raises(NotAllowed):
        service.add_user(BOOTSTRAP, "ravi", Role.EDITOR, PASSWORD)  # not an admin

    service.add_user(BOOTSTRAP, "asha", Role.ADMIN, PASSWORD)

    with pytest.raises(NotAllowed):
        service.add_user(BOOTSTRAP, "second", Role.ADMIN, PASSWORD)
    assert [u.name for u in service.users()] == ["asha"]
    assert [(e.who, e.action, e.outcome) for e in audit.entries] == [
        ("bootstrap-key", "user.add", "refused"),
        ("bootstrap-key", "user.add", "ok"),
        ("bootstrap-key", "user.add", "refused"),
    ]


def test_an_api_key_names_its_user_until_the_user_is_disabled(service: AccountService) -> None:
    admin = admin_of(service)
    service.add_user(admin, "ravi", Role.EDITOR, PASSWORD)
    key = service.issue_key(admin, "ravi")

    assert service.principal_for_key(key) == Principal("ravi", Role.EDITOR)
    service.set_role(admin, "ravi", Role.PUBLISHER)
    assert service.principal_for_key(key) == Principal("ravi", Role.PUBLISHER)
    assert service.principal_for_key(key + "x") is None
    assert service.principal_for_key("") is None
    service.disable(admin, "ravi")
    assert service.principal_for_key(key) is None
    assert key not in str(service._store.keys)  # type: ignore[attr-defined]  # only its hash


def test_names_and_passwords_are_checked(service: AccountService) -> None:
    admin = admin_of(service)

    with pytest.raises(AccountProblem, match="10 characters"):
        service.add_user(admin, "ravi", Role.EDITOR, "short")
    with pytest.raises(AccountProblem, match="user name"):
        service.add_user(admin, "Ravi Kumar", Role.EDITOR, PASSWORD)
    with pytest.raises(AccountProblem, match="already"):
        service.add_user(admin, "asha", Role.VIEWER, PASSWORD)
    with pytest.raises(AccountProblem, match="no user"):
        service.set_role(admin, "nobody", Role.VIEWER)


def test_five_failures_lock_the_account_for_fifteen_minutes(
    service: AccountService, clock: Clock, audit: FakeAudit
) -> None:
    admin_of(service)
    for _ in range(MAX_ACCOUNT_FAILURES):
        with pytest.raises(SignInRefused):
            service.sign_in("asha", "wrong password!", "203.0.113.1")

    with pytest.raises(SignInRefused):  # locked: the right password does not help
        service.sign_in("asha", PASSWORD, "198.51.100.7")
    clock.advance(LOCK_FOR - timedelta(seconds=1))
    with pytest.raises(SignInRefused):
        service.sign_in("asha", PASSWORD, "198.51.100.7")
    clock.advance(timedelta(seconds=1))
    assert service.sign_in("asha", PASSWORD, "198.51.100.7")
    outcomes = [(e.action, e.outcome) for e in audit.entries if e.action.startswith("signin")]
    assert outcomes == [
        *[("signin", "failed")] * 5,
        ("signin.lock", "ok"),
        ("signin", "locked"),
        ("signin", "locked"),
        ("signin", "ok"),
    ]


def test_failures_spread_over_more_than_the_window_do_not_lock(
    service: AccountService, clock: Clock
) -> None:
    admin_of(service)
    for _ in range(MAX_ACCOUNT_FAILURES * 2):
        with pytest.raises(SignInRefused):
            service.sign_in("asha", "wrong password!", "203.0.113.1")
        clock.advance(timedelta(minutes=4))
        if _ % 3 == 2:
            clock.advance(timedelta(minutes=4))  # a new window before the fifth failure

    assert service.sign_in("asha", PASSWORD, "203.0.113.2")


def test_an_unknown_name_fails_and_locks_as_a_known_one(
    service: AccountService, audit: FakeAudit
) -> None:
    admin_of(service)
    for name in ("asha", "nobody"):
        for _ in range(MAX_ACCOUNT_FAILURES):
            with pytest.raises(SignInRefused) as refused:
                service.sign_in(name, "wrong password!", f"203.0.113.{len(name)}")
            assert str(refused.value) == "failed"
        with pytest.raises(SignInRefused) as locked:
            service.sign_in(name, "wrong password!", f"203.0.113.{len(name)}")
        assert str(locked.value) == "locked"
    # What was typed as a name is not kept unless it names a user (it may be a password).
    assert {e.who for e in audit.entries} == {"bootstrap-key", "asha", "unknown"}


def test_one_address_trying_many_names_is_locked(service: AccountService) -> None:
    admin_of(service)
    for n in range(MAX_CLIENT_FAILURES):
        with pytest.raises(SignInRefused):
            service.sign_in(f"guess{n}", "wrong password!", "203.0.113.66")

    with pytest.raises(SignInRefused, match="locked"):
        service.sign_in("asha", PASSWORD, "203.0.113.66")
    assert service.sign_in("asha", PASSWORD, "203.0.113.67")  # another address is not


def test_a_session_ends_when_idle_too_long(service: AccountService, clock: Clock) -> None:
    admin_of(service)
    busy = service.sign_in("asha", PASSWORD, "203.0.113.1")
    idle = service.sign_in("asha", PASSWORD, "203.0.113.1")

    clock.advance(SESSION_IDLE - timedelta(minutes=1))
    assert service.principal_for_session(busy) == Principal("asha", Role.ADMIN)
    clock.advance(timedelta(minutes=1))
    assert service.principal_for_session(busy) is not None  # seen a minute ago
    assert service.principal_for_session(idle) is None  # not seen for eight hours


def test_a_session_ends_after_twelve_hours_however_busy(
    service: AccountService, clock: Clock
) -> None:
    admin_of(service)
    token = service.sign_in("asha", PASSWORD, "203.0.113.1")
    for _ in range(int(SESSION_ABSOLUTE / timedelta(hours=1)) - 1):
        clock.advance(timedelta(hours=1))
        assert service.principal_for_session(token) is not None

    clock.advance(timedelta(hours=1))
    assert service.principal_for_session(token) is None


def test_signing_out_or_disabling_ends_the_session(service: AccountService) -> None:
    admin = admin_of(service)
    service.add_user(admin, "ravi", Role.VIEWER, PASSWORD)
    mine = service.sign_in("asha", PASSWORD, "203.0.113.1")
    ravis = service.sign_in("ravi", PASSWORD, "203.0.113.2")

    service.sign_out(mine)
    service.disable(admin, "ravi")

    assert service.principal_for_session(mine) is None
    assert service.principal_for_session(ravis) is None
    assert service.principal_for_session("not-a-token") is None
    with pytest.raises(SignInRefused):
        service.sign_in("ravi", PASSWORD, "203.0.113.2")


def _console_services(service: AccountService) -> Any:
    keys = Keys(b"c" * 32, b"l" * 32)
    return SimpleNamespace(accounts=service, keys=lambda: keys)


def _sign_in(services: Any, cookie: str, fields: dict[str, str]) -> Any:
    request = WebRequest(
        headers={"cookie": f"{csrf.COOKIE}={cookie}"},
        body=urlencode(fields).encode(),
        client="203.0.113.1",
    )
    return console.sign_in(services, request)


def test_the_console_refuses_a_sign_in_without_its_csrf_token(service: AccountService) -> None:
    admin_of(service)
    services = _console_services(service)
    cookie = "0123456789abcdef0123456789abcdef"
    right = csrf.token_for(cookie, b"l" * 32)
    fields = {"name": "asha", "password": PASSWORD}

    missing = _sign_in(services, cookie, fields)
    forged = _sign_in(services, cookie, {**fields, "csrf": csrf.token_for("other" * 4, b"l" * 32)})
    accepted = _sign_in(services, cookie, {**fields, "csrf": right})

    assert (missing.status, forged.status) == (403, 403)
    assert not any(c.startswith("samvad_console=") for c in missing.cookies + forged.cookies)
    assert accepted.status == 303
    assert accepted.cookies[0].startswith("samvad_console=")


def test_a_console_form_needs_the_session_the_role_and_the_csrf_token(
    service: AccountService,
) -> None:
    admin = admin_of(service)
    service.add_user(admin, "vina", Role.VIEWER, PASSWORD)
    services = _console_services(service)
    cookie = "0123456789abcdef0123456789abcdef"
    right = csrf.token_for(cookie, b"l" * 32)
    done: list[tuple[str, dict[str, str]]] = []

    def post(user: str | None, token: str) -> int:
        session = service.sign_in(user, PASSWORD, "203.0.113.1") if user else "none"
        request = WebRequest(
            headers={"cookie": f"{csrf.COOKIE}={cookie}; samvad_console={session}"},
            body=urlencode({"csrf": token, "version": "2"}).encode(),
        )

        def publish(who: Principal, fields: dict[str, str]) -> Any:
            done.append((who.name, fields))
            return WebResponse.redirect("/console", 303)

        return console.signed_in_form(services, request, Action.PUBLISH, publish).status

    assert post(None, right) == 303  # to the sign-in page
    assert post("vina", right) == 403  # a viewer may not publish
    assert post("asha", "0" * 32) == 403  # a forged form
    assert done == []
    assert post("asha", right) == 303
    assert done == [("asha", {"csrf": right, "version": "2"})]
