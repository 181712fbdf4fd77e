"""Framework-free request and response values, so pages can be tested without Chalice."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from http.cookies import CookieError, SimpleCookie
from typing import Any, Concatenate, Generic, ParamSpec, TypeVar
from urllib.parse import parse_qsl

from chalicelib.errors import Misconfigured, StorageUnavailable

LOCALE_COOKIE = "samvad_locale"
MAX_BODY_BYTES = 16 * 1024
MAX_JSON_DIGITS = 30  # no field of ours needs more; Python refuses int() of 4,300+ digits
MAX_JSON_DEPTH = 32  # our deepest body (a campaign definition) nests about 8 levels
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; script-src 'self'; "
        "connect-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


# API Gateway's stage names and base path mappings: letters, digits and - . _ ~ per segment.
_MOUNT = re.compile(r"(/[A-Za-z0-9._~-]+)*")
_PARAMETER = re.compile(r"\{([A-Za-z0-9_]+)\+?\}")
_EXECUTE_API_HOST = re.compile(r"[a-z0-9]+\.execute-api\.[a-z0-9-]+\.amazonaws\.com(\.cn)?")


def mount_path(context: Mapping[str, object], parameters: Mapping[str, str] | None) -> str:
    """Where API Gateway serves the app: ``/api`` (the stage) on the execute-api host, the base
    path mapping's path (or nothing) on a custom domain; ``""`` at the root.

    ``requestContext.path`` is the path the client asked for; the route's path is its
    ``resourcePath`` with the path parameters filled in. The mount is what the first has
    before the second. (The event's top-level ``path`` cannot tell: on a custom domain it
    keeps the base path, on the execute-api host it drops the stage.) A path that cannot be
    read falls back to the stage on the execute-api host, else the root.
    """
    asked, resource = context.get("path"), context.get("resourcePath")
    if isinstance(asked, str) and isinstance(resource, str):
        route = _PARAMETER.sub(lambda m: (parameters or {}).get(m.group(1), m.group(0)), resource)
        asked, route = asked.rstrip("/"), route.rstrip("/")
        if asked.endswith(route) and _MOUNT.fullmatch(mount := asked[: len(asked) - len(route)]):
            return mount
    stage, domain = context.get("stage"), context.get("domainName")
    on_execute_api = isinstance(domain, str) and _EXECUTE_API_HOST.fullmatch(domain.lower())
    if on_execute_api and isinstance(stage, str) and _MOUNT.fullmatch(f"/{stage}"):
        return f"/{stage}"
    return ""


class BadRequest(ValueError):
    """The body could not be read (not UTF-8, not a form, not JSON, too large)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class Redirect(Exception):
    """The page lives elsewhere (the same page in a locale the campaign offers): the pages'
    error table answers it with the redirect (an answer, not a failure: like werkzeug's)."""

    def __init__(self, location: str, status: int = 302) -> None:
        super().__init__(location)
        self.location = location
        self.status = status


Context = TypeVar("Context")
Params = ParamSpec("Params")


@dataclass(frozen=True)
class ErrorTable(Generic[Context]):
    """One surface's answers to the errors its views raise: exception type → the answer,
    built from the view's context (what the view had found out) and the exception. The row of
    the nearest class in the exception's MRO answers; an error without a row propagates (to
    the outage table at the edge, or as the bug it is)."""

    surface: str
    rows: Mapping[type[BaseException], Callable[[Context, Any], WebResponse]]

    def answer(self, context: Context, error: BaseException) -> WebResponse | None:
        for kind in type(error).__mro__:
            row = self.rows.get(kind)
            if row is not None:
                return row(context, error)
        return None


def answered(
    table: ErrorTable[Context], context: Context, view: Callable[[], WebResponse]
) -> WebResponse:
    """``view()``, with the errors ``table`` has a row for turned into their answer."""
    try:
        return view()
    except Exception as error:
        answer = table.answer(context, error)
        if answer is None:
            raise
        return answer


def errors_answered(
    table: ErrorTable[Context], context_of: Callable[Params, Context]
) -> Callable[[Callable[Concatenate[Context, Params], WebResponse]], Callable[Params, WebResponse]]:
    """The one wrapper that applies a surface's error table to a view: the view is called
    with a fresh context (``context_of`` its arguments) first, which it fills in as it finds
    things out; what it raises is answered by ``table`` from that context."""

    def wrap(
        view: Callable[Concatenate[Context, Params], WebResponse],
    ) -> Callable[Params, WebResponse]:
        @functools.wraps(view)
        def wrapped(*args: Params.args, **kwargs: Params.kwargs) -> WebResponse:
            context = context_of(*args, **kwargs)
            return answered(table, context, lambda: view(context, *args, **kwargs))

        return wrapped

    return wrap


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


def _storage_down(_: object, error: StorageUnavailable) -> WebResponse:
    from chalicelib.logs import get_logger

    get_logger().error("storage unavailable", extra={"error": type(error.__cause__).__name__})
    return unavailable()


OUTAGE: ErrorTable[None] = ErrorTable(
    "every surface (at the edge, app.py)",
    {
        StorageUnavailable: _storage_down,
        Misconfigured: lambda _, error: unavailable(),  # logged once where it was found
    },
)
"""The only 5xx: a real outage. Applied around every route, outside its surface's table."""


@dataclass(frozen=True)
class WebRequest:
    headers: Mapping[str, str] = field(default_factory=dict)  # lower-case names
    query: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""
    client: str = ""
    """The client's address as API Gateway saw it (for rate limits; never logged)."""
    base: str = ""
    """Where the app is mounted (``/api`` under a stage, ``""`` at a domain's root): pages link
    to ``base + path`` (``url()`` in templates), redirects are mounted by ``mounted``."""

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
        """The body as JSON, with numbers and nesting bounded (``BadRequest`` otherwise).

        >>> WebRequest(body=b'{"a": [1, 2.5]}').json()
        {'a': [1, 2.5]}
        >>> WebRequest(body=b"1" * 5000).json()
        Traceback (most recent call last):
        chalicelib.web.http.BadRequest: number_too_long
        >>> WebRequest(body=b"[" * 40 + b"]" * 40).json()
        Traceback (most recent call last):
        chalicelib.web.http.BadRequest: too_deep
        """
        text = self.text_body(limit)
        try:
            parsed = json.loads(
                text, parse_int=_bounded_int, parse_float=_bounded_float, parse_constant=_refused
            )
        except (json.JSONDecodeError, RecursionError):  # RecursionError: nested too deep
            raise BadRequest("not_json") from None
        if _depth(parsed) > MAX_JSON_DEPTH:
            raise BadRequest("too_deep")
        return parsed


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_JSON_DIGITS:
        raise BadRequest("number_too_long")
    return int(text)


def _bounded_float(text: str) -> float:
    if len(text) > 2 * MAX_JSON_DIGITS:
        raise BadRequest("number_too_long")
    return float(text)


def _refused(text: str) -> object:
    """``NaN`` and ``Infinity`` are not JSON (RFC 8259), though Python's parser takes them."""
    raise BadRequest("not_json")


def _depth(value: object) -> int:
    """How deeply lists and objects nest in ``value``, without recursion."""
    deepest, pending = 0, [(value, 1)]
    while pending:
        item, level = pending.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            if level <= MAX_JSON_DEPTH:
                children = item.values() if isinstance(item, dict) else item
                pending.extend((child, level + 1) for child in children)
    return deepest


@dataclass(frozen=True)
class WebResponse:
    status: int
    body: str | bytes = ""
    headers: dict[str, str] = field(default_factory=dict)
    cookies: tuple[str, ...] = ()
    """Set-Cookie lines (a response may set several)."""

    def mounted(self, base: str) -> WebResponse:
        """The same answer for an app mounted at ``base``: views redirect to app paths."""
        location = self.headers.get("Location", "")
        if not base or not location.startswith("/") or location.startswith("//"):
            return self
        return replace(self, headers={**self.headers, "Location": base + location})

    def encoded(self) -> bytes:
        """The body as bytes: with every media type binary, Chalice base64-encodes every body
        and takes only bytes (API Gateway decodes it again for the client)."""
        return self.body.encode("utf-8") if isinstance(self.body, str) else self.body

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
