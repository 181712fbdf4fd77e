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
from chalicelib.campaigns.theme import describe
from chalicelib.config import PACKAGE_DIR
from chalicelib.errors import DefinitionProblem, InvalidCampaignDefinition
from chalicelib.sms import price_per_segment
from chalicelib.variants.texts import in_variant, variant_of
from samvad_cli.audited import AuditedBackend
from samvad_cli.backend import ApiBackend, Backend, CommandFailed, LocalBackend
from samvad_cli.context import services
from samvad_cli.question_stats import print_questions
from samvad_cli.sms_report import language_lines
from samvad_cli.stats_report import funnel_lines, variant_lines

DEFINITIONS = PACKAGE_DIR / "campaigns" / "definitions"


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
        price = args.price_per_segment or price_per_segment(campaign.phone_region)
        for line in _sms_lines(campaign, price):
            print(line)
        for line in language_lines(campaign, price):
            print(line)
        for line in describe(campaign.theme) if campaign.theme else []:
            print(line)
    return 1 if late else 0


def _sms_lines(campaign: Campaign, price: float) -> Iterator[str]:
    """Each SMS text's size and cost, those of the A/B variants' own texts too
    (``thanks_sms@festive.hi``)."""
    shown = [(campaign, "")]
    shown += [(in_variant(campaign, v.id), f"@{v.id}") for v in campaign.variants if v.followups]
    if campaign.variants:
        weights = ", ".join(f"{v.id} (weight {v.weight:g})" for v in campaign.variants)
        yield f"  A/B variants: {weights}"
    for version, suffix in shown:
        for step, locale, variant, size in sms_sizes(version):
            own = variant_of(campaign, suffix[1:])
            if own is not None and step not in own.followups:
                continue
            label = f"{step}{suffix}.{locale}" + (f".{variant}" if variant else "")
            cost = format_currency(size.segments * price * 1000, "USD", locale="en")
            yield (
                f"  SMS {label}: {size.encoding}, {size.units} units,"
                f" {size.segments} segment(s), about {cost} per 1,000 recipients"
            )


def campaign_file(target: str, directory: str | None) -> Path:
    """The file ``samvad preview`` means: a path as given (``promo.yaml``, ``a/b/promo.yaml``),
    or a slug's ``<slug>.yaml`` in ``--dir``, else in the current folder, else the samples."""
    given = Path(target)
    if given.suffix in (".yaml", ".yml") or len(given.parts) > 1:
        if not given.is_file():
            raise CommandFailed(f"{target}: no such file")
        return given
    folders = [Path(directory)] if directory else [Path.cwd(), DEFINITIONS]
    for folder in folders:
        if (folder / f"{target}.yaml").is_file():
            return folder / f"{target}.yaml"
    looked = " or ".join(str(folder) for folder in folders)
    raise CommandFailed(f"no {target}.yaml in {looked}: give the file's path, or --dir FOLDER")


def preview(args: argparse.Namespace) -> int:
    from samvad_cli.preview import followup_texts, page_html

    campaign = load_campaign_file(campaign_file(args.campaign, args.dir))
    if not campaign.offers(args.locale):
        raise CommandFailed(
            f"{campaign.slug} is not offered in {args.locale!r}: {', '.join(campaign.locales)}"
        )
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


def campaign_table(items: list[dict[str, Any]]) -> list[str]:
    """``samvad list``'s lines: a header, then a campaign a line, numbers right-aligned.

    >>> for line in campaign_table([{"slug": "diwali-sweets", "published": None, "latest": 1}]):
    ...     print(line)
    CAMPAIGN       PUBLISHED  LATEST
    diwali-sweets          -       1
    """
    if not items:
        return ["no campaigns (samvad deploy FILE stores one)"]
    rows = [
        (item["slug"], "-" if item["published"] is None else str(item["published"]), item["latest"])
        for item in items
    ]
    width = max(len("CAMPAIGN"), *(len(slug) for slug, _, _ in rows))
    header = f"{'CAMPAIGN':{width}}  PUBLISHED  LATEST"
    return [
        header,
        *(f"{slug:{width}}  {published:>9}  {latest:>6}" for slug, published, latest in rows),
    ]


def list_campaigns(args: argparse.Namespace) -> int:
    for line in campaign_table(backend(args).list()):
        print(line)
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
    for line in funnel_lines(found):
        print(line)
    for line in variant_lines(found.get("variants")):
        print(line)
    print_questions(found)
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


def register(commands: Any) -> None:
    def add(name: str, func: Any, help_text: str, api: bool = True) -> argparse.ArgumentParser:
        sub: argparse.ArgumentParser = commands.add_parser(name, help=help_text)
        if api:
            sub.add_argument(
                "--api", metavar="URL", help="a deployed admin API instead of DynamoDB"
            )
        sub.set_defaults(func=func)
        return sub

    _file_commands(add)
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
    numbers = add(
        "stats", stats, "the funnel per locale and source (views to rewards), A/B variants"
    )
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


def _file_commands(add: Any) -> None:
    """The commands that read campaign files and need no stack: validate, preview."""
    check = add("validate", validate, "validate campaign files; SMS sizes and costs", api=False)
    check.add_argument("paths", nargs="*", help="files or folders (default: the samples)")
    check.add_argument("--price-per-segment", type=float, default=None, help="USD per segment")
    look = add("preview", preview, "render a campaign's page and follow-ups", api=False)
    look.add_argument(
        "campaign", metavar="FILE|SLUG", help="a campaign file (promo.yaml) or a slug (promo)"
    )
    look.add_argument("--locale", required=True, help="the page's language, e.g. hi")
    look.add_argument(
        "--dir",
        metavar="FOLDER",
        help="where a slug's <slug>.yaml is (default: the current folder, then the samples)",
    )
    look.add_argument(
        "--out", metavar="FILE", help="write the page here (one file: it opens styled from disk)"
    )
