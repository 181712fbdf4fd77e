"""A deployed stage fails closed (moto in-process, app.py through Chalice's test client with
the ``prod`` stage's configuration): missing a setting or its secret, every request answers
503 and one log line says what is missing; complete, it never serves the local stack's pages."""

from __future__ import annotations

import hashlib
import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from chalicelib.local.resources import DEVELOPMENT_CONTACT_KEY, DEVELOPMENT_LINK_KEY
from tests.conftest import ADMIN_KEY, FAKE_CREDENTIALS, in_process_client

PATHS = [
    "/",
    "/hi/c/wishlist",
    "/c/wishlist",
    "/static/samvad.css",
    "/api/v1/openapi.json",
]  # /_local/* are not app.py's (the local stack registers them): never served here


@pytest.fixture
def prod(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """moto in-process with the prod stage's resources and secret; the environment the
    packaged template gives the functions. Yields those settings (change them, then
    ``bootstrap.reset()``)."""
    from moto import mock_aws

    from chalicelib import bootstrap
    from chalicelib.campaigns.deployment import sync_definitions
    from chalicelib.local.resources import provision

    for name, value in FAKE_CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        settings = {
            "SAMVAD_STAGE": "prod",
            "SAMVAD_PUBLIC_URL": "https://samvad.example",
            **provision(in_process_client, "prod", hashlib.sha256(ADMIN_KEY.encode()).hexdigest()),
        }
        for name, value in settings.items():
            monkeypatch.setenv(name, value)
        bootstrap.reset()
        services = bootstrap.get_services()
        sync_definitions(
            services.adapters.campaign_store, services.settings.campaigns_dir, services.clock()
        )
        bootstrap.reset()
        yield settings
        bootstrap.reset()


@pytest.fixture
def client(prod: dict[str, str], tmp_path: Path) -> Iterator[Any]:
    """Chalice's test client with a stage that sets no environment of its own: the app sees
    only what ``prod`` set, as a deployed function sees only its template's variables."""
    from chalice.test import Client

    from app import app

    config = {"version": "2.0", "app_name": "samvad", "stages": {"prod": {}}}
    (tmp_path / ".chalice").mkdir()
    (tmp_path / ".chalice" / "config.json").write_text(json.dumps(config), encoding="utf-8")
    with Client(app, stage_name="prod", project_dir=str(tmp_path)) as test_client:
        yield test_client


@pytest.fixture
def log() -> Iterator[io.StringIO]:
    """What the app logs, as lines."""
    from chalicelib.logs import get_logger

    logger = get_logger()
    lines = io.StringIO()
    handler = logging.StreamHandler(lines)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger.addHandler(handler)
    yield lines
    logger.removeHandler(handler)


def test_a_complete_deployed_stage_serves_pages_but_never_the_local_ones(client: Any) -> None:
    page = client.http.get("/hi/c/wishlist")
    outbox = client.http.get("/_local/outbox")
    jobs = client.http.get("/_local/outbox?format=jobs")
    inbound = client.http.post(
        "/_local/sns/inbound",
        headers={"Content-Type": "application/json"},
        body=b'{"Type": "Notification", "Message": "{}"}',
    )

    assert page.status_code == 200
    assert page.headers["Strict-Transport-Security"].startswith("max-age=")
    assert [r.status_code in (403, 404) for r in (outbox, jobs, inbound)] == [True] * 3
    assert b"outbox" not in outbox.body.lower()


@pytest.mark.parametrize(
    "missing", ["SAMVAD_SECRET_ID", "SAMVAD_STAGE", "SAMVAD_TABLE", "SAMVAD_PUBLIC_URL"]
)
def test_a_function_missing_a_setting_answers_503_and_logs_one_line_naming_it(
    client: Any, log: io.StringIO, monkeypatch: pytest.MonkeyPatch, missing: str
) -> None:
    from chalicelib import bootstrap

    monkeypatch.delenv(missing)
    bootstrap.reset()

    answers = [client.http.get(path) for path in PATHS * 2]

    assert [a.status_code for a in answers] == [503] * len(answers)
    assert all("Strict-Transport-Security" in a.headers for a in answers)
    lines = log.getvalue().splitlines()
    assert len(lines) == 1, lines
    assert missing in lines[0]
    assert lines[0].startswith("ERROR cannot serve")
    assert DEVELOPMENT_LINK_KEY.decode() not in log.getvalue()


def test_a_deployed_function_whose_secret_is_gone_answers_503_and_logs_why_once(
    client: Any, prod: dict[str, str], log: io.StringIO
) -> None:
    from chalicelib import bootstrap

    bootstrap.get_services().adapters.secretsmanager.delete_secret(
        SecretId=prod["SAMVAD_SECRET_ID"], ForceDeleteWithoutRecovery=True
    )
    bootstrap.reset()

    answers = [client.http.get(path) for path in PATHS]

    assert [a.status_code for a in answers] == [503] * len(PATHS)
    lines = log.getvalue().splitlines()
    assert len(lines) == 1, lines
    assert "ResourceNotFoundException" in lines[0]


def test_a_secret_with_the_wrong_shape_is_refused_without_logging_its_values(
    client: Any, prod: dict[str, str], log: io.StringIO
) -> None:
    from chalicelib import bootstrap

    old_shape = f'{{"link_secret": "{DEVELOPMENT_CONTACT_KEY.decode()}"}}'
    bootstrap.get_services().adapters.secretsmanager.put_secret_value(
        SecretId=prod["SAMVAD_SECRET_ID"], SecretString=old_shape
    )
    bootstrap.reset()

    answer = client.http.get("/hi/c/wishlist")

    assert answer.status_code == 503
    assert "contact_key" in log.getvalue()
    assert DEVELOPMENT_CONTACT_KEY.decode() not in log.getvalue()


def test_other_triggers_of_a_function_missing_a_setting_raise(
    client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib import bootstrap
    from chalicelib.config import MissingSetting

    monkeypatch.delenv("SAMVAD_SECRET_ID")
    bootstrap.reset()

    with pytest.raises(MissingSetting, match="SAMVAD_SECRET_ID"):
        client.lambda_.invoke("send-due-followups", scheduled(client))


def test_other_triggers_of_a_function_without_its_secret_raise_before_any_work(
    client: Any, prod: dict[str, str]
) -> None:
    from chalicelib import bootstrap
    from chalicelib.consent.keys import SecretUnavailable

    secretsmanager = bootstrap.get_services().adapters.secretsmanager
    secretsmanager.delete_secret(SecretId=prod["SAMVAD_SECRET_ID"], ForceDeleteWithoutRecovery=True)
    bootstrap.reset()
    calls: list[str] = []
    bootstrap.get_services().adapters.dynamodb.meta.events.register(
        "before-call", lambda event_name, **_: calls.append(event_name)
    )

    with pytest.raises(SecretUnavailable, match="ResourceNotFoundException"):
        client.lambda_.invoke("send-due-followups", scheduled(client))

    assert calls == []  # no job claimed, to be left half-sent


def scheduled(client: Any) -> Any:
    return client.events.generate_cw_event(
        source="aws.events", detail_type="Scheduled Event", detail={}, resources=[]
    )
