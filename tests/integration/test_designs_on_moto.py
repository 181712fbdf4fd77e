"""Personalize, share, refer, moderate, talk back: app.py through Chalice's test client over
moto in-process, with the sample campaigns design-your-dress and build-your-car."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import unquote, urlencode
from xml.etree import ElementTree

import pytest

from tests.conftest import ADMIN_KEY
from tests.samples import DRESS_DESIGN, png_size

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
ADMIN = "/admin/api/v1"
KEY = {"Authorization": f"Bearer {ADMIN_KEY}", "Content-Type": "application/json"}
DRESS = "design-your-dress"


@pytest.fixture
def published(aws: Any) -> list[dict[str, Any]]:
    calls: list[dict[str, Any]] = []
    aws.adapters.sns.meta.events.register(
        "provide-client-params.sns.Publish", lambda params, **_: calls.append(params)
    )
    return calls


def post(client: Any, path: str, **fields: str) -> Any:
    return client.http.post(path, headers=FORM, body=urlencode(fields))


def svg_of(page: str) -> ElementTree.Element:
    return ElementTree.fromstring(re.search(r"<svg.*?</svg>", page, re.S).group(0))  # type: ignore[union-attr]


def design_dress(client: Any, token: str, phone: str = "", **extra: str) -> str:
    """Send a designed dress; returns the thanks page's path (with the design id)."""
    fields = {
        "form_token": token,
        **DRESS_DESIGN,
        **({"phone": phone, "consent": "yes"} if phone else {}),
        **extra,
    }
    answer = post(client, f"/hi/c/{DRESS}", **fields)
    assert answer.status_code == 303, answer.body
    return str(answer.headers["Location"])


def share(client: Any, thanks: str, message: str) -> str:
    page = client.http.get(thanks).body.decode()
    action = re.search(r'action="(/hi/d/[0-9a-f]{32}/share)"', page).group(1)  # type: ignore[union-attr]
    answer = post(client, action, message=message)
    assert answer.status_code == 303
    return str(answer.headers["Location"])


def test_the_design_is_drawn_and_priced_and_round_trips_without_javascript(
    chalice_client: Any, aws: Any
) -> None:
    first = chalice_client.http.get(f"/hi/c/{DRESS}").body.decode()
    preview = post(
        chalice_client,
        f"/hi/c/{DRESS}",
        form_token="design-preview-1",
        colour="emerald",
        fabric="silk",
        print="paisley",
        sleeves="long",
        length="maxi",
        action="preview",
    )
    thanks = design_dress(chalice_client, "design-send-0001")

    assert "₹2,499.00" in first  # the base price, nothing chosen yet
    assert re.findall(r"<script[^>]*>", first) == ['<script src="/static/designer.js" defer>']
    assert preview.status_code == 200
    page = preview.body.decode()
    # 2,499 + emerald 200 + silk 1,500 + paisley 300 + long sleeves 200 + floor length 400
    assert "₹5,099.00" in page
    assert 'value="emerald" checked' in page
    assert "#1b7f4f" in ElementTree.tostring(svg_of(page), encoding="unicode")
    assert thanks.startswith(f"/hi/c/{DRESS}/thanks?d=")
    response_id = thanks.rsplit("=", 1)[1]
    stored = aws.adapters.store.get_response(response_id)
    assert stored.answers["colour"] == "emerald"
    assert stored.answers["length"] == "maxi"
    assert stored.design_name == "मेरी हरी ड्रेस"
    shown = chalice_client.http.get(thanks).body.decode()
    assert "₹5,099.00" in shown
    assert "मेरी हरी ड्रेस" in shown


def test_a_car_with_extras_is_priced_in_indian_grouping(chalice_client: Any) -> None:
    page = post(
        chalice_client,
        "/hi/c/build-your-car",
        paint="sindoor",
        wheels="sport",
        **{"extras.spoiler": "yes", "extras.tint": "yes"},
        action="preview",
    ).body.decode()

    # 7,49,000 + sindoor 12,000 + sport wheels 45,000 + spoiler 12,000 + tint 6,000
    assert "₹8,24,000.00" in page
    svg = ElementTree.tostring(svg_of(page), encoding="unicode")
    assert "#b3261e" in svg
    assert 'name="extras.spoiler" value="yes" checked' in page


@pytest.mark.parametrize("name", ["   ", "\t\x07\x00", "\u200b\u200b", "\u202e"])
@pytest.mark.parametrize("action", ["preview", "send"])
def test_a_design_name_of_nothing_visible_draws_under_the_campaign_title(
    chalice_client: Any, name: str, action: str
) -> None:
    answer = post(
        chalice_client,
        f"/hi/c/{DRESS}",
        form_token=f"design-blank-{action}-{len(name)}",
        colour="emerald",
        fabric="silk",
        name=name,
        action=action,
    )

    # preview: 200; send without the required choices or with a rejected name: 422, redrawn
    assert answer.status_code in (200, 303, 422), answer.body
    if answer.status_code != 303:
        title = svg_of(answer.body.decode()).find("{http://www.w3.org/2000/svg}title")
        assert title is not None
        assert (title.text or "").strip()


def test_a_share_page_has_localized_preview_tags_and_plain_share_links(
    chalice_client: Any,
) -> None:
    thanks = design_dress(chalice_client, "design-share-001", phone="9876512345")
    page_path = share(chalice_client, thanks, "त्योहार के लिए मेरी ड्रेस देखो!")
    page = chalice_client.http.get(page_path).body.decode()

    assert re.fullmatch(r"/hi/s/[A-Za-z0-9_-]{12}", page_path)
    assert '<meta property="og:title" content="मेरी हरी ड्रेस · रंगरेज़">' in page
    assert '<meta property="og:description" content="त्योहार के लिए मेरी ड्रेस देखो!">' in page
    assert 'property="og:image"' in page
    whatsapp = re.search(r'href="(https://wa.me/\?text=[^"]+)"', page).group(1)  # type: ignore[union-attr]
    text = unquote(whatsapp.split("text=", 1)[1])
    assert text.startswith("मैंने रंगरेज़ पर अपनी ड्रेस ख़ुद डिज़ाइन की: मेरी हरी ड्रेस।")
    assert f"ref={page_path.rsplit('/', 1)[1]}" in text
    assert 'href="sms:?&amp;body=' in page
    image = chalice_client.http.get(page_path + "/design.svg")
    assert image.headers["Content-Type"] == "image/svg+xml"
    og_image = re.search(r'property="og:image" content="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    assert og_image.endswith(page_path + "/design.png")
    png = chalice_client.http.get(page_path + "/design.png", headers={"Accept": "image/png"})
    assert png.headers["Content-Type"] == "image/png"
    assert png.body.startswith(b"\x89PNG\r\n\x1a\n")
    assert png_size(png.body) == (1200, 630)  # landscape, as link previews show it


@pytest.mark.parametrize(
    "message",
    [
        "tu chutiya hai",
        "f.u.c.k this",
        "तू हरामी है",
        "s h i t design",
    ],
)
def test_offensive_text_waits_for_moderation_and_its_page_is_not_public(
    chalice_client: Any, message: str
) -> None:
    thanks = design_dress(chalice_client, f"design-abuse-{abs(hash(message)) % 10**8}")
    page_path = share(chalice_client, thanks, message)

    page = chalice_client.http.get(page_path).body.decode()
    queue = json.loads(
        chalice_client.http.get(f"{ADMIN}/campaigns/{DRESS}/moderation", headers=KEY).body
    )

    assert message not in page
    assert "og:title" not in page
    assert "मंज़ूरी का इंतज़ार है" in page  # the sharer is told what happens next
    assert "रंगरेज़" in page
    assert f'href="/hi/c/{DRESS}"' in page
    assert [item["message"] for item in queue["items"]] == [message]
    assert all("profanity" in r or r == "obfuscation" for r in queue["items"][0]["reasons"])


def test_a_marketer_approves_or_rejects_what_waits(chalice_client: Any) -> None:
    thanks = post(
        chalice_client,
        "/en/c/build-your-car",
        form_token="car-approval-01",
        city="Pune",
        when="month",
        phone="9876511111",
        consent="yes",
        action="send",
    ).headers["Location"]
    page_path = share(chalice_client, thanks.replace("/en/", "/hi/", 1), "Look at my car")
    share_id = page_path.rsplit("/", 1)[1]
    hidden = chalice_client.http.get(page_path).body.decode()  # moderation: all
    approve = chalice_client.http.post(
        f"{ADMIN}/campaigns/build-your-car/moderation/{share_id}",
        headers=KEY,
        body=json.dumps({"decision": "approve"}),
    )
    shown = chalice_client.http.get(page_path).body.decode()
    reject = chalice_client.http.post(
        f"{ADMIN}/campaigns/build-your-car/moderation/{share_id}",
        headers=KEY,
        body=json.dumps({"decision": "reject"}),
    )

    assert "Look at my car" not in hidden
    assert approve.status_code == 200
    assert "Look at my car" in shown
    assert reject.status_code == 200
    assert "Look at my car" not in chalice_client.http.get(page_path).body.decode()


def car(client: Any, token: str, phone: str = "9876511111", consent: str = "yes") -> str:
    """Send a car design from the Hindi page; returns its thanks path."""
    fields = {"form_token": token, "city": "Pune", "when": "month", "phone": phone}
    answer = post(client, "/hi/c/build-your-car", **fields, action="send", consent=consent)
    assert answer.status_code == 303, answer.body
    return str(answer.headers["Location"])


def moderate(client: Any, share_id: str, decision: str) -> Any:
    return client.http.post(
        f"{ADMIN}/campaigns/build-your-car/moderation/{share_id}",
        headers=KEY,
        body=json.dumps({"decision": decision}),
    )


def test_a_waiting_sharer_sees_a_branded_page_and_gets_one_sms_in_hindi_on_approval(
    chalice_client: Any, published: list[dict[str, Any]]
) -> None:
    page_path = share(chalice_client, car(chalice_client, "car-wait-000001"), "मेरी कार देखो")
    share_id = page_path.rsplit("/", 1)[1]
    waiting = chalice_client.http.get(page_path).body.decode()
    before = len(published)

    first = moderate(chalice_client, share_id, "approve")
    again = moderate(chalice_client, share_id, "approve")
    told = [c for c in published[before:] if c.get("PhoneNumber") == "+919876511111"]

    assert "मेरी कार देखो" not in waiting  # the customer's text waits too
    assert "मंज़ूरी का इंतज़ार है" in waiting
    assert "SMS" in waiting
    assert 'href="/hi/c/build-your-car"' in waiting
    assert (first.status_code, again.status_code) == (200, 200)
    assert len(told) == 1  # approved twice, told once
    assert "मंज़ूर हो गई" in told[0]["Message"]
    assert f"/hi/s/{share_id}" in told[0]["Message"]
    assert told[0]["MessageAttributes"]["AWS.MM.SMS.TemplateId"]["StringValue"] == (
        "1107161234567890310"
    )


def test_a_rejected_sharer_gets_a_kind_note_and_no_sms_without_consent(
    chalice_client: Any, published: list[dict[str, Any]]
) -> None:
    rejected = share(chalice_client, car(chalice_client, "car-reject-0001", "9876511112"), "x")
    # A phone is taken only with consent: an answer without one is never messaged.
    no_consent = design_dress(chalice_client, "dress-silent-01")
    silent = share(chalice_client, no_consent, "ѕhіt dress")  # held
    before = len(published)

    moderate(chalice_client, rejected.rsplit("/", 1)[1], "reject")
    approved = chalice_client.http.post(
        f"{ADMIN}/campaigns/{DRESS}/moderation/{silent.rsplit('/', 1)[1]}",
        headers=KEY,
        body=json.dumps({"decision": "approve"}),
    )
    assert approved.status_code == 200
    sent = [(c["PhoneNumber"], c["Message"]) for c in published[before:] if "PhoneNumber" in c]

    assert len(sent) == 1
    assert sent[0][0] == "+919876511112"
    assert "धन्यवाद" in sent[0][1]
    assert "/hi/c/build-your-car" in sent[0][1]
    assert "मंज़ूर हो गई" not in sent[0][1]


CONFIRM = re.compile(r"/r/([0-9a-f]{32}\.[A-Za-z0-9_-]{22})")


def confirm_links(published: list[dict[str, Any]]) -> dict[str, str]:
    """The signed link each referred friend got by SMS, by phone number."""
    return {
        c["PhoneNumber"]: f"/r/{m.group(1)}"
        for c in published
        if (m := CONFIRM.search(c.get("Message", "")))
    }


def test_friends_through_a_share_earn_the_sharer_one_reward_once_their_numbers_are_proven(
    chalice_client: Any, aws: Any, published: list[dict[str, Any]]
) -> None:
    thanks = design_dress(chalice_client, "design-refer-001", phone="9876520000")
    share_id = share(chalice_client, thanks, "").rsplit("/", 1)[1]
    visit = chalice_client.http.get(f"/en/c/{DRESS}?ref={share_id}&src=share").body.decode()
    assert f'name="ref" value="{share_id}"' in visit

    def friend(n: int, phone: str) -> None:
        design_dress(chalice_client, f"friend-{n:04d}-token", phone=phone, ref=share_id)

    friend(0, "9876520000")  # the sharer: does not count
    friend(1, "9876520001")
    friend(2, "9876520001")  # the same phone again: does not count
    friend(3, "")  # no phone: cannot be told apart, does not count
    for n in range(4, 11):
        friend(n, f"98765200{n:02d}")  # invented numbers, nobody opens their link
    links = confirm_links(published)
    asked = next(c for c in published if CONFIRM.search(c.get("Message", "")))
    assert asked["MessageAttributes"]["AWS.MM.SMS.TemplateId"]["StringValue"] == (
        "1107161234567890208"  # the Hindi DLT template of the friend's confirmation
    )
    assert len(links) == 9  # every number through the share got a link, the sharer's too
    invented = [c for c in published if "आपको मिलेगी" in c.get("Message", "")]
    assert invented == []  # ten answers, no proof: no reward

    def open_link(phone: str) -> str:
        path = links[phone]
        page = chalice_client.http.get(path).body.decode()
        assert f'action="{path}"' in page  # a GET only asks: link previews open links
        answer = post(chalice_client, path, confirm="yes")
        assert answer.status_code == 200
        return str(answer.body.decode())

    assert "+919876520000" in links  # the sharer got a link too, and opens it
    open_link("+919876520000")
    for phone in ("+919876520001", "+919876520001", *(f"+9198765200{n:02d}" for n in (4, 5, 6))):
        open_link(phone)  # one friend opens theirs twice
    assert [c for c in published if "आपको मिलेगी" in c.get("Message", "")] == []  # four
    confirmed = open_link("+919876520007")  # the fifth proven friend
    open_link("+919876520008")  # a sixth: no second reward
    forged = post(chalice_client, links["+919876520009"][:-2] + "AA", confirm="yes")

    rewards = [c for c in published if "आपको मिलेगी अपनी ड्रेस मुफ़्त" in c.get("Message", "")]
    assert [c["PhoneNumber"] for c in rewards] == ["+919876520000"]
    assert rewards[0]["MessageAttributes"]["AWS.MM.SMS.TemplateId"]["StringValue"] == (
        "1107161234567890206"
    )
    assert "आपका नंबर पक्का हो गया" in confirmed
    assert forged.status_code == 404
    stored = aws.adapters.shares.get(share_id)
    assert (stored.visits, stored.referred) == (1, 6)
    assert stored.reward_granted_at is not None
    funnel = json.loads(
        chalice_client.http.get(f"{ADMIN}/campaigns/{DRESS}/stats", headers=KEY).body
    )
    # every answer through the link is in the funnel; six proven friends, the rest apart
    assert (funnel["shares"], funnel["referred"], funnel["rewards"]) == (1, 11, 1)
    assert (funnel["verified"], funnel["unverified"]) == (6, 5)


def test_a_share_of_another_campaign_is_not_credited_nor_visited(
    chalice_client: Any, aws: Any, published: list[dict[str, Any]]
) -> None:
    thanks = design_dress(chalice_client, "design-cross-001", phone="9876521000")
    share_id = share(chalice_client, thanks, "").rsplit("/", 1)[1]

    chalice_client.http.get(f"/en/c/build-your-car?ref={share_id}&src=share")
    car = post(
        chalice_client,
        "/hi/c/build-your-car",
        form_token="car-cross-00001",
        city="Pune",
        when="month",
        phone="9876521001",
        consent="yes",
        ref=share_id,
        action="send",
    )
    response_id = car.headers["Location"].rsplit("=", 1)[1]

    assert car.status_code == 303
    assert aws.adapters.store.get_response(response_id).referred_by is None
    assert confirm_links(published) == {}  # nothing to prove: no friend of anyone
    assert (
        aws.adapters.shares.get(share_id).visits,
        aws.adapters.shares.get(share_id).referred,
    ) == (0, 0)


def test_a_visitor_counts_once_however_often_they_open_the_link(
    chalice_client: Any, aws: Any
) -> None:
    thanks = design_dress(chalice_client, "design-visit-001", phone="9876522000")
    share_id = share(chalice_client, thanks, "").rsplit("/", 1)[1]
    path = f"/hi/c/{DRESS}?ref={share_id}&src=share"

    first = chalice_client.http.get(path)
    cookie = re.search(r"samvad_visitor=[A-Za-z0-9_-]{22}", str(first.headers["Set-Cookie"]))
    assert cookie is not None
    for _ in range(5):
        again = chalice_client.http.get(path, headers={"Cookie": cookie.group(0)})
        assert "samvad_visitor" not in str(again.headers.get("Set-Cookie", ""))
    chalice_client.http.get(path, headers={"Cookie": "samvad_visitor=" + "x" * 22})  # another
    chalice_client.http.get(path, headers={"Cookie": "samvad_visitor=" + "x" * 22})

    assert aws.adapters.shares.get(share_id).visits == 2


def test_a_marketer_replies_and_the_customer_answers_by_sms(
    chalice_client: Any, aws: Any, published: list[dict[str, Any]]
) -> None:
    thanks = design_dress(chalice_client, "design-talk-0001", phone="9876530000")
    response_id = thanks.rsplit("=", 1)[1]

    sent = chalice_client.http.post(
        f"{ADMIN}/campaigns/{DRESS}/responses/{response_id}/replies",
        headers=KEY,
        body=json.dumps({"text": "आपकी ड्रेस कल तैयार होगी।"}),
    )
    reply = published[-1]
    outcome = aws.dialogue.handle_inbound(
        {
            "originationNumber": "+919876530000",
            "messageBody": "धन्यवाद, मैं कल आऊँगी",
            "inboundMessageId": "inbound-0001",
            "previousPublishedMessageId": json.loads(sent.body)["message_id"],
        },
        aws.clock(),
    )
    stop = aws.dialogue.handle_inbound(
        {"originationNumber": "+919876530000", "messageBody": "बंद करें", "inboundMessageId": "in-2"},
        aws.clock(),
    )
    thread = json.loads(
        chalice_client.http.get(
            f"{ADMIN}/campaigns/{DRESS}/responses/{response_id}/thread", headers=KEY
        ).body
    )
    refused = chalice_client.http.post(
        f"{ADMIN}/campaigns/{DRESS}/responses/{response_id}/replies",
        headers=KEY,
        body=json.dumps({"text": "One more thing"}),
    )

    assert sent.status_code == 201
    assert reply["PhoneNumber"] == "+919876530000"
    assert reply["Message"] == ("रंगरेज़: आपकी ड्रेस कल तैयार होगी। जवाब देने के लिए इस SMS का उत्तर दें।")
    assert (outcome, stop) == ("threaded", "stop")
    assert [(m["direction"], m["text"]) for m in thread["messages"]][:2] == [
        ("out", reply["Message"]),
        ("in", "धन्यवाद, मैं कल आऊँगी"),
    ]
    assert refused.status_code == 409  # opted out: no more messages


def test_the_inbound_sns_handler_threads_the_answer_and_honours_stop(
    chalice_client: Any, aws: Any
) -> None:
    thanks = design_dress(chalice_client, "design-inbound-01", phone="9876530001")
    response_id = thanks.rsplit("=", 1)[1]

    for n, body in enumerate(["Kal aaungi", "STOP"]):
        payload = {
            "originationNumber": "+919876530001",
            "messageBody": body,
            "inboundMessageId": f"lambda-inbound-{n}",
        }
        event = chalice_client.events.generate_sns_event(message=json.dumps(payload))
        chalice_client.lambda_.invoke("inbound_sms", event)

    thread = aws.adapters.threads.thread(response_id)
    contact = aws.adapters.store.contact(aws.links.contact_id("+919876530001"))
    assert [m.text for m in thread] == ["Kal aaungi", "STOP"]
    assert contact is not None
    assert contact.opted_out
