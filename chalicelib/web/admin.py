"""The admin API (``/admin/api/v1``): the marketers' operations over HTTP, as JSON.

Every route but the OpenAPI document needs ``Authorization: Bearer <key>``; the key is kept
only as its SHA-256 (``admin_key_sha256`` in the stage's secret). No key: 401. A wrong key: 403.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from chalicelib.admin.export import csv_lines, jsonl_lines
from chalicelib.bootstrap import Services
from chalicelib.errors import (
    CampaignNotFound,
    DialogueProblem,
    InvalidCampaignDefinition,
    InvalidCursor,
    VersionProblem,
)
from chalicelib.web.http import BadRequest, ErrorTable, WebRequest, WebResponse, answered

OPENAPI = Path(__file__).with_name("openapi.json")
MAX_DEFINITION_BYTES = 1024 * 1024  # a campaign in many languages, JSON-escaped


def _error(status: int, code: str, message: str, **extra: Any) -> WebResponse:
    return WebResponse.json({"error": {"code": code, "message": message, **extra}}, status)


def key_matches(services: Services, header: str | None) -> bool:
    """Whether an ``Authorization`` header carries the admin key (compared as SHA-256)."""
    scheme, _, key = (header or "").partition(" ")
    expected = services.keys().admin_key_sha256
    if scheme.lower() != "bearer" or not key.strip() or not expected:
        return False
    given = hashlib.sha256(key.strip().encode("utf-8")).hexdigest()
    return hmac.compare_digest(given, expected)


def refusal(services: Services, request: WebRequest) -> WebResponse | None:
    """None if the request carries the admin key; else the 401 or 403 to answer."""
    header = request.header("authorization") or ""
    scheme, _, key = header.partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        answer = _error(401, "unauthenticated", "send Authorization: Bearer <admin key>")
        answer.headers["WWW-Authenticate"] = 'Bearer realm="samvad-admin"'
        return answer
    if not key_matches(services, header):
        return _error(403, "forbidden", "this key may not use the admin API")
    return None


def _invalid_definition(request: WebRequest, error: InvalidCampaignDefinition) -> WebResponse:
    problems = [
        {"file": p.file, "line": p.line, "column": p.column, "field": p.field, "message": p.message}
        for p in error.problems
    ]
    return _error(422, "invalid_campaign", "the definition has problems", problems=problems)


def _bad_body(request: WebRequest, error: BadRequest) -> WebResponse:
    if error.code == "too_large":
        return _error(413, error.code, f"the body is over {MAX_DEFINITION_BYTES} bytes")
    return _error(400, error.code, "the body must be JSON as the OpenAPI document describes")


ADMIN_ERRORS: ErrorTable[WebRequest] = ErrorTable(
    "admin API",
    {
        CampaignNotFound: lambda _, error: _error(
            404, "campaign_not_found", f"no campaign {error}"
        ),
        VersionProblem: lambda _, error: _error(409, "version_problem", str(error)),
        InvalidCursor: lambda _, error: _error(400, "bad_cursor", str(error)),
        DialogueProblem: lambda _, error: _error(409, "cannot_reply", str(error)),
        InvalidCampaignDefinition: _invalid_definition,
        BadRequest: _bad_body,
    },
)
"""Marketers' answers: precise JSON errors (the file, line and field of a definition)."""


def guarded(
    services: Services, request: WebRequest, action: Callable[[], WebResponse]
) -> WebResponse:
    """Check the key, then run the action with ``ADMIN_ERRORS`` answering its errors."""
    refused = refusal(services, request)
    if refused is not None:
        return refused
    return answered(ADMIN_ERRORS, request, action)


def _body(request: WebRequest) -> dict[str, Any]:
    body = request.json(MAX_DEFINITION_BYTES)
    if not isinstance(body, dict):
        raise BadRequest("not_object")
    return body


def _int(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise BadRequest(f"bad_{name}")
    try:
        return int(value)
    except ValueError:
        raise BadRequest(f"bad_{name}") from None


def openapi() -> WebResponse:
    return WebResponse.json(json.loads(OPENAPI.read_text(encoding="utf-8")))


def list_campaigns(services: Services, request: WebRequest) -> WebResponse:
    return guarded(
        services,
        request,
        lambda: WebResponse.json({"campaigns": services.admin.list_campaigns()}),
    )


def show_campaign(services: Services, slug: str, request: WebRequest) -> WebResponse:
    return guarded(services, request, lambda: WebResponse.json(services.admin.show_campaign(slug)))


def deploy(services: Services, request: WebRequest) -> WebResponse:
    def action() -> WebResponse:
        body = _body(request)
        source, file = body.get("source"), body.get("file", "campaign.yaml")
        if not isinstance(source, str) or not isinstance(file, str):
            raise BadRequest("source_not_text")
        done = services.admin.deploy(source, Path(file).name, "admin-api")
        return WebResponse.json(done, 201)

    return guarded(services, request, action)


def publish(services: Services, slug: str, request: WebRequest) -> WebResponse:
    def action() -> WebResponse:
        version = _int(_body(request).get("version"), "version")
        return WebResponse.json(services.admin.publish(slug, version))

    return guarded(services, request, action)


def rollback(services: Services, slug: str, request: WebRequest) -> WebResponse:
    return guarded(services, request, lambda: WebResponse.json(services.admin.rollback(slug)))


def responses(services: Services, slug: str, request: WebRequest) -> WebResponse:
    def action() -> WebResponse:
        limit = _int(request.query.get("limit", "50"), "limit")
        page = services.admin.responses(slug, limit, request.query.get("cursor"))
        return WebResponse.json(page)

    return guarded(services, request, action)


def export(services: Services, slug: str, request: WebRequest) -> WebResponse:
    def action() -> WebResponse:
        fmt = request.query.get("format", "csv")
        if fmt not in ("csv", "jsonl"):
            raise BadRequest("bad_format")
        names, rows = services.admin.all_responses(slug)
        if fmt == "csv":
            body, kind = "".join(csv_lines(names, rows)), "text/csv; charset=utf-8"
        else:
            body, kind = "".join(jsonl_lines(rows)), "application/x-ndjson; charset=utf-8"
        disposition = f'attachment; filename="{slug}-responses.{fmt}"'
        return WebResponse(200, body, {"Content-Type": kind, "Content-Disposition": disposition})

    return guarded(services, request, action)


def stats(services: Services, slug: str, request: WebRequest) -> WebResponse:
    return guarded(services, request, lambda: WebResponse.json(services.admin.stats(slug)))


def moderation_queue(services: Services, slug: str, request: WebRequest) -> WebResponse:
    status = request.query.get("status", "pending")
    return guarded(
        services,
        request,
        lambda: WebResponse.json(services.admin.moderation_queue(slug, status)),
    )


def moderate(services: Services, slug: str, share_id: str, request: WebRequest) -> WebResponse:
    def action() -> WebResponse:
        decision = _body(request).get("decision")
        if not isinstance(decision, str):
            raise BadRequest("bad_decision")
        return WebResponse.json(services.admin.moderate(slug, share_id, decision, "admin-api"))

    return guarded(services, request, action)


def reply(services: Services, slug: str, response_id: str, request: WebRequest) -> WebResponse:
    def action() -> WebResponse:
        text = _body(request).get("text")
        if not isinstance(text, str):
            raise BadRequest("bad_text")
        done = services.admin.reply(slug, response_id, text, "admin-api")
        return WebResponse.json(done, 201)

    return guarded(services, request, action)


def thread(services: Services, slug: str, response_id: str, request: WebRequest) -> WebResponse:
    return guarded(
        services,
        request,
        lambda: WebResponse.json(services.admin.thread(slug, response_id)),
    )


def erase_contact(services: Services, request: WebRequest) -> WebResponse:
    def action() -> WebResponse:
        phone = _body(request).get("phone")
        if not isinstance(phone, str):
            raise BadRequest("bad_phone")
        return WebResponse.json(services.admin.erase_contact(phone))

    return guarded(services, request, action)
