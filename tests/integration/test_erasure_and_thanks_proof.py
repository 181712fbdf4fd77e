"""Erasure is a confirmed step of its own; a thanks page and its sharing belong to the browser
that sent the answer. app.py through Chalice's test client over moto in-process."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from chalicelib.consent.tokens import sign_expiring, verify_expiring
from chalicelib.web import answered
from tests.conftest import CSRF_COOKIE_VALUE, csrf_token, send_wishlist_form
from tests.samples import DRESS_DESIGN

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
DRESS = "design-your-dress"
CSRF = f"samvad_csrf={CSRF_COOKIE_VALUE}"
CONFIRM = re.compile(r'name="confirm" value="([0-9]+\.[0-9a-f]{32})"')


def stored(aws: Any) -> str:
    items = aws.adapters.dynamodb.scan(TableName=aws.settings.table_name)[
        "Items"
    ]  # a test may Scan
    return json.dumps(items, ensure_ascii=False)


def erase_link(client: Any, aws: Any, phone: str) -> str:
    assert send_wishlist_form(client, f"erase-step-{phone}", phone).status_code == 303
    contact_id = aws.links.contact_id(f"+91{phone}")
    return str(aws.links.unsubscribe(contact_id, "hi").removeprefix(aws.links.base_url))


def post(client: Any, path: str, body: str = "") -> Any:
    return client.raw.http.post(path, headers=FORM, body=body)


def test_the_unsubscribe_page_links_to_erasure_and_unsubscribing_stays_one_post(
    chalice_client: Any, aws: Any
) -> None:
    link = erase_link(chalice_client, aws, "9876571111")
    page = chalice_client.raw.http.get(link).body.decode()
    assert f'href="{link}/erase"' in page  # a link to a page, not a form that erases
    assert f'action="{link}/erase"' not in page
    assert "9876571111" in stored(aws)

    stopped = post(chalice_client, link, "unsubscribe=yes")

    assert stopped.status_code == 200
    assert aws.adapters.store.contact(aws.links.contact_id("+919876571111")).opted_out
    assert "9876571111" in stored(aws)  # unsubscribed, not erased


def test_a_bare_post_erases_nothing_and_shows_the_confirmation_again(
    chalice_client: Any, aws: Any
) -> None:
    link = erase_link(chalice_client, aws, "9876571112")
    for body in ("", "erase=yes", "confirm=", "confirm=1.2", "confirm=%FF%FE"):
        again = post(chalice_client, link + "/erase", body)
        assert again.status_code == 403, body
        page = again.body.decode()
        assert "कुछ भी नहीं मिटाया गया" in page  # Hindi: nothing was deleted
        assert CONFIRM.search(page)
        assert 'class="danger"' in page
    assert "9876571112" in stored(aws)


def test_the_page_says_what_goes_and_its_confirmation_erases(chalice_client: Any, aws: Any) -> None:
    link = erase_link(chalice_client, aws, "9876571113")
    other = erase_link(chalice_client, aws, "9876571114")

    page = chalice_client.raw.http.get(link + "/erase")

    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    text = page.body.decode()
    for item in ("आपके जवाब", "आपका फ़ोन नंबर", "SMS", "साझा किए डिज़ाइन"):
        assert item in text, item
    assert f'action="{link}/erase"' in text
    assert '<button type="submit" class="danger">' in text
    confirm = CONFIRM.search(text).group(1)  # type: ignore[union-attr]
    # the confirmation of one contact erases nothing of another
    assert post(chalice_client, other + "/erase", f"confirm={confirm}").status_code == 403
    assert "9876571114" in stored(aws)

    erased = post(chalice_client, link + "/erase", f"confirm={confirm}")

    assert erased.status_code == 200
    assert "आपका डेटा मिटा दिया गया है" in erased.body.decode()
    assert "9876571113" not in stored(aws)
    assert "9876571114" in stored(aws)


def test_an_expired_or_forged_confirmation_erases_nothing(chalice_client: Any, aws: Any) -> None:
    link = erase_link(chalice_client, aws, "9876571115")
    contact_id = aws.links.contact_id("+919876571115")
    confirm = CONFIRM.search(chalice_client.raw.http.get(link + "/erase").body.decode()).group(1)  # type: ignore[union-attr]
    expires = int(confirm.split(".")[0])
    forged = [
        sign_expiring("erase", contact_id, expires, b"f" * 32),  # another key
        f"{expires + 3600}.{confirm.split('.')[1]}",  # a later expiry, the old signature
        sign_expiring("thanks", contact_id, expires, aws.keys().link),  # another purpose
    ]
    for token in forged:
        assert post(chalice_client, link + "/erase", f"confirm={token}").status_code == 403
    now = aws.clock()
    aws.clock = lambda: now + timedelta(minutes=16)

    expired = post(chalice_client, link + "/erase", f"confirm={confirm}")

    assert expired.status_code == 403
    assert "9876571115" in stored(aws)
    fresh = CONFIRM.search(expired.body.decode()).group(1)  # type: ignore[union-attr]
    assert post(chalice_client, link + "/erase", f"confirm={fresh}").status_code == 200
    assert "9876571115" not in stored(aws)


def design_dress(client: Any, token: str) -> tuple[str, str]:
    """A designed dress sent from ``client``'s browser: the thanks path, and the cookie."""
    fields = {"form_token": token, **DRESS_DESIGN}
    answer = client.http.post(f"/hi/c/{DRESS}", headers=FORM, body=urlencode(fields))
    assert answer.status_code == 303, answer.body
    set_cookie = answer.headers["Set-Cookie"]
    line = next(c for c in ([set_cookie] if isinstance(set_cookie, str) else set_cookie))
    assert line.startswith("samvad_answered=")
    for attribute in ("HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=86400"):
        assert attribute in line, attribute
    assert "Secure" not in line  # the local stage is plain http
    return str(answer.headers["Location"]), line.split(";", 1)[0]


def share_action(page: str) -> str | None:
    found = re.search(r'action="(/hi/d/[0-9a-f]{32}/share)"', page)
    return found.group(1) if found else None


def test_the_answering_browser_sees_its_design_and_shares_it(chalice_client: Any) -> None:
    thanks, _ = design_dress(chalice_client, "thanks-proof-0001")
    page = chalice_client.http.get(thanks).body.decode()
    action = share_action(page)
    assert action is not None
    assert "<svg" in page
    shared = chalice_client.http.post(action, headers=FORM, body="message=mine")
    assert shared.status_code == 303
    assert "/hi/s/" in shared.headers["Location"]


def test_another_browser_with_the_thanks_url_sees_no_design_and_cannot_share(
    chalice_client: Any, aws: Any
) -> None:
    thanks, cookie = design_dress(chalice_client, "thanks-proof-0002")
    response_id = thanks.rsplit("=", 1)[1]
    chalice_client.http.answered = None  # another browser answers too
    mine, other_cookie = design_dress(chalice_client, "thanks-proof-0003")
    other_id = mine.rsplit("=", 1)[1]
    assert response_id not in other_cookie
    later = int(aws.clock().timestamp()) + 3600
    proof_for_other = sign_expiring("thanks", other_id, later, aws.keys().link)
    strangers = {
        "no cookie": None,
        "another answer's cookie": other_cookie,
        "forged": f"samvad_answered={response_id}.{later}.{'0' * 32}",
        "another key": "samvad_answered="
        + f"{response_id}.{sign_expiring('thanks', response_id, later, b'x' * 32)}",
        "another answer's proof": f"samvad_answered={response_id}.{proof_for_other}",
        "garbage": 'samvad_answered="<script>"',
    }
    for name, jar in strangers.items():
        headers = {"Cookie": jar} if jar else {}
        page = chalice_client.raw.http.get(thanks, headers=headers)
        assert page.status_code == 200, name
        text = page.body.decode()
        assert "<svg" not in text, name
        assert share_action(text) is None, name
        assert "धन्यवाद" in text, name  # the plain thanks, in Hindi
        refused = chalice_client.raw.http.post(
            f"/hi/d/{response_id}/share",
            headers={**FORM, "Cookie": "; ".join(filter(None, [jar, CSRF]))},
            body=f"csrf={csrf_token()}&message=not+mine",
        )
        assert refused.status_code == 403, name
        assert "आप यह डिज़ाइन साझा नहीं कर सकते" in refused.body.decode(), name
    items = aws.adapters.dynamodb.scan(TableName=aws.settings.table_name)["Items"]
    assert not [i for i in items if i["pk"]["S"].startswith("SHARE#")]  # nothing was shared
    # the same cookie, a day later, has expired
    now = aws.clock()
    aws.clock = lambda: now + timedelta(seconds=answered.MAX_AGE + 1)
    headers = {"Cookie": cookie}
    assert share_action(chalice_client.raw.http.get(thanks, headers=headers).body.decode()) is None


def test_the_answered_cookie_is_secure_on_deployed_stages_and_scoped_to_the_mount(
    aws: Any,
) -> None:
    from dataclasses import replace

    from chalicelib.bootstrap import Services
    from chalicelib.web.http import WebRequest

    deployed = Services(replace(aws.settings, stage="dev"))
    deployed.keys = aws.keys  # the local stage's secret: this checks the cookie, not the keys
    line = answered.set_cookie(deployed, WebRequest(base="/api"), "0" * 32)
    assert line.startswith(f"samvad_answered={'0' * 32}.")
    assert "; Secure" in line
    assert "; Path=/api/;" in line
    assert "Secure" not in answered.set_cookie(aws, WebRequest(), "0" * 32)


def test_a_link_key_rotation_keeps_confirmations_and_cookies_of_the_previous_key() -> None:
    old, new = b"o" * 32, b"n" * 32
    token = sign_expiring("erase", "c1", 100, old)
    assert verify_expiring("erase", "c1", token, [new, old], now=50)
    assert not verify_expiring("erase", "c1", token, [new], now=50)
