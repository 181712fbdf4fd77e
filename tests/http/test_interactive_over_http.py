"""Interactive campaigns on the real local stack: design without JavaScript, a referral chain
with concurrent friends, moderation of offensive text, and a customer's STOP by SMS."""

from __future__ import annotations

import json
import re
import threading
import time
from typing import Any

import pytest

from tests.conftest import ADMIN_KEY, Emulator, RunningStack, eventually

pytestmark = pytest.mark.http
DRESS = "design-your-dress"
ADMIN = {"Authorization": f"Bearer {ADMIN_KEY}"}


def send_design(stack: RunningStack, token: str, phone: str = "", **extra: str) -> str:
    data = {
        "form_token": token,
        "colour": "indigo",
        "print": "dots",
        "size": "l",
        "action": "send",
        **({"phone": phone, "consent": "yes"} if phone else {}),
        **extra,
    }
    answer = stack.post(f"/hi/c/{DRESS}", data=data)
    assert answer.status_code == 303, answer.text
    return str(answer.headers["Location"])


def share(stack: RunningStack, thanks: str, message: str) -> str:
    page = stack.get(thanks).text
    action = re.search(r'action="(/hi/d/[0-9a-f]{32}/share)"', page).group(1)  # type: ignore[union-attr]
    answer = stack.post(action, data={"message": message})
    assert answer.status_code == 303
    return str(answer.headers["Location"])


def test_a_design_round_trips_through_the_form_without_javascript(stack: RunningStack) -> None:
    page = stack.get(f"/hi/c/{DRESS}").text
    # The only script is the optional external one; the form itself needs none.
    assert re.findall(r"<script[^>]*>", page) == ['<script src="/static/designer.js" defer>']
    script = stack.get("/static/designer.js")
    assert script.headers["Content-Type"].startswith("text/javascript")
    assert "script-src 'self'" in stack.get(f"/hi/c/{DRESS}").headers["Content-Security-Policy"]
    preview = stack.post(
        f"/hi/c/{DRESS}",
        data={"colour": "turmeric", "print": "stripes", "length": "knee", "action": "preview"},
    )
    assert preview.status_code == 200
    assert 'value="turmeric" checked' in preview.text
    assert "#e0a100" in preview.text  # the drawing follows the choice
    assert "₹2,649.00" in preview.text  # 2,499 + stripes 150

    thanks = send_design(stack, "http-design-0001", colour="turmeric", print="stripes")
    shown = stack.get(thanks).text
    assert "#e0a100" in shown
    assert "₹2,649.00" in shown


def test_a_referral_chain_rewards_once_even_with_concurrent_proven_friends(
    stack: RunningStack, emulator: Emulator
) -> None:
    sharer = "+919876540000"
    share_path = share(stack, send_design(stack, "http-sharer-0001", "9876540000"), "")
    share_id = share_path.rsplit("/", 1)[1]
    invite = stack.get(share_path).text
    assert f"ref={share_id}" in invite
    for n in range(1, 10):
        send_design(stack, f"http-friend-{n:04d}", f"98765400{n:02d}", ref=share_id)

    def links() -> dict[str, str]:
        found = {
            phone: m.group(0)
            for phone, text in emulator.sms_messages()
            if (m := re.search(r"/r/[0-9a-f]{32}\.[A-Za-z0-9_-]{22}", text))
        }
        return found if len(found) == 9 else {}

    confirm = eventually(links)  # each friend got a link to prove the number theirs
    for n in range(1, 4):
        assert stack.post(confirm[f"+9198765400{n:02d}"], data={"confirm": "yes"}).ok

    # Friends four to nine open their links at the same moment: the fifth crosses the threshold.
    errors: list[BaseException] = []

    def friend(n: int) -> None:
        try:
            answer = stack.post(confirm[f"+9198765400{n:02d}"], data={"confirm": "yes"})
            assert answer.status_code == 200
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=friend, args=(n,)) for n in range(4, 10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []

    def rewards() -> list[str]:
        return [t for phone, t in emulator.sms_messages() if phone == sharer and "मुफ़्त" in t]

    assert len(eventually(rewards)) == 1  # the reward SMS, once
    stats = stack.get(f"/admin/api/v1/campaigns/{DRESS}/stats", headers=ADMIN).json()
    assert stats["rewards"] == 1
    assert stats["by_source"]["share"]["referred"] == 9
    assert stats["by_source"]["share"]["verified"] == 9


@pytest.mark.parametrize("message", ["ye design ch00tiya hai", "ѕhіt dress"])
def test_offensive_text_is_held_and_its_share_page_is_not_public(
    stack: RunningStack, message: str
) -> None:
    share_path = share(stack, send_design(stack, f"http-abuse-{len(message):04d}"), message)

    page = stack.get(share_path)
    queue = stack.get(f"/admin/api/v1/campaigns/{DRESS}/moderation", headers=ADMIN).json()

    assert page.status_code == 200
    assert message not in page.text
    assert page.headers["X-Robots-Tag"] == "noindex"
    assert message in [item["message"] for item in queue["items"]]


def test_an_inbound_stop_reply_opts_the_customer_out(
    stack: RunningStack, emulator: Emulator
) -> None:
    thanks = send_design(stack, "http-stop-00001", "9876550000")
    response_id = thanks.rsplit("=", 1)[1]
    sns = emulator.client("sns")
    outputs = emulator.client("cloudformation").describe_stacks(StackName="samvad-local")
    inbound = {o["OutputKey"]: o["OutputValue"] for o in outputs["Stacks"][0]["Outputs"]}[
        "InboundSmsTopicArn"
    ]

    sns.publish(
        TopicArn=inbound,
        Message=json.dumps(
            {
                "originationNumber": "+919876550000",
                "destinationNumber": "+911140000000",
                "messageKeyword": "STOP",
                "messageBody": "STOP",
                "inboundMessageId": "http-inbound-0001",
            }
        ),
    )

    thread: dict[str, Any] = {}
    for _ in range(50):  # SNS delivers over HTTP in the background
        thread = stack.get(
            f"/admin/api/v1/campaigns/{DRESS}/responses/{response_id}/thread", headers=ADMIN
        ).json()
        if thread["messages"]:
            break
        time.sleep(0.1)
    assert [(m["direction"], m["text"]) for m in thread["messages"]] == [("in", "STOP")]
    refused = stack.post(
        f"/admin/api/v1/campaigns/{DRESS}/responses/{response_id}/replies",
        headers=ADMIN,
        json={"text": "Your dress is ready"},
    )
    assert refused.status_code == 409
    assert "opted out" in refused.json()["error"]["message"]


def test_marketers_moderate_and_reply_with_the_samvad_command(
    stack: RunningStack, emulator: Emulator
) -> None:
    from tests.http.test_campaigns_over_http import done, samvad

    thanks = send_design(stack, "http-cli-000001", "9876560000")
    response_id = thanks.rsplit("=", 1)[1]
    share_path = share(stack, thanks, "bakwas bhosdike design")
    share_id = share_path.rsplit("/", 1)[1]
    api = ["--api", stack.base_url]

    queue = done(samvad("moderation", DRESS, *api))
    assert share_id in queue
    assert done(samvad("reject", DRESS, share_id, *api)) == f"{share_id}: rejected\n"
    assert "bhosdike" not in stack.get(share_path).text
    sent = done(samvad("reply", DRESS, response_id, "Aapki dress kal taiyar hogi.", *api))
    assert "Aapki dress kal taiyar hogi." in sent
    thread = done(samvad("thread", DRESS, response_id, env={"AWS_ENDPOINT_URL": emulator.endpoint}))
    assert "-> रंगरेज़: Aapki dress kal taiyar hogi." in thread
    texts = [t for p, t in emulator.sms_messages() if p == "+919876560000"]
    assert texts[-1].startswith("रंगरेज़: Aapki dress kal taiyar hogi.")
