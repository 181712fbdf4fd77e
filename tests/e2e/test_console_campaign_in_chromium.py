"""The console's campaign pages in Chromium against the local stack: a customer designs and
shares a dress (with a text that waits for moderation); a marketer signs in, reads the
dashboard, approves the share, replies to the customer, publishes a new version and rolls it
back, each through its forms (no script), with no serious axe-core violation on any page."""

from __future__ import annotations

import json
import urllib.request

import pytest
from playwright.sync_api import Browser, Page

from tests.conftest import ADMIN_KEY, ADMIN_PASSWORD, RunningStack
from tests.e2e.browser import serious_violations
from tests.samples import DRESS_DESIGN, inline_text

pytestmark = pytest.mark.http
DRESS = "design-your-dress"
HELD = "तू हरामी है"
REPLY = "आपकी ड्रेस कल तैयार होगी।"


def assert_clean(page: Page, what: str) -> None:
    violations, ran = serious_violations(page)
    assert violations == [], f"{what}:\n" + "\n".join(violations)
    assert "color-contrast" in ran, what


def customer_shares_a_dress(stack: RunningStack, browser: Browser) -> None:
    context = browser.new_context(locale="hi-IN", java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{stack.base_url}/hi/c/{DRESS}")
    for name, value in DRESS_DESIGN.items():
        if name == "name":
            page.fill('input[name="name"]', value)
        elif name != "action":  # the button below
            page.check(f'input[name="{name}"][value="{value}"]')
    page.fill('input[name="phone"]', "9876530002")
    page.check('input[name="consent"]')
    page.get_by_role("button", name="मेरी डिज़ाइन भेजें").click()
    page.wait_for_url(f"**/hi/c/{DRESS}/thanks?d=*")
    page.fill('textarea[name="message"]', HELD)
    page.get_by_role("button", name="मेरा शेयर पेज बनाइए").click()
    page.wait_for_url("**/hi/s/*")
    context.close()


def deploy_a_second_wishlist(stack: RunningStack) -> None:
    changed = inline_text("wishlist").replace("हम आपकी रसोई के लिए आगे क्या बनाएँ?", "नई रसोई!")
    request = urllib.request.Request(
        f"{stack.base_url}/admin/api/v1/campaigns",
        data=json.dumps({"file": "wishlist.yaml", "source": changed}).encode(),
        headers={"Authorization": f"Bearer {ADMIN_KEY}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        assert answer.status == 201


def test_a_marketer_reads_moderates_replies_publishes_and_rolls_back(
    stack: RunningStack, browser: Browser
) -> None:
    customer_shares_a_dress(stack, browser)
    deploy_a_second_wishlist(stack)
    context = browser.new_context(locale="en-IN")
    page = context.new_page()
    try:
        page.goto(f"{stack.base_url}/console")
        page.get_by_label("Name").fill("local-admin")
        page.get_by_label("Password").fill(ADMIN_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("link", name=DRESS).click()

        assert page.get_by_role("heading", name=f"Campaign {DRESS}").is_visible()
        funnel = page.get_by_role("table", name="From views to rewards, since the campaign began.")
        answers = funnel.get_by_role("row", name="Answers").inner_text()
        assert int(answers.split()[-1]) >= 1
        assert_clean(page, "dashboard")
        page.get_by_role("link", name="हिन्दी").click()  # the console's Hindi, remembered
        assert page.get_by_role("heading", name="फ़नल").is_visible()
        assert_clean(page, "dashboard in Hindi")
        page.get_by_role("link", name="English").click()

        page.get_by_role("link", name="Moderation").click()
        assert page.get_by_text(HELD).is_visible()
        assert_clean(page, "moderation")
        page.get_by_label("Reason (kept in the audit log)").first.fill("banter between friends")
        page.get_by_role("button", name="Approve").first.click()
        assert page.get_by_role("status").inner_text().startswith("The share was approved")
        assert page.get_by_text(HELD).count() == 0

        page.get_by_role("link", name="Answers", exact=True).click()
        assert_clean(page, "answers")
        page.get_by_role("link", name="Open").last.click()
        assert_clean(page, "one answer")
        page.get_by_label("Your reply, in the customer's language (hi)").fill(REPLY)
        page.get_by_role("button", name="Send the reply").click()
        assert page.get_by_role("status").inner_text() == "Your reply was sent."
        assert page.get_by_text(REPLY).is_visible()

        page.get_by_role("link", name="Follow-ups").click()
        assert_clean(page, "follow-ups")

        page.goto(f"{stack.base_url}/console/c/wishlist/versions?from=1&to=2")
        assert page.locator("ins.diff-added").count() >= 1
        assert_clean(page, "versions with a diff")
        page.get_by_role("link", name="Publish version 2").click()
        assert_clean(page, "confirm publishing")
        page.get_by_role("button", name="Yes, publish").click()
        assert page.get_by_role("status").inner_text() == "Published: version 2 is live."
        page.get_by_role("link", name="Roll back to the version published before").click()
        page.get_by_role("button", name="Yes, roll back").click()
        assert page.get_by_role("status").inner_text() == "Rolled back: version 1 is live."
    finally:
        context.close()
