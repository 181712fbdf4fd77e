"""``samvad validate|preview|deploy|publish|rollback|list|responses|export|stats``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from chalicelib.errors import InvalidCampaignDefinition


def validate(args: argparse.Namespace) -> int:
    from chalicelib.campaigns.loader import load_campaigns, sms_sizes
    from chalicelib.config import PACKAGE_DIR

    directory = Path(args.paths[0] if args.paths else PACKAGE_DIR / "campaigns" / "definitions")
    try:
        campaigns = load_campaigns(directory)
    except InvalidCampaignDefinition as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 1
    for campaign in campaigns.values():
        print(f"{campaign.slug} (version {campaign.version}): OK")
        for step, locale, variant, size in sms_sizes(campaign):
            label = f"{step}.{locale}" + (f".{variant}" if variant else "")
            print(f"  SMS {label}: {size.encoding}, {size.units} units, {size.segments} segment(s)")
    return 0


def register(commands: Any) -> None:
    check = commands.add_parser("validate", help="validate campaign files; SMS sizes and costs")
    check.add_argument("paths", nargs="*", type=str)
    check.set_defaults(func=validate)
