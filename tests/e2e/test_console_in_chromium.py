"""The marketers' console in Chromium against the local stack: sign in, see the campaigns,
no serious axe-core violations; and the same with JavaScript off."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page

from tests.conftest import ADMIN_PASSWORD, RunningStack
from tests.e2e.browser import serious_violations

pytestmark = pytest.mark.http


def sign_in(page: Page, stack: RunningStack, password: str) -> None:
    page.goto(f"{stack.base_url}/console")  # not signed in: the sign-in page
    page.get_by_label("Name").fill("local-admin")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def assert_clean(page: Page, what: str) -> None:
    violations, ran = serious_violations(page)
    assert violations == [], f"{what}:\n" + "\n".join(violations)
    assert "color-contrast" in ran


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_sign_in_shows_the_campaigns_and_sign_out_ends_it(
    stack: RunningStack, browser: Browser, javascript: bool
) -> None:
    context = browser.new_context(locale="en-IN", java_script_enabled=javascript)
    page = context.new_page()
    try:
        sign_in(page, stack, "not the password at all")
        assert page.url.endswith("/console/sign-in")
        assert page.get_by_role("alert").is_visible()
        if javascript:
            assert_clean(page, "sign-in with an error")

        sign_in(page, stack, ADMIN_PASSWORD)

        assert page.url == f"{stack.base_url}/console"
        assert page.get_by_role("heading", name="Campaigns").is_visible()
        rows = page.get_by_role("row").all_inner_texts()
        assert any(row.startswith("wishlist") for row in rows), rows
        [session] = [c for c in context.cookies() if c["name"] == "samvad_console"]
        assert session["httpOnly"]
        assert session["secure"]
        assert session["sameSite"] == "Strict"
        if javascript:
            assert_clean(page, "campaigns")
        page.get_by_role("button", name="Sign out").click()
        assert page.url.endswith("/console/sign-in")
        page.goto(f"{stack.base_url}/console")
        assert page.url.endswith("/console/sign-in")
    finally:
        context.close()
