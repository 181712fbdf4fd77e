"""Accounts through app.py (Chalice's test client, API Gateway's authorizer included) over
moto in-process: the bootstrap key, every admin route against every role, the console's
sign-in, pages, audit log and sign-out."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlencode

import pytest

from chalicelib.accounts.model import Principal
from chalicelib.accounts.roles import Action, Role
from tests.conftest import ADMIN_PASSWORD, BOOTSTRAP_KEY

ADMIN = "/admin/api/v1"
JSON = {"Content-Type": "application/json"}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
PASSWORD = "a long enough password"

# What each admin route does, written out here (not read from the code under test): a new
# route without a row fails the matrix test.
ROUTE_ACTIONS = {
    ("/campaigns", "GET"): Action.READ_CAMPAIGNS,
    ("/campaigns", "POST"): Action.DEPLOY,
    ("/campaigns/{slug}", "GET"): Action.READ_CAMPAIGNS,
    ("/campaigns/{slug}/publish", "POST"): Action.PUBLISH,
    ("/campaigns/{slug}/rollback", "POST"): Action.ROLLBACK,
    ("/campaigns/{slug}/responses", "GET"): Action.READ_ANSWERS,
    ("/campaigns/{slug}/export", "GET"): Action.READ_ANSWERS,
    ("/campaigns/{slug}/stats", "GET"): Action.READ_CAMPAIGNS,
    ("/campaigns/{slug}/moderation", "GET"): Action.READ_ANSWERS,
    ("/campaigns/{slug}/moderation/{share_id}", "POST"): Action.MODERATE,
    ("/campaigns/{slug}/responses/{response_id}/thread", "GET"): Action.READ_ANSWERS,
    ("/campaigns/{slug}/responses/{response_id}/replies", "POST"): Action.REPLY,
    ("/contacts/erase", "POST"): Action.ERASE,
    ("/users", "POST"): Action.MANAGE_USERS,
    ("/users", "GET"): Action.MANAGE_USERS,
    ("/users/{name}/role", "POST"): Action.MANAGE_USERS,
    ("/users/{name}/disable", "POST"): Action.MANAGE_USERS,
    ("/users/{name}/keys", "POST"): Action.MANAGE_USERS,
    ("/audit", "GET"): Action.READ_AUDIT,
}
# Who may, by the issue's words: a viewer cannot publish, an editor cannot erase.
MAY = {
    Role.VIEWER: {Action.READ_CAMPAIGNS},
    Role.EDITOR: {
        Action.READ_CAMPAIGNS,
        Action.READ_ANSWERS,
        Action.DEPLOY,
        Action.MODERATE,
        Action.REPLY,
    },
    Role.PUBLISHER: {
        Action.READ_CAMPAIGNS,
        Action.READ_ANSWERS,
        Action.DEPLOY,
        Action.MODERATE,
        Action.REPLY,
        Action.PUBLISH,
        Action.ROLLBACK,
    },
    Role.ADMIN: set(Action),
}


def call(client: Any, method: str, path: str, key: str, body: object = None) -> Any:
    headers = {**JSON, "Authorization": f"Bearer {key}"}
    data = json.dumps(body) if body is not None else None
    return client.http.request(method, ADMIN + path, headers=headers, body=data)


def admin_routes() -> set[tuple[str, str]]:
    from app import app

    return {
        (path.removeprefix(ADMIN), method)
        for path, methods in app.routes.items()
        if path.startswith(ADMIN) and not path.endswith("openapi.json")
        for method in methods
    }


@pytest.mark.no_admin
def test_the_bootstrap_key_creates_the_first_admin_then_nothing(chalice_client: Any) -> None:
    first = {"name": "asha", "role": "admin", "password": PASSWORD}

    listing = call(chalice_client, "GET", "/campaigns", BOOTSTRAP_KEY)
    editor = call(chalice_client, "POST", "/users", BOOTSTRAP_KEY, {**first, "role": "editor"})
    created = call(chalice_client, "POST", "/users", BOOTSTRAP_KEY, first)
    again = call(chalice_client, "POST", "/users", BOOTSTRAP_KEY, {**first, "name": "ravi"})
    key = json.loads(created.body)["key"]
    with_key = call(chalice_client, "GET", "/campaigns", key)
    audit = json.loads(call(chalice_client, "GET", "/audit", key).body)["entries"]

    assert listing.status_code == 403
    assert editor.status_code == 403
    assert created.status_code == 201, created.body
    assert json.loads(created.body)["role"] == "admin"
    assert again.status_code == 403
    assert with_key.status_code == 200
    assert [(e["who"], e["action"], e["outcome"]) for e in reversed(audit)] == [
        ("bootstrap-key", "user.add", "refused"),
        ("bootstrap-key", "user.add", "ok"),
        ("bootstrap-key", "user.key", "ok"),
        ("bootstrap-key", "user.add", "refused"),
    ]


def test_every_admin_route_refuses_the_roles_that_may_not_use_it(
    chalice_client: Any, aws: Any
) -> None:
    assert admin_routes() == set(ROUTE_ACTIONS)
    admin = Principal("local-admin", Role.ADMIN)
    keys = {}
    for role in Role:
        aws.accounts.add_user(admin, f"a-{role}", role, PASSWORD)
        keys[role] = aws.accounts.issue_key(admin, f"a-{role}")
    # Bodies a route refuses as invalid (400/404/409/422) once the role is let through:
    # nothing is published, erased or disabled.
    params = {"slug": "wishlist", "share_id": "no-such-share", "response_id": "0" * 32}
    params["name"] = "no-such-user"
    refused, allowed = [], []

    for (path, method), action in sorted(ROUTE_ACTIONS.items()):
        concrete = re.sub(r"\{(\w+)\}", lambda m: params[m.group(1)], path)
        for role, key in keys.items():
            answer = call(chalice_client, method, concrete, key, {} if method == "POST" else None)
            outcome = (path, method, role, answer.status_code)
            (allowed if action in MAY[role] else refused).append(outcome)

    assert [o for o in refused if o[3] != 403] == []
    assert [o for o in allowed if o[3] in (401, 403) or o[3] >= 500] == []
    assert len(refused) + len(allowed) == 4 * len(ROUTE_ACTIONS)
    audit = call(chalice_client, "GET", "/audit?limit=100", keys[Role.ADMIN])
    entries = json.loads(audit.body)["entries"]
    assert ("a-viewer", "publish", "refused") in [
        (e["who"], e["action"], e["outcome"]) for e in entries
    ]


def _form_token(page: str) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', page)
    assert found is not None, page
    return found.group(1)


def _cookies(answer: Any) -> list[str]:
    lines = answer.headers.get("Set-Cookie") or []
    return [lines] if isinstance(lines, str) else list(lines)


def _cookie(answer: Any, name: str) -> str:
    [line] = [c for c in _cookies(answer) if c.startswith(f"{name}=")]
    return line


def test_console_sign_in_lists_campaigns_and_sign_out_ends_the_session(
    chalice_client: Any,
) -> None:
    http = chalice_client.raw.http
    unsigned = http.get("/console")
    page = http.get("/console/sign-in", headers={"Accept-Language": "hi-IN,hi;q=0.9"})
    csrf_cookie = _cookie(page, "samvad_csrf").split(";")[0]
    token = _form_token(page.body.decode())
    form = {**FORM, "Cookie": csrf_cookie}

    def sign_in(password: str) -> Any:
        fields = {"csrf": token, "name": "local-admin", "password": password}
        return http.post("/console/sign-in", headers=form, body=urlencode(fields))

    wrong = sign_in("not the password")
    right = sign_in(ADMIN_PASSWORD)
    session = _cookie(right, "samvad_console")
    cookie = f"{csrf_cookie}; {session.split(';')[0]}"
    home = http.get("/console", headers={"Cookie": cookie, "Accept-Language": "hi"})
    audit = http.get("/console/audit", headers={"Cookie": cookie})
    fields = {"csrf": token}
    out = http.post("/console/sign-out", headers={**form, "Cookie": cookie}, body=urlencode(fields))
    after = http.get("/console", headers={"Cookie": cookie})

    assert unsigned.status_code == 303
    assert unsigned.headers["Location"] == "/console/sign-in"
    assert page.status_code == 200
    assert "साइन इन करें" in page.body.decode()  # the console's Hindi catalog
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert wrong.status_code == 401
    assert "samvad_console=" not in " ".join(_cookies(wrong))
    assert right.status_code == 303
    attributes = {a.strip() for a in session.split(";")[1:]}
    assert {"HttpOnly", "Secure", "SameSite=Strict", "Path=/console"} <= attributes
    assert home.status_code == 200, home.body
    shown = home.body.decode()
    assert "wishlist" in shown
    assert "design-your-dress" in shown
    assert "लाइव: संस्करण 1" in shown  # live, in Hindi
    assert home.headers["Cache-Control"] == "no-store"
    assert audit.status_code == 200
    assert re.search(
        r"<td>local-admin</td><td>signin</td><td></td><td>failed</td>", audit.body.decode()
    )
    assert out.status_code == 303
    assert "Max-Age=0" in _cookie(out, "samvad_console")
    assert after.status_code == 303  # the session was ended on the server


def test_console_pages_refuse_a_role_that_may_not_see_them(chalice_client: Any, aws: Any) -> None:
    aws.accounts.add_user(Principal("local-admin", Role.ADMIN), "vina", Role.VIEWER, PASSWORD)
    token = aws.accounts.sign_in("vina", PASSWORD, "203.0.113.9")
    cookie = {"Cookie": f"samvad_console={token}"}

    home = chalice_client.raw.http.get("/console", headers=cookie)
    audit = chalice_client.raw.http.get("/console/audit", headers=cookie)

    assert home.status_code == 200
    assert audit.status_code == 403
    assert "Audit log" not in home.body.decode()  # no link to what the role may not see


def test_samvad_users_adds_lists_changes_keys_and_disables(
    aws: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import io

    from samvad_cli import campaigns, users
    from samvad_cli.main import main

    monkeypatch.setattr(users, "services", lambda: aws)  # the table the fixture made
    monkeypatch.setenv("USER", "operator")
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))

    assert main(["users", "add", "meera", "--role", "editor", "--password-stdin"]) == 0
    assert main(["users", "role", "meera", "publisher"]) == 0
    assert main(["users", "key", "meera"]) == 0
    key = capsys.readouterr().out.rsplit(": ", 1)[1].strip()
    assert aws.accounts.principal_for_key(key) == Principal("meera", Role.PUBLISHER)
    assert main(["users", "list"]) == 0
    listing = capsys.readouterr().out.splitlines()
    assert main(["users", "disable", "meera"]) == 0
    assert main(["users", "role", "nobody", "viewer"]) == 1

    assert listing[0].split() == ["NAME", "ROLE", "STATUS"]
    assert ["meera", "publisher", "active"] in [line.split() for line in listing]
    assert aws.accounts.principal_for_key(key) is None
    assert "there is no user nobody" in capsys.readouterr().err
    # The campaign commands on the table write the audit log as the admin API does.
    monkeypatch.setattr(campaigns, "services", lambda: aws)
    wishlist = "chalicelib/campaigns/definitions/wishlist.yaml"
    assert main(["deploy", wishlist, "--publish"]) == 0
    assert main(["rollback", "wishlist"]) == 0
    entries = [(e.who, e.action) for e in aws.accounts.audit()]
    for action in ("deploy", "publish", "rollback"):
        assert ("cli:operator", action) in entries
    assert ("cli:operator", "user.add") in entries
    assert ("cli:operator", "user.disable") in entries
