"""Adding a language is data only: in a copy of the source tree, a UI catalog and a campaign
text file for Bhojpuri (not among the languages shipped) are all that is added; the tree's own
commands compile, validate, deploy and publish it on the emulator, the local stack started
from that tree serves it, and the Lambda package built from the tree carries its catalog and
Babel's data for it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import yaml

from chalicelib.campaigns import translations
from tests.conftest import (
    ADMIN_KEY,
    FAKE_CREDENTIALS,
    GENEROUS_LIMITS,
    PROJECT_DIR,
    Emulator,
    start_stack,
)

pytestmark = pytest.mark.http
NEW = "bho"  # Bhojpuri: Devanagari, CLDR plural categories one and other, like Hindi
TREE = ("app.py", "chalicelib", "locales", "samvad_cli", "infra", ".chalice", "pyproject.toml")
TREE += ("requirements.txt", "requirements.lock")
TITLE = "हम आपकी रसोई के लिए आगे क्या बनाएँ? (भोजपुरी)"


def add_language(tree: Path) -> None:
    """What a translator adds: the catalog (here Hindi's strings, for the test) and the
    campaign's texts; and the campaign's own list of what it offers."""
    hindi = (tree / "locales" / "hi" / "LC_MESSAGES" / "messages.po").read_text("utf-8")
    catalog = tree / "locales" / NEW / "LC_MESSAGES" / "messages.po"
    catalog.parent.mkdir(parents=True)
    catalog.write_text(hindi.replace('"Language: hi\\n"', f'"Language: {NEW}\\n"'), "utf-8")
    definitions = tree / "chalicelib" / "campaigns" / "definitions"
    campaign = definitions / "wishlist.yaml"
    data = yaml.safe_load(campaign.read_text("utf-8"))
    texts = translations.extract(data, "hi", data["default_locale"])
    texts["title"] = TITLE
    folder = definitions / "translations" / "wishlist"
    folder.mkdir(parents=True, exist_ok=True)
    dumped = yaml.safe_dump(texts, allow_unicode=True, sort_keys=False, width=1000)
    (folder / f"{NEW}.yaml").write_text("status: drafted\n" + dumped, "utf-8")
    text = campaign.read_text("utf-8")
    campaign.write_text(re.sub(r"(?m)^locales: \[", f"locales: [{NEW}, ", text, count=1), "utf-8")


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("tree")
    for name in TREE:
        source = PROJECT_DIR / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, root / name)
    add_language(root)
    return root


def samvad(tree: Path, *args: str, env: dict[str, str] | None = None) -> str:
    """``samvad ARGS`` run from ``tree`` (its code, its catalogs, its campaigns)."""
    done = subprocess.run(
        [sys.executable, "-m", "samvad_cli", *args],
        cwd=tree,
        env={**os.environ, **FAKE_CREDENTIALS, **(env or {})},
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def served(tree: Path, emulator: Emulator) -> Iterator[str]:
    """The new language compiled, validated, deployed and published on the emulator with the
    tree's own commands; then the local stack from the tree; yields its URL."""
    assert re.search(rf"(?m)^{NEW}: (\d+)/\1 \(100%\)$", samvad(tree, "i18n", "check"))
    samvad(tree, "i18n", "compile", "--locale", NEW)
    checked = samvad(tree, "validate")
    assert f"SMS thank_you_sms.{NEW}: UCS-2" in checked
    aws = {"AWS_ENDPOINT_URL": emulator.endpoint}
    deployed = samvad(tree, "deploy", "chalicelib/campaigns/definitions", "--publish", env=aws)
    assert "wishlist: published version" in deployed
    env = {**aws, "SAMVAD_ADMIN_KEY": ADMIN_KEY, **GENEROUS_LIMITS}
    stack = start_stack(env, tree / "stack.log", tree=tree)
    yield stack.base_url
    stack.stop()


def test_the_new_language_is_served(served: str) -> None:
    page = requests.get(f"{served}/{NEW}/c/wishlist", timeout=10)
    assert page.status_code == 200, page.text
    assert f'<html lang="{NEW}" dir="ltr">' in page.text
    assert '<body data-script="Deva">' in page.text
    assert TITLE in page.text
    asked = requests.get(
        f"{served}/c/wishlist",
        headers={"Accept-Language": f"{NEW}-IN,en;q=0.5"},
        allow_redirects=False,
        timeout=10,
    )
    assert asked.headers["Location"].endswith(f"/{NEW}/c/wishlist")


def test_the_lambda_package_of_the_tree_carries_the_language(tree: Path, tmp_path: Path) -> None:
    from samvad_cli.build import build_code, find_python312

    if find_python312() is None:
        pytest.skip("needs a Python 3.12 (PYTHON312=..., python3.12 on PATH, or pyenv)")
    host = "arm64" if os.uname().machine in ("aarch64", "arm64") else "x86_64"
    archive = build_code(tmp_path, host, project=tree)
    names = set(zipfile.ZipFile(archive).namelist())
    assert f"chalicelib/i18n/catalogs/{NEW}/LC_MESSAGES/messages.mo" in names
    assert f"babel/locale-data/{NEW}.dat" in names
    assert f"chalicelib/campaigns/definitions/translations/wishlist/{NEW}.yaml" in names
    assert "babel/locale-data/fr.dat" not in names  # trimmed to the languages in use
