"""``samvad stats`` prints the sharing funnel with verified and unverified friends apart."""

from __future__ import annotations

import argparse
from typing import Any

import pytest

from samvad_cli import campaigns

FUNNEL = {"views": 40, "responses": 12, "shares": 2, "referred": 9, "verified": 6}


class _Backend:
    def stats(self, slug: str) -> dict[str, Any]:
        return {
            "slug": slug,
            **FUNNEL,
            "unverified": 3,
            "rewards": 1,
            "by_locale": {},
            "by_source": {},
        }


def test_the_funnel_shows_verified_and_unverified_friends(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(campaigns, "backend", lambda args: _Backend())

    assert campaigns.stats(argparse.Namespace(slug="design-your-dress")) == 0
    lines = capsys.readouterr().out.splitlines()

    assert lines[1].split() == [
        "2", "shares,", "9", "answers", "through", "shares",
        "(6", "verified", "friends,", "3", "unverified),", "1", "rewards",
    ]  # fmt: skip
