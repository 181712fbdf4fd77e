"""What ``make run`` does on a fresh machine: its own emulator, then Ctrl-C stops it all; with
only what ``make run`` installs (``tests/lean_run.py``)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import boto3
import pytest
import requests

from tests.conftest import PROJECT_DIR, REGION, free_port, start_stack

pytestmark = pytest.mark.http


def test_stack_starts_its_own_emulator_and_stops_cleanly(tmp_path: Path) -> None:
    emulator_port = free_port()
    endpoint = f"http://127.0.0.1:{emulator_port}"
    stack = start_stack(
        {"EMULATOR_PORT": str(emulator_port)}, tmp_path / "stack.log", module="tests.lean_run"
    )
    try:
        page = stack.get("/hi/c/wishlist")
        tables = boto3.client(
            "dynamodb",
            region_name=REGION,
            endpoint_url=endpoint,
            aws_access_key_id="local",
            aws_secret_access_key="local",
        ).list_tables()
    finally:
        status = stack.stop()

    assert f"AWS emulator: {endpoint}" in stack.output
    assert page.status_code == 200
    assert "samvad-local" in tables["TableNames"]
    assert status == 0
    assert "Stopped." in stack.output
    for url in (stack.base_url, endpoint):
        with pytest.raises(requests.ConnectionError):
            requests.get(url, timeout=2)


def test_a_broken_campaign_stops_the_stack_with_file_line_and_field(tmp_path: Path) -> None:
    source = PROJECT_DIR / "chalicelib" / "campaigns" / "definitions" / "wishlist.yaml"
    text = source.read_text(encoding="utf-8")
    broken = text.replace("  hi: हम आपकी रसोई के लिए आगे क्या बनाएँ?\n", "", 1)
    assert broken != text
    (tmp_path / "wishlist.yaml").write_text(broken, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "AWS_ENDPOINT_URL"}
    env.update(
        SAMVAD_CAMPAIGNS_DIR=str(tmp_path), PORT=str(free_port()), EMULATOR_PORT=str(free_port())
    )

    run = subprocess.run(
        [sys.executable, "-m", "chalicelib.local.stack"],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert run.returncode == 2
    line = text.splitlines().index("title:") + 2  # the title's mapping starts below its key
    assert f"wishlist.yaml:{line}:3: title: missing the 'hi' text" in run.stderr
    assert "Traceback" not in run.stderr


def test_sigterm_stops_the_stack_within_five_seconds_even_while_it_serves(
    tmp_path: Path,
) -> None:
    import signal
    import threading

    stack = start_stack({"EMULATOR_PORT": str(free_port())}, tmp_path / "stack.log")
    busy = threading.Event()

    def keep_it_busy() -> None:  # customers still arriving when the developer stops it
        with requests.Session() as session:
            while not busy.is_set():
                try:
                    session.get(f"{stack.base_url}/c/wishlist", timeout=5)
                except requests.RequestException:
                    return

    clients = [threading.Thread(target=keep_it_busy, daemon=True) for _ in range(4)]
    try:
        for client in clients:
            client.start()
        stack.get("/hi/c/wishlist")
        stack.process.send_signal(signal.SIGTERM)
        status = stack.process.wait(timeout=5)  # raises TimeoutExpired if it lingers
    finally:
        busy.set()
        stack.stop()

    assert status == 0
    assert "Stopped" in stack.output
