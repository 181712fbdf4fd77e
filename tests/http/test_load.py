"""The load test of ``make bench`` (bench/load.py), short: 8 customers for 8 seconds.

It runs in its own process, as ``make bench`` runs it: locust brings gevent, whose
monkey-patching must never reach this test process.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.http

PROJECT_DIR = Path(__file__).resolve().parents[2]


def test_a_short_load_loses_no_answer_and_fails_no_request() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "bench.load", "--duration", "8", "--users", "8"],
        cwd=PROJECT_DIR,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    last = run.stdout.strip().splitlines()[-1]
    found = re.fullmatch(r"accepted (\d+) stored (\d+) errors (\d+)", last)
    assert found, output
    accepted, stored, errors = map(int, found.groups())
    assert errors == 0, output
    assert accepted == stored > 0, output
    # Every kind of request was made: both languages and Urdu, the short link, the answers.
    for name in ("/hi/c/wishlist", "/en/c/wishlist", "/ur/c/wishlist", "[hi-IN]", "[en]"):
        assert name in run.stdout, output
    assert "5xx answers in the stack's request log: 0" in run.stdout, output
