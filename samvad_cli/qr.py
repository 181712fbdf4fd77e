"""``samvad qr``: a printable QR code for a campaign link, per locale, tagged with a source.

The link is ``{base}/{locale}/c/{slug}?src={source}``; the app counts the visits per ``src``
(``chalicelib.web.pages.source_of``), so a poster, a flyer and a shop counter each get their own.
The link and the symbol are ``chalicelib.distribution.qr``'s, the same as the console's QR page.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from chalicelib.campaigns import Campaign
from chalicelib.campaigns.loader import load_campaign_file
from chalicelib.distribution.qr import (
    BORDER,
    ERROR_LEVEL,
    SCALE,
    BadSource,
    campaign_url,
    check_source,
    make_symbol,
)
from chalicelib.errors import InvalidCampaignDefinition
from samvad_cli.campaigns import DEFINITIONS

__all__ = ["BORDER", "ERROR_LEVEL", "SCALE", "campaign_url", "make_symbol", "qr", "register"]

DEFAULT_BASE_URL = "http://127.0.0.1:8000"  # the local stack (``make run``)
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")  # as in campaign.schema.json
FORMATS = {"svg": ("svg",), "png": ("png",), "both": ("svg", "png")}


class QrProblem(Exception):
    """Something the operator has to fix; printed as is, exit status 1."""


def check_base_url(base_url: str) -> None:
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise QrProblem(f"base URL {base_url!r} must be http(s)://host[:port][/path]")


def find_campaign(directory: Path, slug: str) -> Campaign:
    if not SLUG.match(slug):
        raise QrProblem(f"{slug!r} is not a campaign slug")
    path = directory / f"{slug}.yaml"
    if not path.is_file():
        raise QrProblem(f"unknown campaign {slug!r}: no {path}")
    try:
        campaign = load_campaign_file(path)
    except InvalidCampaignDefinition as exc:
        raise QrProblem("\n".join(str(problem) for problem in exc.problems)) from exc
    if campaign.slug != slug:
        raise QrProblem(f"{path} defines campaign {campaign.slug!r}, not {slug!r}")
    return campaign


def chosen_locales(campaign: Campaign, locale: str | None, every: bool) -> list[str]:
    offered = ", ".join(campaign.locales)
    if every:
        if locale is not None and not campaign.offers(locale):
            raise QrProblem(f"campaign {campaign.slug!r} offers {offered}, not {locale!r}")
        return list(campaign.locales)
    if locale is None:
        raise QrProblem(f"give --locale (campaign {campaign.slug!r} offers {offered})")
    if not campaign.offers(locale):
        raise QrProblem(f"campaign {campaign.slug!r} offers {offered}, not {locale!r}")
    return [locale]


def write_codes(
    campaign: Campaign,
    locale: str,
    source: str,
    base_url: str,
    out_dir: Path,
    kinds: tuple[str, ...],
) -> tuple[str, list[Path]]:
    url = campaign_url(base_url, locale, campaign.slug, source)
    symbol = make_symbol(url)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for kind in kinds:
        path = out_dir / f"{campaign.slug}-{locale}-{source}.{kind}"
        if kind == "svg":
            title = f"{campaign.slug} ({locale}): {campaign.title[locale]}"
            symbol.save(str(path), kind="svg", scale=SCALE, border=BORDER, title=title)
        else:
            symbol.save(str(path), kind="png", scale=SCALE, border=BORDER)
        written.append(path)
    return url, written


def default_base_url() -> str:
    """``SAMVAD_PUBLIC_URL``, else the running local stack's public URL (its state file),
    else the local stack's usual address."""
    from chalicelib.local.state import read_state

    state = read_state()
    return os.environ.get("SAMVAD_PUBLIC_URL") or (state.public_url if state else DEFAULT_BASE_URL)


def qr(args: argparse.Namespace) -> int:
    base_url = args.base_url or default_base_url()
    try:
        try:
            check_source(args.source)
        except BadSource as exc:
            raise QrProblem(str(exc)) from exc
        check_base_url(base_url)
        campaign = find_campaign(Path(args.dir), args.slug)
        locales = chosen_locales(campaign, args.locale, args.all_locales)
        for locale in locales:
            url, written = write_codes(
                campaign, locale, args.source, base_url, Path(args.out_dir), FORMATS[args.format]
            )
            print(url)
            for path in written:
                print(f"  wrote {path}")
    except QrProblem as exc:
        print(f"samvad qr: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"samvad qr: {exc}", file=sys.stderr)
        return 1
    return 0


def register(commands: Any) -> None:
    command = commands.add_parser(
        "qr", help="a printable QR code for a campaign link, per locale and source"
    )
    command.add_argument("slug", help="the campaign, e.g. wishlist")
    command.add_argument("--locale", default=None, help="a locale the campaign offers, e.g. hi")
    command.add_argument(
        "--source", required=True, help="where the code is shown (?src=), e.g. poster-17"
    )
    command.add_argument(
        "--base-url",
        default=None,
        help="the public site (default: $SAMVAD_PUBLIC_URL, else the running local stack's,"
        f" else {DEFAULT_BASE_URL})",
    )
    command.add_argument("--out-dir", default=".", help="where to write the files (default: .)")
    command.add_argument("--format", choices=sorted(FORMATS), default="both")
    command.add_argument(
        "--all-locales", action="store_true", help="one code per locale the campaign offers"
    )
    command.add_argument(
        "--dir", default=str(DEFINITIONS), help="the campaign definitions (default: the package's)"
    )
    command.set_defaults(func=qr)
