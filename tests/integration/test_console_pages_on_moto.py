"""The console's campaign pages through app.py (Chalice's test client) over moto in-process:
each page for a signed-in marketer, each form for the roles that may (and a 403 for the
others), CSRF, moderation, replies, publishing and rolling back with a confirmation."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from chalicelib.accounts.model import Principal
from chalicelib.accounts.roles import Action, Role
from chalicelib.campaigns.funnel import local_day
from tests.conftest import ADMIN_KEY, CSRF_COOKIE_VALUE, csrf_token
from tests.integration.test_accounts_on_moto import MAY  # who may, by the words
from tests.samples import DRESS_DESIGN, inline_text

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
KEY = {"Authorization": f"Bearer {ADMIN_KEY}", "Content-Type": "application/json"}
DRESS = "design-your-dress"
C = f"/console/c/{DRESS}"
PASSWORD = "a long enough password"
ABUSE = "तू हरामी है"
REPLY = "आपकी ड्रेस कल तैयार होगी।"

# Each console form and the action it needs, written out here (not read from the code under
# test): a new console POST route without a row fails the matrix test.
POSTS = {
    "/console/c/{slug}/moderation/{share_id}": Action.MODERATE,
    "/console/c/{slug}/answers/{response_id}/reply": Action.REPLY,
    "/console/c/{slug}/followups/retry": Action.REPLY,
    "/console/c/{slug}/versions/{version}/publish": Action.PUBLISH,
    "/console/c/{slug}/rollback": Action.ROLLBACK,
}
PAGES = {
    "": Action.READ_CAMPAIGNS,
    "/versions": Action.READ_CAMPAIGNS,
    "/versions/1/preview": Action.READ_CAMPAIGNS,
    "/answers": Action.READ_ANSWERS,
    "/moderation": Action.READ_ANSWERS,
    "/followups": Action.READ_ANSWERS,
    "/export": Action.READ_ANSWERS,
    "/qr": Action.READ_CAMPAIGNS,
}


def session(aws: Any, role: Role) -> dict[str, str]:
    """The cookies of a browser signed in as a new user of ``role``, with its CSRF cookie."""
    name = f"c-{role}"
    aws.accounts.add_user(Principal("local-admin", Role.ADMIN), name, role, PASSWORD)
    token = aws.accounts.sign_in(name, PASSWORD, "203.0.113.7")
    return {"Cookie": f"samvad_console={token}; samvad_csrf={CSRF_COOKIE_VALUE}"}


def post(
    client: Any, path: str, cookies: dict[str, str], with_token: bool = True, **fields: str
) -> Any:
    body = {**({"csrf": csrf_token()} if with_token else {}), **fields}
    return client.raw.http.post(path, headers={**FORM, **cookies}, body=urlencode(body))


def get(client: Any, path: str, cookies: dict[str, str]) -> Any:
    return client.raw.http.get(path, headers=cookies)


def dress_with_a_held_share(client: Any) -> tuple[str, str]:
    """A designed dress (with a phone number) shared with a text that waits for moderation:
    (its answer's id, the share's id)."""
    fields = {"form_token": "console-dress-01", **DRESS_DESIGN, "phone": "9876530001"}
    sent = client.http.post(
        f"/hi/c/{DRESS}", headers=FORM, body=urlencode({**fields, "consent": "yes"})
    )
    assert sent.status_code == 303, sent.body
    thanks = str(sent.headers["Location"])
    page = client.http.get(thanks).body.decode()
    action = re.search(r'action="(/hi/d/[0-9a-f]{32}/share)"', page).group(1)  # type: ignore[union-attr]
    shared = client.http.post(action, headers=FORM, body=urlencode({"message": ABUSE}))
    assert shared.status_code == 303
    return thanks.rsplit("=", 1)[1], str(shared.headers["Location"]).rsplit("/", 1)[1]


def test_each_page_shows_a_signed_in_marketer_what_their_role_may_see(
    chalice_client: Any, aws: Any
) -> None:
    response_id, _ = dress_with_a_held_share(chalice_client)
    viewer, editor = session(aws, Role.VIEWER), session(aws, Role.EDITOR)

    seen = {
        (path, role): get(chalice_client, C + path, cookies).status_code
        for path in PAGES
        for role, cookies in ((Role.VIEWER, viewer), (Role.EDITOR, editor))
    }
    dashboard = get(chalice_client, C, viewer).body.decode()
    answers = get(chalice_client, f"{C}/answers", editor).body.decode()
    moderation = get(chalice_client, f"{C}/moderation", editor).body.decode()
    answer = get(chalice_client, f"{C}/answers/{response_id}", editor)
    export = get(chalice_client, f"{C}/export", editor)
    filtered = get(chalice_client, f"{C}/answers?locale=en", editor).body.decode()
    unknown = get(chalice_client, "/console/c/no-such-campaign", viewer)
    unsigned = chalice_client.raw.http.get(C)

    assert seen == {
        (path, role): 200 if action in {Action.READ_CAMPAIGNS} or role is Role.EDITOR else 403
        for path, action in PAGES.items()
        for role in (Role.VIEWER, Role.EDITOR)
    }
    assert re.search(r'<th scope="row">Answers</th><td>1</td>', dashboard)
    assert re.search(r'<th scope="row">hi</th>(<td>\d+</td>){5}', dashboard)  # per language
    assert '<svg class="chart"' in dashboard
    assert 'aria-hidden="true"' in dashboard
    assert "style=" not in dashboard  # the CSP allows no inline style
    assert f"/answers/{response_id}" not in dashboard  # a viewer sees no customer's answer
    assert f"/answers/{response_id}" in answers
    assert f"/answers/{response_id}" not in filtered  # the answer was in Hindi
    assert ABUSE in moderation
    assert answer.status_code == 200
    assert 'lang="hi"' in answer.body.decode()  # the reply is written in the customer's language
    assert export.headers["Content-Type"].startswith("text/csv")
    assert response_id in export.body.decode()
    assert unknown.status_code == 404
    assert unsigned.status_code == 303


def test_every_console_form_refuses_the_roles_that_may_not_use_it(
    chalice_client: Any, aws: Any
) -> None:
    from app import app

    assert {
        path
        for path, methods in app.routes.items()
        if path.startswith("/console/c/") and "POST" in methods
    } == set(POSTS)
    sessions = {role: session(aws, role) for role in Role}
    params = {"slug": DRESS, "share_id": "no-such-share", "response_id": "0" * 32, "version": "99"}
    refused, allowed = [], []

    for path, action in sorted(POSTS.items()):
        concrete = re.sub(r"\{(\w+)\}", lambda m: params[m.group(1)], path)
        for role, cookies in sessions.items():
            status = post(
                chalice_client, concrete, cookies, decision="approve", text="x"
            ).status_code
            (allowed if action in MAY[role] else refused).append((path, role, status))

    assert [o for o in refused if o[2] != 403] == []
    assert [o for o in allowed if o[2] in (401, 403) or o[2] >= 500] == []
    entries = [(e.who, e.action, e.outcome) for e in aws.accounts.audit()]
    assert ("c-viewer", "console.publish", "refused") in entries


def test_an_editor_approves_a_share_only_with_the_form_token(chalice_client: Any, aws: Any) -> None:
    _, share_id = dress_with_a_held_share(chalice_client)
    editor = session(aws, Role.EDITOR)
    path = f"{C}/moderation/{share_id}"

    forged = post(chalice_client, path, editor, with_token=False, decision="approve")
    still = get(chalice_client, f"{C}/moderation", editor).body.decode()
    done = post(chalice_client, path, editor, decision="approve", reason="a friendly insult")
    queue = get(chalice_client, str(done.headers["Location"]), editor).body.decode()

    assert forged.status_code == 403
    assert ABUSE in still  # nothing was decided
    assert done.status_code == 303
    assert done.headers["Location"] == f"{C}/moderation?done=approve"
    assert "The share was approved" in queue
    assert ABUSE not in queue
    assert aws.adapters.shares.get(share_id).public
    assert ("c-editor", "moderate.approve", f"{DRESS} share {share_id}: a friendly insult") in [
        (e.who, e.action, e.target) for e in aws.accounts.audit()
    ]


def test_an_editor_replies_in_the_customers_language(chalice_client: Any, aws: Any) -> None:
    response_id, _ = dress_with_a_held_share(chalice_client)
    editor = session(aws, Role.EDITOR)
    path = f"{C}/answers/{response_id}/reply"

    forged = post(chalice_client, path, editor, with_token=False, text=REPLY)
    sent = post(chalice_client, path, editor, text=REPLY)
    empty = post(chalice_client, path, editor, text="   ")
    too_long = post(chalice_client, path, editor, text="क" * 141)  # refused, never cut short
    thread = get(chalice_client, str(sent.headers["Location"]), editor).body.decode()

    assert forged.status_code == 403
    assert sent.status_code == 303
    assert "Your reply was sent." in thread
    assert thread.count(REPLY) == 1  # sent once, not by the forged form
    assert empty.status_code == 409  # the service refuses it; the page says why
    assert too_long.status_code == 409
    assert "क" * 141 not in get(chalice_client, f"{C}/answers/{response_id}", editor).body.decode()


def test_a_publisher_publishes_and_rolls_back_after_confirming(
    chalice_client: Any, aws: Any
) -> None:
    text = inline_text("wishlist")
    changed = text.replace("हम आपकी रसोई के लिए आगे क्या बनाएँ?", "अगली रसोई की चीज़ आप चुनिए!")
    deployed = chalice_client.http.post(
        "/admin/api/v1/campaigns",
        headers=KEY,
        body=json.dumps({"file": "wishlist.yaml", "source": changed}),
    )
    assert deployed.status_code == 201
    publisher, editor = session(aws, Role.PUBLISHER), session(aws, Role.EDITOR)
    w = "/console/c/wishlist"

    diff = get(chalice_client, f"{w}/versions?from=1&to=2", editor).body.decode()
    confirm = get(chalice_client, f"{w}/versions/2/publish", publisher)
    not_for_editor = get(chalice_client, f"{w}/versions/2/publish", editor)
    published = post(chalice_client, f"{w}/versions/2/publish", publisher)
    after = get(chalice_client, str(published.headers["Location"]), publisher).body.decode()
    live = chalice_client.http.get("/hi/c/wishlist").body.decode()
    back_confirm = get(chalice_client, f"{w}/rollback", publisher)
    rolled = post(chalice_client, f"{w}/rollback", publisher)
    versions = get(chalice_client, str(rolled.headers["Location"]), publisher).body.decode()
    bad = get(chalice_client, f"{w}/versions?from=1&to=x", editor)
    missing = get(chalice_client, f"{w}/versions?from=1&to=7", editor)

    assert '<ins class="diff-added">+' in diff
    assert "अगली रसोई की चीज़ आप चुनिए!" in diff
    assert '<del class="diff-removed">-' in diff
    assert confirm.status_code == 200
    assert 'name="csrf"' in confirm.body.decode()
    assert not_for_editor.status_code == 403
    assert published.status_code == 303
    assert "Published: version 2 is live." in after
    assert "अगली रसोई की चीज़ आप चुनिए!" in live
    assert back_confirm.status_code == 200
    assert rolled.status_code == 303
    assert "Rolled back: version 1 is live." in versions
    assert bad.status_code == 400
    assert missing.status_code == 409
    actions = [(e.who, e.action, e.target) for e in aws.accounts.audit()]
    assert ("c-publisher", "publish", "wishlist v2") in actions
    assert ("c-publisher", "rollback", "wishlist v1") in actions


def test_the_dashboard_speaks_hindi(chalice_client: Any, aws: Any) -> None:
    viewer = session(aws, Role.VIEWER)
    page = get(chalice_client, f"{C}?lang=hi", viewer).body.decode()

    assert 'lang="hi"' in page
    assert "सत्यापित दोस्त" in page  # verified friends, from the console's Hindi catalog


def test_an_editor_sends_failed_follow_ups_again(chalice_client: Any, aws: Any) -> None:
    dress_with_a_held_share(chalice_client)
    store = aws.adapters.store
    job = store.campaign_jobs(DRESS)[0]
    claimed = store.claim(job, aws.clock() + timedelta(minutes=5), "console-test-lease")
    assert claimed is not None
    assert store.save_job(replace(claimed, status="failed", last_error="SNS said no (test)"))
    editor = session(aws, Role.EDITOR)

    listed = get(chalice_client, f"{C}/followups", editor).body.decode()
    forged = post(chalice_client, f"{C}/followups/retry", editor, with_token=False)
    retried = post(chalice_client, f"{C}/followups/retry", editor)
    after = get(chalice_client, str(retried.headers["Location"]), editor).body.decode()
    statuses = {(j.step, j.status) for j in store.campaign_jobs(DRESS)}

    assert "SNS said no (test)" in listed
    assert "Retry the failed follow-ups" in listed
    assert forged.status_code == 403
    assert retried.headers["Location"] == f"{C}/followups?done=1"
    assert "Failed follow-ups queued again: 1" in after
    assert (job.step, "failed") not in statuses


def test_a_campaign_never_published_has_no_dashboard_yet_but_its_versions(
    chalice_client: Any, aws: Any
) -> None:
    text = inline_text("wishlist").replace("slug: wishlist", "slug: wishlist-two", 1)
    deployed = chalice_client.http.post(
        "/admin/api/v1/campaigns",
        headers=KEY,
        body=json.dumps({"file": "wishlist-two.yaml", "source": text}),
    )
    assert deployed.status_code == 201, deployed.body
    viewer = session(aws, Role.VIEWER)

    dashboard = get(chalice_client, "/console/c/wishlist-two", viewer)
    versions = get(chalice_client, "/console/c/wishlist-two/versions", viewer)

    assert dashboard.status_code == 409
    assert "not published yet" in dashboard.body.decode()
    assert versions.status_code == 200


def test_the_campaign_list_shows_todays_views_and_answers_beside_the_totals(
    chalice_client: Any, aws: Any
) -> None:
    campaign = aws.campaign(DRESS)
    yesterday = local_day(aws.clock() - timedelta(days=1), campaign.timezone)
    store = aws.adapters.store
    store.count("views", DRESS, "hi", "direct", 5, None, yesterday)
    store.count("responses", DRESS, "hi", "direct", 7, None, yesterday)
    for _ in range(2):
        assert chalice_client.http.get(f"/hi/c/{DRESS}").status_code == 200
    dress_with_a_held_share(chalice_client)  # one answer today
    aws.views.flush()

    page = get(chalice_client, "/console", session(aws, Role.VIEWER)).body.decode()

    row = re.search(rf'<tr>\s*<th scope="row"><a href="{C}">.*?</tr>', page, re.S)
    assert row is not None, page
    cells = [re.sub(r"\s+", " ", c).strip() for c in re.findall(r"<td>(.*?)</td>", row[0], re.S)]
    assert cells[-2:] == ["7<br>today: 2", "8<br>today: 1"]


def _rewrite(aws: Any, job: Any, **changes: Any) -> Any:
    """``job`` as the runner would leave it, with ``changes`` (claimed, then saved)."""
    store = aws.adapters.store
    claimed = store.claim(job, aws.clock() + timedelta(minutes=5), "console-cost-lease")
    assert claimed is not None
    assert store.save_job(replace(claimed, **changes))
    return next(j for j in store.campaign_jobs(DRESS) if j.key == job.key)


def test_the_dashboard_shows_what_the_texts_cost(chalice_client: Any, aws: Any) -> None:
    dress_with_a_held_share(chalice_client)  # a Hindi customer with an Indian number
    jobs = [j for j in aws.adapters.store.campaign_jobs(DRESS) if j.channel == "sms"]
    for other in (j for j in jobs if j.step != "thank_you_sms"):
        _rewrite(aws, other, status="cancelled")
    thanks = next(j for j in jobs if j.step == "thank_you_sms")
    thanks = _rewrite(aws, thanks, status="pending", message="", message_id=None, sent_at=None)
    viewer = session(aws, Role.VIEWER)
    waiting = get(chalice_client, C, viewer).body.decode()
    english = "Thank you! " * 9 + "X"  # 100 GSM-7 characters: one segment, $0.00278 in India
    _rewrite(aws, thanks, status="sent", message=english, message_id="m-1")
    sent = get(chalice_client, C, viewer).body.decode()
    hindi = get(chalice_client, f"{C}?lang=hi", viewer).body.decode()

    # The step's Hindi text is UCS-2 and longer than 70 units: 2 segments × $0.00278
    assert "Estimated cost of the texts waiting</th><td>$0.0056</td>" in waiting
    assert "Estimated cost of the texts sent</th><td>$0.00</td>" in waiting
    assert "Estimated cost of the texts sent</th><td>$0.0028</td>" in sent
    assert "Estimated cost of the texts waiting</th><td>$0.00</td>" in sent
    assert "price per segment in the country of the number" in sent
    assert "भेजे गए संदेशों की अनुमानित लागत</th><td>$0.0028</td>" in hindi


def test_the_dashboard_shows_each_variants_whole_funnel(chalice_client: Any, aws: Any) -> None:
    from tests.integration.test_variants_on_moto import AB_KITCHEN, COOKIE

    aws.admin.deploy(AB_KITCHEN.read_text(encoding="utf-8"), "ab-kitchen.yaml", "test")
    aws.admin.publish("ab-kitchen", 1)
    fields = {"form_token": "console-variant-1", "product": "tawa"}
    form = {**FORM, "Cookie": f"{COOKIE}=festive"}
    sent = chalice_client.http.post("/hi/c/ab-kitchen", headers=form, body=urlencode(fields))
    assert sent.status_code == 303
    aws.adapters.store.count("shares", "ab-kitchen", "hi", "direct", 2, "festive")  # a sharer's
    aws.adapters.store.count("verified", "ab-kitchen", "hi", "share", 1, "festive")

    page = get(chalice_client, "/console/c/ab-kitchen", session(aws, Role.VIEWER)).body.decode()
    by_variant = page[page.index('id="by-variant"') :]
    head = re.search(r"<thead>.*?</thead>", by_variant, re.S).group(0)  # type: ignore[union-attr]
    assert re.findall(r'<th scope="col">([^<]+)</th>', head) == [
        "Variant", "Views", "Answers", "Shares", "Verified friends", "Rewards",
        "Conversion", "z", "p",
    ]  # fmt: skip
    festive = re.search(r'<th scope="row">festive</th>(.*?)</tr>', by_variant, re.S)
    assert festive is not None
    assert re.findall(r"<td>([^<]*)</td>", festive.group(1))[1:5] == ["1", "2", "1", "0"]


NEW_TITLES = {
    "en": ("What should we make for your kitchen next?", "Pick our next kitchen thing!"),
    "hi": ("हम आपकी रसोई के लिए आगे क्या बनाएँ?", "अगली रसोई की चीज़ आप चुनिए!"),
    "ur": ("ہم آپ کے باورچی خانے کے لیے آگے کیا بنائیں؟", "باورچی خانے کی اگلی چیز آپ چنیے!"),
}


def section(page: str, locale: str) -> str:
    """The preview's section of ``locale`` (its opening tag and everything up to its end)."""
    found = re.search(
        rf'<section class="locale-preview" lang="{locale}" dir="(ltr|rtl)".*?</section>', page, re.S
    )
    assert found, f"no section for {locale}"
    return found.group(0)


def test_a_viewer_previews_an_unpublished_version_in_every_language(
    chalice_client: Any, aws: Any
) -> None:
    text = inline_text("wishlist")
    for old, new in NEW_TITLES.values():
        assert old in text
        text = text.replace(old, new)
    deployed = chalice_client.http.post(
        "/admin/api/v1/campaigns",
        headers=KEY,
        body=json.dumps({"file": "wishlist.yaml", "source": text}),
    )
    assert deployed.status_code == 201, deployed.body
    viewer = session(aws, Role.VIEWER)
    w = "/console/c/wishlist"

    versions = get(chalice_client, f"{w}/versions", viewer).body.decode()
    shown = get(chalice_client, f"{w}/versions/2/preview", viewer)
    live = get(chalice_client, f"{w}/versions/1/preview", viewer).body.decode()
    unknown = get(chalice_client, f"{w}/versions/7/preview", viewer)
    garbled = get(chalice_client, f"{w}/versions/x7/preview", viewer)
    no_campaign = get(chalice_client, "/console/c/no-such-campaign/versions/1/preview", viewer)
    stranger = chalice_client.raw.http.get(f"{w}/versions/2/preview")
    page = shown.body.decode()

    assert f'href="{w}/versions/2/preview"' in versions
    assert shown.status_code == 200
    for locale, (old, new) in NEW_TITLES.items():
        mine = section(page, locale)
        assert new in mine
        assert old not in mine
        assert f'dir="{"rtl" if locale == "ur" else "ltr"}"' in mine
        assert f'href="/{locale}/c/wishlist"' not in mine  # not live: no link to the real page
        assert f'href="/{locale}/c/wishlist"' in section(live, locale)
        assert old in section(live, locale)
    assert "<iframe" not in page
    assert "style=" not in page
    assert chalice_client.http.get("/en/c/wishlist").body.decode().count(NEW_TITLES["en"][1]) == 0
    assert unknown.status_code == 409
    assert "Something went wrong" in unknown.body.decode()
    assert garbled.status_code == 409
    assert no_campaign.status_code in (404, 409)
    assert stranger.status_code == 303
    assert "/console/sign-in" in str(stranger.headers["Location"])
