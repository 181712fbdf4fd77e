"""The console's campaign pages on the real local stack, over real sockets: a marketer signs
in through the form, every campaign page answers with the console's headers, no address a
marketer can type gives a 5xx, and a form without its token changes nothing."""

from __future__ import annotations

import re

import pytest

from tests.conftest import ADMIN_PASSWORD, RunningStack

pytestmark = pytest.mark.http
PAGES = ("", "/versions", "/answers", "/moderation", "/followups", "/export", "/qr")
HOSTILE = (
    "/console/c/no-such-campaign",
    "/console/c/no-such-campaign/answers",
    "/console/c/no-such-campaign/moderation",
    "/console/c/no-such-campaign/versions",
    "/console/c/no-such-campaign/followups",
    "/console/c/wishlist/answers?cursor=not-a-cursor",
    "/console/c/wishlist/answers?cursor=eyJhIjogMX0%3D&locale=%00",
    "/console/c/wishlist/answers/" + "0" * 32,
    "/console/c/wishlist/answers/%3Cscript%3E",
    "/console/c/wishlist/versions?from=1&to=99999999999999999999",
    "/console/c/wishlist/versions?from=-1&to=2",
    "/console/c/wishlist/versions/x/publish",
    "/console/c/wishlist/versions/99/publish",
    "/console/c/wishlist/moderation/nothing/design.svg",
    "/console/c/wishlist/qr?src=%3Cscript%3E",
    "/console/c/wishlist/qr/%00.svg",
    "/console/c/wishlist/qr/hi.svg?src=" + "x" * 500,
    "/console/c/no-such-campaign/qr/hi.png",
)


def signed_in(stack: RunningStack) -> dict[str, str]:
    form = stack.get("/console/sign-in")
    token = re.search(r'name="csrf" value="([0-9a-f]+)"', form.text)
    assert token is not None
    cookies = {"samvad_csrf": form.cookies["samvad_csrf"]}
    data = {"csrf": token.group(1), "name": "local-admin", "password": ADMIN_PASSWORD}
    answer = stack.post("/console/sign-in", data=data, cookies=cookies)
    assert answer.status_code == 303, answer.text
    return {**cookies, "samvad_console": answer.cookies["samvad_console"]}


def test_every_campaign_page_answers_a_signed_in_marketer(stack: RunningStack) -> None:
    cookies = signed_in(stack)

    for slug in ("wishlist", "design-your-dress", "build-your-car"):
        for path in PAGES:
            answer = stack.get(f"/console/c/{slug}{path}", cookies=cookies)
            assert answer.status_code == 200, (slug, path, answer.text[:500])
            assert answer.headers["Cache-Control"] == "no-store"
            if path != "/export":
                assert "script-src 'self'" in answer.headers["Content-Security-Policy"]
                assert "<svg" not in answer.text or 'aria-hidden="true"' in answer.text


def test_no_address_a_marketer_types_is_a_server_error(stack: RunningStack) -> None:
    cookies = signed_in(stack)

    statuses = {path: stack.get(path, cookies=cookies).status_code for path in HOSTILE}

    assert {p: s for p, s in statuses.items() if s >= 500} == {}
    assert statuses["/console/c/no-such-campaign"] == 404
    assert statuses["/console/c/wishlist/versions/x/publish"] == 400


def test_a_form_without_its_token_changes_nothing(stack: RunningStack) -> None:
    cookies = signed_in(stack)
    before = stack.get("/console/c/wishlist/versions", cookies=cookies).text

    refused = stack.post(
        "/console/c/wishlist/rollback", data={"confirm": "yes"}, csrf=False, cookies=cookies
    )

    assert refused.status_code == 403
    assert stack.get("/console/c/wishlist/versions", cookies=cookies).text == before


def test_a_qr_code_downloads_as_a_file(stack: RunningStack) -> None:
    cookies = signed_in(stack)

    png = stack.get("/console/c/wishlist/qr/hi.png?src=poster-17", cookies=cookies)
    svg = stack.get("/console/c/wishlist/qr/en.svg", cookies=cookies)

    assert png.status_code == 200
    assert png.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.headers["Content-Disposition"] == 'attachment; filename="wishlist-hi-poster-17.png"'
    assert png.headers["Cache-Control"].startswith("private")
    assert svg.status_code == 200
    assert svg.headers["Content-Type"] == "image/svg+xml"
    assert svg.content.startswith(b"<?xml") or svg.content.startswith(b"<svg")
