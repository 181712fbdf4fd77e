"""The store-feedback sample in Chromium with JavaScript off, answered with the keyboard: each
step passes axe, the server's message for a bad number is announced at its field, and Enter
in a text field sends the answer (the send button comes before Back)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page

from tests.conftest import RunningStack
from tests.e2e.browser import serious_violations

pytestmark = pytest.mark.http


def accessible(page: Page, what: str) -> None:
    """axe on the page as it is now. axe is a script, and this page runs none: the same
    HTML is served at the same address to a page with JavaScript (styles load as before)."""
    html, url = page.content(), page.url
    assert page.context.browser is not None
    context = page.context.browser.new_context(java_script_enabled=True)
    checker = context.new_page()
    checker.route(
        url, lambda route: route.fulfill(body=html, content_type="text/html; charset=utf-8")
    )
    checker.goto(url)
    violations, ran = serious_violations(checker)
    context.close()
    assert violations == [], f"{what}:\n" + "\n".join(violations)
    assert "color-contrast" in ran, what


def checked(page: Page, name: str) -> list[str]:
    return page.eval_on_selector_all(
        f'input[name^="{name}"]:checked', "all => all.map(e => e.name + '=' + e.value)"
    )


def touch_height(page: Page, selector: str) -> float:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, selector
    return box["height"]


def test_the_feedback_steps_with_the_keyboard_and_without_javascript(
    stack: RunningStack, browser: Browser
) -> None:
    context = browser.new_context(
        locale="en-IN", java_script_enabled=False, viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    page.goto(f"{stack.base_url}/en/c/store-feedback")
    accessible(page, "step 1")
    assert "Step 1 of 3" in page.locator("main").inner_text()
    assert touch_height(page, ".question .point") >= 44  # the whole label is the target
    assert touch_height(page, ".question .card") >= 44

    page.locator('input[name="rating"][value="1"]').focus()
    page.keyboard.press("Space")  # rating 1
    page.keyboard.press("Tab")  # to the NPS group
    for _ in range(3):
        page.keyboard.press("ArrowRight")  # 0 → 3
    page.keyboard.press("Tab")  # to "How did you hear about us?"
    page.keyboard.press("Space")
    assert checked(page, "rating") + checked(page, "recommend") + checked(page, "heard") == [
        "rating=1",
        "recommend=3",
        "heard=friends",
    ]
    page.get_by_role("button", name="Next").focus()
    with page.expect_navigation():  # not only the page already loaded: the next one
        page.keyboard.press("Enter")

    assert "Step 2 of 3" in page.locator("main").inner_text()
    accessible(page, "step 2")
    page.get_by_label("Not fresh").focus()
    for _ in range(4):
        page.keyboard.press("Tab")  # to "Something else"
    page.keyboard.press("Space")
    page.keyboard.press("Tab")  # to the first sweet
    page.keyboard.press("Space")
    assert checked(page, "went_wrong") == ["went_wrong.other=yes"]
    assert checked(page, "favourites") == ["favourites.kaju-katli=yes"]
    page.get_by_role("button", name="Next").focus()
    with page.expect_navigation():  # not only the page already loaded: the next one
        page.keyboard.press("Enter")

    assert "Step 3 of 3" in page.locator("main").inner_text()
    accessible(page, "step 3")
    page.get_by_label("What else went wrong?").focus()  # asked: "Something else" was chosen
    page.keyboard.type("The box had no ribbon")
    page.get_by_label("Which city do you live in?").focus()
    page.keyboard.type("Patna")
    page.get_by_label("How many boxes did you buy?").focus()
    page.keyboard.type("120")
    page.get_by_label("Your neighbourhood").focus()
    page.keyboard.type("Boring Road")
    assert page.locator("#area").evaluate("e => e.tagName") == "INPUT"  # 60 characters: a line
    with page.expect_navigation():
        page.keyboard.press("Enter")  # implicit submission: the first button, "Send my answer"

    number = page.get_by_label("How many boxes did you buy?")
    assert number.get_attribute("aria-invalid") == "true"
    message = page.locator("#boxes-error").inner_text()
    assert message == "Enter a number from 1 to 50."
    assert "boxes-error" in (number.get_attribute("aria-describedby") or "")
    accessible(page, "step 3 with a message")
    number.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("12")
    page.keyboard.press("Enter")

    page.wait_for_url("**/en/c/store-feedback/thanks")
    assert "Every answer reaches our kitchen" in page.locator("main").inner_text()
    context.close()


def test_back_keeps_the_answers_without_javascript(stack: RunningStack, browser: Browser) -> None:
    context = browser.new_context(locale="ur-PK", java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{stack.base_url}/ur/c/store-feedback")
    page.locator('input[name="rating"][value="5"]').check()
    page.locator('input[name="recommend"][value="10"]').check()
    page.get_by_role("button", name="آگے").click()
    page.wait_for_load_state()
    # Rating 5: "what went wrong?" is not asked on step 2.
    assert page.locator('input[name^="went_wrong"]').count() == 0
    page.get_by_label("رس گلا").check()
    page.get_by_role("button", name="آگے").click()
    page.wait_for_load_state()
    accessible(page, "Urdu step 3")
    page.get_by_role("button", name="پیچھے").click()
    page.wait_for_load_state()
    assert page.get_by_label("رس گلا").is_checked()
    assert page.locator("html").get_attribute("dir") == "rtl"
    context.close()
