"""Script injection through every field a customer or a marketer writes: nothing runs in
Chromium. The Content-Security-Policy is bypassed on purpose, so that escaping alone is what
keeps ``window.__xss`` undefined and no dialog from opening."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
import requests
import yaml
from playwright.sync_api import Browser, Dialog, Page

from tests.conftest import ADMIN_KEY, PROJECT_DIR, RunningStack

pytestmark = pytest.mark.http
DEFINITIONS = PROJECT_DIR / "chalicelib" / "campaigns" / "definitions"
# Each fits the shortest field (a design's name: 40 characters).
PAYLOADS = [
    "<img src=x onerror=window.__xss=1>",
    '"><script>window.__xss=1</script>',
    "'><svg onload=window.__xss=1>",
    "</textarea><img src=x onerror=alert(1)>",
    "</title><script>alert(1)</script>",
    "]]><img src=x onerror=window.__xss=1>",
    '<a href="javascript:alert(1)">x</a>',
    "javascript:window.__xss=1",
    "{{ 7*191 }}{% print 7*191 %}",
]
# What a payload would leave in the DOM had it not been escaped.
INJECTED = (
    "script:not([src='/static/designer.js']):not([src='/static/share.js']), [onerror], [onload],"
    " img[src=x], iframe,"
    " a[href^='javascript:' i], title ~ script"
)


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="hi-IN", bypass_csp=True)
    dialogs: list[str] = []

    def refuse(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    context.on("dialog", refuse)
    opened = context.new_page()
    yield opened
    context.close()
    assert dialogs == [], "a payload opened a dialog"


def assert_inert(page: Page, payload: str, where: str) -> None:
    page.wait_for_load_state("load")  # an <img onerror> fires before the load event
    assert page.evaluate("typeof window.__xss") == "undefined", where
    assert page.locator(INJECTED).count() == 0, f"{where}: {payload}"
    # Only the text: ids and tokens in attributes are hex and may contain "1337".
    evaluated = "1337" in page.locator("body").inner_text() + page.title()
    assert not evaluated, f"{where}: a template expression was evaluated"


def shown(page: Page, selector: str) -> str:
    return str(page.eval_on_selector(selector, "e => e.value ?? e.textContent"))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_customer_text_stays_text(stack: RunningStack, page: Page, payload: str) -> None:
    # The wishlist: a refused phone number brings the form back with what was typed.
    query = urlencode({"src": payload, "ref": payload})
    page.goto(f"{stack.base_url}/hi/c/wishlist?{query}")
    assert_inert(page, payload, "query parameters")
    page.locator("input[name=product]").first.check()
    page.locator("#reason").fill(payload)
    page.locator("#phone").fill(payload[:32])
    page.locator("button[type=submit]").click()
    assert_inert(page, payload, "wishlist form with errors")
    assert shown(page, "#reason") == payload
    assert page.get_by_role("alert").is_visible()

    # The designer: its name is drawn into the inline SVG too.
    page.goto(f"{stack.base_url}/hi/c/design-your-dress")
    page.locator("#name").fill(payload)
    page.locator("#note").fill(payload)
    page.get_by_label("M", exact=True).check()
    page.get_by_role("button", name="झलक बदलें").click()
    assert_inert(page, payload, "design preview")
    assert shown(page, "#name") == payload
    page.get_by_role("button", name="मेरी डिज़ाइन भेजें").click()
    page.wait_for_url("**/thanks?d=*")
    assert_inert(page, payload, "thank-you page with the design")
    assert payload in shown(page, "figure.preview figcaption")

    # The share message, on the public share page and in its meta tags.
    page.locator("#message").fill(payload)
    page.get_by_role("button", name="मेरा शेयर पेज बनाइए").click()
    page.wait_for_url("**/hi/s/*")
    assert_inert(page, payload, "share page")
    assert shown(page, "blockquote.message") == payload
    assert payload in (page.locator("meta[name=description]").get_attribute("content") or "")


def deploy(stack: RunningStack, definition: dict[str, object], file: str) -> None:
    admin = f"{stack.base_url}/admin/api/v1/campaigns"
    auth = {"Authorization": f"Bearer {ADMIN_KEY}"}
    source = yaml.safe_dump(definition, allow_unicode=True, sort_keys=False)
    deployed = requests.post(admin, json={"file": file, "source": source}, headers=auth, timeout=30)
    assert deployed.status_code == 201, deployed.text
    slug, version = definition["slug"], deployed.json()["version"]
    published = requests.post(
        f"{admin}/{slug}/publish", json={"version": version}, headers=auth, timeout=30
    )
    assert published.status_code == 200, published.text


def with_payloads(name: str, slug: str) -> dict[str, object]:
    """A sample campaign under a new slug whose Hindi texts are all payloads. Template syntax
    is refused at deploy, and texts that go into a DLT SMS slot hold 30 characters at most."""
    definition = yaml.safe_load((DEFINITIONS / f"{name}.yaml").read_text(encoding="utf-8"))
    definition["slug"] = slug
    definition["locales"] = list(definition["title"])  # the languages written in the file
    definition.pop("theme", None)  # its images stay with the sample's own slug
    marketer = [p for p in PAYLOADS if "{" not in p]
    definition["brand"]["hi"] = "'><svg onload=window.__xss=1>"
    for n, field in enumerate(["title", "intro", "thanks"]):
        definition[field]["hi"] = marketer[n + 1] + " " + marketer[-1 - n]
    for question in definition["questions"]:
        question["label"]["hi"] = marketer[4] + question["label"]["hi"]
        for n, option in enumerate(question.get("options", [])):
            option["label"]["hi"] = f"<img src=x onerror=alert({n})>"
    definition["consent"]["label"]["hi"] = marketer[6]
    definition["consent"]["notice"]["hi"] = marketer[7]
    product = definition.get("product", {})
    # Only the source travels here: the brand's layer files go inline.
    for part in [*product.get("layers", []), *product.get("patterns", [])]:
        part["svg"] = (DEFINITIONS / part.pop("file")).read_text(encoding="utf-8")
    return definition


@pytest.mark.parametrize("sample", ["wishlist", "design-your-dress"])
def test_marketer_text_stays_text(stack: RunningStack, page: Page, sample: str) -> None:
    slug = f"xss-{sample}"
    deploy(stack, with_payloads(sample, slug), f"{slug}.yaml")

    page.goto(f"{stack.base_url}/hi/c/{slug}")
    assert_inert(page, "marketer texts", "campaign page")
    assert PAYLOADS[1] in page.get_by_role("heading", level=1).inner_text()
    assert PAYLOADS[1] in page.title()
    page.locator("input[type=radio][required]").first.check()
    page.locator("button[value=send]").click()
    page.wait_for_url(f"**/hi/c/{slug}/thanks*")
    assert_inert(page, "marketer texts", "thank-you page")
    assert PAYLOADS[3] + " " in page.locator("main").inner_text()
