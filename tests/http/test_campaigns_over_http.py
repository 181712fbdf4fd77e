"""Campaigns as code on the real local stack: ``samvad`` deploys (two at once), publishes and
rolls back through the admin API over HTTP; customers' pages follow the published pointer."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from tests.conftest import ADMIN_KEY, PROJECT_DIR, Emulator, RunningStack
from tests.samples import inline_text

pytestmark = pytest.mark.http
WISHLIST = PROJECT_DIR / "chalicelib" / "campaigns" / "definitions" / "wishlist.yaml"
HINDI_TITLE = "हम आपकी रसोई के लिए आगे क्या बनाएँ?"


def samvad(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "samvad_cli", *args],
        cwd=PROJECT_DIR,
        env={**os.environ, "SAMVAD_ADMIN_KEY": ADMIN_KEY, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def done(process: subprocess.Popen[str]) -> str:
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    return out


def title_on(stack: RunningStack) -> str:
    page = stack.get("/hi/c/wishlist").text
    return page.split("<h1>", 1)[1].split("</h1>", 1)[0]


def test_deploy_publish_rollback_with_two_deploys_racing(
    stack: RunningStack, emulator: Emulator, tmp_path: Path
) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    for folder, title in ((first, "पहला नया शीर्षक"), (second, "दूसरा नया शीर्षक")):
        folder.mkdir()
        text = inline_text("wishlist").replace(HINDI_TITLE, title)
        (folder / "wishlist.yaml").write_text(text, encoding="utf-8")

    racing = [
        samvad("deploy", str(folder / "wishlist.yaml"), "--api", stack.base_url)
        for folder in (first, second)
    ]
    outputs = [done(process) for process in racing]

    assert sorted(outputs) == ["wishlist: deployed version 2\n", "wishlist: deployed version 3\n"]
    assert title_on(stack) == HINDI_TITLE  # deployed, not published
    third = "पहला नया शीर्षक" if "version 3" in outputs[0] else "दूसरा नया शीर्षक"

    done(samvad("publish", "wishlist", "3", "--api", stack.base_url))
    assert title_on(stack) == third
    rolled = done(samvad("rollback", "wishlist", "--api", stack.base_url))
    assert rolled == "wishlist: rolled back to version 1\n"
    assert title_on(stack) == HINDI_TITLE

    # The same commands straight against DynamoDB (the emulator) see the same state.
    listed = done(samvad("list", env={"AWS_ENDPOINT_URL": emulator.endpoint}))
    wishlist = next(line for line in listed.splitlines() if line.startswith("wishlist "))
    assert listed.splitlines()[0].split() == ["CAMPAIGN", "PUBLISHED", "LATEST"]
    assert wishlist.split() == ["wishlist", "1", "3"]


def test_export_over_the_api_is_csv_for_spreadsheets(stack: RunningStack, tmp_path: Path) -> None:
    data = {"form_token": "http-export-0001", "product": "tawa", "reason": "+91 वाला तवा"}
    assert stack.post("/hi/c/wishlist", data=data).status_code == 303
    out = tmp_path / "answers.csv"

    done(samvad("export", "wishlist", "--api", stack.base_url, "--out", str(out), "--quiet"))

    raw = out.read_bytes()
    assert raw.startswith("\ufeff".encode())
    assert "'+91 वाला तवा" in raw.decode("utf-8")


def test_the_admin_api_refuses_without_the_key(stack: RunningStack) -> None:
    base = f"{stack.base_url}/admin/api/v1"
    spec = requests.get(f"{base}/openapi.json", timeout=10).json()

    for path, item in spec["paths"].items():
        for method in item:
            url = base + path.removeprefix("/admin/api/v1").replace("{slug}", "wishlist")
            missing = requests.request(method, url, json={}, timeout=10)
            wrong = requests.request(
                method, url, json={}, headers={"Authorization": "Bearer nope"}, timeout=10
            )
            assert (missing.status_code, wrong.status_code) == (401, 403), (method, path)
    ok = requests.get(
        f"{base}/campaigns", headers={"Authorization": f"Bearer {ADMIN_KEY}"}, timeout=10
    )
    slugs = [c["slug"] for c in json.loads(ok.text)["campaigns"]]
    assert slugs == [
        "build-your-car",
        "design-your-dress",
        "store-feedback",
        "sweet-box",
        "wishlist",
    ]


def test_show_responses_and_stats_read_the_same_through_api_and_dynamodb(
    stack: RunningStack, emulator: Emulator
) -> None:
    assert stack.get("/ur/c/wishlist?src=whatsapp").status_code == 200
    data = {"form_token": "http-stats-0001", "product": "tawa", "src": "whatsapp"}
    assert stack.post("/ur/c/wishlist", data=data).status_code == 303
    direct = {"AWS_ENDPOINT_URL": emulator.endpoint}

    for command in (["show", "wishlist"], ["responses", "wishlist"], ["stats", "wishlist"]):
        through_api = done(samvad(*command, "--api", stack.base_url))
        from_table = done(samvad(*command, env=direct))
        assert through_api == from_table, command

    stats = done(samvad("stats", "wishlist", env=direct))
    assert "source whatsapp" in stats
    whatsapp = next(line for line in stats.splitlines() if "source whatsapp" in line)
    assert whatsapp.split()[2:4] == ["1", "1"]  # views, answers (the header row names them)
    answers = [
        json.loads(line) for line in done(samvad("responses", "wishlist", env=direct)).splitlines()
    ]
    assert {"locale": "ur", "source": "whatsapp", "product": "tawa"}.items() <= answers[-1].items()
