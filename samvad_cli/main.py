"""``samvad``: campaigns as code, follow-ups, translations.

Settings come from the environment as in Lambda (SAMVAD_*, AWS_*). On the local stage without
AWS_ENDPOINT_URL, commands talk to the running local stack (``make run``), found through the
state file it writes (``build/local-stack.json``; SAMVAD_STACK_STATE names another).

Every failure is one line on standard error and a non-zero exit status; SAMVAD_DEBUG=1 shows
the traceback instead.
"""

from __future__ import annotations

import argparse
import os
import sys

INTERRUPTED = 130  # what a shell reports for a command stopped by Ctrl-C (128 + SIGINT)


def parser() -> argparse.ArgumentParser:
    # Imported here, inside main's guard: Ctrl-C while they load is quiet too.
    from samvad_cli import campaigns, deploy, followups, i18n, languages, package, qr, users

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
    """Run one command; no traceback reaches the marketer (``failure`` says what went wrong)."""
    try:
        args = parser().parse_args(argv)
        result: int = args.func(args)
    except KeyboardInterrupt:
        return INTERRUPTED
    except BrokenPipeError:  # `samvad export x | head`: the reader has what it wanted
        sys.stderr.close()
        return 1
    except Exception as exc:
        if os.environ.get("SAMVAD_DEBUG"):
            raise
        for line in failure(exc):
            print(line, file=sys.stderr)
        return 1
    return result


def failure(exc: BaseException) -> list[str]:
    """What to tell the marketer about ``exc``: one line (one per problem of a definition)."""
    from chalicelib.errors import InvalidCampaignDefinition
    from samvad_cli.backend import CommandFailed

    if isinstance(exc, InvalidCampaignDefinition):
        return [str(problem) for problem in exc.problems]
    if isinstance(exc, CommandFailed):  # the admin API's answer: its problems one per line
        first, *more = str(exc).splitlines() or [""]
        return [f"samvad: {first}", *more]
    return [f"samvad: {_one_line(_describe(exc))}"]


def _describe(exc: BaseException) -> str:
    import botocore.exceptions as aws
    import requests

    from chalicelib.errors import SamvadError

    if isinstance(exc, aws.EndpointConnectionError | aws.ConnectTimeoutError):
        return _unreachable(str(exc.kwargs.get("endpoint_url", "")))
    if isinstance(exc, requests.ConnectionError):
        url = exc.request.url if exc.request is not None else ""
        return f"cannot reach {url or 'the server'}: is the address right and the server up?"
    if isinstance(exc, aws.ClientError):
        error = exc.response.get("Error", {})
        return f"AWS refused {exc.operation_name}: {error.get('Code')}: {error.get('Message')}"
    if isinstance(exc, aws.NoCredentialsError | aws.NoRegionError):
        return f"{exc} (set AWS_PROFILE or AWS_ACCESS_KEY_ID, and AWS_REGION)"
    if isinstance(exc, OSError) and exc.filename is not None:
        return f"{exc.filename}: {exc.strerror or exc}"
    if isinstance(exc, SamvadError | aws.BotoCoreError | OSError):
        return str(exc)
    return f"unexpected {type(exc).__name__}: {exc} (SAMVAD_DEBUG=1 shows where)"


def _unreachable(url: str) -> str:
    if os.environ.get("SAMVAD_STAGE", "local") == "local":
        return f"cannot reach the local stack at {url}; start it with `make run`"
    return f"cannot reach AWS at {url}"


def _one_line(text: str) -> str:
    return " ".join(text.split())
