"""The real local stack (``python -m chalicelib.local.stack``) over HTTP, on a moto server
that runs in this process so the tests can read what the emulator recorded."""

from __future__ import annotations

import json
import unicodedata
from html.parser import HTMLParser
from typing import Any

import pytest
import requests

from tests.conftest import Emulator, RunningStack, eventually
from tests.http.followup_helpers import job
from tests.samples import definition, end_date

pytestmark = pytest.mark.http

# U+095B (ज़, precomposed) is excluded from composition: NFC stores it as ज + nukta.
HINDI_REASON = "रोटी के लिए लोहे का तवा चाहिए, \u095bरूर बनाइए"
FORM_NFC_REASON = unicodedata.normalize("NFC", HINDI_REASON)


class Tags(HTMLParser):
    """Start tags and their attributes, in document order."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def all(self, tag: str, **match: str) -> list[dict[str, str | None]]:
        return [
            attrs
            for name, attrs in self.tags
            if name == tag and all(attrs.get(k) == v for k, v in match.items())
        ]


def table_items(emulator: Emulator, campaign: str = "wishlist") -> list[dict[str, Any]]:
    dynamodb = emulator.client("dynamodb")
    answer = dynamodb.query(
        TableName="samvad-local",
        IndexName="by_campaign",
        KeyConditionExpression="gsi1pk = :c AND begins_with(gsi1sk, :r)",
        ExpressionAttributeValues={":c": {"S": f"CAMPAIGN#{campaign}"}, ":r": {"S": "RESPONSE#"}},
    )
    return list(answer["Items"])


def sms_to(emulator: Emulator, number: str) -> list[str]:
    return [text for phone, text in emulator.sms_messages() if phone == number]


@pytest.mark.parametrize(
    ("locale", "direction", "title", "prize"),
    [
        ("en", "ltr", "What should we make for your kitchen next?", "₹1,234,567.50"),
        ("hi", "ltr", "हम आपकी रसोई के लिए आगे क्या बनाएँ?", "₹12,34,567.50"),
        ("ur", "rtl", "ہم آپ کے باورچی خانے کے لیے آگے کیا بنائیں؟", "₹1,234,567.50"),
    ],
)
def test_campaign_page_renders_in_each_locale(
    stack: RunningStack, locale: str, direction: str, title: str, prize: str
) -> None:
    page = stack.get(f"/{locale}/c/wishlist")

    assert page.status_code == 200
    assert page.headers["Content-Type"] == "text/html; charset=utf-8"
    tags = Tags(page.text)
    assert tags.all("html") == [{"lang": locale, "dir": direction}]
    alternates = {a["hreflang"]: a["href"] for a in tags.all("link", rel="alternate")}
    offered = definition()["locales"]  # English, Hindi, Urdu and India's other languages
    assert alternates == {loc: f"/{loc}/c/wishlist" for loc in offered}
    switcher = {a["hreflang"] for a in tags.all("a") if a.get("hreflang")}
    assert switcher == set(offered) - {locale}
    assert title in page.text
    assert prize in page.text
    assert end_date(locale) in page.text
    assert not tags.all("script")  # the form works without JavaScript
    assert tags.all("form", method="post", action=f"/{locale}/c/wishlist")
    assert len(page.content) < 14_000  # one round trip's worth on a 2G connection


@pytest.mark.parametrize(
    ("headers", "location"),
    [
        ({"Accept-Language": "hi-IN,hi;q=0.9,en;q=0.8"}, "/hi/c/wishlist"),
        ({"Accept-Language": "en-GB;q=0.3, hi;q=0.7"}, "/hi/c/wishlist"),
        ({"Accept-Language": "fr-FR, de;q=0.5"}, "/en/c/wishlist"),
        ({}, "/en/c/wishlist"),
        ({"Accept-Language": "hi-IN", "Cookie": "samvad_locale=en"}, "/en/c/wishlist"),
    ],
)
def test_short_link_redirects_to_the_best_offered_locale(
    stack: RunningStack, headers: dict[str, str], location: str
) -> None:
    answer = stack.get("/c/wishlist", headers=headers)

    assert answer.status_code == 302
    assert answer.headers["Location"] == location


def test_a_locale_the_campaign_does_not_offer_redirects(stack: RunningStack) -> None:
    answer = stack.get("/fr/c/wishlist", headers={"Accept-Language": "fr, hi;q=0.5"})

    assert answer.status_code == 302
    assert answer.headers["Location"] == "/hi/c/wishlist"


def test_choosing_a_language_is_remembered(stack: RunningStack) -> None:
    page = stack.get("/hi/c/wishlist")
    again = stack.get(
        "/c/wishlist", cookies=page.cookies, headers={"Accept-Language": "en-US,en;q=0.9"}
    )

    assert again.headers["Location"] == "/hi/c/wishlist"


def test_hindi_answer_lands_in_dynamodb_and_follow_ups_go_out(
    stack: RunningStack, emulator: Emulator
) -> None:
    sns, sqs = emulator.client("sns"), emulator.client("sqs")
    topic = emulator.client("cloudformation").describe_stacks(StackName="samvad-local")
    topic_arn = {o["OutputKey"]: o["OutputValue"] for o in topic["Stacks"][0]["Outputs"]}[
        "EventsTopicArn"
    ]
    queue_url = sqs.create_queue(QueueName="crm-hindi")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])
    sns.subscribe(
        TopicArn=topic_arn,
        Protocol="sqs",
        Endpoint=queue_arn["Attributes"]["QueueArn"],
        Attributes={"FilterPolicy": json.dumps({"locale": ["hi"], "event": ["response.created"]})},
    )
    before = len(table_items(emulator))

    answer = stack.post(
        "/hi/c/wishlist",
        data={
            "form_token": "http-hindi-0001",
            "product": "tawa",
            "reason": HINDI_REASON,
            "phone": "98765 11111",
            "consent": "yes",
        },
    )

    assert answer.status_code == 303
    assert answer.headers["Location"] == "/hi/c/wishlist/thanks"
    thanks = stack.get(answer.headers["Location"])
    assert thanks.status_code == 200
    assert 'lang="hi"' in thanks.text

    items = table_items(emulator)
    assert len(items) == before + 1
    item = emulator.client("dynamodb").get_item(
        TableName="samvad-local", Key={"pk": items[-1]["pk"], "sk": items[-1]["sk"]}
    )["Item"]
    assert item["locale"] == {"S": "hi"}
    assert item["campaign_version"] == {"N": "1"}
    assert item["answers"]["M"]["reason"] == {"S": FORM_NFC_REASON}
    assert item["answers"]["M"]["reason"]["S"] != HINDI_REASON  # normalised, not as typed
    assert item["phone"] == {"S": "+919876511111"}
    consent = item["consent"]["M"]
    assert consent["notice_version"] == {"S": "2026-11-25"}
    assert consent["notice_locale"] == {"S": "hi"}

    texts = eventually(lambda: sms_to(emulator, "+919876511111"))
    assert len(texts) == 1
    assert "काव्या होम" in texts[0]

    received = sqs.receive_message(QueueUrl=queue_url, WaitTimeSeconds=5, MaxNumberOfMessages=10)
    envelopes = [json.loads(m["Body"]) for m in received.get("Messages", [])]
    assert len(envelopes) == 1
    attributes = {k: v["Value"] for k, v in envelopes[0]["MessageAttributes"].items()}
    assert attributes == {"campaign": "wishlist", "locale": "hi", "event": "response.created"}
    event = json.loads(envelopes[0]["Message"])
    assert event["answers"]["reason"] == FORM_NFC_REASON
    assert "9876511111" not in envelopes[0]["Message"]


def test_double_submit_stores_once_and_texts_once(stack: RunningStack, emulator: Emulator) -> None:
    data = {
        "form_token": "http-double-0001",
        "product": "air-fryer",
        "phone": "98765 22222",
        "consent": "yes",
    }
    before = len(table_items(emulator))

    first = stack.post("/en/c/wishlist", data=data)
    second = stack.post("/en/c/wishlist", data=data)

    assert (first.status_code, second.status_code) == (303, 303)
    assert len(table_items(emulator)) == before + 1
    eventually(lambda: job(stack, "thank_you_sms", "http-double-0001")["status"] == "sent")
    assert len(sms_to(emulator, "+919876522222")) == 1


def test_invalid_input_is_rejected_in_hindi_with_the_input_kept(
    stack: RunningStack, emulator: Emulator
) -> None:
    before = len(table_items(emulator))

    answer = stack.post(
        "/hi/c/wishlist",
        data={"form_token": "http-invalid-01", "reason": HINDI_REASON, "phone": "12"},
    )

    assert answer.status_code == 422
    assert 'lang="hi"' in answer.text
    assert "कृपया इस सवाल का जवाब दें।" in answer.text  # product is required
    assert "कृपया सही मोबाइल नंबर लिखें" in answer.text
    tags = Tags(answer.text)
    assert tags.all("input", name="phone")[0]["value"] == "12"
    assert FORM_NFC_REASON in answer.text or HINDI_REASON in answer.text
    assert len(table_items(emulator)) == before


def test_trojan_source_text_is_rejected(stack: RunningStack, emulator: Emulator) -> None:
    before = len(table_items(emulator))

    answer = stack.post(
        "/en/c/wishlist",
        data={"form_token": "http-bidi-0001", "product": "tawa", "reason": "ok\u202e} if admin"},
    )

    assert answer.status_code == 422
    assert "hidden text-direction characters" in answer.text
    assert len(table_items(emulator)) == before


def test_outbox_shows_the_sms_attributes_the_emulator_drops(stack: RunningStack) -> None:
    stack.post(
        "/hi/c/wishlist",
        data={
            "form_token": "http-outbox-001",
            "product": "tawa",
            "phone": "98765 33333",
            "consent": "yes",
        },
    )

    def sms_to_customer() -> list[dict[str, Any]]:
        outbox = stack.get("/_local/outbox?format=json").json()
        return [m for m in outbox if m["to"] == "+919876533333"]

    newest = eventually(sms_to_customer)[0]
    assert newest["to"] == "+919876533333"
    assert newest["attributes"] == {
        "AWS.SNS.SMS.SMSType": "Transactional",
        "AWS.MM.SMS.EntityId": "1101456789012345678",
        "AWS.MM.SMS.TemplateId": "1107161234567890124",  # the Hindi (Unicode) template,
    }
    html = stack.get("/_local/outbox")
    assert html.status_code == 200
    assert "+919876533333" in html.text


def test_banner_and_index_list_the_sample_pages(stack: RunningStack) -> None:
    """What ``make run`` prints and the front page both point at each language's page."""
    index = Tags(stack.get("/", headers={"Accept-Language": "hi"}).text)

    assert f"{stack.base_url}/en/c/wishlist" in stack.output
    assert f"{stack.base_url}/hi/c/wishlist" in stack.output
    assert {a["href"] for a in index.all("a")} >= {"/en/c/wishlist", "/hi/c/wishlist"}


def test_fifty_requests_at_once_under_one_key_store_one_answer_and_never_fail(
    stack: RunningStack,
) -> None:
    """One 201, the same answer again 200, other answers under that key 409: never a 5xx
    nor a reset connection, however many arrive at once."""
    import threading

    url = f"{stack.base_url}/api/v1/campaigns/wishlist/responses"
    key = {"Idempotency-Key": "fifty-at-once-0001"}
    start = threading.Barrier(50)
    statuses: list[int | str] = []

    def send(n: int) -> None:
        product = "tawa" if n % 5 else "air-fryer"
        body = {"locale": "hi", "answers": {"product": product, "reason": "एक साथ"}}
        start.wait()
        try:
            statuses.append(requests.post(url, json=body, headers=key, timeout=60).status_code)
        except requests.ConnectionError as exc:
            statuses.append(type(exc).__name__)

    clients = [threading.Thread(target=send, args=(n,)) for n in range(50)]
    for client in clients:
        client.start()
    for client in clients:
        client.join()

    assert set(statuses) <= {200, 201, 409}, statuses
    assert statuses.count(201) == 1
    # 40 send a tawa, 10 an air fryer: whichever came first won, the others' are a conflict
    assert (statuses.count(200), statuses.count(409)) in {(39, 10), (9, 40)}, statuses
