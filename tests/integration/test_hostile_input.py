"""Hostile request bodies against the form and the JSON API (Chalice's test client over moto):
never a 5xx, a 2xx/3xx only for a valid answer, and an answer already stored stays as it was.

Bodies come from hypothesis (bounded and derandomized): arbitrary bytes and invalid UTF-8,
odd or missing content types, bodies over the 16 KiB limit, Devanagari with combining marks,
joiners, bidi overrides and control characters.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlencode

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from chalicelib.errors import InvalidResponse
from chalicelib.responses.model import Response, response_id
from chalicelib.responses.validation import validate_answer
from chalicelib.web.csrf import token_for
from chalicelib.web.http import MAX_BODY_BYTES
from chalicelib.web.pages import TOKEN_PATTERN

KNOWN_TOKEN = "known-good-0001"
KNOWN_ANSWER = {
    "form_token": KNOWN_TOKEN,
    "product": "tawa",
    "reason": "रोटी के लिए लोहे का तवा सबसे अच्छा है",
    "phone": "98765 43210",
    "consent": "yes",
}
FORM_TYPE = "application/x-www-form-urlencoded"
HOSTILE = settings(
    max_examples=60,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# --- strategies ---------------------------------------------------------------------------

NASTY_CHARS = [
    "\u0915",  # क
    "\u094d",  # virama
    "\u093c",  # nukta
    "\u0901",  # candrabindu (Mn)
    "\u093e",  # vowel sign aa (Mc)
    "\u200d",  # ZWJ
    "\u200c",  # ZWNJ
    "\u202e",  # right-to-left override
    "\u2066",  # left-to-right isolate
    "\u2069",  # pop directional isolate
    "\u200b",
    "\ufeff",
    "\x00",
    "\x1b",
    "\x7f",
    "\x85",
    "\u2028",
    "\r",
    "\n",
    "\t",
    "\U0001f525",
    "<",
    "&",
    "%",
    "=",
]
TEXT = st.text(
    st.one_of(
        st.characters(exclude_categories=["Cs"]),
        st.characters(min_codepoint=0x0900, max_codepoint=0x097F),
        st.sampled_from(NASTY_CHARS),
    ),
    max_size=60,
)
TOKENS = st.one_of(
    st.sampled_from([KNOWN_TOKEN, "hostile-token-01", "hostile-token-02", "short", ""]),
    st.from_regex(r"\A[A-Za-z0-9_.:-]{8,20}\Z"),
    TEXT,
)
FIELD_VALUE = st.one_of(
    TEXT,
    st.sampled_from(["tawa", "air-fryer", "9876543210", "+919876543210", "yes", "on", ""]),
)
FIELDS = st.fixed_dictionaries(
    {"form_token": TOKENS},
    optional={
        "product": FIELD_VALUE,
        "reason": FIELD_VALUE,
        "phone": FIELD_VALUE,
        "consent": FIELD_VALUE,
        "src": TEXT,
        "ref": TEXT,
        "action": st.sampled_from(["send", "preview", ""]),
    },
)
ODD_TYPES = [
    "text/plain",
    "multipart/form-data; boundary=xyz",
    "application/xml",
    "",
    None,
]
FORM_TYPES = st.one_of(
    st.just(FORM_TYPE),  # one_of picks each branch about as often: mostly the right type
    st.just(FORM_TYPE),
    st.sampled_from([f"{FORM_TYPE}; charset=utf-8", f"{FORM_TYPE}; charset=latin-1"]),
    st.sampled_from(["application/json", *ODD_TYPES]),
)
API_TYPES = st.one_of(
    st.just("application/json"),
    st.just("application/json"),
    st.sampled_from(["application/json; charset=utf-8", "APPLICATION/JSON"]),
    st.sampled_from([FORM_TYPE, *ODD_TYPES]),
)
# Text a customer may really type: Devanagari with marks and joiners, Urdu, spaces, newlines.
SCRIPT_TEXT = st.text(
    st.one_of(
        st.characters(min_codepoint=0x0900, max_codepoint=0x097F),
        st.characters(min_codepoint=0x0600, max_codepoint=0x06FF, categories=["Lo", "Mn"]),
        st.sampled_from(["\u200d", "\u200c", " ", "\n", "\r", "\u200e"]),
    ),
    max_size=60,
)
NEAR_VALID = st.fixed_dictionaries(
    {
        "form_token": TOKENS,
        "product": st.sampled_from(["tawa", "air-fryer", "pressure-cooker", "mixer-grinder"]),
        "reason": st.one_of(TEXT, SCRIPT_TEXT),
    },
    optional={
        "phone": st.sampled_from(["9876543210", "+91 98765 43210", "12345", "\u0969\u0968"]),
        "consent": st.sampled_from(["yes", "on", ""]),
        "src": TEXT,
    },
)


class Body:
    """A request body whose repr stays short when hypothesis reports an example."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def __repr__(self) -> str:
        head = self.data[:120]
        more = f" + {len(self.data) - 120} more bytes" if len(self.data) > 120 else ""
        return f"Body({head!r}{more})"


def urlencoded(fields: dict[str, str]) -> bytes:
    return urlencode(fields).encode("ascii")


@st.composite
def form_bodies(draw: st.DrawFn) -> Body:
    return Body(draw(_form_bytes()))


@st.composite
def _form_bytes(draw: st.DrawFn) -> bytes:
    kinds = ["near-valid"] * 4 + ["fields", "bytes", "bad-escape", "huge", "multipart"]
    kind = draw(st.sampled_from(kinds))
    if kind == "near-valid":  # a real answer with hostile text in it
        return urlencoded(draw(NEAR_VALID))
    if kind == "fields":
        return urlencoded(draw(FIELDS))
    if kind == "bytes":
        return draw(st.binary(max_size=200))
    if kind == "bad-escape":  # percent-escapes of bytes that are not UTF-8
        fields = draw(FIELDS)
        return urlencoded(fields) + b"&reason=" + draw(st.sampled_from([b"%FF", b"%C3%28", b"%E0"]))
    if kind == "huge":
        filler = "\u0915\u094d\u200d\u0937" * (MAX_BODY_BYTES // 30 + draw(st.integers(1, 50)))
        return urlencoded({"form_token": "hostile-huge-01", "product": "tawa", "reason": filler})
    text = draw(TEXT)
    return (
        b'--xyz\r\nContent-Disposition: form-data; name="reason"\r\n\r\n'
        + text.encode("utf-8")
        + b"\r\n--xyz--\r\n"
    )


JSON_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), TEXT)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=8,
)
ANSWERS = st.dictionaries(
    st.one_of(st.sampled_from(["product", "reason", "phone", "consent", "x"]), TEXT),
    st.one_of(FIELD_VALUE, JSON_VALUES),
    max_size=4,
)
API_OBJECTS = st.fixed_dictionaries(
    {},
    optional={
        "locale": st.one_of(st.sampled_from(["hi", "ur", "en", "fr", "hi-IN", ""]), JSON_VALUES),
        "answers": st.one_of(ANSWERS, JSON_VALUES),
        "phone": st.one_of(FIELD_VALUE, JSON_VALUES),
        "consent": st.one_of(st.booleans(), JSON_VALUES),
    },
)


@st.composite
def api_bodies(draw: st.DrawFn) -> Body:
    return Body(draw(_api_bytes()))


@st.composite
def _api_bytes(draw: st.DrawFn) -> bytes:
    kinds = ["near-valid"] * 4 + ["object", "any-json", "bytes", "deep", "huge", "nan"]
    kind = draw(st.sampled_from(kinds))
    if kind == "near-valid":
        fields = draw(NEAR_VALID)
        token = fields.pop("form_token")
        obj: dict[str, Any] = {"locale": token[:5], "answers": fields}
        if "phone" in fields:
            obj["phone"], obj["consent"] = fields.pop("phone"), fields.pop("consent", "") != ""
        return json.dumps(obj, ensure_ascii=draw(st.booleans())).encode("utf-8")
    if kind == "object":
        return json.dumps(draw(API_OBJECTS), ensure_ascii=draw(st.booleans())).encode("utf-8")
    if kind == "any-json":
        return json.dumps(draw(JSON_VALUES)).encode("utf-8")
    if kind == "bytes":
        return draw(st.binary(max_size=200))
    if kind == "deep":  # nesting deeper than the JSON parser's recursion allows
        depth = draw(st.integers(1000, 5000))
        return b'{"answers": ' + b"[" * depth + b"]" * depth + b"}"
    if kind == "huge":
        reason = "\u0930\u094b\u091f\u0940 " * (MAX_BODY_BYTES // 12 + draw(st.integers(1, 50)))
        return json.dumps({"answers": {"product": "tawa", "reason": reason}}).encode("utf-8")
    return draw(st.sampled_from([b'{"consent": NaN}', b'{"phone": Infinity}', b"[1e999999]"]))


IDEMPOTENCY_KEYS = st.one_of(
    st.none(),
    st.sampled_from([KNOWN_TOKEN, "hostile-key-0001", "short", "", "bad key with spaces"]),
    st.from_regex(r"\A[A-Za-z0-9_.:-]{8,20}\Z"),
    st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=40),
)

# --- helpers ------------------------------------------------------------------------------

CSRF_COOKIE = "hostile0123456789abcdef0123456789"
CSRF_MODES = st.sampled_from(["valid"] * 5 + ["missing", "wrong", "no-cookie"])


def post(client: Any, path: str, body: bytes, headers: dict[str, str]) -> Any:
    """POST exactly these bytes (Chalice's own client, not the browser-like wrapper)."""
    raw = getattr(client, "raw", client)
    return raw.http.post(path, headers=headers, body=body)


def with_csrf(aws: Any, body: bytes, headers: dict[str, str], mode: str) -> bytes:
    """The browser's CSRF cookie and form field, as a page view would have given them."""
    if mode != "no-cookie":
        headers["Cookie"] = f"samvad_csrf={CSRF_COOKIE}"
    if mode == "missing":
        return body
    token = "0" * 32 if mode == "wrong" else token_for(CSRF_COOKIE, aws.keys().link)
    return body + (b"&" if body else b"") + f"csrf={token}".encode()


@pytest.fixture
def known_good(chalice_client: Any, aws: Any) -> Iterator[Response]:
    """One good answer, stored before any hostile request; checked unchanged afterwards."""
    headers = {"Content-Type": FORM_TYPE}
    body = with_csrf(aws, urlencoded(KNOWN_ANSWER), headers, "valid")
    answer = post(chalice_client, "/hi/c/wishlist", body, headers)
    assert answer.status_code == 303
    stored = aws.adapters.store.get_response(response_id("wishlist", KNOWN_TOKEN))
    assert stored is not None
    assert stored.answers == {"product": "tawa", "reason": KNOWN_ANSWER["reason"]}
    yield stored
    assert aws.adapters.store.get_response(response_id("wishlist", KNOWN_TOKEN)) == stored


def headers_for(content_type: str | None, **extra: str) -> dict[str, str]:
    headers = dict(extra)
    if content_type is not None:
        headers["Content-Type"] = content_type
    return headers


def form_fields(body: bytes) -> dict[str, str] | None:
    """The fields of a form body, as the form route must read them; None if unreadable."""
    if len(body) > MAX_BODY_BYTES:
        return None
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, errors="strict")
    except (UnicodeDecodeError, ValueError):
        return None
    fields: dict[str, str] = {}
    for name, value in pairs:
        fields.setdefault(name, value)
    return fields


def form_is_valid(campaign: Any, fields: dict[str, str] | None, csrf_ok: bool) -> bool:
    """What the form route must accept: a readable form with its CSRF token that validates."""
    if fields is None or not csrf_ok:
        return False
    try:
        validate_answer(campaign, fields)
    except InvalidResponse:
        return False
    return True


def api_is_valid(campaign: Any, body: bytes, key: str | None) -> bool:
    """What the JSON API must accept: an object with string answers that validates."""
    if len(body) > MAX_BODY_BYTES or (key is not None and not TOKEN_PATTERN.match(key)):
        return False
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return False
    if not isinstance(data, dict):
        return False
    answers = data.get("answers", {})
    phone = data.get("phone") or ""
    consent = data.get("consent", False)
    if not isinstance(answers, dict) or not all(isinstance(v, str) for v in answers.values()):
        return False
    if not isinstance(phone, str) or not isinstance(consent, bool):
        return False
    fields = {**answers, "phone": phone, "consent": "yes" if consent else ""}
    try:
        validate_answer(campaign, fields)
    except InvalidResponse:
        return False
    return True


def base_type(content_type: str | None) -> str:
    return (content_type or "").split(";")[0].strip().lower()


# --- tests --------------------------------------------------------------------------------


@HOSTILE
@given(body=form_bodies(), content_type=FORM_TYPES, csrf=CSRF_MODES)
@example(Body(urlencoded(KNOWN_ANSWER)), FORM_TYPE, "valid")  # a retry: the same answer
@example(Body(urlencoded({**KNOWN_ANSWER, "reason": "\u202eबदला"})), FORM_TYPE, "valid")
@example(Body(urlencoded({**KNOWN_ANSWER, "product": "air-fryer"})), FORM_TYPE, "valid")
@example(Body(urlencoded({**KNOWN_ANSWER, "product": "air-fryer"})), FORM_TYPE, "missing")
@example(Body(b"form_token=known-good-0001&product=tawa&reason=%FF"), FORM_TYPE, "valid")
@example(Body(b"\xff\xfe\x00<xml/>"), "application/xml", "valid")
@example(Body(b"product=tawa&reason=" + b"a" * MAX_BODY_BYTES), FORM_TYPE, "valid")
def test_form_post_survives_hostile_bodies(
    chalice_client: Any,
    aws: Any,
    known_good: Response,
    body: Body,
    content_type: str | None,
    csrf: str,
) -> None:
    headers = headers_for(content_type)
    data = with_csrf(aws, body.data, headers, csrf)

    answer = post(chalice_client, "/hi/c/wishlist", data, headers)

    status = answer.status_code
    event(f"status {status}")
    assert status < 500, answer.body[:500]
    is_form = base_type(content_type) == FORM_TYPE
    fields = form_fields(data) if is_form else None
    expected_csrf = token_for(CSRF_COOKIE, aws.keys().link)
    csrf_ok = csrf == "valid" and fields is not None and fields.get("csrf") == expected_csrf
    valid = form_is_valid(aws.campaign("wishlist"), fields, csrf_ok)
    if status < 400:
        assert valid, (status, body)
        assert status == 303
    elif valid:
        assert status == 409  # only a token already used for another answer
    if is_form and len(data) > MAX_BODY_BYTES:
        assert status == 413
    if is_form and status in {400, 403, 413, 422}:
        assert answer.headers["Content-Type"].startswith("text/html")
        assert b"<script" not in answer.body.lower()


@HOSTILE
@given(body=api_bodies(), content_type=API_TYPES, key=IDEMPOTENCY_KEYS)
@example(  # the form's token as an API key: the same response id, another answer
    Body(json.dumps({"locale": "hi", "answers": {"product": "tawa"}}).encode()),
    "application/json",
    KNOWN_TOKEN,
)
@example(Body(b'{"answers": ' + b"[" * 3000 + b"]" * 3000 + b"}"), "application/json", None)
@example(Body(b'{"answers": {"reason": "\xff"}}'), "application/json", None)
@example(Body(b""), "application/json", None)
@example(
    Body(json.dumps({"answers": {"product": "tawa", "reason": "क्\u200dष\u202e"}}).encode()),
    "application/json; charset=utf-8",
    "hostile-key-0002",
)
def test_json_api_survives_hostile_bodies(
    chalice_client: Any,
    aws: Any,
    known_good: Response,
    body: Body,
    content_type: str | None,
    key: str | None,
) -> None:
    headers = headers_for(content_type, **({"Idempotency-Key": key} if key is not None else {}))

    answer = post(chalice_client, "/api/v1/campaigns/wishlist/responses", body.data, headers)

    status = answer.status_code
    event(f"status {status}")
    assert status < 500, answer.body[:500]
    # Chalice takes a request without Content-Type for JSON (its default).
    is_json = content_type is None or base_type(content_type) == "application/json"
    valid = is_json and api_is_valid(aws.campaign("wishlist"), body.data, key)
    if status < 400:
        assert valid, (status, body)
        assert status in {200, 201}
    elif valid:
        assert status == 409  # only a key already used for another answer
    if is_json and len(body.data) > MAX_BODY_BYTES:
        assert status == 413
    if is_json and status != 415:
        assert answer.headers["Content-Type"].startswith("application/json")
        json.loads(answer.body)


def test_the_known_token_percent_encoded_is_the_same_token(
    chalice_client: Any, aws: Any, known_good: Response
) -> None:
    """The same answer with every byte of the token percent-encoded is a retry, not a new one."""
    fields = {k: v for k, v in KNOWN_ANSWER.items() if k != "form_token"}
    token = "".join(f"%{byte:02X}" for byte in KNOWN_TOKEN.encode())
    headers = {"Content-Type": FORM_TYPE}
    data = with_csrf(aws, f"form_token={token}&".encode() + urlencoded(fields), headers, "valid")

    answer = post(chalice_client, "/hi/c/wishlist", data, headers)

    assert answer.status_code == 303
