"""The store-feedback sample over real HTTP on the local stack: the no-JS steps (Next, Back,
answers carried in hidden fields), Hindi messages for bad values, hidden answers dropped even
when posted, and the admin stats and CSV export per question type."""

from __future__ import annotations

import csv
import io
from html.parser import HTMLParser

import pytest
import requests

from tests.conftest import ADMIN_KEY, RunningStack

pytestmark = pytest.mark.http
PAGE = "/hi/c/store-feedback"
ADMIN = "/admin/api/v1/campaigns/store-feedback"


class _Form(HTMLParser):
    """What a browser would send back from the page without any change: hidden fields, and
    the checked or filled controls (so a test only adds what the customer does)."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self.visible: list[str] = []
        self.buttons: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "button":
            self.buttons.append(a.get("value", ""))
        if tag != "input" or "name" not in a:
            return
        kind = a.get("type", "text")
        if kind == "hidden":
            self.fields[a["name"]] = a.get("value", "")
            return
        self.visible.append(a["name"])
        if kind in ("radio", "checkbox") and "checked" not in a:
            return
        if a.get("value"):
            self.fields[a["name"]] = a["value"]


def form_of(html: str) -> _Form:
    parser = _Form()
    parser.feed(html)
    parser.fields.pop("csrf", None)  # stack.post sends the browser's token and cookie
    return parser


def send(
    stack: RunningStack,
    page: requests.Response,
    action: str,
    unticked: tuple[str, ...] = (),
    **more: str,
) -> requests.Response:
    """The page's form sent with the customer's changes: ``more`` filled in or ticked,
    ``unticked`` boxes cleared."""
    kept = {k: v for k, v in form_of(page.text).fields.items() if k not in unticked}
    return stack.post(PAGE, data={**kept, **more, "action": action})


def admin(stack: RunningStack, path: str) -> requests.Response:
    headers = {"Authorization": f"Bearer {ADMIN_KEY}"}
    return requests.get(f"{stack.base_url}{ADMIN}{path}", headers=headers, timeout=10)


def test_the_form_in_steps_with_hindi_messages_then_stats_and_export(
    stack: RunningStack,
) -> None:
    first = stack.get(PAGE)
    assert first.status_code == 200
    assert "चरण 1 / 3" in first.text
    step1 = form_of(first.text)
    assert {"rating", "recommend", "heard"} <= set(step1.visible)
    assert not any(name.startswith("went_wrong") for name in step1.visible)
    assert step1.buttons == ["next"]

    bad = send(stack, first, "next", rating="1", recommend="11")
    assert bad.status_code == 422
    assert "0 से 10 तक की कोई संख्या लिखें।" in bad.text
    assert 'aria-invalid="true"' in bad.text
    assert 'aria-describedby="recommend-ends recommend-error"' in bad.text

    second = send(stack, bad, "next", rating="1", recommend="3")
    assert second.status_code == 200
    assert "चरण 2 / 3" in second.text
    step2 = form_of(second.text)
    assert (step2.fields["rating"], step2.fields["recommend"]) == ("1", "3")  # carried
    assert "went_wrong.other" in step2.visible  # rating 1: "what went wrong?" is asked
    assert step2.buttons == ["next", "back"]

    four = {f"favourites.{o}": "yes" for o in ("kaju-katli", "ladoo", "barfi", "rasgulla")}
    too_many = send(stack, second, "next", **{"went_wrong.other": "yes"}, **four)
    assert too_many.status_code == 422
    assert "ज़्यादा से ज़्यादा 3 चुनें।" in too_many.text

    assert 'name="favourites.rasgulla" value="yes" checked' in too_many.text  # as ticked
    assert 'type="hidden" name="favourites' not in too_many.text
    untick = ("favourites.kaju-katli", "favourites.barfi", "favourites.rasgulla")
    third = send(stack, too_many, "next", unticked=untick)
    assert third.status_code == 200
    assert "चरण 3 / 3" in third.text
    step3 = form_of(third.text)
    assert "details" in step3.visible or '<textarea id="details"' in third.text  # "other"
    assert step3.fields["favourites.ladoo"] == "yes"
    assert "favourites.barfi" not in step3.fields

    back = send(stack, third, "back")
    assert back.status_code == 200
    assert "चरण 2 / 3" in back.text
    assert 'name="favourites.ladoo" value="yes" checked' in back.text

    third = send(stack, back, "next")
    wrong = send(
        stack, third, "send", city="patna", boxes="99", email="asha@", visited="2020-01-01"
    )
    assert wrong.status_code == 422
    assert "1 से 50 तक की कोई संख्या लिखें।" in wrong.text
    assert "सही ई-मेल पता लिखें।" in wrong.text
    assert "2026 से" in wrong.text  # the date bounds, in Hindi

    done = send(
        stack,
        wrong,
        "send",
        city="patna",
        boxes="१२",
        email="Asha@Example.IN",
        visited="2026-11-01",
        details="मोमबत्ती नहीं थी",
    )
    assert done.status_code == 303, done.text[:2000]

    # A happy customer posting "what went wrong?" anyway: never stored.
    happy = stack.get(PAGE)
    tampered = send(
        stack,
        happy,
        "send",
        rating="5",
        recommend="10",
        city="delhi",
        **{"favourites.barfi": "yes", "went_wrong.stale": "yes"},
        details="injected",
    )
    assert tampered.status_code == 303

    stats = admin(stack, "/stats")
    assert stats.status_code == 200
    questions = {q["id"]: q for q in stats.json()["questions"]}
    assert questions["recommend"]["score"] == 0.0  # one promoter (10), one detractor (3)
    assert questions["rating"]["average"] == 3.0
    assert questions["went_wrong"]["options"]["other"] == 1
    assert questions["went_wrong"]["answered"] == 1
    assert questions["favourites"]["options"]["barfi"] == 1

    export = admin(stack, "/export?format=csv")
    assert export.status_code == 200
    rows = list(csv.DictReader(io.StringIO(export.text.lstrip("\ufeff"))))
    by_city = {r["city"]: r for r in rows}
    assert by_city["patna"]["went_wrong.other"] == "1"
    assert by_city["patna"]["went_wrong.stale"] == "0"
    assert by_city["patna"]["boxes"] == "12"
    assert by_city["patna"]["email"] == "Asha@example.in"
    assert by_city["patna"]["details"] == "मोमबत्ती नहीं थी"
    assert by_city["delhi"]["went_wrong.stale"] == ""
    assert by_city["delhi"]["details"] == ""
