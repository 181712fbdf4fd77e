"""``make bench``: what a Lambda pays per cold start, per page view, per answer and per
follow-up, each against a baseline measured in the same run, and what a million cost.

Runs app.py's handler with API Gateway-shaped events over moto in-process (a cold start's
first page view: in a fresh interpreter, against a moto server); AWS calls are counted with
botocore events on the app's own clients. Figures only, no assertions.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import socket
import subprocess
import time
import uuid
from collections import Counter
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlencode

PROJECT = Path(__file__).resolve().parent.parent
# AWS list prices (USD, ap-south-1, November 2026)
LAMBDA_GB_SECOND = 0.0000133334  # arm64
LAMBDA_REQUEST = 0.20 / 1e6
API_REQUEST = 3.50 / 1e6
DYNAMO_WRITE = 1.25 / 1e6
DYNAMO_READ = 0.25 / 1e6
SNS_PUBLISH = 0.50 / 1e6
MEMORY_GB = 0.5
AWS_CALL_SECONDS = 0.008  # an assumed in-region DynamoDB/SNS call, for the cost estimate only
ANSWERS = 100


def timed(*programs: list[str], env: dict[str, str] | None = None) -> list[float]:
    """Seconds each command (a fresh interpreter) needs, best of five; taken in turns, so
    that a load that comes and goes weighs on all of them alike."""
    runs: list[list[float]] = [[] for _ in programs]
    for _ in range(5):
        for program, times in zip(programs, runs, strict=True):
            started = time.perf_counter()
            subprocess.run(program, cwd=PROJECT, env=env, check=True)
            times.append(time.perf_counter() - started)
    return [min(times) for times in runs]


def package_site() -> Path:
    """The code package as Lambda unpacks it: built here (``samvad package``'s build, arm64;
    importing the app loads no native library)."""
    from samvad_cli.build import build_code, site_dir

    out = PROJECT / "build" / "bench"
    build_code(out)
    return site_dir(out)


def cold_start(site: Path) -> None:
    """Python 3.12 importing the app from the unpacked zip, with only the zip and boto3 on its
    path, as Lambda's runtime does; against boto3 + chalice + a client on the same path."""
    from samvad_cli.build import lambda_python

    bare, baseline, ours = timed(
        lambda_python(site, "pass"),
        lambda_python(site, BASELINE),
        lambda_python(site, "import app"),
    )
    print(
        f"cold import (python3.12, from the zip): app {1000 * (ours - bare):.0f} ms, "
        f"boto3+chalice+client {1000 * (baseline - bare):.0f} ms "
        f"(ratio {(ours - bare) / (baseline - bare):.2f})"
    )


BASELINE = "import boto3, chalice; boto3.client('dynamodb', region_name='ap-south-1')"


# A cold start's first page view, in a fresh interpreter, against an emulator in this process.
FIRST_VIEW = """
import json, sys, types
from app import app
context = types.SimpleNamespace(
    aws_request_id="cold", function_name="bench", memory_limit_in_mb=512,
    get_remaining_time_in_millis=lambda: 10_000,
)
assert app(json.loads(sys.argv[1]), context)["statusCode"] == 200
"""
# The least a cold Lambda that reads DynamoDB pays: the imports, a client and one call.
FIRST_CALL = """
import sys, boto3, chalice
key = {"pk": {"S": "bench"}, "sk": {"S": "bench"}}
boto3.client("dynamodb").get_item(TableName=sys.argv[1], Key=key)
"""


def first_request(site: Path) -> None:
    """A cold start's first page view from the zip under Python 3.12, against a moto server."""
    from moto.server import ThreadedMotoServer

    from chalicelib import bootstrap
    from chalicelib.campaigns.deployment import sync_definitions
    from chalicelib.local.resources import provision
    from samvad_cli.build import lambda_python

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    saved = dict(os.environ)
    endpoint = f"http://127.0.0.1:{port}"
    os.environ.update(AWS_ENDPOINT_URL=endpoint, SAMVAD_STAGE="bench")
    os.environ.update(SAMVAD_PUBLIC_URL="https://bench.samvad.example")
    try:
        os.environ.update(provision(emulator_client(endpoint), "bench", "0" * 64))
        bootstrap.reset()
        services = bootstrap.get_services()
        sync_definitions(
            services.adapters.campaign_store, services.settings.campaigns_dir, services.clock()
        )
        page = event(
            "GET", "/hi/c/wishlist", "/{locale}/c/{slug}", {"locale": "hi", "slug": "wishlist"}
        )
        bare, baseline, ours = timed(
            lambda_python(site, "pass"),
            [*lambda_python(site, FIRST_CALL), services.settings.table_name],
            [*lambda_python(site, FIRST_VIEW), json.dumps(page)],
            env=dict(os.environ),
        )
    finally:
        os.environ.clear()
        os.environ.update(saved)
        bootstrap.reset()
        server.stop()
    print(
        f"cold first page view (python3.12, from the zip): app {1000 * (ours - bare):.0f} ms, "
        f"boto3+chalice+client+GetItem {1000 * (baseline - bare):.0f} ms "
        f"(ratio {(ours - bare) / (baseline - bare):.2f})"
    )


def emulator_client(endpoint: str | None) -> Any:
    """Clients of the emulator at ``endpoint`` (None: moto in-process)."""
    import boto3

    return lambda service: boto3.client(service, region_name="ap-south-1", endpoint_url=endpoint)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def event(
    method: str, path: str, resource: str, params: dict[str, str], **extra: Any
) -> dict[str, Any]:
    headers = {"Host": "bench.example", "Accept-Language": "hi-IN", **extra.pop("headers", {})}
    return {
        "resource": resource,
        "path": path,
        "httpMethod": method,
        "headers": headers,
        "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": params,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": resource,
            "httpMethod": method,
            "requestId": uuid.uuid4().hex,
            "path": path,
            "identity": {"sourceIp": "198.51.100.7"},
        },
        "body": extra.pop("body", None),
        "isBase64Encoded": False,
    }


def context() -> Any:
    return SimpleNamespace(
        aws_request_id=uuid.uuid4().hex,
        function_name="bench",
        memory_limit_in_mb=512,
        get_remaining_time_in_millis=lambda: 10_000,
    )


def writes(detail: dict[str, float]) -> float:
    return sum(v for k, v in detail.items() if any(w in k for w in ("Put", "Update", "Transact")))


def reads(detail: dict[str, float]) -> float:
    return sum(v for k, v in detail.items() if any(r in k for r in ("Get", "Query")))


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return ordered[len(ordered) // 2] * 1000, ordered[int(len(ordered) * 0.99)] * 1000


def main() -> None:
    os.environ.update(
        AWS_ACCESS_KEY_ID="bench",
        AWS_SECRET_ACCESS_KEY="bench",
        AWS_DEFAULT_REGION="ap-south-1",
        AWS_REGION="ap-south-1",
        SAMVAD_STAGE="local",
        SAMVAD_RATE_PER_CLIENT="1000000/60",
        SAMVAD_RATE_PER_PHONE="1000000/60",
        SAMVAD_LOG_LEVEL="WARNING",
        SAMVAD_CAMPAIGN_TTL_SECONDS="30",  # as deployed: the published pointer cached 30 s
        SAMVAD_VIEW_FLUSH_SECONDS="30",  # as deployed: page views written in batches
    )
    os.environ.pop("AWS_ENDPOINT_URL", None)
    site = package_site()
    cold_start(site)
    first_request(site)
    from moto import mock_aws

    from chalicelib.local.emulator import cheap_stream_copies

    cheap_stream_copies()
    with mock_aws():
        from chalicelib import bootstrap
        from chalicelib.campaigns.deployment import sync_definitions
        from chalicelib.local.resources import provision

        os.environ.update(provision(emulator_client(None), "local", "0" * 64))
        bootstrap.reset()
        services = bootstrap.get_services()
        sync_definitions(
            services.adapters.campaign_store, services.settings.campaigns_dir, services.clock()
        )
        measure(services)


def measure(services: Any) -> None:
    from app import app, send_new_followups
    from chalicelib.local.calls import Calls
    from chalicelib.local.resources import DEVELOPMENT_LINK_KEY
    from chalicelib.local.streams import table_stream
    from chalicelib.web.csrf import token_for
    from chalicelib.web.pages import alternates, page_text
    from chalicelib.web.rendering import render

    calls = Calls(services)
    page = event(
        "GET", "/hi/c/wishlist", "/{locale}/c/{slug}", {"locale": "hi", "slug": "wishlist"}
    )
    app(page, context())  # warm: first render, caches
    views = []
    calls.take()
    for _ in range(300):
        started = time.perf_counter()
        answer = app(dict(page), context())
        views.append(time.perf_counter() - started)
        assert answer["statusCode"] == 200
    view_detail, _ = calls.take()
    view_calls = sum(view_detail.values()) / 300

    campaign = services.campaign("wishlist")
    bare = []
    for _ in range(300):
        started = time.perf_counter()
        render(
            "campaign.html",
            "hi",
            page=page_text(campaign, "hi"),
            alternates=alternates(campaign),
            action="/hi/c/wishlist",
            form_token="x" * 32,
            source="direct",
            ref="",
            design=None,
            values={},
            errors={},
            csrf="y" * 32,
        )
        bare.append(time.perf_counter() - started)
    p50, p99 = percentiles(views)
    b50, b99 = percentiles(bare)
    print(
        f"warm page view: p50 {p50:.2f} ms, p99 {p99:.2f} ms; bare Jinja2 render p50 {b50:.2f} ms,"
        f" p99 {b99:.2f} ms (ratio {p50 / b50:.2f})"
    )
    print(f"AWS calls per warm page view: {view_calls:.2f} {view_detail}")

    # Each answer's new items reach send_new_followups as the table's stream delivers them.
    handled_in: list[float] = []

    def handler(batch: dict[str, Any], lambda_context: Any) -> None:
        started = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()):  # its metric lines
            send_new_followups(batch, lambda_context)
        handled_in.append(time.perf_counter() - started)

    stream = table_stream(services, handler)
    stream.pump()
    cookie = "0123456789abcdef0123456789abcdef"
    token = token_for(cookie, DEVELOPMENT_LINK_KEY)
    answers, answers_own, handlers, handlers_own = [], [], [], []
    answer_detail: Counter[str] = Counter()
    stream_detail: Counter[str] = Counter()
    calls.take()
    for n in range(ANSWERS):
        body = urlencode(
            {
                "form_token": f"bench-{n:06d}",
                "product": "tawa",
                "phone": f"98{n:08d}",
                "consent": "yes",
                "csrf": token,
            }
        )
        post = event(
            "POST",
            "/hi/c/wishlist",
            "/{locale}/c/{slug}",
            {"locale": "hi", "slug": "wishlist"},
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"samvad_csrf={cookie}",
            },
            body=body,
        )
        started = time.perf_counter()
        answer = app(post, context())
        answers.append(time.perf_counter() - started)
        assert answer["statusCode"] == 303, answer
        detail, in_aws = calls.take()
        answers_own.append(answers[-1] - in_aws)
        answer_detail.update(detail)
        handled_in.clear()
        stream.pump()
        handlers.append(sum(handled_in))
        detail, in_aws = calls.take()
        handlers_own.append(handlers[-1] - in_aws)
        stream_detail.update(detail)
    answer_calls = sum(answer_detail.values()) / ANSWERS
    a50, a99 = percentiles(answers)
    o50, _ = percentiles(answers_own)
    print(
        f"answer (form POST): p50 {a50:.2f} ms, p99 {a99:.2f} ms (our code p50 {o50:.2f} ms, the "
        f"rest in moto); AWS calls per answer {answer_calls:.2f} {dict(answer_detail)}"
    )
    h50, h99 = percentiles(handlers)
    s50, _ = percentiles(handlers_own)
    immediate = 2  # the thank-you SMS and the response event
    print(
        f"send_new_followups per answer (its thank-you SMS and event, from the stream): "
        f"p50 {h50:.2f} ms, p99 {h99:.2f} ms (our code p50 {s50:.2f} ms); AWS calls per "
        f"follow-up sent {sum(stream_detail.values()) / ANSWERS / immediate:.2f} "
        f"{dict(stream_detail)}"
    )

    later = services.clock() + timedelta(days=4)
    runner = replace(services.runner, clock=lambda: later.replace(hour=5))
    report = runner.run_due(limit=1000)
    handled = sum(report.counts.values())
    due_detail, _ = calls.take()
    print(
        f"scheduled follow-ups: {dict(report.counts)}; AWS calls per follow-up "
        f"{sum(due_detail.values()) / max(handled, 1):.2f} {due_detail}"
    )

    package = PROJECT / "build" / "prod" / "samvad.zip"
    if package.exists():
        print(f"Lambda package: {package.stat().st_size / 1e6:.1f} MB zipped (make package)")
    else:
        print("Lambda package: run `make package STAGE=prod` for its size")

    per_answer = {k: v / ANSWERS for k, v in (answer_detail + stream_detail).items()}
    per_view = {k: v / 300 for k, v in view_detail.items()}
    # Lambda time: our own code as measured, plus each AWS call at an assumed in-region latency
    # (moto's time says nothing about DynamoDB's).
    seconds = {
        "view": p50 / 1000 + sum(per_view.values()) * AWS_CALL_SECONDS,
        "answer": o50 / 1000 + sum(answer_detail.values()) / ANSWERS * AWS_CALL_SECONDS,
        "stream": s50 / 1000 + sum(stream_detail.values()) / ANSWERS * AWS_CALL_SECONDS,
    }
    million = 1_000_000
    cost = {
        "API Gateway": 2 * million * API_REQUEST,
        "Lambda requests": 3 * million * LAMBDA_REQUEST,  # view, answer, stream batch
        "Lambda duration": million * sum(seconds.values()) * MEMORY_GB * LAMBDA_GB_SECOND,
        "DynamoDB writes": million * (writes(per_view) + writes(per_answer)) * DYNAMO_WRITE,
        "DynamoDB reads": million * (reads(per_view) + reads(per_answer)) * DYNAMO_READ,
        "SNS topic events": million * per_answer.get("sns.PublishBatch", 0) * SNS_PUBLISH,
    }
    print(
        "cost of 1 M page views + 1 M answers (our measured code time plus "
        f"{AWS_CALL_SECONDS * 1000:.0f} ms per AWS call, counted calls, list prices, request "
        "units as calls, one stream batch per answer, SMS excluded):"
    )
    for item, usd in cost.items():
        print(f"  {item:18} ${usd:9.2f}")
    print(f"  {'total':18} ${sum(cost.values()):9.2f}")


if __name__ == "__main__":
    main()
