"""A/B variants on the real local stack (moto server, real HTTP): two visitors see their
variants' titles, the cookie keeps each in theirs, an invalid cookie is reassigned; each
answer is stored and counted in its variant, its thank-you SMS and page are the variant's;
the admin API's stats and ``samvad stats`` show the variants and the whole funnel."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from chalicelib.campaigns.loader import load_campaign_file
from chalicelib.variants.assignment import assign, cookie_name
from tests.conftest import ADMIN_KEY, PROJECT_DIR, Emulator, RunningStack, eventually

pytestmark = pytest.mark.http
AB_KITCHEN = PROJECT_DIR / "tests" / "campaigns" / "ab-kitchen.yaml"
COOKIE = cookie_name("ab-kitchen")
TITLES = {"plain": "हम आगे क्या बनाएँ?", "festive": "त्योहारों का मौसम! हम आगे क्या बनाएँ?"}
SMS = {"plain": "काव्या होम को बताने के लिए धन्यवाद।", "festive": "काव्या होम की ओर से त्योहारों"}
PHONES = {"plain": "+919876500011", "festive": "+919876500022"}


def samvad(stack: RunningStack, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "samvad_cli", *args, "--api", stack.base_url],
        cwd=PROJECT_DIR,
        env={**os.environ, "SAMVAD_ADMIN_KEY": ADMIN_KEY},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def visitor_of(variant: str) -> str:
    """A visitor id the campaign's assignment puts in ``variant`` (the randomness, injected)."""
    campaign = load_campaign_file(AB_KITCHEN)
    return next(
        f"visitor-{i}"
        for i in range(1000)
        if assign(campaign.slug, campaign.variants, f"visitor-{i}").id == variant
    )


def title(page: requests.Response) -> str:
    return page.text.split("<h1>", 1)[1].split("</h1>", 1)[0]


@pytest.fixture(scope="module")
def published(stack: RunningStack) -> RunningStack:
    assert "deployed version 1" in samvad(stack, "deploy", str(AB_KITCHEN))
    samvad(stack, "publish", "ab-kitchen", "1")
    return stack


def test_visitors_keep_their_variant_answer_in_it_and_are_counted_in_it(
    published: RunningStack, emulator: Emulator, tmp_path: Path
) -> None:
    stack = published
    kept: dict[str, str] = {}
    for variant in ("plain", "festive"):
        first = stack.get("/hi/c/ab-kitchen", cookies={"samvad_visitor": visitor_of(variant)})
        assert first.status_code == 200
        assert title(first) == TITLES[variant]
        assert first.cookies[COOKIE] == variant
        set_cookie = next(c for c in first.raw.headers.getlist("Set-Cookie") if COOKIE in c)
        assert "HttpOnly" in set_cookie
        assert "SameSite=Lax" in set_cookie
        kept[variant] = first.cookies[COOKIE]

    # The cookie keeps the visitor in their variant, whatever id they would get now.
    other = visitor_of("plain")
    again = stack.get("/ur/c/ab-kitchen", cookies={COOKIE: "festive", "samvad_visitor": other})
    assert again.status_code == 200
    assert "تہواروں کا موسم!" in title(again)
    assert COOKIE not in again.cookies  # nothing new to keep
    # A cookie naming no variant of the campaign: assigned again, never an error.
    bogus = stack.get("/hi/c/ab-kitchen", cookies={COOKIE: "nonsense<>"})
    assert bogus.status_code == 200
    assert bogus.cookies[COOKIE] in TITLES

    for variant in ("plain", "festive"):
        data = {"product": "kadai", "phone": PHONES[variant], "consent": "yes"}
        data["form_token"] = f"ab-answer-{variant}-0001"
        sent = stack.post("/hi/c/ab-kitchen", data=data, cookies={COOKIE: kept[variant]})
        assert sent.status_code == 303
        thanks = stack.get(sent.headers["Location"], cookies={COOKIE: kept[variant]})
        festive_thanks = "धन्यवाद, और त्योहारों की शुभकामनाएँ!" in thanks.text
        assert festive_thanks == (variant == "festive")

    for variant in ("plain", "festive"):
        texts = eventually(
            lambda v=variant: [t for p, t in emulator.sms_messages() if p == PHONES[v]] or None
        )
        assert texts is not None
        assert len(texts) == 1
        assert texts[0].startswith(SMS[variant])

    admin = requests.get(
        f"{stack.base_url}/admin/api/v1/campaigns/ab-kitchen/stats",
        headers={"Authorization": f"Bearer {ADMIN_KEY}"},
        timeout=10,
    )
    assert admin.status_code == 200
    stats = admin.json()
    assert (stats["views"], stats["responses"]) == (4, 2)
    counted = {i["id"]: (i["views"], i["responses"]) for i in stats["variants"]["items"]}
    bogus_variant = bogus.cookies[COOKIE]
    assert counted == {
        "plain": (1 + (bogus_variant == "plain"), 1),
        "festive": (2 + (bogus_variant == "festive"), 1),
    }
    assert [i["id"] for i in stats["variants"]["items"]] == ["plain", "festive"]
    assert stats["variants"]["items"][1]["vs_first"] is None  # not enough data yet

    printed = samvad(stack, "stats", "ab-kitchen").splitlines()
    header = next(line for line in printed if line.split()[:2] == ["views", "answers"])
    assert header.split()[2:] == [
        "shares",
        "referred",
        "verified",
        "unverified",
        "rewards",
        "conversion",
    ]
    rows = {line.split()[0]: line.split() for line in printed if line.startswith("  ")}
    assert rows["all"][1:3] == ["4", "2"]
    assert rows["festive"][1:3] == [str(counted["festive"][0]), "1"]
    # views, answers, shares, verified, rewards, conversion, then the test against the first
    assert rows["festive"][3:6] == ["0", "0", "0"]
    assert " ".join(rows["festive"][7:]) == "not enough data yet"
    assert rows["plain"][7:] == ["(the", "baseline)"]
