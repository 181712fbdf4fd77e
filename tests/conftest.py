"""One fixture per real component: the in-process AWS mock, the emulator, the local stack."""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlencode

import boto3
import pytest
import requests

T = TypeVar("T")
PROJECT_DIR = Path(__file__).resolve().parents[1]
REGION = "ap-south-1"
ADMIN_KEY = "test-admin-key-not-a-secret"  # the API key of the admin user the stack creates
ADMIN_PASSWORD = "test-admin-password-not-a-secret"  # ... and that user's console password
BOOTSTRAP_KEY = "test-bootstrap-key-not-a-secret"  # the stage's shared key: first admin only
# Tests send many answers from one address; the limits have their own tests.
GENEROUS_LIMITS = {"SAMVAD_RATE_PER_CLIENT": "100000/60", "SAMVAD_RATE_PER_PHONE": "100000/60"}
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_REGION": REGION,
    "AWS_DEFAULT_REGION": REGION,
}

# Tests whose outcome could depend on the hour or the date (follow-ups, quiet hours, weekly
# caps, campaign windows, hourly budgets): `make test-clock` runs them again at 03:00 IST.
CLOCK_DEPENDENT = {
    "tests/http/test_campaigns_over_http.py",
    "tests/http/test_followup_faults_over_http.py",
    "tests/http/test_followups_over_http.py",
    "tests/http/test_stack_state.py",
    "tests/integration/test_followups_on_moto.py",
    "tests/integration/test_sms_budget.py",
    "tests/unit/test_compose.py",
    "tests/unit/test_loader.py",
    "tests/unit/test_quiet_hours.py",
}


# Tests that `make test` runs alone after the others (which run on every core, pytest-xdist):
# a load test, and a stop that must finish within five seconds.
SERIAL = {
    "tests/http/test_load.py",
    "tests/http/test_make_run.py",
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        path = item.path.relative_to(PROJECT_DIR).as_posix()
        if path in CLOCK_DEPENDENT:
            item.add_marker(pytest.mark.clock)
        if path in SERIAL:
            item.add_marker(pytest.mark.serial)


def pytest_sessionstart(session: pytest.Session) -> None:
    """Under `make test-clock`, refuse to pass at the real time: the fake clock must hold."""
    expected = os.environ.get("SAMVAD_TEST_CLOCK_AT")
    if expected:
        from datetime import UTC, datetime

        drift = abs(datetime.now(UTC) - datetime.fromisoformat(expected))
        if drift.total_seconds() > 600:
            raise pytest.UsageError(f"the clock is not at {expected} (libfaketime not loaded?)")


def eventually(check: Callable[[], T], timeout: float = 15.0) -> T:
    """What ``check`` returns once that is truthy. The local stack sends follow-ups after the
    request has returned (the table's stream is polled, as Lambda polls it on AWS)."""
    deadline = time.monotonic() + timeout
    while not (value := check()):
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout} s: {check} gave {value!r}")
        time.sleep(0.1)
    return value


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def dead_port() -> Iterator[int]:
    """A port that refuses every connection while the block runs: bound, never listening, so
    no other process (another test's emulator) can take it meanwhile."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield int(sock.getsockname()[1])


def in_process_client(service: str) -> Any:
    """A client of moto in-process (inside ``mock_aws``)."""
    return boto3.client(service, region_name=REGION)


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> Iterator[Any]:
    """moto in-process with the stage's resources created from infra/resources.yaml and the
    admin user ``local-admin`` (key ``ADMIN_KEY``; not with ``@pytest.mark.no_admin``);
    yields the app's Services wired to it (stage ``local``)."""
    from moto import mock_aws

    from chalicelib import bootstrap
    from chalicelib.campaigns.deployment import sync_definitions
    from chalicelib.local.accounts import ensure_admin
    from chalicelib.local.emulator import cheap_stream_copies
    from chalicelib.local.outbox import OUTBOX
    from chalicelib.local.resources import provision

    for name, value in FAKE_CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.setenv("SAMVAD_STAGE", "local")
    for name, value in GENEROUS_LIMITS.items():
        monkeypatch.setenv(name, value)
    cheap_stream_copies()
    with mock_aws():
        admin_hash = hashlib.sha256(BOOTSTRAP_KEY.encode()).hexdigest()
        # As the local stack: the resources, the secret with development keys, an admin.
        for name, value in provision(in_process_client, "local", admin_hash).items():
            monkeypatch.setenv(name, value)
        OUTBOX.clear()
        bootstrap.on_sns_client(OUTBOX.attach)
        bootstrap.reset()
        services = bootstrap.get_services()
        if not request.node.get_closest_marker("no_admin"):
            ensure_admin(services.adapters.accounts, ADMIN_KEY, ADMIN_PASSWORD, services.clock())
        sync_definitions(
            services.adapters.campaign_store, services.settings.campaigns_dir, services.clock()
        )
        yield services
        bootstrap.reset()


CSRF_COOKIE_VALUE = "0123456789abcdef0123456789abcdef"


def csrf_token() -> str:
    """What a browser would have: the cookie the first page set and its form token (the
    local stage's key). CSRF itself is tested through real page loads."""
    from chalicelib.local.resources import DEVELOPMENT_LINK_KEY
    from chalicelib.web.csrf import token_for

    return token_for(CSRF_COOKIE_VALUE, DEVELOPMENT_LINK_KEY)


class _StreamingHttp:
    """Chalice's test HTTP client, followed after each request by what Lambda's event source
    mapping does on AWS within a second: the table's new items go to ``send_new_followups``."""

    def __init__(self, http: Any, pump: Any) -> None:
        self._http = http
        self._pump = pump

    def request(self, *args: Any, **kwargs: Any) -> Any:
        answer = self._http.request(*args, **kwargs)
        self._pump.pump()
        return answer

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> Any:
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> Any:
        return self.request("PUT", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Any:
        return self.request("DELETE", path, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._http, name)


class _BrowserLikeHttp(_StreamingHttp):
    """... and sends forms the way a browser does after a page view: with the CSRF cookie
    and token; and keeps the cookie naming the answers it sent (their thanks pages)."""

    answered: str | None = None

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        headers = dict(kwargs.pop("headers", None) or {})
        if self.answered is not None:
            cookie = f"samvad_answered={self.answered}"
            headers["Cookie"] = f"{headers['Cookie']}; {cookie}" if "Cookie" in headers else cookie
        answer = super().request(method, path, headers=headers, **kwargs)
        set_cookies = answer.headers.get("Set-Cookie") or []
        for line in [set_cookies] if isinstance(set_cookies, str) else set_cookies:
            if line.startswith("samvad_answered="):
                self.answered = line.split(";", 1)[0].removeprefix("samvad_answered=")
        return answer

    def post(self, path: str, headers: dict[str, str] | None = None, body: Any = b"") -> Any:
        headers = dict(headers or {})
        if headers.get("Content-Type") == "application/x-www-form-urlencoded":
            try:
                text = body.decode() if isinstance(body, bytes) else str(body)
            except UnicodeDecodeError:
                text = "csrf="  # a broken body stays as it is
            if "csrf=" not in text:
                body = f"csrf={csrf_token()}&{text}" if text else f"csrf={csrf_token()}"
            cookie = f"samvad_csrf={CSRF_COOKIE_VALUE}"
            headers["Cookie"] = f"{headers['Cookie']}; {cookie}" if "Cookie" in headers else cookie
        return self.request("POST", path, headers=headers, body=body)


class _Client:
    def __init__(self, client: Any, http: Any) -> None:
        self._client = client
        self.http = http

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)


@pytest.fixture
def stream(aws: Any) -> Any:
    """The table's stream of the ``aws`` fixture, handed to app.py's ``send_new_followups``
    on each ``stream.pump()``: what Lambda's event source mapping does on AWS (tests that
    write without the test client call it themselves)."""
    from app import send_new_followups
    from chalicelib.local.streams import table_stream

    return table_stream(aws, send_new_followups)


@pytest.fixture
def chalice_client(aws: Any, stream: Any) -> Iterator[Any]:
    """Chalice's in-process test client for app.py, over the mocked AWS of ``aws``; after each
    request the table's stream is pumped (``.raw`` is the client without the browser's CSRF
    cookie)."""
    from chalice.test import Client

    from app import app
    from chalicelib.local.routes import register_local_routes

    register_local_routes(app)
    with Client(app, stage_name="local") as client:
        browser = _Client(client, _BrowserLikeHttp(client.http, stream))
        browser.raw = _Client(client, _StreamingHttp(client.http, stream))
        yield browser


def send_wishlist_form(
    client: Any, token: str, phone: str, locale: str = "hi", **extra: str
) -> Any:
    """The sample's form as a customer sends it through ``chalice_client``: the tawa, a phone
    number and consent to follow-up SMS. Returns Chalice's response."""
    fields = {"form_token": token, "product": "tawa", "phone": phone, "consent": "yes", **extra}
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    return client.http.post(f"/{locale}/c/wishlist", headers=form, body=urlencode(fields))


@dataclass
class Emulator:
    endpoint: str
    _stop: Any = field(repr=False)

    def client(self, service: str) -> Any:
        return boto3.client(service, region_name=REGION, endpoint_url=self.endpoint)

    def sms_messages(self) -> list[tuple[str, str]]:
        """(phone number, text) of every SMS the emulator accepted: its own record."""
        from moto.core import DEFAULT_ACCOUNT_ID
        from moto.sns.models import sns_backends

        return list(sns_backends[DEFAULT_ACCOUNT_ID][REGION].sms_messages.values())


@pytest.fixture(scope="session")
def _emulator_server() -> Iterator[Emulator]:
    """One moto server per test process (each xdist worker has its own): the first start
    imports moto for seconds, a reset takes milliseconds."""
    from chalicelib.local.emulator import serialized_emulator

    port = free_port()
    server = serialized_emulator(port)
    server.start()
    yield Emulator(f"http://127.0.0.1:{port}", server.stop)
    server.stop()


@pytest.fixture(scope="module")
def emulator(_emulator_server: Emulator) -> Iterator[Emulator]:
    """A moto server in this process on a free port, so tests can read its records; reset
    for each module, so a module sees only what its own tests did."""
    saved = {name: os.environ.get(name) for name in FAKE_CREDENTIALS}
    os.environ.update(FAKE_CREDENTIALS)
    requests.post(f"{_emulator_server.endpoint}/moto-api/reset", timeout=10)
    yield _emulator_server
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@dataclass
class RunningStack:
    base_url: str
    process: subprocess.Popen[bytes]
    log: Path
    answered: str | None = None
    """The cookie naming the answers sent through ``post`` (what unlocks their thanks pages),
    sent back with every request as a browser does."""

    @property
    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def _remember(self, answer: requests.Response) -> requests.Response:
        if "samvad_answered" in answer.cookies:
            self.answered = answer.cookies["samvad_answered"]
        return answer

    def _with_answers(self, kwargs: dict[str, Any]) -> None:
        if self.answered is not None:
            cookies = dict(kwargs.get("cookies") or {})
            cookies.setdefault("samvad_answered", self.answered)
            kwargs["cookies"] = cookies

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("allow_redirects", False)
        self._with_answers(kwargs)
        return self._remember(requests.get(self.base_url + path, timeout=10, **kwargs))

    def post(self, path: str, *, csrf: bool = True, **kwargs: Any) -> requests.Response:
        """A POST as a browser sends it after a page view: forms carry the CSRF cookie and
        token (``csrf=False`` for a request from elsewhere)."""
        kwargs.setdefault("allow_redirects", False)
        data = kwargs.get("data")
        if csrf and isinstance(data, dict) and "csrf" not in data:
            kwargs["data"] = {**data, "csrf": csrf_token()}
            cookies = dict(kwargs.get("cookies") or {})
            cookies.setdefault("samvad_csrf", CSRF_COOKIE_VALUE)
            kwargs["cookies"] = cookies
        self._with_answers(kwargs)
        return self._remember(requests.post(self.base_url + path, timeout=10, **kwargs))

    def stop(self) -> int:
        """Ctrl-C, as a developer would; returns the exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout=30)


def start_stack(
    env: dict[str, str],
    log: Path,
    timeout: float = 90.0,
    tree: Path = PROJECT_DIR,
    module: str = "chalicelib.local.stack",
) -> RunningStack:
    """``python -m chalicelib.local.stack`` (what ``make run`` starts) on a free port, from
    the source ``tree`` (``module="tests.lean_run"``: with only what ``make run`` installs
    importable). Output goes to a file: a pipe nobody reads would block the server once full."""
    port = free_port()
    inherited = {k: v for k, v in os.environ.items() if k != "AWS_ENDPOINT_URL"}
    # Each stack's state file beside its log: never the repository's (a developer's `make run`).
    state = {"SAMVAD_STACK_STATE": str(log.with_suffix(".state.json"))}
    full_env = {**inherited, **state, **env, "PORT": str(port), "PYTHONUNBUFFERED": "1"}
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", module],
            cwd=tree,
            env=full_env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    running = RunningStack(f"http://127.0.0.1:{port}", process, log)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        if "Press Ctrl-C to stop." in running.output:
            return running
        time.sleep(0.2)
    process.kill()
    process.wait()
    raise AssertionError("local stack did not start:\n" + running.output)


@pytest.fixture(scope="module")
def stack(emulator: Emulator, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    """The local stack in a subprocess, using the test's emulator through AWS_ENDPOINT_URL."""
    log = tmp_path_factory.mktemp("stack") / "stack.log"
    running = start_stack(
        {
            "AWS_ENDPOINT_URL": emulator.endpoint,
            "SAMVAD_ADMIN_KEY": ADMIN_KEY,
            "SAMVAD_ADMIN_PASSWORD": ADMIN_PASSWORD,
            **GENEROUS_LIMITS,
        },
        log,
    )
    yield running
    running.stop()


STAGE_PATH = "/api"  # where API Gateway serves a stage without a custom domain


@pytest.fixture(scope="module")
def mounted_stack(
    emulator: Emulator, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningStack]:
    """The local stack serving the app under ``STAGE_PATH`` only, as API Gateway serves a
    stage; ``base_url`` (and the stack's SAMVAD_PUBLIC_URL) ends with it."""
    log = tmp_path_factory.mktemp("mounted") / "stack.log"
    env = {
        "AWS_ENDPOINT_URL": emulator.endpoint,
        "SAMVAD_ADMIN_KEY": ADMIN_KEY,
        "SAMVAD_ADMIN_PASSWORD": ADMIN_PASSWORD,
        "SAMVAD_LOCAL_STAGE_PATH": STAGE_PATH,
        **GENEROUS_LIMITS,
    }
    running = start_stack(env, log)
    running.base_url += STAGE_PATH
    yield running
    running.stop()
