"""``make run`` on other ports (``PORT``, ``EMULATOR_PORT``) and ``samvad`` finds it through
the state file the stack writes, with no address in the environment: ``samvad list`` reads its
table, ``samvad followups run-due`` sends through its emulator, and what that other process
sent shows in the stack's ``/_local/outbox`` with links to the stack's own address."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import (
    PROJECT_DIR,
    Emulator,
    RunningStack,
    dead_port,
    eventually,
    free_port,
    start_stack,
)
from tests.http.followup_helpers import LINK, answer, at_ist

pytestmark = pytest.mark.http
# What would tell the command where the stack is, other than the state file.
ADDRESSES = ("AWS_ENDPOINT_URL", "EMULATOR_PORT", "PORT", "SAMVAD_PUBLIC_URL")


@pytest.fixture(scope="module")
def moved(
    emulator: Emulator, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[RunningStack, Path]]:
    """The local stack on a port other than 8000, its emulator on one other than 4566 (the
    tests' own, bound before the stack starts: a port chosen free may be taken by another
    process by the time a slow start binds it), its scheduler off (only ``run-due`` sends
    what falls due)."""
    folder = tmp_path_factory.mktemp("moved")
    state = folder / "stack.json"
    env = {
        "AWS_ENDPOINT_URL": emulator.endpoint,
        "SAMVAD_STACK_STATE": str(state),
        "SAMVAD_SCHEDULER_SECONDS": "0",
    }
    running = start_stack(env, folder / "stack.log")
    yield running, state
    running.stop()


def samvad(state: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    """``samvad ARGS`` with no address of the stack in its environment but the state file
    (and ``extra`` variables)."""
    env = {k: v for k, v in os.environ.items() if k not in ADDRESSES}
    env.update(SAMVAD_STACK_STATE=str(state), **extra)
    return subprocess.run(
        [sys.executable, "-m", "samvad_cli", *args],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_stack_writes_where_it_is(moved: tuple[RunningStack, Path], emulator: Emulator) -> None:
    stack, state = moved

    written = json.loads(state.read_text(encoding="utf-8"))

    assert written["app_url"] == stack.base_url
    assert written["public_url"] == stack.base_url
    assert written["pid"] == stack.process.pid
    assert written["emulator_url"] == emulator.endpoint
    assert str(state) in stack.output


def test_list_finds_the_stack_without_an_address(moved: tuple[RunningStack, Path]) -> None:
    listed = samvad(moved[1], "list")

    assert listed.returncode == 0, listed.stderr
    header, *rows = listed.stdout.splitlines()
    assert header.split() == ["CAMPAIGN", "PUBLISHED", "LATEST"]
    assert ["wishlist", "1", "1"] in [row.split() for row in rows]


def test_run_due_sends_through_the_stack_and_its_sms_shows_in_the_outbox(
    moved: tuple[RunningStack, Path],
) -> None:
    stack, state = moved
    answer(stack, "state-file-0001", "98765 62001")
    number = "+919876562001"

    ran = samvad(state, "followups", "run-due", "--now", at_ist(2, 10).isoformat())

    assert ran.returncode == 0, ran.stderr
    assert "sent: 1" in ran.stdout

    def texts() -> list[str]:
        messages = stack.get("/_local/outbox?format=json").json()
        return [m["message"] for m in messages if m["to"] == number]

    reminder = eventually(lambda: len(texts()) == 2 and texts()[0])
    link = LINK.search(reminder)
    assert link is not None, reminder
    assert link.group(0).startswith(stack.base_url + "/")  # not http://127.0.0.1:8000


def test_qr_codes_point_at_the_stack(moved: tuple[RunningStack, Path], tmp_path: Path) -> None:
    made = samvad(
        moved[1],
        "qr",
        "wishlist",
        "--locale",
        "hi",
        "--source",
        "poster",
        "--out-dir",
        str(tmp_path),
    )

    assert made.returncode == 0, made.stderr
    assert made.stdout.splitlines()[0] == f"{moved[0].base_url}/hi/c/wishlist?src=poster"


def test_a_clean_stop_removes_the_state_and_then_the_cli_says_so(tmp_path: Path) -> None:
    state = tmp_path / "stack.json"
    stack = start_stack(
        {"EMULATOR_PORT": str(free_port()), "SAMVAD_STACK_STATE": str(state)},
        tmp_path / "stack.log",
    )
    try:
        assert state.is_file()
    finally:
        assert stack.stop() == 0
    assert not state.exists()

    with dead_port() as port:
        listed = samvad(state, "list", EMULATOR_PORT=str(port))
    assert listed.returncode == 1
    assert listed.stderr.splitlines() == [
        f"samvad: cannot reach the local stack at http://127.0.0.1:{port}/;"
        " start it with `make run`"
    ]
