"""Themes on the real local stack (moto server): the page links its theme's stylesheet and
logo as content-hashed, year-cached files under a CSP that still allows no inline style; a
deploy through the admin API carries a new logo and colour, and the page shows them without
the repository's files; every sample page's required bytes stay within the 2G budget."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from bench.pages import BUDGET, page_weight, required, sample_pages
from tests.conftest import ADMIN_KEY, PROJECT_DIR, RunningStack
from tests.samples import DEFINITIONS

pytestmark = pytest.mark.http
CAR = "build-your-car"
NEW_LOGO = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 40">
<title>Vega, redrawn</title>
<circle cx="20" cy="20" r="19" fill="#0b5394" onclick="alert(1)"/>
</svg>"""


def samvad(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "samvad_cli", *args],
        cwd=PROJECT_DIR,
        env={**os.environ, "SAMVAD_ADMIN_KEY": ADMIN_KEY},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def linked(html: str) -> tuple[str, str]:
    """The page's theme stylesheet and logo paths."""
    css = re.search(r'<link rel="stylesheet" href="(/static/theme/[^"]+\.css)">', html)
    logo = re.search(r'<img class="logo" src="(/static/theme/[^"]+)"', html)
    assert css is not None
    assert logo is not None
    return css.group(1), logo.group(1)


def test_a_branded_page_links_its_theme_under_the_strict_csp(stack: RunningStack) -> None:
    page = stack.get("/hi/c/design-your-dress")
    assert page.status_code == 200
    policy = page.headers["Content-Security-Policy"]
    assert "style-src 'self';" in policy
    assert "unsafe-inline" not in policy
    assert "<style" not in page.text
    assert " style=" not in page.text
    css, logo = linked(page.text)
    sheet = stack.get(css)
    assert sheet.status_code == 200
    assert sheet.headers["Content-Type"].startswith("text/css")
    assert "immutable" in sheet.headers["Cache-Control"]
    assert sheet.text == ":root{--primary:#7a1f5c;--accent:#f2b632}\n"
    image = stack.get(logo)
    assert image.headers["Content-Type"] == "image/svg+xml"
    assert image.headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert image.content.startswith(b'<svg xmlns="http://www.w3.org/2000/svg"')
    hero = re.search(r'<img class="hero" src="([^"]+)"[^>]* loading="lazy"', page.text)
    assert hero is not None
    assert stack.get(hero.group(1)).status_code == 200
    # The plain sample links no theme.
    assert "/static/theme/" not in stack.get("/hi/c/wishlist").text


def test_a_deploy_carries_a_new_logo_and_colour_to_the_page(
    stack: RunningStack, tmp_path: Path
) -> None:
    old_css, old_logo = linked(stack.get(f"/en/c/{CAR}").text)
    text = (DEFINITIONS / f"{CAR}.yaml").read_text(encoding="utf-8")
    text = re.sub(r"(?m)^locales: \[.*\]$", "locales: [en, hi]", text, count=1)
    (tmp_path / f"{CAR}.yaml").write_text(text.replace("#a4161a", "#0b5394"), encoding="utf-8")
    (tmp_path / "assets" / CAR).mkdir(parents=True)
    for layer in (DEFINITIONS / "assets" / CAR).glob("*.svg"):  # the product's own drawing
        (tmp_path / "assets" / CAR / layer.name).write_bytes(layer.read_bytes())
    (tmp_path / "assets" / CAR / "logo.svg").write_text(NEW_LOGO, encoding="utf-8")

    # The event attribute is refused before anything is stored.
    refused = subprocess.run(
        [sys.executable, "-m", "samvad_cli", "validate", str(tmp_path / f"{CAR}.yaml")],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert refused.returncode == 1
    assert f"assets/{CAR}/logo.svg:3: theme.logo: event attribute onclick" in refused.stderr
    (tmp_path / "assets" / CAR / "logo.svg").write_text(
        NEW_LOGO.replace(' onclick="alert(1)"', ""), encoding="utf-8"
    )
    out = samvad("deploy", str(tmp_path / f"{CAR}.yaml"), "--api", stack.base_url, "--publish")
    assert f"{CAR}: published version" in out
    (tmp_path / "assets" / CAR / "logo.svg").unlink()  # the stack never reads these files

    css, logo = linked(stack.get(f"/en/c/{CAR}").text)
    assert (css, logo) != (old_css, old_logo)
    assert stack.get(css).text == ":root{--primary:#0b5394;--accent:#d9e4ec}\n"
    assert b"<title>Vega, redrawn</title>" in stack.get(logo).content
    # The old names are gone, not served with new content under a year-long cache.
    assert stack.get(old_css).status_code == 404
    assert stack.get(old_logo).status_code == 404


def test_every_sample_page_needs_less_than_the_budget(stack: RunningStack) -> None:
    """HTML, CSS, theme stylesheet and logo, gzipped: the measure `make bench` prints."""
    over = []
    with requests.Session() as session:
        for slug, locale in sample_pages():
            sizes = page_weight(session, f"{stack.base_url}/{locale}/c/{slug}")
            assert sizes["assets"][0] > 6000  # samvad.css at least: the links were followed
            if required(sizes)[1] > BUDGET:
                over.append((slug, locale, required(sizes)))
    assert over == []
