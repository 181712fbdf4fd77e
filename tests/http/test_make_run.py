"""What ``make run`` does on a fresh machine: its own emulator, then Ctrl-C stops it all."""

from __future__ import annotations

from pathlib import Path

import boto3
import pytest
import requests

from tests.conftest import REGION, free_port, start_stack

pytestmark = pytest.mark.http


def test_stack_starts_its_own_emulator_and_stops_cleanly(tmp_path: Path) -> None:
    emulator_port = free_port()
    endpoint = f"http://127.0.0.1:{emulator_port}"
    stack = start_stack({"EMULATOR_PORT": str(emulator_port)}, tmp_path / "stack.log")
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
