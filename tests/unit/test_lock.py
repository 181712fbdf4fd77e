"""The package is built from requirements.lock: every requirement at the version that
requirements.txt pins, every package in it with hashes (pip's --require-hashes refuses
anything else), and nothing that Lambda provides or that only development needs."""

from __future__ import annotations

import re
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9_.\-\[\]]+)==([^\s;\\]+)", re.MULTILINE)


def _pins(text: str) -> dict[str, str]:
    return {name.lower().replace("_", "-"): version for name, version in PIN.findall(text)}


def test_the_lock_pins_what_requirements_pin_each_with_hashes() -> None:
    wanted = _pins((PROJECT / "requirements.txt").read_text(encoding="utf-8"))
    text = (PROJECT / "requirements.lock").read_text(encoding="utf-8")
    locked = _pins(text)
    assert wanted, "requirements.txt pins nothing?"
    assert {name: locked.get(name) for name in wanted} == wanted
    hashes: dict[str, int] = {}
    for line in text.splitlines():
        if pin := PIN.match(line):
            current = pin.group(1)
            hashes[current] = 0
        elif line.strip().startswith("--hash=sha256:"):
            hashes[current] += 1
    assert sorted(name for name, count in hashes.items() if count == 0) == []
    assert not {"boto3", "botocore", "chalice", "moto", "aws-lambda-powertools"} & set(locked)
