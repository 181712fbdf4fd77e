"""``samvad stats`` prints the whole funnel as a table with a header row (verified and
unverified friends apart), then the A/B variants with their z-test or "not enough data"."""

from __future__ import annotations

import argparse
from typing import Any

import pytest

from samvad_cli import campaigns

FUNNEL = {"views": 40, "responses": 12, "shares": 2, "referred": 9, "verified": 6}
VARIANTS = {
    "items": [
        {"id": "plain", "views": 1000, "responses": 200, "conversion": 0.2},
        {
            "id": "festive",
            "views": 1000,
            "responses": 250,
            "conversion": 0.25,
            "vs_first": {"z": 2.677, "p_value": 0.0074},
            "shares": 40,
            "verified": 15,
            "rewards": 2,
        },
        {"id": "bold", "views": 20, "responses": 1, "conversion": 0.05, "vs_first": None},
    ],
    "rule": "a variant is compared with the first once both have at least 100 views",
}


class _Backend:
    def __init__(self, variants: dict[str, Any] | None = None) -> None:
        self.variants = variants or {"items": [], "rule": VARIANTS["rule"]}

    def stats(self, slug: str) -> dict[str, Any]:
        return {
            "slug": slug,
            **FUNNEL,
            "unverified": 3,
            "rewards": 1,
            "by_locale": {"hi": {**FUNNEL, "views": 30, "responses": 3}},
            "by_source": {},
            "variants": self.variants,
        }


def printed(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], backend: _Backend
) -> list[str]:
    monkeypatch.setattr(campaigns, "backend", lambda args: backend)
    assert campaigns.stats(argparse.Namespace(slug="design-your-dress")) == 0
    return capsys.readouterr().out.splitlines()


def test_the_whole_funnel_is_one_table_with_a_header_row(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = printed(monkeypatch, capsys, _Backend())

    header = next(i for i, line in enumerate(lines) if line.split()[:1] == ["views"])
    assert lines[header].split() == [
        "views", "answers", "shares", "referred", "verified", "unverified", "rewards", "conversion",
    ]  # fmt: skip
    assert lines[header + 1].split() == ["all", "40", "12", "2", "9", "6", "3", "1", "30.0%"]
    assert lines[header + 2].split()[:4] == ["locale", "hi", "30", "3"]
    assert lines[header + 2].split()[-1] == "10.0%"
    assert not any("variant" in line for line in lines)  # a campaign without variants


def test_variants_show_their_conversion_and_z_test_or_not_enough_data(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = printed(monkeypatch, capsys, _Backend(VARIANTS))

    rows = {line.split()[0]: line for line in lines if line.startswith("  ") and line.split()}
    header = next(line for line in lines if line.split()[:1] == ["variant"])
    assert header.split() == [
        "variant", "views", "answers", "shares", "verified", "rewards", "conversion", "vs", "first",
    ]  # fmt: skip
    assert rows["plain"].split() == [
        "plain",
        "1000",
        "200",
        "0",
        "0",
        "0",
        "20.0%",
        "(the",
        "baseline)",
    ]
    assert rows["festive"].split()[1:7] == ["1000", "250", "40", "15", "2", "25.0%"]
    assert rows["festive"].endswith("z = +2.68, p = 0.0074")
    assert rows["bold"].endswith("not enough data yet")
    assert lines[-1] == f"  (the rule: {VARIANTS['rule']})"
