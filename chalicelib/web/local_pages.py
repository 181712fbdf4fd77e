"""Pages of the local stage only: they show what a developer's local stack did."""

from __future__ import annotations

from chalicelib.bootstrap import Services
from chalicelib.web.http import WebRequest, WebResponse
from chalicelib.web.rendering import render


def outbox_page(services: Services, request: WebRequest) -> WebResponse:
    if not services.settings.is_local:
        return WebResponse(404, "not found", {"Content-Type": "text/plain; charset=utf-8"})
    from chalicelib.local.outbox import OUTBOX

    messages = OUTBOX.newest_first()
    if request.query.get("format") == "json":
        return WebResponse.json([m.as_dict() for m in messages])
    return WebResponse.html(render("outbox.html", "en", alternates=[], messages=messages))
