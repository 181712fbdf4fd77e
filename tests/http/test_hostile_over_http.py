"""Hostile input over HTTP against the real local stack (a server and moto's server on
127.0.0.1): the attack classes of issue 14 and more, each request counted, never a 5xx.

Bounded: a few hundred requests, well under a minute. Prints how many requests went out and
their answers by status class (``pytest -s`` shows it)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests

from tests.conftest import ADMIN_KEY, CSRF_COOKIE_VALUE, RunningStack, csrf_token
from tests.samples import inline_text

pytestmark = pytest.mark.http
ADMIN = "/admin/api/v1"
KEY = {"Authorization": f"Bearer {ADMIN_KEY}"}
JSON = {"Content-Type": "application/json"}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
WISHLIST = "chalicelib/campaigns/definitions/wishlist.yaml"
DRESS = "chalicelib/campaigns/definitions/design-your-dress.yaml"
HUGE = "9" * 5000
DEEP = "[" * 5000 + "]" * 5000


@dataclass
class Tally:
    """Sends requests to the stack and keeps what came back."""

    stack: RunningStack
    session: requests.Session = field(default_factory=requests.Session)
    statuses: Counter[str] = field(default_factory=Counter)
    server_errors: list[str] = field(default_factory=list)

    def send(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        assert self.stack.base_url.startswith("http://127.0.0.1:")
        kwargs.setdefault("allow_redirects", False)
        kwargs.setdefault("timeout", 15)
        answer = self.session.request(method, self.stack.base_url + path, **kwargs)
        self.statuses[f"{answer.status_code // 100}xx"] += 1
        if answer.status_code >= 500:
            self.server_errors.append(f"{answer.status_code} {method} {path[:120]}")
        return answer

    @property
    def total(self) -> int:
        return sum(self.statuses.values())


@pytest.fixture(scope="module")
def tally(stack: RunningStack) -> Iterator[Tally]:
    tally = Tally(stack)
    yield tally
    print(f"\nhostile requests: {tally.total}, by status: {dict(sorted(tally.statuses.items()))}")


def json_bodies() -> list[bytes]:
    return [
        b'{"locale": "hi", "answers": {"product": ' + HUGE.encode() + b"}}",
        b'{"locale": "hi", "answers": {"product": -' + HUGE.encode() + b"}}",
        b'{"locale": "hi", "answers": {"product": 1e999999}}',
        b'{"locale": "hi", "answers": ' + DEEP.encode() + b"}",
        b'{"a": ' + b'{"a": ' * 3000 + b"1" + b"}" * 3001,
        DEEP.encode(),
        b"NaN",
        b'{"locale": Infinity}',
        b'{"locale": "hi", "answers": {}, "phone": ' + HUGE.encode() + b"}",
        b'{"locale": ["hi"], "answers": "tawa", "phone": {}, "consent": "yes"}',
        b'{"locale": "\\ud800", "answers": {"\\udfff": "\\u0000"}}',
        b"\xff\xfe{}",
        b"",
        b"null",
        b"[]",
        b'"x"',
        b'{"locale": "hi"' + b", " + b'"k": 1' * 4000 + b"}",
    ]


def test_customer_api_bodies_numbers_nesting_and_keys(tally: Tally) -> None:
    path = "/api/v1/campaigns/wishlist/responses"
    for body in json_bodies():
        assert tally.send("POST", path, data=body, headers=JSON).status_code in (400, 413, 422)
    good = {"locale": "hi", "answers": {"product": "tawa"}}
    for key in ["", "short", "x" * 129, "a b c d e f", "../../etc", "\u0915" * 10, "%00" * 4]:
        headers = {"Idempotency-Key": key.encode("utf-8")}
        answer = tally.send("POST", path, json=good, headers=headers)
        assert answer.status_code in (400, 422), key
    for content_type in ["text/plain", "application/xml", "multipart/form-data", "x/y; q=1"]:
        answer = tally.send("POST", path, data=b"{}", headers={"Content-Type": content_type})
        assert 400 <= answer.status_code < 500
    nasty = [
        "\x00",
        "\u202e" * 50,
        "\ud800",
        "\u0915\u094d" * 300,
        "<script>",
        "{x.__class__}",
        "+882" + "9" * 10,
        "+44 7700 900123",
        "1" * 40,
        "",
        " ",
        "+91 11 2345 6789",
        "1800 123 4567",
    ]
    for value in nasty:
        for name in ("product", "reason", "phone", "locale"):
            body: dict[str, Any] = {"locale": "hi", "answers": {"product": "tawa"}, "consent": True}
            if name in ("product", "reason"):
                body["answers"][name] = value
            else:
                body[name] = value
            data = json.dumps(body).encode()
            answer = tally.send("POST", path, data=data, headers=JSON)
            assert answer.status_code in (200, 201, 400, 422), (name, value)
    big = b'{"locale": "hi", "x": "' + b"a" * 200_000 + b'"}'
    assert tally.send("POST", path, data=big, headers=JSON).status_code in (400, 413)
    for slug in ["nope", "..%2F..%2Fetc", "%00", "a" * 300, "wishlist%20", "%E0%A4"]:
        answer = tally.send("POST", f"/api/v1/campaigns/{slug}/responses", json=good)
        assert 400 <= answer.status_code < 500


def test_admin_api_bodies_cursors_and_routes(tally: Tally) -> None:
    for body in json_bodies():
        for path in [
            f"{ADMIN}/campaigns",
            f"{ADMIN}/campaigns/wishlist/publish",
            f"{ADMIN}/campaigns/wishlist/rollback",
            f"{ADMIN}/contacts/erase",
            f"{ADMIN}/campaigns/design-your-dress/moderation/{'0' * 32}",
        ]:
            answer = tally.send("POST", path, data=body, headers={**KEY, **JSON})
            assert 400 <= answer.status_code < 500, (path, body[:40])
    cursors = ["garbage", "", "%00", "eyJwayI6IDF9", "x" * 5000, "e30=", "W10=", "bnVsbA=="]
    for cursor in cursors:
        for what in ["responses", "export"]:
            answer = tally.send(
                "GET", f"{ADMIN}/campaigns/wishlist/{what}", params={"cursor": cursor}, headers=KEY
            )
            assert answer.status_code in (200, 400), (what, cursor)
    for limit in ["-1", "0", HUGE, "1e9", "abc"]:
        answer = tally.send(
            "GET", f"{ADMIN}/campaigns/wishlist/responses", params={"limit": limit}, headers=KEY
        )
        assert answer.status_code in (200, 400), limit
    for slug in ["nope", "..", "%2e%2e", "a" * 300]:
        assert 400 <= tally.send("GET", f"{ADMIN}/campaigns/{slug}", headers=KEY).status_code < 500
    for auth in ["Bearer", "Bearer " + "x" * 10000, "Basic Og==", "\u0915"]:
        header = {"Authorization": auth.encode("utf-8").decode("latin-1")}
        assert tally.send("GET", f"{ADMIN}/campaigns", headers=header).status_code in (401, 403)


def deploy(tally: Tally, source: str, file: str = "wishlist.yaml") -> requests.Response:
    return tally.send(
        "POST", f"{ADMIN}/campaigns", json={"file": file, "source": source}, headers=KEY
    )


def test_admin_deploy_refuses_yaml_bombs_and_unsafe_placeholders(tally: Tally) -> None:
    bomb = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 9):
        bomb.append(
            f"{chr(97 + level)}: &{chr(97 + level)} [{', '.join(['*' + chr(96 + level)] * 10)}]"
        )
    hostile_yaml = [
        "\n".join(bomb),
        "a: &a [*a]",
        "a: &a {b: *a}",
        "- &x [*x, *x]",
        "!!python/object/apply:os.system ['true']",
        "a: !!binary AAAA",
        "[" * 2000 + "]" * 2000,
        "{" * 2000 + "}" * 2000,
        "a: " + HUGE,
        "a: 'x" + "\\" * 10,
        "\t\x00\x1b",
        "x" * 300_000,
    ]
    for source in hostile_yaml:
        answer = deploy(tally, source)
        assert 400 <= answer.status_code < 500, source[:40]
    dress = inline_text("design-your-dress")
    for placeholder in [
        "{x.__class__}",
        "{name:>3000000}",
        "{link.__class__.__mro__}",
        "{0}",
        "{unknown}",
        "{name!r}",
        "{brand[0]}",
        "{",
        "}{",
    ]:
        shared = dress.replace(
            "Design yours here: {link}", f"Design yours here: {{link}} {placeholder}"
        )
        replied = dress.replace(
            '"{brand}: {text} Reply', f'"{{brand}}: {{text}} {placeholder} Reply'
        )
        for source in (shared, replied):
            assert source != dress
            answer = deploy(tally, source, "design-your-dress.yaml")
            assert answer.status_code == 422, (placeholder, answer.text[:200])


def form(tally: Tally, path: str, body: bytes | str, **headers: str) -> requests.Response:
    """A form POST with the browser's CSRF cookie and token (the attacker is a customer)."""
    data = body.encode() if isinstance(body, str) else body
    data = data + b"&csrf=" + csrf_token().encode()
    cookies = {"samvad_csrf": CSRF_COOKIE_VALUE}
    return tally.send("POST", path, data=data, headers={**FORM, **headers}, cookies=cookies)


def test_forms_designer_names_and_percent_encodings(tally: Tally) -> None:
    dress = "/hi/c/design-your-dress"
    names = ["   ", "\t\n\r", "\x00\x01\x1b", "\u200b\u200d\ufeff", "\u202e", " \x7f ", "%00"]
    for n, name in enumerate(names):
        for action in ("preview", "send"):
            body = (
                f"colour=indigo&print=dots&size=l&action={action}&name={requests.utils.quote(name)}"
            )
            answer = form(tally, dress, body + f"&form_token=hostile-name-{action}-{n:04d}")
            assert answer.status_code in (200, 303, 422), (name, action)
    malformed = [
        "%",
        "%%",
        "%zz",
        "%E0%A4",
        "%ff%fe",
        "a=%",
        "=&=&=",
        "&&&&",
        "a" * 20_000,
        "phone=" + HUGE,
        "consent=yes&consent=no&consent=",
        "product[]=tawa&product[x]=1",
        "form_token=" + "%00" * 64,
        "colour=" + "%C0%AF" * 100,
        "\x00=\x00",
    ]
    for body in malformed:
        for path in [dress, "/hi/c/wishlist", f"/hi/d/{'0' * 32}/share"]:
            answer = form(tally, path, body)
            assert 200 <= answer.status_code < 500, (path, body[:40])
    for content_type in ["text/plain", "application/json", "multipart/form-data; boundary=x"]:
        answer = tally.send(
            "POST", "/hi/c/wishlist", data=b"a=b", headers={"Content-Type": content_type}
        )
        assert 400 <= answer.status_code < 500


def test_paths_locales_slugs_and_static_files(tally: Tally) -> None:
    for name in [
        "..%2F..%2Fetc%2Fpasswd",
        "%2e%2e%2fapp.py",
        "....//app.py",
        "%00",
        "%2e%2e",
        "designer.js%00.png",
        "a" * 500,
        "%E0%A4",
        "designer.js/..",
        "\u0915.js",
    ]:
        answer = tally.send("GET", f"/static/{name}")
        assert answer.status_code in (400, 403, 404), name  # 403: no such route
        assert b"import" not in answer.content
        assert b"root:" not in answer.content
    for locale in ["xx", "%2e%2e", "%00", "hi-IN-x-" + "a" * 200, "en_US", "\u0939\u093f", "HI"]:
        for path in [f"/{locale}/c/wishlist", f"/{locale}/s/{'0' * 32}", f"/{locale}/c/nope"]:
            assert tally.send("GET", path).status_code < 500
    for slug in ["nope", "%2e%2e", "a" * 400, "wishlist%0d%0aSet-Cookie:x=1", "%ff"]:
        for path in [f"/c/{slug}", f"/hi/c/{slug}", f"/hi/c/{slug}/thanks?d=x"]:
            answer = tally.send("GET", path)
            assert answer.status_code < 500
            assert "x=1" not in answer.headers.get("Set-Cookie", "")
    for share in ["x", "0" * 32, "%00", "a" * 300]:
        for suffix in ["", "/design.svg", "/design.png"]:
            assert tally.send("GET", f"/hi/s/{share}{suffix}").status_code in (400, 404)
    for token in ["x", "a.b.c", "%00", "a" * 5000]:
        assert tally.send("GET", f"/u/{token}").status_code in (400, 404)
        assert form(tally, f"/u/{token}", "unsubscribe=yes").status_code in (400, 403, 404)


def test_malformed_inbound_sms_on_the_local_endpoint(tally: Tally) -> None:
    bodies: list[bytes] = [
        b"",
        b"not json",
        b"[]",
        b"null",
        b'{"Type": "Notification"}',
        json.dumps({"Type": "Notification", "Message": None}).encode(),
        json.dumps({"Type": "Notification", "Message": "not json"}).encode(),
        json.dumps({"Type": "Notification", "Message": "[1]"}).encode(),
        json.dumps({"Type": "Notification", "Message": '{"originationNumber": 1}'}).encode(),
        json.dumps({"Type": "Notification", "Message": '{"n": ' + HUGE + "}"}).encode(),
        b'{"Type": "Notification", "Message": ' + DEEP.encode() + b"}",
        b'{"Type": "Notification", "n": ' + HUGE.encode() + b"}",
    ]
    for body in bodies:
        answer = tally.send("POST", "/_local/sns/inbound", data=body, headers=JSON)
        assert answer.status_code == 400, body[:60]


def test_no_hostile_request_got_a_server_error(tally: Tally) -> None:
    """Last in this module: the count over every request above."""
    assert tally.total >= 300
    assert tally.server_errors == []
