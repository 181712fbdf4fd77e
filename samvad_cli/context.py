"""What every command needs: the app's services, pointed where the command should work."""

from __future__ import annotations

import argparse
import os
from dataclasses import replace
from datetime import UTC, datetime

from chalicelib.bootstrap import Services


def services(now: datetime | None = None) -> Services:
    """The app's services from the environment, as in Lambda. On the local stage without
    ``AWS_ENDPOINT_URL``, the running local stack's emulator (``make run``)."""
    from chalicelib import bootstrap
    from chalicelib.local.stack import attach_to_local_stack

    if os.environ.get("SAMVAD_STAGE", "local") == "local":
        # No stage: the running local stack, whose settings (SAMVAD_STAGE=local among them)
        # this sets explicitly; another stage must name every setting (chalicelib/config.py).
        attach_to_local_stack()
    bootstrap.reset()
    found = bootstrap.get_services()
    if now is not None:
        found = replace(found, clock=lambda: now)
    return found


def parse_now(value: str) -> datetime:
    when = datetime.fromisoformat(value)
    if when.tzinfo is None:
        raise argparse.ArgumentTypeError("--now needs a UTC offset, e.g. 2026-11-26T10:00+05:30")
    return when.astimezone(UTC)
