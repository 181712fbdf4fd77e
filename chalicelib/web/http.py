"""Framework-free request and response values, so pages can be tested without Chalice."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.cookies import CookieError, SimpleCookie
from urllib.parse import parse_qsl

LOCALE_COOKIE = "samvad_locale"
MAX_BODY_BYTES = 16 * 1024
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; script-src 'self'; "
        "connect-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


class BadRequest(ValueError):
    """The body could not be read (not UTF-8, not a form, not JSON, too large)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def transport_headers(is_local: bool) -> dict[str, str]:
    """HSTS on every deployed answer; the local stack is plain http, where it would stick."""
    if is_local:
        return {}
    return {"Strict-Transport-Security": "max-age=31536000; includeSubDomains"}


def unavailable() -> WebResponse:
    """503: storage is down, or the function is not configured to serve (fail closed)."""
    return WebResponse(
        503,
        "Service unavailable, please try again.",
        {"Content-Type": "text/plain", "Retry-After": "5"},
    )


@dataclass(frozen=True)
class WebRequest:
    headers: Mapping[str, str] = field(default_factory=dict)  # lower-case names
    query: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""
    client: str = ""
    """The client's address as API Gateway saw it (for rate limits; never logged)."""

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def cookie(self, name: str) -> str | None:
        jar: SimpleCookie = SimpleCookie()
        try:
            jar.load(self.header("cookie") or "")
        except CookieError:
            return None
        morsel = jar.get(name)
        return morsel.value if morsel is not None else None

    def text_body(self, limit: int = MAX_BODY_BYTES) -> str:
        if len(self.body) > limit:
            raise BadRequest("too_large")
        try:
            return self.body.decode("utf-8")
        except UnicodeDecodeError:
            raise BadRequest("not_utf8") from None

    def form(self) -> dict[str, str]:
        """The form fields; a field given twice keeps its first value."""
        fields: dict[str, str] = {}
        text = self.text_body()  # outside the try: its BadRequest("too_large") is a ValueError
        try:
            pairs = parse_qsl(text, keep_blank_values=True, errors="strict")
        except (UnicodeDecodeError, ValueError):
            raise BadRequest("not_utf8") from None
        for name, value in pairs:
            fields.setdefault(name, value)
        return fields

    def json(self, limit: int = MAX_BODY_BYTES) -> object:
        try:
            return json.loads(self.text_body(limit))
        except (json.JSONDecodeError, RecursionError):  # RecursionError: nested too deep
            raise BadRequest("not_json") from None


@dataclass(frozen=True)
class WebResponse:
    status: int
    body: str | bytes = ""
    headers: dict[str, str] = field(default_factory=dict)
    cookies: tuple[str, ...] = ()
    """Set-Cookie lines (a response may set several)."""

    @classmethod
    def html(cls, body: str, status: int = 200, **headers: str) -> WebResponse:
        return cls(
            status,
            body,
            {"Content-Type": "text/html; charset=utf-8", **SECURITY_HEADERS, **headers},
        )

    @classmethod
    def json(cls, data: object, status: int = 200) -> WebResponse:
        body = json.dumps(data, ensure_ascii=False)
        return cls(
            status, body, {"Content-Type": "application/json; charset=utf-8", **SECURITY_HEADERS}
        )

    @classmethod
    def redirect(cls, location: str, status: int = 302, **headers: str) -> WebResponse:
        return cls(status, "", {"Location": location, "Cache-Control": "no-store", **headers})
