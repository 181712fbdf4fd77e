"""``samvad``: campaigns as code, follow-ups, translations.

Settings come from the environment as in Lambda (SAMVAD_*, AWS_*). On the local stage without
AWS_ENDPOINT_URL, commands talk to the local stack's emulator (``make run``).
"""

from __future__ import annotations

import argparse

from samvad_cli import campaigns, deploy, followups, i18n, languages, package, qr, users


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="samvad", description=__doc__)
    commands = root.add_subparsers(dest="area", required=True)
    campaigns.register(commands)
    followups.register(commands)
    languages.register(i18n.register(commands))
    qr.register(commands)
    package.register(commands)
    deploy.register(commands)
    users.register(commands)
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    result: int = args.func(args)
    return result
