"""Every language with a UI catalog under locales/, in Chromium at a phone's size (390×844):
a screenshot of the sample page kept in build/screenshots/, its title drawn with its script's
Noto font (as the browser's DevTools report the font used), and no letter drawn as the
.notdef box. A catalog added to locales/ is covered without touching this test."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from chalicelib.i18n.tags import bcp47, script
from tests.conftest import PROJECT_DIR, RunningStack
from tests.e2e.browser import INSTALL, SCREENSHOTS, missing_glyphs, platform_fonts

pytestmark = pytest.mark.http
PHONE = {"width": 390, "height": 844}
CATALOGS = sorted(
    {"en"} | {bcp47(p.parent.parent.name) for p in PROJECT_DIR.glob("locales/*/LC_MESSAGES/*.po")}
)
SAMPLE = "wishlist"  # offered in every language with a catalog


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=PHONE, device_scale_factor=1)
    yield context.new_page()
    context.close()


def first_family(stack: str) -> str:
    return stack.split(",")[0].strip().strip("\"'")


def same_family(reported: str, named: str) -> bool:
    """DevTools reports some families without spaces ("Noto Sans MeeteiMayek")."""
    return reported.replace(" ", "").lower() == named.replace(" ", "").lower()


@pytest.mark.parametrize("tag", CATALOGS)
def test_each_language_renders_in_its_scripts_font_without_boxes(
    stack: RunningStack, phone: Page, tag: str
) -> None:
    answer = phone.goto(f"{stack.base_url}/{tag}/c/{SAMPLE}")
    assert answer is not None
    assert phone.url.endswith(f"/{tag}/c/{SAMPLE}"), f"{SAMPLE} does not offer {tag}"
    assert answer.status == 200
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=SCREENSHOTS / f"{SAMPLE}-{tag}-390x844.png")

    stack_of_fonts, boxes = missing_glyphs(phone, "main")
    assert boxes == [], f"{tag}: drawn as .notdef boxes: {''.join(boxes)} ({INSTALL})"
    used = platform_fonts(phone, "h1")
    wanted = first_family(stack_of_fonts)
    if script(tag) != "Latn":
        assert wanted.startswith("Noto "), f"{tag}: the stylesheet has no font for {script(tag)}"
        # The most glyphs come from the script's font, not from a fallback.
        drawn_most = max(used, key=lambda family: used[family])
        assert same_family(drawn_most, wanted), (tag, used)
    assert sum(used.values()) > 0


def test_the_machines_fonts_cover_every_script_the_stylesheet_names() -> None:
    """fonts-noto-core has them all (Ol Chiki and Meetei Mayek included): a script whose font
    is missing would need its Debian package on .ci/run's apt line."""
    css = (PROJECT_DIR / "chalicelib" / "web" / "static" / "samvad.css").read_text("utf-8")
    families = set(re.findall(r'font-family:"(Noto [^"]+)"', css))
    assert {"Noto Sans Ol Chiki", "Noto Sans Meetei Mayek", "Noto Nastaliq Urdu"} <= families
    try:
        listed = subprocess.run(
            ["fc-list", ":", "family"], capture_output=True, text=True, check=True
        ).stdout
    except FileNotFoundError:
        pytest.skip("no fontconfig (fc-list) on this machine")
    installed = {name.strip() for line in listed.splitlines() for name in line.split(",")}
    assert families - installed == set(), INSTALL
