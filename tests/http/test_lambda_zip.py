"""The deployed package runs, proven from the artefact itself: the zip is built as `samvad
package` builds it (for this machine's platform too, since arm64 native libraries cannot load
here), unpacked, and each function is called by a fresh Python 3.12 whose path holds only the
unpacked zip and boto3 (no site-packages, no environment), as Lambda's runtime does, with
Lambda-shaped events against the emulator."""

from __future__ import annotations

import base64
import hashlib
import json
import platform
import subprocess
import uuid
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import boto3
import pytest

from chalicelib.campaigns.deployment import sync_definitions
from chalicelib.local.accounts import ensure_admin
from chalicelib.local.resources import (
    DEVELOPMENT_LINK_KEY,
    ensure_secret,
    ensure_stack,
    stage_settings,
)
from chalicelib.storage.accounts import AccountStore
from chalicelib.storage.campaigns import CampaignStore
from samvad_cli.build import (
    babel_locales,
    build_code,
    find_python312,
    lambda_python,
    lambda_runtime_libs,
    locales_in_use,
)
from tests.conftest import FAKE_CREDENTIALS, REGION, Emulator
from tests.samples import DEFINITIONS, inline_text

pytestmark = pytest.mark.http
ADMIN_KEY = "zip-test-admin-key-not-a-secret"  # an admin user's API key
BOOTSTRAP_KEY = "zip-test-bootstrap-key-not-a-secret"  # the stage's: the first admin only
ELF_MACHINE = {"aarch64": 183, "x86_64": 62}
HOST = "arm64" if platform.machine() in ("aarch64", "arm64") else "x86_64"  # build_code's names
RESOURCE = "/{locale}/c/{slug}"  # the campaign page's route
HINDI_TITLE = "हम आपकी रसोई के लिए आगे क्या बनाएँ?"
NEVER_IN_THE_ZIP = ("chalicelib/local/", "moto/", "chalice/cli/", "boto3/", "botocore/")
NEVER_IN_THE_ZIP += ("aws_lambda_powertools/", "pytest/", "werkzeug/", "mypy/", "ruff/")
# A cold start: import app.py, call one handler with the event, as the runtime does.
INVOKE = """
import json, types
import app
context = types.SimpleNamespace(
    aws_request_id="zip-test", function_name="samvad-prod", memory_limit_in_mb=512,
    get_remaining_time_in_millis=lambda: 60_000,
)
handler, event = json.loads(input())
routes = sorted(app.app.routes)  # before the call: an unknown path adds itself to the dict
result = getattr(app, handler)(event, context)
files = sorted({getattr(m, "__file__", None) or "" for m in list(sys.modules.values())})
answer = {"result": result, "files": files, "routes": routes, "stdlib": sys.base_prefix}
print("RESULT " + json.dumps(answer))
"""


def function_environment(endpoint: str) -> dict[str, str]:
    """The settings the functions get on AWS (the template's environment: the stage's
    resources and the name of its secret, which holds the keys), here on the emulator."""
    clients = {"region_name": REGION, "endpoint_url": endpoint}
    outputs = ensure_stack(boto3.client("cloudformation", **clients), "prod")
    admin_key_sha256 = hashlib.sha256(BOOTSTRAP_KEY.encode()).hexdigest()
    secret = ensure_secret(boto3.client("secretsmanager", **clients), "prod", admin_key_sha256)
    accounts = AccountStore(boto3.client("dynamodb", **clients), outputs["TableName"])
    ensure_admin(accounts, ADMIN_KEY, "zip-test-password-not-a-secret", datetime.now(UTC))
    return {
        **FAKE_CREDENTIALS,
        "AWS_ENDPOINT_URL": endpoint,
        "SAMVAD_STAGE": "prod",
        **stage_settings(outputs, secret),
        "SAMVAD_PUBLIC_URL": "https://samvad.example",
    }


def text_of(answer: dict[str, Any]) -> str:
    """The body as API Gateway hands it on (it decodes what the function base64-encoded)."""
    body = str(answer.get("body") or "")
    return base64.b64decode(body).decode() if answer.get("isBase64Encoded") else body


@dataclass
class Packages:
    arm64: Path
    host: Path
    unpacked: Path  # the host's zip, unpacked


@pytest.fixture(scope="session")
def packages(tmp_path_factory: pytest.TempPathFactory) -> Packages:
    """Both zips, built once per session (pip keeps its downloads in its own cache)."""
    if find_python312() is None:
        pytest.skip("needs a Python 3.12 (PYTHON312=..., python3.12 on PATH, or pyenv)")
    out = tmp_path_factory.mktemp("package")
    host = build_code(out, HOST, f"samvad-{HOST}.zip")
    arm64 = build_code(out, "arm64")
    unpacked = out / "unpacked"
    with zipfile.ZipFile(host) as bundle:
        bundle.extractall(unpacked)
    return Packages(arm64, host, unpacked)


def python312_magic() -> bytes:
    python312 = find_python312()
    assert python312 is not None
    code = "import importlib.util, sys; sys.stdout.write(importlib.util.MAGIC_NUMBER.hex())"
    probe = subprocess.run([python312, "-c", code], capture_output=True, text=True, check=True)
    return bytes.fromhex(probe.stdout)


def _names(archive: Path) -> set[str]:
    with zipfile.ZipFile(archive) as bundle:
        return set(bundle.namelist())


def _elf_machine(data: bytes) -> int:
    assert data[:4] == b"\x7fELF"
    return int.from_bytes(data[18:20], "little")


def test_the_zip_holds_the_app_chalices_runtime_and_nothing_for_development(
    packages: Packages,
) -> None:
    names = _names(packages.arm64)
    assert {"app.py", "chalice/__init__.py", "chalice/app.py", "chalicelib/bootstrap.py"} <= names
    assert sorted(n for n in names if n.startswith(NEVER_IN_THE_ZIP)) == []
    assert sorted(n for n in names if ".dist-info/" in n or "/tests/" in n) == []
    assert sorted(n for n in names if n.startswith("bin/")) == []  # console scripts
    assert "third_party_licenses/jinja2/LICENSE.txt" in names
    assert "third_party_licenses/chalice/LICENSE" in names
    with zipfile.ZipFile(packages.arm64) as bundle:
        ours = [n for n in names if n.endswith(".py") and n.startswith(("app.py", "chalicelib/"))]
        assert sorted(n for n in ours if b"chalicelib.local" in bundle.read(n)) == []
    with zipfile.ZipFile(packages.arm64) as bundle:
        magic = {n: bundle.read(n)[:4] for n in names if n.endswith(".pyc")}
    assert len(magic) > 500, "no bytecode: every cold start would compile"
    expected = python312_magic()
    assert sorted(n for n, m in magic.items() if m != expected) == []
    assert sorted(n for n in magic if "__pycache__" in n and ".cpython-312." not in n) == []
    assert "chalicelib/__pycache__/bootstrap.cpython-312.pyc" in names
    with zipfile.ZipFile(packages.arm64) as bundle:
        # File names as Lambda sees them, not the build's (the same bytes from any build dir).
        ours = bundle.read("chalicelib/__pycache__/bootstrap.cpython-312.pyc")
        library = bundle.read("jinja2/environment.pyc")
    assert b"/var/task/chalicelib/bootstrap.py" in ours
    assert b"/var/task/jinja2/environment.py" in library
    assert str(packages.arm64.parent).encode() not in ours + library
    data = [n for n in names if n.startswith("babel/locale-data/") and n.endswith(".dat")]
    kept = {n.rsplit("/", 1)[1][: -len(".dat")] for n in data}
    catalogs = {p.parent.parent.name for p in Path("locales").glob("*/LC_MESSAGES/messages.po")}
    assert {"hi", "ur", "bn", "sat", "hi_Latn"} <= catalogs
    # Every catalog's locale and the CLDR parents Babel reads it through (hi_Latn → en_IN →
    # en_001 → en), and nothing else of Babel's thousand locales.
    assert kept == babel_locales(locales_in_use()) == babel_locales(catalogs | {"en"})
    assert {"root", "en_IN", "en_001"} <= kept
    assert not {"fr", "de", "zh"} & kept
    for locale in catalogs - {"en"}:
        assert f"chalicelib/i18n/catalogs/{locale}/LC_MESSAGES/messages.mo" in names
    size = packages.arm64.stat().st_size
    # 4.7 MB with three languages; the CLDR data and catalogs of India's 22 languages and
    # romanized Hindi add about 1.2 MB. The bound catches a dependency or data set slipping in.
    assert size <= 6_500_000, f"{size / 1e6:.2f} MB zipped"


def test_the_arm64_zip_holds_the_same_files_with_aarch64_native_libraries(
    packages: Packages,
) -> None:
    arm64, host = _names(packages.arm64), _names(packages.host)
    host_machine = "aarch64" if HOST == "arm64" else "x86_64"
    native = {n for n in arm64 if n.endswith(".so")}
    assert native, "the libraries' native code (rpds, resvg, markupsafe)"
    assert arm64 - native == {n for n in host if not n.endswith(".so")}
    assert {n.replace("aarch64", host_machine) for n in native} == host - (arm64 - native)
    for archive, machine in ((packages.arm64, "aarch64"), (packages.host, host_machine)):
        with zipfile.ZipFile(archive) as bundle:
            for name in (n for n in bundle.namelist() if n.endswith(".so")):
                assert _elf_machine(bundle.read(name)) == ELF_MACHINE[machine], name


@dataclass
class Function:
    """The unpacked zip as Lambda runs it, against the emulator."""

    unpacked: Path
    env: dict[str, str]

    def invoke(self, handler: str, event: dict[str, Any]) -> tuple[Any, list[str]]:
        """What ``handler`` returns for ``event`` in a cold Python 3.12, and its other
        output lines (logs, metrics)."""
        run = subprocess.run(
            lambda_python(self.unpacked, "import sys\n" + INVOKE),
            input=json.dumps([handler, event]) + "\n",
            cwd=self.unpacked,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert run.returncode == 0, run.stderr
        lines = run.stdout.splitlines()
        answer = json.loads(next(x for x in lines if x.startswith("RESULT "))[len("RESULT ") :])
        allowed = (str(self.unpacked), str(lambda_runtime_libs()), answer["stdlib"])
        outside = [f for f in answer["files"] if f and not f.startswith(allowed)]
        assert outside == [], "imported from elsewhere than the zip, boto3 or the stdlib"
        assert not [f for f in answer["files"] if "site-packages" in f]
        assert not any(r.startswith("/_local") for r in answer["routes"])
        return answer["result"], [x for x in lines if not x.startswith("RESULT ")]


@pytest.fixture(scope="module")
def function(packages: Packages, emulator: Emulator) -> Function:
    env = function_environment(emulator.endpoint)
    dynamodb = boto3.client("dynamodb", region_name=REGION, endpoint_url=emulator.endpoint)
    sync_definitions(CampaignStore(dynamodb, env["SAMVAD_TABLE"]), DEFINITIONS, datetime.now(UTC))
    return Function(packages.unpacked, env)


def api_event(
    method: str,
    path: str,
    resource: str,
    params: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    body: str | None = None,
) -> dict[str, Any]:
    """An API Gateway REST (proxy integration) event, as it reaches the API function."""
    from bench.lambda_figures import event

    return event(method, path, resource, params or {}, headers=headers or {}, body=body)


def form_post(function: Function, phone: str, form_token: str) -> Any:
    from chalicelib.web.csrf import token_for

    cookie = uuid.uuid4().hex
    fields = {
        "form_token": form_token,
        "product": "tawa",
        "phone": phone,
        "consent": "yes",
        "csrf": token_for(cookie, DEVELOPMENT_LINK_KEY),
    }
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"samvad_csrf={cookie}",
    }
    page = {"locale": "hi", "slug": "wishlist"}
    event = api_event("POST", "/hi/c/wishlist", RESOURCE, page, headers, urlencode(fields))
    answer, _ = function.invoke("app", event)
    return answer


def metrics(lines: list[str]) -> dict[str, Any]:
    """The run's metric line (CloudWatch embedded metric format)."""
    return next(json.loads(x) for x in lines if x.startswith("{") and '"_aws"' in x)


def test_a_page_view_is_served_as_html(function: Function) -> None:
    page = {"locale": "hi", "slug": "wishlist"}
    answer, _ = function.invoke("app", api_event("GET", "/hi/c/wishlist", RESOURCE, page))
    assert answer["statusCode"] == 200
    assert answer["headers"]["Content-Type"].startswith("text/html")
    assert HINDI_TITLE in text_of(answer)
    assert "Strict-Transport-Security" in answer["headers"]  # a deployed stage


@pytest.mark.parametrize("locale", ["si", "fr", "xx"])
def test_a_page_in_a_locale_the_package_has_no_data_for_is_no_error(
    function: Function, locale: str
) -> None:
    page = {"locale": locale, "slug": "wishlist"}
    answer, _ = function.invoke("app", api_event("GET", f"/{locale}/c/wishlist", RESOURCE, page))
    assert answer["statusCode"] < 500, text_of(answer)


def test_the_admin_api_refuses_a_campaign_in_a_locale_it_cannot_serve(function: Function) -> None:
    source = inline_text("wishlist")
    source = source.replace("locales: [en, hi, ur]", "locales: [en, hi, ur, si]")
    headers = {"Authorization": f"Bearer {ADMIN_KEY}", "Content-Type": "application/json"}
    body = json.dumps({"file": "wishlist.yaml", "source": source})
    path = "/admin/api/v1/campaigns"
    answer, _ = function.invoke("app", api_event("POST", path, path, None, headers, body))
    assert answer["statusCode"] == 422, text_of(answer)
    assert "'si' cannot be served" in text_of(answer)


def test_the_local_routes_are_not_in_the_deployed_app(function: Function) -> None:
    answer, _ = function.invoke("app", api_event("GET", "/_local/outbox", "/_local/outbox"))
    assert answer["statusCode"] in (403, 404, 405)
    assert "outbox" not in text_of(answer).lower()


def test_the_authorizer_allows_known_keys_and_denies_any_other(function: Function) -> None:
    arn = "arn:aws:execute-api:ap-south-1:123456789012:abc123/api/GET/admin/api/v1/campaigns"

    def authorize(token: str) -> list[str]:
        event = {"type": "TOKEN", "authorizationToken": token, "methodArn": arn}
        policy, _ = function.invoke("admin_key", event)
        [statement] = policy["policyDocument"]["Statement"]
        assert (statement["Effect"], statement["Action"]) == ("Allow", "execute-api:Invoke")
        return list(statement["Resource"])

    assert authorize(f"Bearer {ADMIN_KEY}") == [
        "arn:aws:execute-api:ap-south-1:123456789012:abc123/api/*/*"
    ]
    # Let through to POST /users, which is all the view lets it do.
    assert authorize(f"Bearer {BOOTSTRAP_KEY}") == [
        "arn:aws:execute-api:ap-south-1:123456789012:abc123/api/*/*"
    ]
    assert authorize("Bearer not-the-key") == []  # no resource: API Gateway answers 403
    assert authorize("") == []


def test_an_answer_is_sent_by_the_scheduled_run_and_the_stream_batch(
    function: Function, emulator: Emulator
) -> None:
    from chalicelib.bootstrap import Services
    from chalicelib.config import Settings
    from chalicelib.local.streams import table_stream

    stream_env = {**function.env, "SAMVAD_STAGE": "local"}
    services = Services(Settings.from_env(stream_env))
    batches: list[dict[str, Any]] = []
    stream = table_stream(services, lambda event, _context: batches.append(event))
    stream.pump()  # what earlier tests wrote
    batches.clear()

    first = form_post(function, "98765 41001", "zip-test-answer-0001")
    assert first["statusCode"] == 303
    assert first["headers"]["Location"].startswith("/hi/c/wishlist/thanks")
    sent_before = len(emulator.sms_messages())
    scheduled = {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "123456789012",
        "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": REGION,
        "resources": ["arn:aws:events:ap-south-1:123456789012:rule/samvad-prod-send-due"],
        "detail": {},
    }
    _, lines = function.invoke("send_due_followups", scheduled)
    assert metrics(lines)["FollowUpsSent"] >= 2  # the thank-you SMS and the response event
    assert len(emulator.sms_messages()) == sent_before + 1

    stream.pump()  # the first answer's items: already sent by the scheduled run
    batches.clear()
    second = form_post(function, "98765 41002", "zip-test-answer-0002")
    assert second["statusCode"] == 303
    assert stream.pump() > 0
    [batch] = batches
    _, lines = function.invoke("send_new_followups", json.loads(json.dumps(batch)))
    assert metrics(lines)["FollowUpsSent"] >= 2
    assert [to for to, _ in emulator.sms_messages()[-1:]] == ["+919876541002"]


def test_an_inbound_sms_stop_is_handled(function: Function) -> None:
    topic = "arn:aws:sns:ap-south-1:123456789012:samvad-inbound-sms"
    message = {
        "originationNumber": "+919876541003",
        "destinationNumber": "+12065550100",
        "messageKeyword": "KEYWORD_123456789012",
        "messageBody": "STOP",
        "inboundMessageId": str(uuid.uuid4()),
        "previousPublishedMessageId": None,
    }
    event = {
        "Records": [
            {
                "EventSource": "aws:sns",
                "EventVersion": "1.0",
                "EventSubscriptionArn": f"{topic}:{uuid.uuid4()}",
                "Sns": {
                    "Type": "Notification",
                    "MessageId": str(uuid.uuid4()),
                    "TopicArn": topic,
                    "Subject": None,
                    "Message": json.dumps(message),
                    "Timestamp": "2026-11-25T10:00:00.000Z",
                    "SignatureVersion": "1",
                    "Signature": "EXAMPLE",
                    "SigningCertUrl": "https://sns.ap-south-1.amazonaws.com/cert.pem",
                    "UnsubscribeUrl": "https://sns.ap-south-1.amazonaws.com/?Action=Unsubscribe",
                    "MessageAttributes": {},
                },
            }
        ]
    }
    _, lines = function.invoke("inbound_sms", event)
    logged = [json.loads(x) for x in lines if x.startswith("{")]
    [inbound] = [x for x in logged if x.get("event") == "sms.inbound"]
    assert inbound["outcome"] == "stop"
    assert "9876541003" not in "\n".join(lines)  # no personal data in the logs
