"""``samvad validate|preview|deploy|publish|rollback|list|show|responses|export|stats``."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from babel.numbers import format_currency

from chalicelib.campaigns import Campaign, translations
from chalicelib.campaigns.loader import load_campaign_file, load_campaigns, sms_sizes
from chalicelib.config import PACKAGE_DIR
from chalicelib.errors import DefinitionProblem, InvalidCampaignDefinition, SamvadError
from samvad_cli.audited import AuditedBackend
from samvad_cli.backend import ApiBackend, Backend, CommandFailed, LocalBackend
from samvad_cli.context import services
from samvad_cli.sms_report import language_lines

DEFINITIONS = PACKAGE_DIR / "campaigns" / "definitions"
# What one SMS segment costs, in USD, by country (AWS End User Messaging list prices, 2026;
# pass --price-per-segment for your own contract).
PRICE_PER_SEGMENT = {"IN": 0.00278}
DEFAULT_PRICE = 0.0075


def load_paths(paths: list[str]) -> list[Campaign]:
    """Campaigns from files and folders; every problem in every file is raised at once."""
    found: list[Campaign] = []
    problems: list[DefinitionProblem] = []
    for raw in paths or [str(DEFINITIONS)]:
        path = Path(raw)
        try:
            if path.is_dir():
                found.extend(load_campaigns(path).values())
            else:
                found.append(load_campaign_file(path))
        except InvalidCampaignDefinition as exc:
            problems.extend(exc.problems)
        except OSError as exc:
            problems.append(DefinitionProblem(raw, None, "(file)", exc.strerror or str(exc)))
    if problems:
        raise InvalidCampaignDefinition(problems)
    return found


def _window_problems(campaign: Campaign, now: datetime) -> list[str]:
    if campaign.ends_at is not None and campaign.ends_at <= now:
        return [f"{campaign.slug}.yaml: ends_at: {campaign.ends_at.isoformat()} is in the past"]
    return []


def validate(args: argparse.Namespace) -> int:
    try:
        campaigns = load_paths(args.paths)
    except InvalidCampaignDefinition as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 1
    now = datetime.now(UTC)
    late = [line for c in campaigns for line in _window_problems(c, now)]
    for line in late:
        print(line, file=sys.stderr)
    for campaign in campaigns:
        print(f"{campaign.slug}: {'ERROR' if _window_problems(campaign, now) else 'OK'}")
        price = args.price_per_segment or PRICE_PER_SEGMENT.get(
            campaign.phone_region, DEFAULT_PRICE
        )
        for step, locale, variant, size in sms_sizes(campaign):
            label = f"{step}.{locale}" + (f".{variant}" if variant else "")
            cost = format_currency(size.segments * price * 1000, "USD", locale="en")
            print(
                f"  SMS {label}: {size.encoding}, {size.units} units,"
                f" {size.segments} segment(s), about {cost} per 1,000 recipients"
            )
        for line in language_lines(campaign, price):
            print(line)
    return 1 if late else 0


def preview(args: argparse.Namespace) -> int:
    from samvad_cli.preview import followup_texts, page_html

    directory = Path(args.dir) if args.dir else DEFINITIONS
    try:
        campaign = load_campaign_file(directory / f"{args.slug}.yaml")
    except InvalidCampaignDefinition as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 1
    if not campaign.offers(args.locale):
        print(f"{args.slug} is not offered in {args.locale!r}: {campaign.locales}", file=sys.stderr)
        return 1
    html = page_html(campaign, args.locale)
    if args.out:
        Path(args.out).write_text(html, encoding="utf-8")
        print(f"page written to {args.out}")
    else:
        print(html)
    for title, text in followup_texts(campaign, args.locale):
        print(f"--- {title}\n{text}")
    return 0


def backend(args: argparse.Namespace) -> Backend:
    if args.api:
        return ApiBackend(args.api, os.environ.get("SAMVAD_ADMIN_KEY"))
    return AuditedBackend(LocalBackend(services))  # the audit log, as the admin API writes it


def deploy(args: argparse.Namespace) -> int:
    target = backend(args)
    try:
        load_paths(args.paths)  # everything valid before anything is stored
    except InvalidCampaignDefinition as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 1
    for raw in args.paths:
        path = Path(raw)
        files = sorted(path.glob("*.yaml")) if path.is_dir() else [path]
        for file in files:
            done = target.deploy(translations.bundle(file), file.name)
            print(f"{done['slug']}: deployed version {done['version']}")
            if args.publish:
                target.publish(done["slug"], done["version"])
                print(f"{done['slug']}: published version {done['version']}")
    return 0


def publish(args: argparse.Namespace) -> int:
    done = backend(args).publish(args.slug, args.version)
    print(f"{done['slug']}: published version {done['published']}")
    return 0


def rollback(args: argparse.Namespace) -> int:
    done = backend(args).rollback(args.slug)
    print(f"{done['slug']}: rolled back to version {done['published']}")
    return 0


def list_campaigns(args: argparse.Namespace) -> int:
    for item in backend(args).list():
        published = item["published"] if item["published"] is not None else "-"
        print(f"{item['slug']:24} published {published:>4}  latest {item['latest']:>4}")
    return 0


def show(args: argparse.Namespace) -> int:
    print(json.dumps(backend(args).show(args.slug), indent=2, ensure_ascii=False))
    return 0


def responses(args: argparse.Namespace) -> int:
    page = backend(args).responses(args.slug, args.limit, args.cursor)
    for item in page["items"]:
        print(json.dumps(item, ensure_ascii=False))
    if page["next"]:
        print(f"more: samvad responses {args.slug} --cursor {page['next']}", file=sys.stderr)
    return 0


def export(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from chalicelib.admin.export import csv_lines, jsonl_lines

    target = backend(args)
    total = target.stats(args.slug)["responses"]
    names: list[str] = []

    def rows() -> Iterator[dict[str, Any]]:
        cursor = None
        with tqdm(total=total, unit="answer", file=sys.stderr, disable=args.quiet) as bar:
            while True:
                page = target.responses(args.slug, 100, cursor)
                names[:] = page["columns"]
                for item in page["items"]:
                    bar.update()
                    yield item
                cursor = page["next"]
                if not cursor:
                    return

    first = target.responses(args.slug, 1, None)
    names[:] = first["columns"]
    lines = csv_lines(names, rows()) if args.format == "csv" else jsonl_lines(rows())
    out = open(args.out, "w", encoding="utf-8", newline="") if args.out else sys.stdout  # noqa: SIM115
    try:
        for line in lines:
            out.write(line)
    finally:
        if args.out:
            out.close()
    return 0


def stats(args: argparse.Namespace) -> int:
    found = backend(args).stats(args.slug)
    print(f"{found['slug']}: {found['views']} views, {found['responses']} responses")
    print(
        f"  {found['shares']} shares, {found['referred']} answers through shares"
        f" ({found.get('verified', 0)} verified friends,"
        f" {found.get('unverified', found['referred'])} unverified),"
        f" {found['rewards']} rewards"
    )
    for key, title in (("by_locale", "locale"), ("by_source", "source")):
        for name, counts in sorted(found[key].items()):
            print(
                f"  {title} {name:16} {counts['views']:>6} views {counts['responses']:>6} responses"
            )
    return 0


def moderation(args: argparse.Namespace) -> int:
    queue = backend(args).moderation(args.slug, args.status)
    for item in queue["items"]:
        print(json.dumps(item, ensure_ascii=False))
    print(f"{len(queue['items'])} {args.status} share(s)", file=sys.stderr)
    return 0


def decide(decision: str) -> Any:
    def run(args: argparse.Namespace) -> int:
        done = backend(args).moderate(args.slug, args.share_id, decision)
        print(f"{done['share_id']}: {done['status']}")
        return 0

    return run


def reply(args: argparse.Namespace) -> int:
    done = backend(args).reply(args.slug, args.response_id, args.text)
    print(f"sent to {args.response_id}: {done['text']}")
    return 0


def thread(args: argparse.Namespace) -> int:
    found = backend(args).thread(args.slug, args.response_id)
    for message in found["messages"]:
        arrow = "->" if message["direction"] == "out" else "<-"
        print(f"{message['at']} {arrow} {message['text']}")
    return 0


def _guarded(command: Any) -> Any:
    def run(args: argparse.Namespace) -> int:
        try:
            result: int = command(args)
        except InvalidCampaignDefinition as exc:
            for problem in exc.problems:
                print(problem, file=sys.stderr)
            return 1
        except (CommandFailed, SamvadError) as exc:
            print(f"samvad: {exc}", file=sys.stderr)
            return 1
        return result

    return run


def register(commands: Any) -> None:
    def add(name: str, func: Any, help_text: str, api: bool = True) -> argparse.ArgumentParser:
        sub: argparse.ArgumentParser = commands.add_parser(name, help=help_text)
        if api:
            sub.add_argument(
                "--api", metavar="URL", help="a deployed admin API instead of DynamoDB"
            )
        sub.set_defaults(func=_guarded(func))
        return sub

    check = add("validate", validate, "validate campaign files; SMS sizes and costs", api=False)
    check.add_argument("paths", nargs="*", help="files or folders (default: the samples)")
    check.add_argument("--price-per-segment", type=float, default=None, help="USD per segment")
    look = add("preview", preview, "render a campaign's page and follow-ups", api=False)
    look.add_argument("slug")
    look.add_argument("--locale", required=True)
    look.add_argument("--dir", help="where <slug>.yaml is (default: the samples)")
    look.add_argument("--out", help="write the page here instead of printing it")
    ship = add("deploy", deploy, "store files as new versions (not published unless --publish)")
    ship.add_argument("paths", nargs="+")
    ship.add_argument("--publish", action="store_true")
    live = add("publish", publish, "make a version the live one")
    live.add_argument("slug")
    live.add_argument("version", type=int)
    back = add("rollback", rollback, "go back to the previously published version")
    back.add_argument("slug")
    add("list", list_campaigns, "campaigns with their published and latest versions")
    one = add("show", show, "a campaign's versions and history")
    one.add_argument("slug")
    page = add("responses", responses, "a page of answers (JSON Lines)")
    page.add_argument("slug")
    page.add_argument("--limit", type=int, default=50)
    page.add_argument("--cursor")
    out = add("export", export, "every answer as CSV (Excel-safe) or JSON Lines")
    out.add_argument("slug")
    out.add_argument("--format", choices=["csv", "jsonl"], default="csv")
    out.add_argument("--out", help="a file (default: standard output)")
    out.add_argument("--quiet", action="store_true", help="no progress bar")
    numbers = add("stats", stats, "the funnel per locale and source: views to rewards")
    numbers.add_argument("slug")
    queue = add("moderation", moderation, "customer texts waiting for approval")
    queue.add_argument("slug")
    queue.add_argument("--status", choices=["pending", "public", "rejected"], default="pending")
    for name in ("approve", "reject"):
        choice = add(name, decide(name), f"{name} a customer's share")
        choice.add_argument("slug")
        choice.add_argument("share_id")
    answer = add("reply", reply, "reply to a customer by SMS, in their language")
    answer.add_argument("slug")
    answer.add_argument("response_id")
    answer.add_argument("text")
    talk = add("thread", thread, "the conversation on a response")
    talk.add_argument("slug")
    talk.add_argument("response_id")
