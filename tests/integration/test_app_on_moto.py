"""app.py through Chalice's test client, over moto in-process (resources from infra/)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import pytest

from chalicelib import bootstrap
from chalicelib.responses.model import response_id
from tests.samples import end_date

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
JSON = {"Content-Type": "application/json"}
HINDI_REASON = "रोटी के लिए लोहे का तवा सबसे अच्छा है"


def form(**fields: str) -> str:
    return urlencode(fields)


@pytest.fixture
def published(aws: Any) -> list[dict[str, Any]]:
    """The parameters of every SNS Publish call, as botocore sent them (moto drops the SMS
    message attributes, so they are checked here, on the way out)."""
    calls: list[dict[str, Any]] = []

    def capture(params: dict[str, Any], **_: Any) -> None:
        calls.append(params)

    def capture_batch(params: dict[str, Any], **_: Any) -> None:
        for entry in params["PublishBatchRequestEntries"]:
            calls.append({"TopicArn": params["TopicArn"], **entry})

    aws.adapters.sns.meta.events.register("provide-client-params.sns.Publish", capture)
    aws.adapters.sns.meta.events.register("provide-client-params.sns.PublishBatch", capture_batch)
    return calls


def thank_you_sms(
    client: Any, published: list[dict[str, Any]], locale: str, reason: str, phone: str, token: str
) -> tuple[str, dict[str, str]]:
    """The one SMS an answer in ``locale`` with consent sends to +91 98765 43210 at once: its
    text and message attributes."""
    body = form(form_token=token, product="tawa", reason=reason, phone=phone, consent="yes")
    answer = client.http.post(f"/{locale}/c/wishlist", headers=FORM, body=body)

    assert answer.status_code == 303
    [sms] = [call for call in published if "PhoneNumber" in call]
    assert sms["PhoneNumber"] == "+919876543210"
    return sms["Message"], {k: v["StringValue"] for k, v in sms["MessageAttributes"].items()}


def test_sms_carries_type_and_dlt_ids_for_indian_numbers(
    chalice_client: Any, published: list[dict[str, Any]]
) -> None:
    message, attributes = thank_you_sms(
        chalice_client, published, "hi", HINDI_REASON, "098765 43210", "token-sms-0001"
    )

    assert "काव्या होम" in message  # the thank-you in the page's language
    assert attributes == {
        "AWS.SNS.SMS.SMSType": "Transactional",
        "AWS.MM.SMS.EntityId": "1101456789012345678",
        "AWS.MM.SMS.TemplateId": "1107161234567890124",
    }


def test_no_dlt_ids_outside_india_and_no_sms_without_consent(
    chalice_client: Any, published: list[dict[str, Any]]
) -> None:
    chalice_client.http.post(
        "/en/c/wishlist",
        headers=FORM,
        body=form(form_token="token-uk-0001", product="tawa", phone="+447911123456", consent="yes"),
    )
    chalice_client.http.post(
        "/en/c/wishlist", headers=FORM, body=form(form_token="token-none-01", product="tawa")
    )

    sms = [call for call in published if "PhoneNumber" in call]
    assert [call["PhoneNumber"] for call in sms] == ["+447911123456"]
    assert set(sms[0]["MessageAttributes"]) == {"AWS.SNS.SMS.SMSType"}
    events = [call for call in published if "TopicArn" in call]
    assert len(events) == 2
    assert all("+44" not in call["Message"] for call in events)  # no contact in the event


def test_response_item_holds_what_the_readme_documents(chalice_client: Any, aws: Any) -> None:
    token = "token-item-001"
    chalice_client.http.post(
        "/hi/c/wishlist",
        headers=FORM,
        body=form(
            form_token=token, product="tawa", reason=HINDI_REASON, phone="9876543210", consent="on"
        ),
    )

    response = aws.adapters.store.get_response(response_id("wishlist", token))
    assert response is not None
    assert (response.campaign, response.campaign_version, response.locale) == ("wishlist", 1, "hi")
    assert response.answers == {"product": "tawa", "reason": HINDI_REASON}
    assert response.phone == "+919876543210"
    assert response.consent is not None
    assert response.consent.notice_version == "2026-11-25"
    assert response.consent.notice_locale == "hi"
    by_campaign = aws.adapters.dynamodb.query(
        TableName=aws.settings.table_name,
        IndexName="by_campaign",
        KeyConditionExpression="gsi1pk = :c",
        ExpressionAttributeValues={":c": {"S": "CAMPAIGN#wishlist"}},
    )
    kinds = sorted(
        (item["type"]["S"], item["gsi1sk"]["S"].split("#")[0]) for item in by_campaign["Items"]
    )
    # the response and its jobs (event, thank-you, reminder, offer, offer event), side by side
    assert kinds == [("followup", "FOLLOWUP")] * 5 + [("response", "RESPONSE")]


def test_sns_failure_keeps_the_response_and_leaves_the_follow_up_pending(
    chalice_client: Any, aws: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = aws.settings.events_topic_arn + "-deleted"
    monkeypatch.setenv("SAMVAD_EVENTS_TOPIC_ARN", missing)
    bootstrap.reset()
    services = bootstrap.get_services()
    token = "token-fail-001"

    answer = chalice_client.http.post(
        "/en/c/wishlist",
        headers=FORM,
        body=form(form_token=token, product="tawa", phone="9876543210", consent="yes"),
    )

    assert answer.status_code == 303  # the customer's answer is safe; the event is retried
    rid = response_id("wishlist", token)
    assert services.adapters.store.get_response(rid) is not None
    jobs = {job.step: job for job in services.adapters.store.jobs_for(rid)}
    assert jobs["response_event"].status == "pending"
    assert jobs["response_event"].last_error == "NotFound"
    assert jobs["response_event"].attempts == 1
    assert jobs["thank_you_sms"].status == "sent"
    assert jobs["thank_you_sms"].message_id


def test_json_api_answers_once_per_idempotency_key(
    chalice_client: Any, aws: Any, published: list[dict[str, Any]]
) -> None:
    payload = {"locale": "hi", "answers": {"product": "mixer-grinder", "reason": HINDI_REASON}}
    headers = {**JSON, "Idempotency-Key": "app-retry-0001"}
    first = chalice_client.http.post(
        "/api/v1/campaigns/wishlist/responses", headers=headers, body=json.dumps(payload)
    )
    again = chalice_client.http.post(
        "/api/v1/campaigns/wishlist/responses", headers=headers, body=json.dumps(payload)
    )
    changed = {**payload, "answers": {"product": "tawa"}}
    conflict = chalice_client.http.post(
        "/api/v1/campaigns/wishlist/responses", headers=headers, body=json.dumps(changed)
    )

    assert first.status_code == 201
    assert again.status_code == 200
    assert json.loads(again.body)["id"] == json.loads(first.body)["id"]
    assert json.loads(again.body)["created"] is False
    assert conflict.status_code == 409
    assert json.loads(conflict.body)["error"]["code"] == "idempotency_conflict"
    assert len(published) == 1  # one event, no resend


def test_json_api_errors_are_localized_and_precise(chalice_client: Any) -> None:
    payload = {"locale": "hi", "answers": {"product": "toaster"}, "phone": "12345"}
    answer = chalice_client.http.post(
        "/api/v1/campaigns/wishlist/responses", headers=JSON, body=json.dumps(payload)
    )

    assert answer.status_code == 422
    body = json.loads(answer.body)
    assert body["locale"] == "hi"
    errors = {e["field"]: e for e in body["errors"]}
    assert errors["product"]["code"] == "invalid_choice"
    assert errors["product"]["message"] == "कृपया दिए गए विकल्पों में से एक चुनें।"
    assert errors["phone"]["code"] == "phone_invalid"


@pytest.mark.parametrize(
    ("phone", "code", "hindi"),
    [
        ("+1 201 555 0123", "phone_country_not_served", "कुछ ही देशों के मोबाइल नंबरों पर"),
        ("+882 1600 1234 5678", "phone_country_not_served", "कुछ ही देशों के मोबाइल नंबरों पर"),
        ("011 2345 6789", "phone_not_mobile", "लैंडलाइन या टोल-फ़्री"),
        ("1800 180 1234", "phone_not_mobile", "लैंडलाइन या टोल-फ़्री"),
    ],
)
def test_numbers_no_sms_may_go_to_are_refused_in_the_customers_language(
    chalice_client: Any, published: list[dict[str, Any]], phone: str, code: str, hindi: str
) -> None:
    fields = {"form_token": "pumping-0001", "product": "tawa", "phone": phone, "consent": "yes"}
    page = chalice_client.http.post("/hi/c/wishlist", headers=FORM, body=form(**fields))
    payload = {"locale": "hi", "answers": {"product": "tawa"}, "phone": phone, "consent": True}
    api = chalice_client.http.post(
        "/api/v1/campaigns/wishlist/responses", headers=JSON, body=json.dumps(payload)
    )

    assert page.status_code == 422
    assert hindi in page.body.decode()
    assert api.status_code == 422
    [error] = json.loads(api.body)["errors"]
    assert (error["field"], error["code"]) == ("phone", code)
    assert hindi in error["message"]
    assert published == []  # nothing stored, nothing sent


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ("[1, 2]", 400, "not_object"),
        ("{not json", 400, "not_json"),
        ('{"answers": {"product": 5}}', 400, "answers_not_strings"),
        (json.dumps({"answers": {"reason": "x" * 20_000}}), 413, "too_large"),
    ],
)
def test_json_api_rejects_malformed_bodies(
    chalice_client: Any, body: str, status: int, code: str
) -> None:
    answer = chalice_client.http.post(
        "/api/v1/campaigns/wishlist/responses", headers=JSON, body=body
    )

    assert answer.status_code == status
    assert json.loads(answer.body)["error"]["code"] == code


def test_unknown_campaign_is_a_localized_404(chalice_client: Any) -> None:
    hindi = chalice_client.http.get("/hi/c/no-such-campaign")
    english = chalice_client.http.get("/c/no-such-campaign", headers={"Accept-Language": "en"})
    api = chalice_client.http.post(
        "/api/v1/campaigns/no-such-campaign/responses", headers=JSON, body="{}"
    )

    assert hindi.status_code == 404
    assert 'lang="hi"' in hindi.body.decode()
    assert "पेज नहीं मिला" in hindi.body.decode()
    assert english.status_code == 404
    assert "Page not found" in english.body.decode()
    assert api.status_code == 404


def test_outbox_lists_what_sns_was_asked_to_send_newest_first(
    chalice_client: Any, aws: Any
) -> None:
    chalice_client.http.post(
        "/hi/c/wishlist",
        headers=FORM,
        body=form(form_token="token-outbox-1", product="tawa", phone="9876543210", consent="yes"),
    )

    outbox = json.loads(chalice_client.http.get("/_local/outbox?format=json").body)
    page = chalice_client.http.get("/_local/outbox").body.decode()

    # the SMS goes first; events follow in one PublishBatch
    assert [m["to"] for m in outbox] == [aws.settings.events_topic_arn, "+919876543210"]
    assert outbox[1]["attributes"]["AWS.MM.SMS.TemplateId"] == "1107161234567890124"
    assert outbox[0]["attributes"] == {
        "campaign": "wishlist",
        "locale": "hi",
        "event": "response.created",
    }
    assert "+919876543210" in page
    assert "<title>Outbox · local stack</title>" in page
    assert page.count("<h2>Follow-up jobs</h2>") == 1


# Urdu is added as data only (a catalog and the campaign's texts): right to left, Nastaliq.
# A ZWNJ between Arabic-script letters keeps them apart (می‌خواہم); "ا" + U+0653 (madda) is
# the decomposed form of "آ", which NFC stores precomposed.
URDU_REASON = "میں یہ توا اس لیے چاہتا ہوں کہ روٹی اچھی بنے، می\u200cخواہم ا\u0653پ جلد بنائیں"
URDU_REASON_NFC = "میں یہ توا اس لیے چاہتا ہوں کہ روٹی اچھی بنے، می\u200cخواہم آپ جلد بنائیں"


def test_urdu_page_is_right_to_left_with_a_language_switcher(chalice_client: Any) -> None:
    page = chalice_client.http.get("/ur/c/wishlist")
    html = page.body.decode()

    assert page.status_code == 200
    assert '<html lang="ur" dir="rtl">' in html
    assert "ہم آپ کے باورچی خانے کے لیے آگے کیا بنائیں؟" in html
    assert "₹1,234,567.50" in html  # the prize, formatted by Babel for ur
    assert end_date("ur") in html
    assert '<span aria-current="page" lang="ur">اردو</span>' in html
    for locale, name in [("en", "English"), ("hi", "हिन्दी")]:
        assert f'hreflang="{locale}" lang="{locale}">{name}</a>' in html
    for locale in ("en", "hi", "ur"):
        assert f'<link rel="alternate" hreflang="{locale}" href="/{locale}/c/wishlist">' in html
    assert "میرا جواب بھیجیں" in html  # the UI catalog, not the English msgid
    assert "Send my answer" not in html


def test_other_locales_offer_urdu_in_the_switcher(chalice_client: Any) -> None:
    html = chalice_client.http.get("/en/c/wishlist").body.decode()

    assert '<html lang="en" dir="ltr">' in html
    assert '<a href="/ur/c/wishlist" hreflang="ur" lang="ur">اردو</a>' in html


def test_urdu_answer_keeps_its_zwnj_and_is_stored_nfc(chalice_client: Any, aws: Any) -> None:
    token = "token-urdu-0001"
    answer = chalice_client.http.post(
        "/ur/c/wishlist",
        headers=FORM,
        body=form(form_token=token, product="tawa", reason=URDU_REASON),
    )
    thanks = chalice_client.http.get("/ur/c/wishlist/thanks")

    assert answer.status_code == 303
    assert answer.headers["Location"] == "/ur/c/wishlist/thanks"
    response = aws.adapters.store.get_response(response_id("wishlist", token))
    assert response is not None
    assert response.locale == "ur"
    assert response.answers == {"product": "tawa", "reason": URDU_REASON_NFC}
    assert "\u200c" in response.answers["reason"]
    assert '<html lang="ur" dir="rtl">' in thanks.body.decode()
    assert "شکریہ! آپ کا جواب" in thanks.body.decode()


def test_urdu_validation_errors_are_in_urdu(chalice_client: Any) -> None:
    answer = chalice_client.http.post(
        "/ur/c/wishlist",
        headers=FORM,
        body=form(form_token="token-urdu-0002", reason="ا" * 501, phone="12345"),
    )
    html = answer.body.decode()

    assert answer.status_code == 422
    assert '<html lang="ur" dir="rtl">' in html
    assert "براہِ کرم نشان زدہ جوابات درست کریں۔" in html
    assert "براہِ کرم اس سوال کا جواب دیں۔" in html  # no product chosen
    assert "براہِ کرم زیادہ سے زیادہ 500 حروف استعمال کریں۔" in html  # plural form
    assert "براہِ کرم درست موبائل نمبر درج کریں، مثلاً 98765 43210۔" in html
    assert "Please" not in html


def test_json_api_errors_in_urdu(chalice_client: Any) -> None:
    payload = {"locale": "ur", "answers": {"product": "toaster"}}
    answer = chalice_client.http.post(
        "/api/v1/campaigns/wishlist/responses", headers=JSON, body=json.dumps(payload)
    )

    assert answer.status_code == 422
    body = json.loads(answer.body)
    assert body["locale"] == "ur"
    assert body["errors"][0]["message"] == "براہِ کرم دیے گئے اختیارات میں سے ایک منتخب کریں۔"


@pytest.mark.parametrize(
    ("accept_language", "location"),
    [
        ("ur-PK", "/ur/c/wishlist"),
        ("ur-IN,ur;q=0.9,en;q=0.8", "/ur/c/wishlist"),
        ("hi;q=0.5, ur", "/ur/c/wishlist"),
    ],
)
def test_short_link_negotiates_urdu(
    chalice_client: Any, accept_language: str, location: str
) -> None:
    answer = chalice_client.http.get("/c/wishlist", headers={"Accept-Language": accept_language})

    assert answer.status_code == 302
    assert answer.headers["Location"] == location


def test_urdu_thank_you_sms_uses_the_urdu_dlt_template(
    chalice_client: Any, published: list[dict[str, Any]]
) -> None:
    message, attributes = thank_you_sms(
        chalice_client, published, "ur", URDU_REASON, "98765 43210", "token-urdu-sms-1"
    )

    assert message == (
        "کاویہ ہوم کو یہ بتانے کا شکریہ کہ ہم آگے کیا بنائیں۔ ہم ہر جواب پڑھتے ہیں۔"
        " بند کرنے کے لیے STOP بھیجیں۔"
    )
    assert attributes == {
        "AWS.SNS.SMS.SMSType": "Transactional",
        "AWS.MM.SMS.EntityId": "1101456789012345678",
        "AWS.MM.SMS.TemplateId": "1107161234567890129",
    }
    events = [call for call in published if "TopicArn" in call]
    assert [json.loads(e["Message"]).get("locale") for e in events] == ["ur"]


def test_index_and_unsubscribe_pages_in_urdu(chalice_client: Any, aws: Any) -> None:
    chalice_client.http.post(
        "/ur/c/wishlist",
        headers=FORM,
        body=form(form_token="token-urdu-stop1", product="tawa", phone="9876500005", consent="yes"),
    )
    jobs = aws.adapters.store.jobs_for(response_id("wishlist", "token-urdu-stop1"))
    [reminder] = [job for job in jobs if job.step == "reminder"]
    path = aws.links.unsubscribe(reminder.contact_id, "ur").removeprefix(aws.links.base_url)

    index = chalice_client.http.get("/", headers={"Accept-Language": "ur-PK"}).body.decode()
    asked = chalice_client.http.get(path).body.decode()
    done = chalice_client.http.post(path, headers=FORM, body="").body.decode()

    assert '<html lang="ur" dir="rtl">' in index
    assert "مہمات" in index
    assert '<html lang="ur" dir="rtl">' in asked
    assert "تمام SMS بند کریں" in asked
    assert "آپ کے SMS بند کر دیے گئے ہیں" in done
