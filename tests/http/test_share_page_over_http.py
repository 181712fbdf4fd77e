"""The share page on the real local stack: the sharer's WhatsApp, SMS and copy-link buttons
in Hindi and Urdu, a friend who comes through the WhatsApp link counted with that source, and
the sharer's progress once the friend proved their number."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from tests.conftest import ADMIN_KEY, Emulator, RunningStack, eventually

pytestmark = pytest.mark.http
DRESS = "design-your-dress"
ADMIN = {"Authorization": f"Bearer {ADMIN_KEY}"}
NOBODY = {"samvad_answered": ""}  # a browser that sent no answer: a friend's, a crawler's


def send_design(stack: RunningStack, token: str, phone: str, **extra: str) -> str:
    data = {
        "form_token": token,
        "colour": "indigo",
        "print": "dots",
        "size": "l",
        "name": "नीली बूँदें",
        "action": "send",
        "phone": phone,
        "consent": "yes",
        **extra,
    }
    answer = stack.post(f"/hi/c/{DRESS}", data=data)
    assert answer.status_code == 303, answer.text
    return str(answer.headers["Location"])


def href(page: str, start: str) -> str:
    found = [unescape(h) for h in re.findall(r'href="([^"]*)"', page)]
    links = [h for h in found if h.startswith(start)]
    assert len(links) == 1, f"no one link to {start} in {found}"
    return links[0]


def pitch_link(text: str) -> str:
    found = re.search(r"https?://\S+", text)
    assert found is not None, text
    return found.group(0)


def progress_of(page: str) -> str | None:
    found = re.search(r'<p id="share-progress">([^<]*)</p>', page)
    return found.group(1) if found else None


def test_the_sharer_passes_the_design_on_and_sees_a_proven_friend_counted(
    stack: RunningStack, emulator: Emulator
) -> None:
    thanks = send_design(stack, "http-sharepage-01", "9876550000")
    form = stack.get(thanks).text
    action = re.search(r'action="(/hi/d/[0-9a-f]{32}/share)"', form).group(1)  # type: ignore[union-attr]
    made = stack.post(action, data={"message": "कैसी लगी?"})
    assert made.status_code == 303
    share_path = str(made.headers["Location"])
    share_id = share_path.rsplit("/", 1)[1]
    sharer = stack.answered

    hindi = stack.get(share_path)
    whatsapp = unquote(href(hindi.text, "https://wa.me/?text=").split("text=", 1)[1])
    sms = unquote(href(hindi.text, "sms:?&body=").split("body=", 1)[1])
    copied = re.search(r'<input id="share-link"[^>]* value="([^"]+)"', hindi.text)
    assert copied is not None
    assert whatsapp.startswith("मैंने रंगरेज़ पर अपनी ड्रेस ख़ुद डिज़ाइन की: नीली बूँदें।")
    for text, source in ((whatsapp, "whatsapp"), (sms, "sms"), (unescape(copied.group(1)), "link")):
        link = urlsplit(pitch_link(text))
        assert link.path == f"/hi/c/{DRESS}"
        assert parse_qs(link.query) == {"ref": [share_id], "src": [source]}
    assert progress_of(hindi.text) == "जुड़े दोस्त: 0 / 5"
    assert "no-store" in hindi.headers["Cache-Control"]  # the sharer's page is theirs alone

    urdu = stack.get(f"/ur/s/{share_id}").text
    assert '<html lang="ur" dir="rtl">' in urdu
    in_urdu = unquote(href(urdu, "https://wa.me/?text=").split("text=", 1)[1])
    assert in_urdu.startswith("میں نے ")
    assert urlsplit(pitch_link(in_urdu)).path == f"/ur/c/{DRESS}"
    assert "src=sms" in unquote(href(urdu, "sms:?&body="))
    assert progress_of(urdu) == "شامل ہونے والے دوست: 0 / 5"

    stranger = stack.get(share_path, cookies=NOBODY)
    assert progress_of(stranger.text) is None  # only the sharer sees the count
    assert href(stranger.text, "https://wa.me/?text=")  # anyone may pass it on
    assert stranger.headers["Cache-Control"] == "public, max-age=60"

    # A friend opens the WhatsApp link, answers, and proves their number.
    invite = pitch_link(whatsapp)
    arrived = stack.get(invite.removeprefix(stack.base_url), cookies=NOBODY).text
    assert 'name="src" value="whatsapp"' in arrived
    assert f'name="ref" value="{share_id}"' in arrived
    stack.answered = None
    send_design(stack, "http-sharepage-02", "9876550001", src="whatsapp", ref=share_id)

    def confirm_link() -> str:
        for phone, text in emulator.sms_messages():
            found = re.search(r"/r/[0-9a-f]{32}\.[A-Za-z0-9_-]{22}", text)
            if phone == "+919876550001" and found:
                return found.group(0)
        return ""

    assert stack.post(eventually(confirm_link), data={"confirm": "yes"}).status_code == 200
    stats = stack.get(f"/admin/api/v1/campaigns/{DRESS}/stats", headers=ADMIN).json()
    assert stats["by_source"]["whatsapp"]["views"] == 1
    assert stats["by_source"]["whatsapp"]["responses"] == 1
    assert stats["verified"] == 1

    stack.answered = sharer
    again = stack.get(share_path).text
    assert progress_of(again) == "जुड़े दोस्त: 1 / 5"
    assert '<progress max="5" value="1"' in again
    assert "आपने अपना इनाम जीत लिया है" not in again


def test_a_held_share_offers_nothing_to_pass_on_until_a_marketer_approves_it(
    stack: RunningStack,
) -> None:
    thanks = send_design(stack, "http-sharepage-03", "9876550002")
    form = stack.get(thanks).text
    action = re.search(r'action="(/hi/d/[0-9a-f]{32}/share)"', form).group(1)  # type: ignore[union-attr]
    share_path = str(
        stack.post(action, data={"message": "ye design ch00tiya hai"}).headers["Location"]
    )
    share_id = share_path.rsplit("/", 1)[1]

    held = stack.get(share_path).text
    assert "wa.me" not in held
    assert "sms:" not in held
    assert "share-link" not in held
    assert progress_of(held) is None

    decided = stack.post(
        f"/admin/api/v1/campaigns/{DRESS}/moderation/{share_id}",
        csrf=False,
        json={"decision": "approve"},
        headers=ADMIN,
    )
    assert decided.ok, decided.text
    shown = stack.get(share_path).text
    assert href(shown, "https://wa.me/?text=")
    assert href(shown, "sms:?&body=")
    assert progress_of(shown) == "जुड़े दोस्त: 0 / 5"
