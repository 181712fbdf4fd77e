"""The browser of the end-to-end tests: Debian's Chromium, launched once for the session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.e2e.browser import CHROMIUM, NO_CHROMIUM, QUIET


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Each test opens its own context (locale, JavaScript, CSP) and closes it. A session
    fixture is set up before the module's ``stack``, so a machine without Chromium skips
    without starting one."""
    if not CHROMIUM.exists():
        pytest.skip(NO_CHROMIUM)
    with sync_playwright() as playwright:
        opened = playwright.chromium.launch(executable_path=str(CHROMIUM), args=QUIET)
        yield opened
        opened.close()
