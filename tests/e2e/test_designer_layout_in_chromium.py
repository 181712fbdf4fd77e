"""The designer on a phone and a wide screen: the preview stays in view while choosing, centred,
and without JavaScript "Update the preview" comes back to it; the name input does not zoom."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page

from tests.conftest import RunningStack

pytestmark = pytest.mark.http
PHONE, WIDE = (390, 844), (1280, 800)


def open_designer(browser: Browser, size: tuple[int, int], js: bool = True) -> Page:
    context = browser.new_context(
        viewport={"width": size[0], "height": size[1]}, java_script_enabled=js, locale="ur-PK"
    )
    page = context.new_page()
    return page


def box(page: Page, selector: str) -> dict[str, float]:
    found = page.locator(selector).bounding_box()
    assert found is not None, selector
    return found


@pytest.mark.parametrize("size", [PHONE, WIDE], ids=["phone", "wide"])
def test_the_preview_stays_in_view_while_choosing_the_last_group(
    stack: RunningStack, browser: Browser, size: tuple[int, int]
) -> None:
    page = open_designer(browser, size)
    page.goto(f"{stack.base_url}/ur/c/sweet-box")
    last = page.locator(".designer fieldset").last
    last.scroll_into_view_if_needed()
    last.locator("input").last.check()  # rasgulla: drawn in place by designer.js
    page.locator('.designer .preview g[data-layer="rasgulla"]').wait_for(state="attached")
    preview = box(page, ".designer .preview")
    assert preview["y"] >= -1
    assert preview["y"] + preview["height"] <= size[1]
    if size == PHONE:
        assert preview["height"] <= size[1] * 0.45  # bounded: the options stay usable
    else:  # beside the options, not above them
        options = box(page, ".designer .choices")
        assert preview["x"] + preview["width"] <= options["x"] + 1  # right to left: on the left
    drawing = box(page, ".designer .preview svg")
    centre = drawing["x"] + drawing["width"] / 2
    assert abs(centre - (preview["x"] + preview["width"] / 2)) <= 2
    size_px = page.eval_on_selector("#name", "e => parseFloat(getComputedStyle(e).fontSize)")
    assert size_px >= 16
    page.context.close()


def test_without_javascript_the_preview_button_comes_back_to_the_preview(
    stack: RunningStack, browser: Browser
) -> None:
    page = open_designer(browser, PHONE, js=False)
    page.goto(f"{stack.base_url}/ur/c/sweet-box")
    page.locator("input[name='sweets.jalebi']").check()
    button = page.locator(".designer button.secondary")
    button.click()
    page.wait_for_load_state()
    assert page.url.endswith("/ur/c/sweet-box#preview")
    assert page.evaluate("window.scrollY") > 100  # not the top of the page
    preview = box(page, ".designer .preview")
    assert 0 <= preview["y"] < PHONE[1] / 2
    assert 'data-layer="jalebi"' in page.locator(".designer .preview").inner_html()
    page.context.close()
