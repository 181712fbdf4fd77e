"""The local stack's own routes (``/_local/*``), as a Blueprint that the local stack and the
test fixtures register on app.py's app. The deployed package has neither (no chalicelib/local
in the zip), so AWS never serves them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chalice.app import Blueprint, Response

from chalicelib.bootstrap import Services, get_services
from chalicelib.local import pages
from chalicelib.web.http import OUTAGE, WebRequest, WebResponse, answered

local_routes = Blueprint(__name__)


def register_local_routes(app: Any) -> None:
    """Add the ``/_local`` routes to ``app`` once (the test client may ask again)."""
    if "/_local/outbox" not in app.routes:
        app.register_blueprint(local_routes)


def _serve(view: Callable[[Services, WebRequest], WebResponse]) -> Response:
    current = local_routes.current_request
    body = current.raw_body
    request = WebRequest(
        headers={k.lower(): v for k, v in current.headers.items()},
        query=dict(current.query_params or {}),
        body=body.encode("utf-8") if isinstance(body, str) else body or b"",
    )

    def ready_then_view() -> WebResponse:
        services = get_services().ready()
        if not services.settings.is_local:  # registered by mistake beside a deployed stage
            return WebResponse(404, "Not found", {"Content-Type": "text/plain"})
        return view(services, request)

    answer = answered(OUTAGE, None, ready_then_view)  # the same 503s as app.py's routes
    return Response(body=answer.encoded(), status_code=answer.status, headers=dict(answer.headers))


@local_routes.route("/_local/outbox")
def outbox() -> Response:
    return _serve(pages.outbox_page)


@local_routes.route(
    "/_local/sns/inbound", methods=["POST"], content_types=["text/plain", "application/json"]
)
def local_inbound_sms() -> Response:
    """The local stack's stand-in for the SNS → Lambda subscription (HTTP delivery)."""
    return _serve(pages.inbound_sms)
