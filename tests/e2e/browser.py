"""Debian's Chromium driven by Playwright, and what the end-to-end tests measure in it.

The ``browser`` fixture (tests/e2e/conftest.py) launches it once for the session, or skips
with ``NO_CHROMIUM`` on a machine without it. Playwright's own browser download is never used:
we launch ``/usr/bin/chromium``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from tests.conftest import PROJECT_DIR

CHROMIUM = Path("/usr/bin/chromium")
INSTALL = "apt-get install -y --no-install-recommends chromium fonts-noto-core"
NO_CHROMIUM = (
    f"end-to-end browser tests need Debian's Chromium at {CHROMIUM}: "
    f"`{INSTALL}` as root (.ci/run does)"
)
SCREENSHOTS = PROJECT_DIR / "build" / "screenshots"
# (campaign, locale) of every sample page (bench/pages.py finds the same from the definitions).
SAMPLE_PAGES = [
    ("wishlist", "en"),
    ("wishlist", "hi"),
    ("wishlist", "ur"),
    ("design-your-dress", "en"),
    ("design-your-dress", "hi"),
    ("build-your-car", "en"),
    ("build-your-car", "hi"),
    ("store-feedback", "en"),
    ("store-feedback", "hi"),
    ("store-feedback", "ur"),
    ("sweet-box", "en"),
    ("sweet-box", "hi"),
    ("sweet-box", "ur"),
]
# Letters that look different from one another in any real font of their script.
LETTERS = {
    "en": "abdefghkmnpqrstwxyz",
    "hi": "कखगघचजटडतदनपबमयरलवसह",
    "ur": "ابپتٹجچدڈرسشعغفقکگلمنوے",
}
# Flags the machine's closed network needs: no background fetches to Google's hosts.
QUIET = ["--disable-quic", "--disable-background-networking", "--disable-component-update"]


def serious_violations(page: Page) -> tuple[list[str], set[str]]:
    """axe-core's serious and critical violations on the page as readable lines, and the ids
    of every rule that ran (so a test can see that e.g. color-contrast was checked)."""
    results: dict[str, Any] = Axe().run(page).response
    ran = {
        rule["id"]
        for kind in ("violations", "passes", "incomplete")
        for rule in results.get(kind, [])
    }
    found = [
        f"{rule['id']} ({rule['impact']}): {node['target']} {rule['help']}"
        for rule in results["violations"]
        if rule["impact"] in ("serious", "critical")
        for node in rule["nodes"]
    ]
    return found, ran


GLYPHS = """([letters, font]) => {
  const canvas = document.createElement("canvas");
  canvas.width = 96; canvas.height = 96;
  const ctx = canvas.getContext("2d", { willReadFrequently: true });
  const draw = (text) => {
    ctx.clearRect(0, 0, 96, 96);
    ctx.font = font; ctx.textBaseline = "middle"; ctx.fillStyle = "#000";
    ctx.fillText(text, 16, 48);
    const alpha = ctx.getImageData(0, 0, 96, 96).data.filter((_, i) => i % 4 === 3);
    return alpha.some((a) => a > 0) ? Array.from(alpha).join(",") : "";
  };
  return { tofu: draw("\\u0378"), letters: Array.from(letters).map(draw) };
}"""


def glyph_patterns(page: Page, locale: str, selector: str = "h1") -> tuple[str, list[str]]:
    """The pixels of each of ``LETTERS[locale]`` drawn in the font the page uses for
    ``selector``, and those of an unassigned code point (the .notdef box, "tofu")."""
    font = page.eval_on_selector(
        selector, "e => { const s = getComputedStyle(e); return s.fontSize + ' ' + s.fontFamily }"
    )
    drawn: dict[str, Any] = page.evaluate(GLYPHS, [LETTERS[locale], font])
    return drawn["tofu"], drawn["letters"]


def tab_order(page: Page, presses: int = 80) -> list[dict[str, Any]]:
    """Press Tab from the top of the page until focus leaves it or comes back round: for each
    stop, its position in document order, its box and a short description."""
    page.evaluate("document.activeElement && document.activeElement.blur()")
    stops: list[dict[str, Any]] = []
    for _ in range(presses):
        page.keyboard.press("Tab")
        stop = page.evaluate(
            """() => {
              const e = document.activeElement;
              if (!e || e === document.body) return null;
              const all = Array.from(document.querySelectorAll("*"));
              const box = e.getBoundingClientRect();
              return { index: all.indexOf(e), top: box.top + scrollY, left: box.left,
                       right: box.right, what: e.outerHTML.slice(0, 80) };
            }"""
        )
        if stop is None or (stops and stop["index"] == stops[0]["index"]):
            break
        stops.append(stop)
    return stops


def missing_glyphs(page: Page, selector: str) -> tuple[str, list[str]]:
    """The CSS font stack of ``selector`` and the letters of its text that Chromium can only
    draw as the .notdef box (each drawn alone in the element's font, as ``GLYPHS`` does)."""
    found: dict[str, str] = page.eval_on_selector(
        selector,
        """e => { const s = getComputedStyle(e);
                  return { family: s.fontFamily, font: s.fontSize + " " + s.fontFamily,
                           text: e.innerText }; }""",
    )
    letters = sorted({c for c in found["text"] if c.isalpha()})
    drawn: dict[str, Any] = page.evaluate(GLYPHS, ["".join(letters), found["font"]])
    boxes = [
        c for c, pixels in zip(letters, drawn["letters"], strict=True) if pixels == drawn["tofu"]
    ]
    return found["family"], boxes


def platform_fonts(page: Page, selector: str) -> dict[str, int]:
    """The fonts Chromium really used for ``selector``'s text (family: glyphs drawn), as its
    DevTools protocol reports them (CSS.getPlatformFontsForNode)."""
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    finally:
        cdp.detach()
    used: dict[str, int] = {}
    for font in fonts:
        used[font["familyName"]] = used.get(font["familyName"], 0) + int(font["glyphCount"])
    return used
