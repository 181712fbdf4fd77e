"""Rate limits, security headers, structured logs without personal data, and erasure."""

from __future__ import annotations

import io
import json
import logging
import re
from typing import Any
from urllib.parse import urlencode

import pytest

from chalicelib import bootstrap
from tests.conftest import ADMIN_KEY, send_wishlist_form

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
KEY = {"Authorization": f"Bearer {ADMIN_KEY}", "Content-Type": "application/json"}
DRESS = "design-your-dress"


def tighten(monkeypatch: pytest.MonkeyPatch, client: str, phone: str) -> None:
    monkeypatch.setenv("SAMVAD_RATE_PER_CLIENT", client)
    monkeypatch.setenv("SAMVAD_RATE_PER_PHONE", phone)
    bootstrap.reset()


def test_answers_are_limited_per_client_with_a_localized_429(
    chalice_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    tighten(monkeypatch, "3/600", "100/600")

    statuses = [
        send_wishlist_form(chalice_client, f"limit-client-{n}", f"98765700{n:02d}").status_code
        for n in range(4)
    ]
    refused = send_wishlist_form(chalice_client, "limit-client-9", "9876570099")
    api = chalice_client.http.post(
        "/api/v1/campaigns/wishlist/responses",
        headers={"Content-Type": "application/json"},
        body=json.dumps({"answers": {"product": "tawa"}}),
    )

    assert statuses == [303, 303, 303, 429]
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "600"
    assert "कृपया कुछ मिनट रुककर फिर से कोशिश करें।" in refused.body.decode()
    assert api.status_code == 429
    assert json.loads(api.body)["error"]["code"] == "too_many_requests"


def test_answers_are_limited_per_phone_number(
    chalice_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    tighten(monkeypatch, "100/600", "2/3600")

    same = [
        send_wishlist_form(chalice_client, f"limit-phone-{n}", "98765 71111").status_code
        for n in range(3)
    ]
    other = send_wishlist_form(chalice_client, "limit-phone-x", "9876572222").status_code

    assert same == [303, 303, 429]
    assert other == 303


def test_security_headers_on_every_page_and_hsts_outside_the_local_stage(
    chalice_client: Any,
) -> None:
    from chalicelib.web.http import transport_headers

    for path in (
        "/hi/c/wishlist",
        "/c/nothing-here",
        "/static/samvad.css",
        "/hi/c/wishlist/thanks",
    ):
        headers = chalice_client.http.get(path).headers
        if headers["Content-Type"].startswith("text/html"):
            policy = headers["Content-Security-Policy"]
            assert "unsafe-inline" not in policy
            assert "frame-ancestors 'none'" in policy
            assert headers["X-Content-Type-Options"] == "nosniff"
            assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert "Strict-Transport-Security" not in headers  # the local stage is plain http
    assert transport_headers(is_local=False)["Strict-Transport-Security"].startswith(
        "max-age=31536000"
    )
    assert transport_headers(is_local=True) == {}


def sent_dress(client: Any, token: str, size: str, name: str, phone: str) -> str:
    """A dress sent from its Hindi page with SMS consent: the path of its thanks page."""
    fields = {"form_token": token, "size": size, "name": name, "phone": phone}
    body = urlencode({**fields, "consent": "yes", "action": "send"})
    location: str = client.http.post(f"/hi/c/{DRESS}", headers=FORM, body=body).headers["Location"]
    return location


def test_logs_are_json_lines_with_a_request_id_and_no_personal_data(
    chalice_client: Any, aws: Any
) -> None:
    from chalicelib.logs import get_logger

    logging.getLogger("samvad").handlers = []  # whatever earlier tests left, made anew
    logger = get_logger()

    stream = io.StringIO()
    captured = logging.StreamHandler(stream)
    captured.setFormatter(logger.handlers[0].formatter)  # the same JSON as in Lambda
    logger.addHandler(captured)
    phone, name, message = "9876573333", "मेरी गुलाबी ड्रेस", "देखो मेरी ड्रेस कितनी सुंदर है"
    thanks = sent_dress(chalice_client, "logs-flow-0001", "m", name, phone)
    page = chalice_client.http.get(thanks).body.decode()
    action = re.search(r'action="(/hi/d/[0-9a-f]{32}/share)"', page).group(1)  # type: ignore[union-attr]
    chalice_client.http.post(action, headers=FORM, body=urlencode({"message": message}))
    response_id = thanks.rsplit("=", 1)[1]
    chalice_client.http.post(
        f"/admin/api/v1/campaigns/{DRESS}/responses/{response_id}/replies",
        headers=KEY,
        body=json.dumps({"text": "Kal milte hain"}),
    )
    aws.dialogue.handle_inbound(
        {"originationNumber": f"+91{phone}", "messageBody": "theek hai"}, aws.clock()
    )

    logger.removeHandler(captured)
    lines = [line for line in stream.getvalue().splitlines() if line.startswith("{")]
    records = [json.loads(line) for line in lines]
    ours = [r for r in records if r.get("service") == "samvad"]
    events = {r.get("event") for r in ours}
    assert {"response.accepted", "share.created", "reply.sent"} <= events
    assert all(r.get("request_id") for r in ours if r.get("event") != "sms.inbound")
    log = "\n".join(lines)
    for secret in (phone, phone[-6:], "+91", name, message, "Kal milte hain", "theek hai"):
        assert secret not in log, secret


def test_erasure_deletes_everything_about_a_contact(chalice_client: Any, aws: Any) -> None:
    phone = "9876574444"
    thanks = sent_dress(chalice_client, "erase-flow-0001", "s", "मिटाने वाली ड्रेस", phone)
    response_id = thanks.rsplit("=", 1)[1]
    page = chalice_client.http.get(thanks).body.decode()
    action = re.search(r'action="(/hi/d/[0-9a-f]{32}/share)"', page).group(1)  # type: ignore[union-attr]
    chalice_client.http.post(action, headers=FORM, body=urlencode({"message": "गोपनीय संदेश 4711"}))
    chalice_client.http.post(
        f"/admin/api/v1/campaigns/{DRESS}/responses/{response_id}/replies",
        headers=KEY,
        body=json.dumps({"text": "Kal milte hain"}),
    )
    aws.dialogue.handle_inbound(
        {"originationNumber": f"+91{phone}", "messageBody": "ok"}, aws.clock()
    )
    # someone else's answer stays
    other = send_wishlist_form(chalice_client, "erase-other-0001", "9876575555")
    assert other.status_code == 303
    contact_id = aws.links.contact_id(f"+91{phone}")
    token_link = aws.links.unsubscribe(contact_id, "hi").removeprefix(aws.links.base_url)

    confirm_page = chalice_client.http.get(token_link + "/erase").body.decode()
    confirm = re.search(r'name="confirm" value="([^"]+)"', confirm_page).group(1)  # type: ignore[union-attr]
    erased = chalice_client.http.post(
        token_link + "/erase", headers=FORM, body=urlencode({"confirm": confirm})
    )

    assert erased.status_code == 200
    assert "आपका डेटा मिटा दिया गया है" in erased.body.decode()
    items = aws.adapters.dynamodb.scan(TableName=aws.settings.table_name)[
        "Items"
    ]  # a test may Scan
    dump = json.dumps(items, ensure_ascii=False)
    traces = (response_id, contact_id, phone, "मिटाने वाली ड्रेस", "गोपनीय संदेश", "Kal milte hain")
    for trace in traces:
        assert trace not in dump, trace
    assert "9876575555" in dump  # nothing else was touched
    again = chalice_client.http.post(
        "/admin/api/v1/contacts/erase", headers=KEY, body=json.dumps({"phone": "+919876575555"})
    )
    assert json.loads(again.body)["deleted_items"] > 1
    assert "9876575555" not in json.dumps(
        aws.adapters.dynamodb.scan(TableName=aws.settings.table_name)["Items"]
    )


def test_forms_need_the_csrf_token_of_the_browsers_cookie(chalice_client: Any) -> None:
    browser = chalice_client.raw
    page = browser.http.get("/hi/c/wishlist")
    cookies = page.headers["Set-Cookie"]
    cookie = re.search(r"samvad_csrf=([0-9a-f]+)", str(cookies)).group(1)  # type: ignore[union-attr]
    token = re.search(r'name="csrf" value="([0-9a-f]+)"', page.body.decode()).group(1)  # type: ignore[union-attr]
    fields = {"form_token": "csrf-flow-00001", "product": "tawa"}

    same_site = browser.http.post(
        "/hi/c/wishlist",
        headers={**FORM, "Cookie": f"samvad_csrf={cookie}"},
        body=urlencode({**fields, "csrf": token}),
    )
    no_cookie = browser.http.post(
        "/hi/c/wishlist", headers=FORM, body=urlencode({**fields, "csrf": token})
    )
    forged = browser.http.post(
        "/hi/c/wishlist",
        headers={**FORM, "Cookie": f"samvad_csrf={cookie}"},
        body=urlencode({**fields, "form_token": "csrf-flow-00002", "csrf": "0" * 32}),
    )

    assert "HttpOnly" in str(cookies)
    assert "SameSite=Lax" in str(cookies)
    assert same_site.status_code == 303
    assert no_cookie.status_code == 403
    assert "कृपया वापस जाकर पेज फिर से खोलें" in no_cookie.body.decode()
    assert forged.status_code == 403
