"""Chalice middleware for what API Gateway does to every request."""

from __future__ import annotations

from collections.abc import Callable

from chalice.app import CaseInsensitiveMapping, Request, Response


def any_type_when_unsaid(request: Request, get_response: Callable[[Request], Response]) -> Response:
    """A request without Accept takes any media type (RFC 9110, 12.5.1). Chalice would answer
    it 400 whenever the answer is binary, and with ``*/*`` a binary media type (app.py) every
    answer is: link-preview crawlers that send no Accept would get no image."""
    if request.headers.get("accept") is None:
        request.headers = CaseInsensitiveMapping({**request.headers, "accept": "*/*"})
    return get_response(request)
