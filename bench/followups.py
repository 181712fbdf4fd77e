"""``make bench``: send 10,000 due follow-up jobs against the emulator and print the figures.

Wall time, and DynamoDB and SNS calls per job, counted with botocore event hooks. The
emulator is a moto server in this process on a free port, so nothing else needs to run.
A benchmark prints figures; it asserts nothing about time.
"""

from __future__ import annotations

import logging
import os
import socket
import sys
import time
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bench.lambda_figures import emulator_client

JOBS_PER_RESPONSE = 5  # response event, thank-you SMS, reminder, offer, offer event


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def main(total_jobs: int = 10_000) -> None:
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    os.environ.update(
        AWS_ACCESS_KEY_ID="bench",
        AWS_SECRET_ACCESS_KEY="bench",
        AWS_REGION="ap-south-1",
        AWS_ENDPOINT_URL=f"http://127.0.0.1:{port}",
        SAMVAD_STAGE="bench",
        SAMVAD_PUBLIC_URL="https://bench.samvad.example",
    )
    try:
        run(total_jobs)
    finally:
        server.stop()


def seed(client: Any, table: str, items: list[dict[str, Any]]) -> None:
    """Seeding is not what is measured: plain batch writes (moto copies the whole table for
    every transaction, which would make seeding quadratic)."""
    from boto3.dynamodb.types import TypeSerializer

    serializer = TypeSerializer()
    for start in range(0, len(items), 25):
        requests = [
            {"PutRequest": {"Item": {k: serializer.serialize(v) for k, v in item.items()}}}
            for item in items[start : start + 25]
        ]
        pending = {table: requests}
        while pending:
            pending = client.batch_write_item(RequestItems=pending).get("UnprocessedItems", {})


def run(total_jobs: int) -> None:
    from chalicelib import bootstrap
    from chalicelib.campaigns.deployment import sync_definitions
    from chalicelib.followups.planning import plan_jobs
    from chalicelib.local.resources import provision
    from chalicelib.responses.model import Consent, Response, request_hash, response_id
    from chalicelib.storage.items import job_item, response_item

    endpoint = os.environ["AWS_ENDPOINT_URL"]
    os.environ.update(provision(emulator_client(endpoint), "bench", "0" * 64))
    bootstrap.reset()
    services = bootstrap.get_services()
    settings = services.settings
    sync_definitions(services.adapters.campaign_store, settings.campaigns_dir, services.clock())
    campaign = services.campaign("wishlist")
    links = services.links
    created = datetime.now(UTC) - timedelta(days=10)
    responses = total_jobs // JOBS_PER_RESPONSE

    started = time.perf_counter()
    items = []
    for n in range(responses):
        phone = f"+9198{n:08d}"
        response = Response(
            id=response_id("wishlist", f"bench-{n}"),
            campaign="wishlist",
            campaign_version=campaign.version,
            locale="hi" if n % 2 else "en",
            answers={"product": "tawa"},
            phone=phone,
            consent=Consent("followup_sms", "2026-11-25", "hi", created),
            created_at=created,
            request_hash=request_hash("hi", {"product": "tawa"}, phone, True),
        )
        items.append(response_item(response))
        items.extend(job_item(job) for job in plan_jobs(campaign, response, created, links))
    seed(services.adapters.dynamodb, settings.table_name, items)
    print(
        f"seeded {responses:,} responses with {len(items) - responses:,} due jobs "
        f"in {time.perf_counter() - started:.1f} s"
    )

    calls: Counter[str] = Counter()

    def count(service: str) -> Any:
        def hook(**_: Any) -> None:
            calls[service] += 1

        return hook

    services.adapters.dynamodb.meta.events.register("before-call.dynamodb.*", count("dynamodb"))
    services.adapters.sns.meta.events.register("before-call.sns.*", count("sns"))
    ist = ZoneInfo("Asia/Kolkata")
    today = datetime.now(ist).date()
    now = datetime(today.year, today.month, today.day, 10, tzinfo=ist)  # inside the SMS window
    runner = replace(services.runner, clock=lambda: now, marketing_per_week=10)

    started = time.perf_counter()
    outcomes: Counter[str] = Counter()
    passes = 0
    while True:
        report = runner.run_due(limit=1000)
        passes += 1
        if not report.counts:
            break
        outcomes.update(report.counts)
    wall = time.perf_counter() - started
    handled = sum(outcomes.values())
    print(f"scheduler: {passes} passes, {wall:.1f} s wall, {handled / wall:,.0f} jobs/s")
    print(f"outcomes: {dict(outcomes)}")
    print(f"DynamoDB calls per job: {calls['dynamodb'] / max(handled, 1):.2f}")
    print(f"SNS calls per job: {calls['sns'] / max(handled, 1):.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
