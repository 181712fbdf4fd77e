"""``samvad followups``: run the scheduler once, list jobs, retry failed ones."""

from __future__ import annotations

import argparse
from typing import Any

from samvad_cli.context import parse_now, services


def run_due(args: argparse.Namespace) -> int:
    report = services(args.now).runner.run_due(limit=args.limit)
    print(f"followups: {report}")
    return 0


def list_jobs(args: argparse.Namespace) -> int:
    for job in services().admin.followups(args.campaign):
        sent = job.sent_at.isoformat(timespec="seconds") if job.sent_at else "-"
        why = job.note or job.last_error or ""
        print(
            f"{job.due_at.isoformat(timespec='seconds')}  {job.status:9}  {job.step:16}"
            f"  {job.channel:5}  {job.locale:5}  sent {sent}  attempts {job.attempts}  {why}"
        )
    return 0


def retry_failed(args: argparse.Namespace) -> int:
    reopened = services(args.now).admin.retry_failed(args.campaign, args.step)
    print(f"reopened {reopened} failed job(s); the next scheduler pass sends them")
    return 0


def register(commands: Any) -> None:
    followups = commands.add_parser("followups", help="the follow-up scheduler")
    sub = followups.add_subparsers(dest="command", required=True)
    due = sub.add_parser("run-due", help="send what is due now (or as of --now)")
    due.add_argument("--now", type=parse_now, default=None)
    due.add_argument("--limit", type=int, default=500)
    due.set_defaults(func=run_due)
    listing = sub.add_parser("list", help="a campaign's follow-up jobs")
    listing.add_argument("campaign")
    listing.set_defaults(func=list_jobs)
    retry = sub.add_parser("retry", help="put a campaign's failed jobs back in the queue")
    retry.add_argument("campaign")
    retry.add_argument("--step", default=None)
    retry.add_argument("--now", type=parse_now, default=None)
    retry.set_defaults(func=retry_failed)
