"""The share page in Chromium, with and without JavaScript: WhatsApp and SMS links that are
large buttons, the link to copy in a labelled field (a Copy button only with JavaScript, which
announces the copy), the sharer's progress, and nothing serious for axe, in Hindi and Urdu."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.conftest import RunningStack
from tests.e2e.browser import SCREENSHOTS, serious_violations

pytestmark = pytest.mark.http
DRESS = "design-your-dress"


def shared_design(stack: RunningStack, browser: Browser, js: bool) -> Page:
    """A dress designed and shared in this browser: the page is the sharer's share page."""
    context = browser.new_context(
        locale="hi-IN", java_script_enabled=js, viewport={"width": 390, "height": 844}
    )
    if js:
        context.grant_permissions(["clipboard-write"], origin=stack.base_url)
    page = context.new_page()
    page.goto(f"{stack.base_url}/hi/c/{DRESS}")
    page.get_by_label("हल्दी पीला").check()
    page.get_by_label("M", exact=True).check()
    page.get_by_role("button", name="मेरी डिज़ाइन भेजें").click()
    page.wait_for_url(f"**/hi/c/{DRESS}/thanks?d=*")
    page.get_by_role("button", name="मेरा शेयर पेज बनाइए").click()
    page.wait_for_url("**/hi/s/*")
    return page


def assert_no_serious_violations(page: Page, what: str) -> None:
    violations, ran = serious_violations(page)
    assert violations == [], f"{what}:\n" + "\n".join(violations)
    assert "color-contrast" in ran, what


@pytest.mark.parametrize("js", [False, True], ids=["no-js", "js"])
def test_the_sharer_passes_the_design_on_by_whatsapp_sms_or_a_copied_link(
    stack: RunningStack, browser: Browser, js: bool
) -> None:
    page = shared_design(stack, browser, js)
    share_id = page.url.rsplit("/", 1)[1]

    whatsapp = page.get_by_role("link", name="WhatsApp पर भेजें")
    sms = page.get_by_role("link", name="SMS से भेजें")
    assert (whatsapp.get_attribute("href") or "").startswith("https://wa.me/?text=")
    assert (sms.get_attribute("href") or "").startswith("sms:?&body=")
    for button in (whatsapp, sms):
        box = button.bounding_box()
        assert box is not None
        assert box["height"] >= 44
        assert box["width"] >= 44
    field = page.get_by_label("लिंक कॉपी करें", exact=True)
    link = field.input_value()
    assert f"ref={share_id}" in link
    assert link.endswith("src=link")
    assert field.get_attribute("readonly") is not None
    assert page.locator("#share-progress").inner_text() == "जुड़े दोस्त: 0 / 5"
    assert page.locator("progress").get_attribute("value") == "0"

    copy = page.get_by_role("button", name="लिंक कॉपी करें")
    if js:
        copy.click()
        # announced only once navigator.clipboard.writeText has resolved
        expect(page.get_by_role("status")).to_have_text("कॉपी हो गया")
    else:
        assert copy.count() == 0  # without JavaScript the field itself is the way to copy
    if js:  # axe is a script: it runs where scripts do (the no-JS page lacks only the button)
        assert_no_serious_violations(page, "hi/s")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"share-hi-{'js' if js else 'no-js'}.png", full_page=True)

    page.goto(f"{stack.base_url}/ur/s/{share_id}")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.get_by_role("link", name="WhatsApp پر بھیجیں").is_visible()
    assert page.get_by_role("button", name="لنک کاپی کریں").count() == (1 if js else 0)
    if js:
        assert_no_serious_violations(page, "ur/s")
    page.screenshot(path=SCREENSHOTS / f"share-ur-{'js' if js else 'no-js'}.png", full_page=True)
    page.context.close()
