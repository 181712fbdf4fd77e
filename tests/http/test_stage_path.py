"""The app served under a stage's path, as API Gateway serves it without a custom domain:
the real local stack with ``SAMVAD_LOCAL_STAGE_PATH=/api`` (only ``/api/...`` answers, as on
``https://<id>.execute-api.<region>.amazonaws.com/api/...``), a customer's journey followed
link by link over HTTP, every link, asset, form action and redirect of every page checked."""

from __future__ import annotations

import re
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import unquote, urljoin, urlsplit

import pytest
import requests

from tests.conftest import STAGE_PATH, Emulator, RunningStack, eventually
from tests.http.followup_helpers import LINK, at_ist, run_due, sms_to
from tests.samples import DRESS_DESIGN, png_size

pytestmark = pytest.mark.http

MOUNT = STAGE_PATH


class Page(HTMLParser):
    """The URLs a page makes the browser fetch or follow, and its forms' fields."""

    def __init__(self, url: str, html: str) -> None:
        super().__init__()
        self.url = url
        self.links: list[str] = []  # href and src: followed with GET
        self.actions: list[str] = []
        self.meta: dict[str, str] = {}
        self.fields: list[dict[str, str]] = []  # hidden inputs of each form, in order
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag in ("a", "link") and "href" in a:
            self.links.append(a["href"])
        if tag in ("script", "img") and "src" in a:
            self.links.append(a["src"])
        if tag == "form":
            self.actions.append(a.get("action", ""))
            self.fields.append({})
        if tag == "input" and a.get("type") == "hidden" and self.fields:
            self.fields[-1][a["name"]] = a.get("value", "")
        if tag == "meta" and "property" in a:
            self.meta[a["property"]] = a.get("content", "")


class Customer:
    """A browser without JavaScript: keeps cookies, follows redirects one at a time and
    checks that every URL the app gives it stays under the stage's path."""

    def __init__(self, stack: RunningStack) -> None:
        self.public = stack.base_url  # http://127.0.0.1:<port>/api
        self.origin = self.public.removesuffix(MOUNT)
        self.session = requests.Session()
        self.session.headers["Accept-Language"] = "hi-IN,hi;q=0.9,en;q=0.5"
        self.seen: set[str] = set()

    def mounted(self, url: str) -> str:
        """``url`` made absolute; it must be the app's, under the stage's path."""
        absolute = urljoin(self.origin + "/", url)
        assert absolute.startswith(self.public + "/"), f"{url!r} is not under {MOUNT}"
        return absolute

    def get(self, url: str) -> requests.Response:
        answer = self.session.get(self.mounted(url), allow_redirects=False, timeout=10)
        return self.settle(answer)

    def post(self, url: str, data: dict[str, str]) -> requests.Response:
        answer = self.session.post(self.mounted(url), data=data, allow_redirects=False, timeout=10)
        return self.settle(answer)

    def settle(self, answer: requests.Response) -> requests.Response:
        """Follow redirects, each Location under the stage's path; check the page's links."""
        while answer.is_redirect:
            answer = self.session.get(
                self.mounted(answer.headers["Location"]), allow_redirects=False, timeout=10
            )
        assert answer.status_code < 400, (answer.url, answer.status_code, answer.text[:300])
        if answer.headers.get("Content-Type", "").startswith("text/html"):
            self.check_links(Page(answer.url, answer.text))
        return answer

    def check_links(self, page: Page) -> None:
        for link in page.links:
            if link.startswith("#"):
                continue
            if link.startswith(("sms:", "https://wa.me/")):
                self.check_shared_text(link)
                continue
            url = self.mounted(link)
            if url in self.seen:
                continue
            self.seen.add(url)
            answer = self.session.get(url, allow_redirects=False, timeout=10)
            assert answer.status_code < 400, (page.url, link, answer.status_code)
            if answer.is_redirect:
                self.mounted(answer.headers["Location"])
        for action in page.actions:
            self.mounted(action)

    def check_shared_text(self, link: str) -> None:
        """A WhatsApp or SMS share: the text carries the app's link under the stage's path."""
        text = unquote(link.split("text=", 1)[-1].split("body=", 1)[-1])
        invites = re.findall(r"https?://\S+", text)
        assert invites, text
        for invite in invites:
            self.mounted(invite)

    def page(self, url: str) -> Page:
        answer = self.get(url)
        return Page(answer.url, answer.text)


def test_outside_the_stage_path_nothing_answers_as_on_api_gateway(
    mounted_stack: RunningStack,
) -> None:
    origin = mounted_stack.base_url.removesuffix(MOUNT)
    answer = requests.get(origin + "/hi/c/wishlist", allow_redirects=False, timeout=10)
    assert answer.status_code == 403
    assert "Missing Authentication Token" in answer.text


def test_design_answer_share_journey_stays_under_the_stage_path(
    mounted_stack: RunningStack,
) -> None:
    customer = Customer(mounted_stack)

    page = customer.page("/api/c/design-your-dress")  # negotiated: Hindi

    assert page.url == customer.public + "/hi/c/design-your-dress"
    assert customer.public + "/static/samvad.css" in customer.seen
    assert customer.public + "/static/designer.js" in customer.seen
    answers = {**page.fields[0], **DRESS_DESIGN, "phone": "98765 70001", "consent": "yes"}
    thanks = customer.post(page.actions[0], answers)  # 303 to the thanks page with the share form
    assert urlsplit(thanks.url).path == "/api/hi/c/design-your-dress/thanks"
    shared = Page(thanks.url, thanks.text)
    form = shared.fields[-1]
    share = customer.post(shared.actions[-1], {**form, "message": "त्योहार के लिए मेरी ड्रेस"})

    assert re.fullmatch(r"/api/hi/s/[A-Za-z0-9_-]{12}", urlsplit(share.url).path)
    tags = Page(share.url, share.text).meta
    assert tags["og:url"] == share.url
    assert tags["og:image"] == share.url + "/design.png"
    assert (tags["og:image:width"], tags["og:image:height"]) == ("1200", "630")
    for accept in ("*/*", "image/*", "image/png", None):  # None: no Accept header at all
        preview = requests.get(tags["og:image"], headers={"Accept": accept}, timeout=10)
        assert preview.status_code == 200, accept
        assert preview.headers["Content-Type"] == "image/png"
        assert png_size(preview.content) == (1200, 630)
    invite = next(link for link in Page(share.url, share.text).links if "ref=" in link)
    friend = Customer(mounted_stack)
    assert friend.get(invite).status_code == 200


def test_sms_link_unsubscribes_and_erases_under_the_stage_path(
    mounted_stack: RunningStack, emulator: Emulator
) -> None:
    customer = Customer(mounted_stack)
    page = customer.page("/api/c/wishlist")
    answers = {**page.fields[0], "product": "tawa", "phone": "98765 70002", "consent": "yes"}
    thanks = customer.post(page.actions[0], answers)
    assert urlsplit(thanks.url).path == "/api/hi/c/wishlist/thanks"
    number = "+919876570002"
    eventually(lambda: sms_to(emulator, number))  # the thank-you: the stream has run

    run_due(mounted_stack, emulator, at_ist(2, 10) + timedelta(minutes=1))  # the day-later reminder

    texts = sms_to(emulator, number)
    assert len(texts) == 2, texts
    links = LINK.findall(texts[1])
    assert links
    assert all(link.startswith(customer.public + "/u/") for link in links)
    for link in re.findall(r"https?://\S+", texts[1]):
        customer.get(link)  # the campaign link and the unsubscribe link, each under /api
    ask = customer.page(links[0])
    assert len(ask.actions) == 1  # stop SMS; deleting my data is a page of its own
    erase = next(link for link in ask.links if link.endswith("/erase"))
    stopped = customer.post(ask.actions[0], ask.fields[0])
    done = Page(stopped.url, stopped.text)
    assert done.actions == []
    assert erase in done.links
    bare = customer.session.post(customer.mounted(erase), data={"erase": "yes"}, timeout=10)
    assert bare.status_code == 403  # erases nothing: the confirmation page again
    assert "confirm" in Page(bare.url, bare.text).fields[0]
    confirm = customer.page(erase)
    assert confirm.actions == [erase]
    assert "confirm" in confirm.fields[0]
    erased = customer.post(confirm.actions[0], confirm.fields[0])
    assert erased.status_code == 200


def test_the_index_at_the_stage_root_links_under_it(mounted_stack: RunningStack) -> None:
    customer = Customer(mounted_stack)
    index = customer.get("/api/")
    assert index.status_code == 200
    assert "/api/hi/c/wishlist" in {urlsplit(url).path for url in customer.seen}
