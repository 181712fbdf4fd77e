"""``python -m chalicelib.cli``: operators' commands.

    followups run-due [--now ISO-8601] [--limit N]   one scheduler pass (as of --now)
    followups list CAMPAIGN                          a campaign's follow-up jobs
    followups retry CAMPAIGN [--step STEP]           failed jobs back to pending
    campaigns check [DIR]                            validate definitions, SMS sizes per locale

Settings come from the environment as in Lambda (SAMVAD_*, AWS_*). Without AWS_ENDPOINT_URL
on the local stage, the commands talk to the local stack's emulator (``make run``).
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from chalicelib.errors import InvalidCampaignDefinition

if TYPE_CHECKING:
    from chalicelib.bootstrap import Services


def _services(now: datetime | None = None) -> Services:
    from chalicelib import bootstrap
    from chalicelib.local.stack import attach_to_local_stack

    if os.environ.get("SAMVAD_STAGE", "local") == "local":
        attach_to_local_stack()
    bootstrap.reset()
    services = bootstrap.get_services()
    if now is not None:
        services = replace(services, clock=lambda: now)
    return services


def _parse_now(value: str) -> datetime:
    when = datetime.fromisoformat(value)
    if when.tzinfo is None:
        raise argparse.ArgumentTypeError("--now needs a UTC offset, e.g. 2026-11-26T10:00+05:30")
    return when.astimezone(UTC)


def run_due(args: argparse.Namespace) -> int:
    services = _services(args.now)
    report = services.runner.run_due(limit=args.limit)
    print(f"followups: {report}")
    return 0


def list_jobs(args: argparse.Namespace) -> int:
    services = _services()
    for job in sorted(services.store.campaign_jobs(args.campaign), key=lambda j: j.due_at):
        sent = job.sent_at.isoformat(timespec="seconds") if job.sent_at else "-"
        why = job.note or job.last_error or ""
        print(
            f"{job.due_at.isoformat(timespec='seconds')}  {job.status:9}  {job.step:16}"
            f"  {job.channel:5}  {job.locale:5}  sent {sent}  attempts {job.attempts}  {why}"
        )
    return 0


def retry_failed(args: argparse.Namespace) -> int:
    services = _services(args.now)
    now = services.clock()
    failed = [
        job
        for job in services.store.campaign_jobs(args.campaign)
        if job.status == "failed" and args.step in (None, job.step)
    ]
    reopened = sum(services.store.reopen_failed(job, now) for job in failed)
    print(f"reopened {reopened} failed job(s); the next scheduler pass sends them")
    return 0


def check_campaigns(args: argparse.Namespace) -> int:
    from chalicelib.campaigns.loader import load_campaigns, sms_sizes
    from chalicelib.config import PACKAGE_DIR

    directory = Path(args.directory or PACKAGE_DIR / "campaigns" / "definitions")
    try:
        campaigns = load_campaigns(directory)
    except InvalidCampaignDefinition as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 2
    for campaign in campaigns.values():
        print(f"{campaign.slug} (version {campaign.version}): OK")
        for step, locale, variant, size in sms_sizes(campaign):
            label = f"{step}.{locale}" + (f".{variant}" if variant else "")
            print(f"  SMS {label}: {size.encoding}, {size.units} units, {size.segments} segment(s)")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="samvad", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="area", required=True)
    followups = commands.add_parser("followups").add_subparsers(dest="command", required=True)
    due = followups.add_parser("run-due", help="send what is due now (or as of --now)")
    due.add_argument("--now", type=_parse_now, default=None)
    due.add_argument("--limit", type=int, default=500)
    due.set_defaults(func=run_due)
    listing = followups.add_parser("list", help="a campaign's follow-up jobs")
    listing.add_argument("campaign")
    listing.set_defaults(func=list_jobs)
    retry = followups.add_parser("retry", help="put a campaign's failed jobs back in the queue")
    retry.add_argument("campaign")
    retry.add_argument("--step", default=None)
    retry.add_argument("--now", type=_parse_now, default=None)
    retry.set_defaults(func=retry_failed)
    campaigns = commands.add_parser("campaigns").add_subparsers(dest="command", required=True)
    check = campaigns.add_parser("check", help="validate definitions; SMS sizes per locale")
    check.add_argument("directory", nargs="?")
    check.set_defaults(func=check_campaigns)
    args = parser.parse_args(argv)
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
