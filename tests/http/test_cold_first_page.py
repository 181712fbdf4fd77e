"""A cold start's first page view, as ``make bench`` times it: a fresh interpreter imports
app.py and serves one Lambda-shaped GET against the emulator. The published version was
validated when it was deployed, so that page parses no YAML and loads no schema (PyYAML,
jsonschema and its references were about 90 ms of it)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime

import boto3
import pytest

from chalicelib.campaigns.deployment import sync_definitions
from chalicelib.local.resources import provision
from chalicelib.storage.campaigns import CampaignStore
from tests.conftest import PROJECT_DIR, REGION, Emulator
from tests.samples import DEFINITIONS

pytestmark = pytest.mark.http
NOT_ON_A_PAGE_VIEW = {"yaml", "jsonschema", "referencing", "moto"}
HINDI_TITLE = "हम आपकी रसोई के लिए आगे क्या बनाएँ?"
FIRST_VIEW = """
import base64, json, sys, types
from app import app
context = types.SimpleNamespace(
    aws_request_id="cold", function_name="test", memory_limit_in_mb=512,
    get_remaining_time_in_millis=lambda: 10_000,
)
answer = app(json.loads(sys.argv[1]), context)
modules = sorted({name.partition(".")[0] for name in sys.modules})
# As API Gateway delivers it: every media type is binary, so every body is base64.
body = base64.b64decode(answer["body"]).decode() if answer["isBase64Encoded"] else answer["body"]
print(json.dumps({"status": answer["statusCode"], "body": body, "modules": modules}))
"""


def test_a_cold_first_page_view_parses_no_yaml_and_loads_no_schema(emulator: Emulator) -> None:
    from bench.lambda_figures import event

    clients = {"region_name": REGION, "endpoint_url": emulator.endpoint}
    settings = provision(lambda service: boto3.client(service, **clients), "cold", "0" * 64)
    store = CampaignStore(boto3.client("dynamodb", **clients), settings["SAMVAD_TABLE"])
    sync_definitions(store, DEFINITIONS, datetime.now(UTC))
    env = {
        **os.environ,
        **settings,
        "AWS_ENDPOINT_URL": emulator.endpoint,
        "SAMVAD_STAGE": "cold",
        "SAMVAD_PUBLIC_URL": "https://cold.samvad.example",
    }
    page = event(
        "GET", "/hi/c/wishlist", "/{locale}/c/{slug}", {"locale": "hi", "slug": "wishlist"}
    )

    served = subprocess.run(
        [sys.executable, "-c", FIRST_VIEW, json.dumps(page)],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert served.returncode == 0, served.stderr
    answer = json.loads(served.stdout.splitlines()[-1])
    assert (answer["status"], HINDI_TITLE in answer["body"]) == (200, True)
    assert sorted(NOT_ON_A_PAGE_VIEW.intersection(answer["modules"])) == []
