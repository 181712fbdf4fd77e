"""The app under a stage's path (``/api``, as API Gateway serves it without a custom domain),
in Chromium with JavaScript: the stylesheet and designer.js load within the
Content-Security-Policy, the live preview posts to the form's URL under the stage, and the
design is sent and shared without leaving it."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser

from tests.conftest import STAGE_PATH, RunningStack
from tests.e2e.test_journeys_in_chromium import choose_and_preview, open_page

pytestmark = pytest.mark.http


def test_a_dress_is_designed_and_shared_under_the_stage_path(
    mounted_stack: RunningStack, browser: Browser
) -> None:
    page = open_page(browser, js=True)
    complaints: list[str] = []
    asked: list[str] = []
    page.on("console", lambda m: complaints.append(m.text) if m.type == "error" else None)
    failed: list[str] = []
    page.on("request", lambda r: asked.append(r.url))
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)

    page.goto(f"{mounted_stack.base_url}/c/design-your-dress")
    assert urlsplit(page.url).path == f"{STAGE_PATH}/hi/c/design-your-dress"
    assert "Noto Sans" in page.evaluate("getComputedStyle(document.body).fontFamily")  # the CSS
    choose_and_preview(page, js=True)
    page.get_by_label("M", exact=True).check()
    page.get_by_role("button", name="मेरी डिज़ाइन भेजें").click()
    page.wait_for_url(f"**{STAGE_PATH}/hi/c/design-your-dress/thanks?d=*")
    page.get_by_label("दोस्तों के लिए एक संदेश").fill("मेरी ड्रेस कैसी है?")
    page.get_by_role("button", name="मेरा शेयर पेज बनाइए").click()
    page.wait_for_url(f"**{STAGE_PATH}/hi/s/*")

    origin = mounted_stack.base_url.removesuffix(STAGE_PATH)
    # Chromium asks for /favicon.ico at the host's root, where API Gateway answers 403.
    ours = [url for url in asked if url.startswith(origin) and url != f"{origin}/favicon.ico"]
    assert f"{mounted_stack.base_url}/static/samvad.css" in ours
    assert f"{mounted_stack.base_url}/static/designer.js" in ours
    assert all(urlsplit(url).path.startswith(STAGE_PATH + "/") for url in ours), ours
    assert [url for url in failed if url != f"{origin}/favicon.ico"] == []
    loads = "Failed to load resource"  # the favicon's, checked above
    assert [text for text in complaints if not text.startswith(loads)] == []  # no CSP violation
    page.context.close()
