"""Every sample campaign page in every language it offers, on a phone (390×844) and a laptop
(1280×800): a screenshot in build/screenshots/themes/, no sideways scrolling, the campaign's
brand colour on its button and its logo drawn, axe-core clean, and nothing the strict CSP
refused. One browser, one page per viewport, reused for every campaign and language."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from playwright.sync_api import Browser, Page

from tests.conftest import RunningStack
from tests.e2e.browser import SCREENSHOTS, serious_violations
from tests.samples import DEFINITIONS

pytestmark = pytest.mark.http
VIEWPORTS = {"phone": (390, 844), "laptop": (1280, 800)}
PLAIN_BUTTON = "#004c99"  # samvad.css: the button without a theme
OUT = SCREENSHOTS / "themes"


def campaigns() -> list[dict[str, Any]]:
    found = []
    for path in sorted(DEFINITIONS.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        found.append({"slug": data["slug"], "locales": data["locales"], "theme": data.get("theme")})
    return found


def rgb(colour: str) -> str:
    digits = colour.lstrip("#")
    return "rgb({}, {}, {})".format(*(int(digits[i : i + 2], 16) for i in (0, 2, 4)))


MEASURE = """() => {
  const button = document.querySelector(
    "button[type=submit][value=send], button[type=submit][value=next]");
  const logo = document.querySelector("img.logo");
  const box = logo && logo.getBoundingClientRect();
  return {
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    button: button && getComputedStyle(button).backgroundColor,
    buttonText: button && getComputedStyle(button).color,
    logo: logo && { drawn: logo.complete && logo.naturalWidth > 0,
                    width: box.width, height: box.height,
                    inView: box.top >= 0 && box.bottom <= window.innerHeight },
    inlineStyles: document.querySelectorAll("[style], style").length,
    // Touch targets: every choice row 44 px high at least; fields at 16 px (no zoom on focus).
    smallestOption: Math.min(...Array.from(document.querySelectorAll(".option"),
                                           (e) => e.getBoundingClientRect().height)),
    smallFields: Array.from(document.querySelectorAll("textarea, select, input"))
      .filter((e) => !["hidden", "radio", "checkbox"].includes(e.type))
      .filter((e) => parseFloat(getComputedStyle(e).fontSize) < 16).map((e) => e.name),
    secondary: (() => { const b = document.querySelector("button.secondary");
                        return b && getComputedStyle(b).backgroundColor; })(),
  };
}"""


def check_page(page: Page, campaign: dict[str, Any], locale: str, viewport: str) -> list[str]:
    """What is wrong with the page just opened (an empty list: nothing)."""
    where = f"{viewport} /{locale}/c/{campaign['slug']}"
    seen: dict[str, Any] = page.evaluate(MEASURE)
    wrong = []
    if seen["scrollWidth"] > seen["innerWidth"]:
        wrong.append(f"{where}: {seen['scrollWidth']} px wide in a {seen['innerWidth']} px view")
    theme = campaign["theme"] or {}
    want = rgb(theme.get("primary", PLAIN_BUTTON))
    if seen["button"] != want or seen["buttonText"] != "rgb(255, 255, 255)":
        wrong.append(f"{where}: button {seen['button']} on {seen['buttonText']}, want {want}")
    if "logo" in theme:
        logo = seen["logo"]
        if not (logo and logo["drawn"] and logo["width"] >= 24 and logo["inView"]):
            wrong.append(f"{where}: logo not drawn in the first screen: {logo}")
    elif seen["logo"] is not None:
        wrong.append(f"{where}: a logo on a campaign without one")
    if seen["smallestOption"] < 44:
        wrong.append(f"{where}: a choice only {seen['smallestOption']} px high")
    if seen["smallFields"]:
        wrong.append(f"{where}: fields under 16 px: {seen['smallFields']}")
    if seen["secondary"] is not None and seen["secondary"] == seen["button"]:
        wrong.append(f"{where}: the secondary button looks like the primary one")
    if seen["inlineStyles"]:
        wrong.append(f"{where}: {seen['inlineStyles']} inline style(s)")
    return wrong


def test_every_sample_page_in_every_language_at_phone_and_laptop_size(
    stack: RunningStack, browser: Browser, capsys: pytest.CaptureFixture[str]
) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    wrong: list[str] = []
    refused: list[str] = []
    shots = 0
    for viewport, (width, height) in VIEWPORTS.items():
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        page.on(
            "console",
            lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None,
        )
        for campaign in campaigns():
            for locale in campaign["locales"]:
                page.goto(f"{stack.base_url}/{locale}/c/{campaign['slug']}")
                page.wait_for_load_state("load")
                wrong += check_page(page, campaign, locale, viewport)  # before Playwright's
                # screenshot, which marks elements with style="" of its own
                page.screenshot(path=OUT / f"{campaign['slug']}-{locale}-{viewport}.png")
                shots += 1
                # axe's rules do not change with the width: once per page, on the phone.
                if viewport == "phone":
                    violations, ran = serious_violations(page)
                    assert "color-contrast" in ran
                    wrong += [f"/{locale}/c/{campaign['slug']}: {v}" for v in violations]
        context.close()
    assert wrong == [], "\n".join(wrong)
    assert refused == []  # a style or image the CSP refused
    assert shots >= 2 * (24 + 12 + 12)
    with capsys.disabled():
        print(f"\n{shots} screenshots in {OUT}")
