"""The admin API through Chalice's test client over moto in-process: keys, versions,
answers, exports, stats, campaign windows."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlencode

import pytest
from openapi_spec_validator import validate as validate_openapi

from tests.conftest import ADMIN_KEY
from tests.samples import inline_text

ADMIN = "/admin/api/v1"
KEY = {"Authorization": f"Bearer {ADMIN_KEY}"}
JSON = {"Content-Type": "application/json"}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
WISHLIST = inline_text("wishlist")
NOTHING = {
    "views": 0,
    "responses": 0,
    "shares": 0,
    "referred": 0,
    "verified": 0,
    "unverified": 0,
    "rewards": 0,
}
HINDI_TITLE = "हम आपकी रसोई के लिए आगे क्या बनाएँ?"


def admin_routes() -> list[tuple[str, str]]:
    from app import app

    return sorted(
        (path, method)
        for path, methods in app.routes.items()
        if path.startswith(ADMIN) and not path.endswith("openapi.json")
        for method in methods
    )


def call(client: Any, method: str, path: str, body: object = None, **headers: str) -> Any:
    data = json.dumps(body) if body is not None else None
    answer = client.http.request(method, path, headers={**JSON, **headers}, body=data)
    return answer


def body_of(answer: Any) -> Any:
    return json.loads(answer.body)


def deploy(client: Any, text: str, file: str = "wishlist.yaml") -> Any:
    return call(client, "POST", f"{ADMIN}/campaigns", {"file": file, "source": text}, **KEY)


@pytest.mark.parametrize(("path", "method"), admin_routes())
def test_every_admin_route_needs_the_key(chalice_client: Any, path: str, method: str) -> None:
    concrete = path.replace("{slug}", "wishlist")

    missing = call(chalice_client, method, concrete, {})
    wrong = call(chalice_client, method, concrete, {}, Authorization="Bearer not-the-key")
    basic = call(chalice_client, method, concrete, {}, Authorization=f"Basic {ADMIN_KEY}")

    # API Gateway's authorizer answers first: 401 without the header, 403 when it denies.
    assert missing.status_code == 401
    assert wrong.status_code == 403
    assert basic.status_code == 403
    for refused in (missing, wrong, basic):
        assert "wishlist" not in refused.body.decode()  # nothing about campaigns leaks


def test_the_views_check_the_key_again_behind_the_gateway(aws: Any) -> None:
    from chalicelib.web.admin import list_campaigns
    from chalicelib.web.http import WebRequest

    missing = list_campaigns(aws, WebRequest())
    wrong = list_campaigns(aws, WebRequest(headers={"authorization": "Bearer nope"}))
    right = list_campaigns(aws, WebRequest(headers={"authorization": f"Bearer {ADMIN_KEY}"}))

    assert missing.status == 401
    assert missing.headers["WWW-Authenticate"].startswith("Bearer")
    assert wrong.status == 403
    assert right.status == 200


def test_the_openapi_document_is_valid_and_describes_every_route(chalice_client: Any) -> None:
    doc = body_of(chalice_client.http.get(f"{ADMIN}/openapi.json"))

    validate_openapi(doc)
    described = sorted(
        (path, method.upper()) for path, item in doc["paths"].items() for method in item
    )
    assert described == admin_routes()


def test_deploy_publish_and_roll_back_switch_what_customers_see(chalice_client: Any) -> None:
    changed = WISHLIST.replace(HINDI_TITLE, "अगली रसोई की चीज़ आप चुनिए!")

    stored = deploy(chalice_client, changed)
    before = chalice_client.http.get("/hi/c/wishlist").body.decode()
    published = call(
        chalice_client, "POST", f"{ADMIN}/campaigns/wishlist/publish", {"version": 2}, **KEY
    )
    after = chalice_client.http.get("/hi/c/wishlist").body.decode()
    rolled = call(chalice_client, "POST", f"{ADMIN}/campaigns/wishlist/rollback", {}, **KEY)
    back = chalice_client.http.get("/hi/c/wishlist").body.decode()
    history = body_of(call(chalice_client, "GET", f"{ADMIN}/campaigns/wishlist", **KEY))

    assert (stored.status_code, body_of(stored)) == (201, {"slug": "wishlist", "version": 2})
    assert HINDI_TITLE in before  # deployed is not published
    assert published.status_code == 200
    assert "अगली रसोई की चीज़ आप चुनिए!" in after
    assert body_of(rolled) == {"slug": "wishlist", "published": 1}
    assert HINDI_TITLE in back
    assert [v["version"] for v in history["versions"]] == [1, 2]  # history is kept
    assert [(h["action"], h["version"]) for h in history["history"]] == [
        ("publish", 1),
        ("publish", 2),
        ("rollback", 1),
    ]


def test_a_definition_with_a_missing_hindi_string_is_refused_with_file_line_field(
    chalice_client: Any,
) -> None:
    broken = WISHLIST.replace(f"  hi: {HINDI_TITLE}\n", "", 1)

    answer = deploy(chalice_client, broken)

    assert answer.status_code == 422
    problems = body_of(answer)["error"]["problems"]
    assert {"file": "wishlist.yaml", "field": "title"} in [
        {"file": p["file"], "field": p["field"]} for p in problems
    ]
    assert all(isinstance(p["line"], int) for p in problems)
    assert body_of(call(chalice_client, "GET", f"{ADMIN}/campaigns/wishlist", **KEY))["latest"] == 1


def test_publishing_a_version_that_does_not_exist_is_a_conflict(chalice_client: Any) -> None:
    answer = call(
        chalice_client, "POST", f"{ADMIN}/campaigns/wishlist/publish", {"version": 9}, **KEY
    )
    unknown = call(chalice_client, "GET", f"{ADMIN}/campaigns/nothing-here", **KEY)

    assert answer.status_code == 409
    assert "no version 9" in body_of(answer)["error"]["message"]
    assert unknown.status_code == 404


def answer_form(client: Any, token: str, reason: str, locale: str = "hi", src: str = "") -> None:
    fields = {"form_token": token, "product": "tawa", "reason": reason, "src": src or "direct"}
    reply = client.http.post(f"/{locale}/c/wishlist", headers=FORM, body=urlencode(fields))
    assert reply.status_code == 303


def test_responses_are_paged_with_a_cursor(chalice_client: Any) -> None:
    for n in range(3):
        answer_form(chalice_client, f"paging-token-{n}", f"कारण {n}")

    first = body_of(
        call(chalice_client, "GET", f"{ADMIN}/campaigns/wishlist/responses?limit=2", **KEY)
    )
    second = body_of(
        call(
            chalice_client,
            "GET",
            f"{ADMIN}/campaigns/wishlist/responses?limit=2&cursor={first['next']}",
            **KEY,
        )
    )

    assert len(first["items"]) == 2
    assert len(second["items"]) == 1
    assert second["next"] is None
    reasons = sorted(item["reason"] for item in first["items"] + second["items"])
    assert reasons == ["कारण 0", "कारण 1", "कारण 2"]
    assert "phone" not in first["columns"]  # marketers read answers, not numbers


def test_export_is_excel_safe_csv_and_json_lines(chalice_client: Any) -> None:
    answer_form(chalice_client, "export-token-1", '=HYPERLINK("http://evil.example")')
    answer_form(chalice_client, "export-token-2", "रोटी के लिए तवा")

    csv_answer = call(chalice_client, "GET", f"{ADMIN}/campaigns/wishlist/export", **KEY)
    jsonl = call(chalice_client, "GET", f"{ADMIN}/campaigns/wishlist/export?format=jsonl", **KEY)

    text = csv_answer.body.decode("utf-8")
    assert text.startswith("\ufeffresponse_id,created_at")
    assert "'=HYPERLINK" in text
    assert "\n=HYPERLINK" not in text
    assert ",=HYPERLINK" not in text
    assert "रोटी के लिए तवा" in text
    assert csv_answer.headers["Content-Type"].startswith("text/csv")
    rows = [json.loads(line) for line in jsonl.body.decode().splitlines()]
    assert sorted(r["reason"] for r in rows) == [
        '=HYPERLINK("http://evil.example")',
        "रोटी के लिए तवा",
    ]


def test_an_export_after_a_rollback_keeps_the_answers_only_the_other_version_asked(
    chalice_client: Any,
) -> None:
    budget = (
        "\n  - id: budget\n    type: text\n    required: false\n    max_length: 50\n"
        "    label:\n      en: Your budget?\n      hi: आपका बजट?\n      ur: آپ کا بجٹ؟\n"
    )
    anchor = "      ur: یہی کیوں؟ اسے آپ کے لیے بہترین کیا چیز بنائے گی؟\n"
    assert WISHLIST.count(anchor) == 1
    assert deploy(chalice_client, WISHLIST.replace(anchor, anchor + budget)).status_code == 201
    call(chalice_client, "POST", f"{ADMIN}/campaigns/wishlist/publish", {"version": 2}, **KEY)
    fields = {"form_token": "rollback-export-1", "product": "tawa", "budget": "₹2,000 तक"}
    reply = chalice_client.http.post("/hi/c/wishlist", headers=FORM, body=urlencode(fields))
    assert reply.status_code == 303
    call(chalice_client, "POST", f"{ADMIN}/campaigns/wishlist/rollback", {}, **KEY)
    answer_form(chalice_client, "rollback-export-2", "पुराना सवाल")

    csv_text = call(chalice_client, "GET", f"{ADMIN}/campaigns/wishlist/export", **KEY).body
    jsonl = call(chalice_client, "GET", f"{ADMIN}/campaigns/wishlist/export?format=jsonl", **KEY)
    page = body_of(call(chalice_client, "GET", f"{ADMIN}/campaigns/wishlist/responses", **KEY))

    header = csv_text.decode("utf-8").lstrip("\ufeff").splitlines()[0].split(",")
    assert header.index("reason") < header.index("budget")  # published version's first
    rows = {r["campaign_version"]: r for r in map(json.loads, jsonl.body.decode().splitlines())}
    assert rows[2]["budget"] == "₹2,000 तक"
    assert rows[1]["reason"] == "पुराना सवाल"
    assert rows[1]["budget"] == ""
    assert "₹2,000 तक" in csv_text.decode("utf-8")
    assert "budget" in page["columns"]


def test_stats_count_views_and_responses_per_locale_and_source(chalice_client: Any) -> None:
    chalice_client.http.get("/hi/c/wishlist?src=poster-7")
    chalice_client.http.get("/hi/c/wishlist?src=poster-7")
    chalice_client.http.get("/en/c/wishlist")
    page = chalice_client.http.get("/hi/c/wishlist?src=poster-7").body.decode()
    assert 'name="src" value="poster-7"' in page
    answer_form(chalice_client, "stats-token-01", "x", src="poster-7")

    stats = body_of(call(chalice_client, "GET", f"{ADMIN}/campaigns/wishlist/stats", **KEY))

    assert (stats["views"], stats["responses"]) == (4, 1)
    assert stats["by_source"]["poster-7"] == {**NOTHING, "views": 3, "responses": 1}
    assert stats["by_locale"]["en"] == {**NOTHING, "views": 1}


def windowed(slug: str, starts: str, ends: str) -> str:
    text = WISHLIST.replace("slug: wishlist", f"slug: {slug}")
    return re.sub(r'^ends_at: ".*"$', f'starts_at: "{starts}"\nends_at: "{ends}"', text, flags=re.M)


def test_before_its_start_a_campaign_says_coming_soon_and_takes_no_answers(
    chalice_client: Any,
) -> None:
    text = windowed("winter-sale", "2099-01-01T09:00:00+05:30", "2099-02-01T09:00:00+05:30")
    assert deploy(chalice_client, text, "winter-sale.yaml").status_code == 201
    call(chalice_client, "POST", f"{ADMIN}/campaigns/winter-sale/publish", {"version": 1}, **KEY)

    page = chalice_client.http.get("/hi/c/winter-sale")
    post = chalice_client.http.post(
        "/hi/c/winter-sale", headers=FORM, body=urlencode({"product": "tawa"})
    )
    api = call(chalice_client, "POST", "/api/v1/campaigns/winter-sale/responses", {"answers": {}})

    assert page.status_code == 200
    assert "जल्द आ रहा है" in page.body.decode()
    assert "1 जनवरी 2099" in page.body.decode()
    assert post.status_code == 409
    assert body_of(api)["error"]["code"] == "campaign_not_open_yet"


def test_after_its_end_a_campaign_is_closed_in_the_customers_language(
    chalice_client: Any,
) -> None:
    text = windowed("monsoon-sale", "2026-06-01T09:00:00+05:30", "2026-07-01T09:00:00+05:30")
    deploy(chalice_client, text, "monsoon-sale.yaml")
    call(chalice_client, "POST", f"{ADMIN}/campaigns/monsoon-sale/publish", {"version": 1}, **KEY)

    page = chalice_client.http.get("/hi/c/monsoon-sale").body.decode()
    english = chalice_client.http.get("/en/c/monsoon-sale").body.decode()
    api = call(chalice_client, "POST", "/api/v1/campaigns/monsoon-sale/responses", {"answers": {}})

    assert "यह मुहिम ख़त्म हो चुकी है" in page
    assert "1 जुलाई 2026" in page
    assert "This campaign has ended" in english
    assert body_of(api)["error"]["code"] == "campaign_closed"


# Racing deploys: tests/http/test_campaigns_over_http.py runs two `samvad deploy` processes
# against the local stack (moto in-process is not thread-safe).


def test_customers_never_see_other_customers_answers(chalice_client: Any) -> None:
    secret = "मेरा निजी कारण 4711"
    answer_form(chalice_client, "private-token-01", secret)
    replay = chalice_client.http.post(
        "/hi/c/wishlist",
        headers=FORM,
        body=urlencode({"form_token": "private-token-01", "product": "air-fryer"}),
    )
    api_replay = call(
        chalice_client,
        "POST",
        "/api/v1/campaigns/wishlist/responses",
        {"answers": {"product": "tawa"}},
        **{"Idempotency-Key": "private-token-01"},
    )
    thanks = chalice_client.http.get("/hi/c/wishlist/thanks")

    assert replay.status_code == 409
    for page in (replay.body.decode(), api_replay.body.decode(), thanks.body.decode()):
        assert secret not in page
        assert "4711" not in page


def test_the_outbox_exists_only_on_the_local_stage(aws: Any) -> None:
    from dataclasses import replace

    from chalicelib.bootstrap import Services
    from chalicelib.local.pages import inbound_sms, outbox_page
    from chalicelib.web.http import WebRequest

    deployed = Services(replace(aws.settings, stage="dev"))

    assert outbox_page(deployed, WebRequest(query={"format": "jobs"})).status == 404
    assert inbound_sms(deployed, WebRequest(body=b"{}")).status == 404
    assert outbox_page(aws, WebRequest(query={"format": "jobs"})).status == 200


def foreign_cursor(slug: str) -> str:
    import base64

    key = {
        "pk": {"S": "RESPONSE#x"},
        "sk": {"S": "RESPONSE"},
        "gsi1pk": {"S": f"CAMPAIGN#{slug}"},
        "gsi1sk": {"S": "RESPONSE#2026"},
    }
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode()


@pytest.mark.parametrize(
    "cursor",
    [
        "not-base64!!",
        "e30=",  # {}
        "WzEsMl0=",  # [1,2]
        foreign_cursor("build-your-car"),  # another campaign's
        foreign_cursor("wishlist").replace("=", "") + "AAAA",  # garbled
    ],
)
def test_a_cursor_this_listing_did_not_give_out_is_a_400(chalice_client: Any, cursor: str) -> None:
    answer_form(chalice_client, "cursor-token-1", "कारण")

    answer = call(
        chalice_client, "GET", f"{ADMIN}/campaigns/wishlist/responses?cursor={cursor}", **KEY
    )

    assert answer.status_code == 400, answer.body
    assert body_of(answer)["error"]["code"] == "bad_cursor"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", f"{ADMIN}/campaigns"),
        ("POST", f"{ADMIN}/campaigns/wishlist/publish"),
        ("POST", f"{ADMIN}/campaigns/wishlist/moderation/s1"),
        ("POST", f"{ADMIN}/contacts/erase"),
        ("POST", "/api/v1/campaigns/wishlist/responses"),
    ],
)
@pytest.mark.parametrize(
    "body", ['{"version": 1' + "1" * 5000 + "}", "[" * 200 + "]" * 200, '{"version": NaN}']
)
def test_json_bodies_with_huge_numbers_or_deep_nesting_are_a_400(
    chalice_client: Any, method: str, path: str, body: str
) -> None:
    answer = chalice_client.http.request(method, path, headers={**JSON, **KEY}, body=body)

    assert answer.status_code == 400, (answer.status_code, answer.body)
