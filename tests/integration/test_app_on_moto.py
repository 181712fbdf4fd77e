"""app.py through Chalice's test client, over moto in-process (resources from infra/)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import pytest

from chalicelib import bootstrap
from chalicelib.responses.model import response_id

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

    aws.sns.meta.events.register("provide-client-params.sns.Publish", capture)
    aws.sns.meta.events.register("provide-client-params.sns.PublishBatch", capture_batch)
    return calls


def test_sms_carries_type_and_dlt_ids_for_indian_numbers(
    chalice_client: Any, published: list[dict[str, Any]]
) -> None:
    body = form(
        form_token="token-sms-0001",
        product="tawa",
        reason=HINDI_REASON,
        phone="098765 43210",
        consent="yes",
    )
    answer = chalice_client.http.post("/hi/c/wishlist", headers=FORM, body=body)

    assert answer.status_code == 303
    sms = [call for call in published if "PhoneNumber" in call]
    assert len(sms) == 1
    assert sms[0]["PhoneNumber"] == "+919876543210"
    assert "काव्या होम" in sms[0]["Message"]  # the thank-you in the page's language
    attributes = {k: v["StringValue"] for k, v in sms[0]["MessageAttributes"].items()}
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

    response = aws.store.get_response(response_id("wishlist", token))
    assert response is not None
    assert (response.campaign, response.campaign_version, response.locale) == ("wishlist", 1, "hi")
    assert response.answers == {"product": "tawa", "reason": HINDI_REASON}
    assert response.phone == "+919876543210"
    assert response.consent is not None
    assert response.consent.notice_version == "2026-11-25"
    assert response.consent.notice_locale == "hi"
    by_campaign = aws.dynamodb.query(
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
    assert services.store.get_response(rid) is not None
    jobs = {job.step: job for job in services.store.jobs_for(rid)}
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
