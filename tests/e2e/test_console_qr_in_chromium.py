"""The console's QR page in Chromium against the local stack: a marketer signs in, opens a
campaign's QR codes from its navigation, adds a source through the form (a plain GET form),
downloads a code, in English and in Hindi, with no serious axe-core violation."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser

from tests.conftest import ADMIN_PASSWORD, RunningStack
from tests.e2e.test_console_campaign_in_chromium import assert_clean

pytestmark = pytest.mark.http
DRESS = "design-your-dress"


def test_a_marketer_downloads_a_qr_code_for_a_source_of_their_own(
    stack: RunningStack, browser: Browser
) -> None:
    context = browser.new_context(locale="en-IN")
    page = context.new_page()
    try:
        page.goto(f"{stack.base_url}/console")
        page.get_by_label("Name").fill("local-admin")
        page.get_by_label("Password").fill(ADMIN_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("link", name=DRESS).click()
        page.get_by_role("link", name="QR codes").click()

        assert page.get_by_role("heading", name=f"QR codes: {DRESS}").is_visible()
        assert_clean(page, "QR codes")
        page.get_by_label("Another source").fill("bus-stop-9")
        page.get_by_role("button", name="Add codes for this source").click()
        table = page.get_by_role("table", name="QR codes per language and source")
        assert table.get_by_role("columnheader", name="bus-stop-9").is_visible()
        with page.expect_download() as download:
            table.get_by_role("link", name="PNG hi bus-stop-9").click()
        assert download.value.suggested_filename == f"{DRESS}-hi-bus-stop-9.png"
        assert_clean(page, "QR codes with a source of the marketer's")

        page.get_by_role("link", name="हिन्दी").click()
        assert page.get_by_role("heading", name=f"QR कोड: {DRESS}").is_visible()
        assert_clean(page, "QR codes in Hindi")
    finally:
        context.close()
