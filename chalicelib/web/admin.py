"""The admin API (``/admin/api/v1``): the marketers' operations over HTTP, as JSON.

Every route but the OpenAPI document needs ``Authorization: Bearer <key>``: a user's API key
(``samvad users key NAME``), whose user's role must allow the route's action
(``chalicelib/accounts/roles.py``). No key: 401. An unknown key, or a role that may not: 403.
The stage's shared key (``admin_key_sha256`` in its secret) may only create the first admin
(``POST /users``, ``web/accounts.py``). Every change is written to the audit log.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from chalicelib.accounts.model import Principal
from chalicelib.accounts.roles import Action
from chalicelib.accounts.service import AccountProblem, NotAllowed, pseudonym
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


def bearer_key(header: str | None) -> str | None:
    """The key of an ``Authorization: Bearer <key>`` header, or None."""
    scheme, _, key = (header or "").partition(" ")
    return key.strip() if scheme.lower() == "bearer" and key.strip() else None


def principal_for(services: Services, header: str | None) -> Principal | None:
    """Who an ``Authorization`` header names: a user (by their API key), the bootstrap key,
    or None (the API Gateway authorizer and every view ask this)."""
    key = bearer_key(header)
    return services.accounts.principal_for_key(key) if key else None


def _forbidden(message: str) -> WebResponse:
    return _error(403, "forbidden", message)


def authenticated(
    services: Services, request: WebRequest, needs: Action, bootstrap: bool = False
) -> Principal | WebResponse:
    """The request's principal, if its role allows action ``needs`` (or it is the bootstrap
    key, where ``bootstrap`` says the route takes it); else the 401 or 403 to answer."""
    header = request.header("authorization")
    if bearer_key(header) is None:
        answer = _error(401, "unauthenticated", "send Authorization: Bearer <API key>")
        answer.headers["WWW-Authenticate"] = 'Bearer realm="samvad-admin"'
        return answer
    principal = principal_for(services, header)
    if principal is None:
        return _forbidden("this key may not use the admin API")
    if principal.is_bootstrap:
        if bootstrap:
            return principal
        return _forbidden("the bootstrap key may only create the first admin (POST /users)")
    if not principal.may(needs):
        services.accounts.record(principal.name, str(needs), "", "refused")
        return _forbidden(f"the role {principal.role} may not do this ({needs})")
    return principal


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
        AccountProblem: lambda _, error: _error(422, "account_problem", str(error)),
        NotAllowed: lambda _, error: _forbidden(str(error)),
    },
)
"""Marketers' answers: precise JSON errors (the file, line and field of a definition)."""


def guarded(
    services: Services,
    request: WebRequest,
    needs: Action,
    action: Callable[[Principal], WebResponse],
    bootstrap: bool = False,
) -> WebResponse:
    """Check the key and its role, then run the action for the principal with
    ``ADMIN_ERRORS`` answering its errors."""
    principal = authenticated(services, request, needs, bootstrap)
    if isinstance(principal, WebResponse):
        return principal
    return answered(ADMIN_ERRORS, request, lambda: action(principal))


def body_of(request: WebRequest) -> dict[str, Any]:
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
        Action.READ_CAMPAIGNS,
        lambda _: WebResponse.json({"campaigns": services.admin.list_campaigns()}),
    )


def show_campaign(services: Services, slug: str, request: WebRequest) -> WebResponse:
    return guarded(
        services,
        request,
        Action.READ_CAMPAIGNS,
        lambda _: WebResponse.json(services.admin.show_campaign(slug)),
    )


def deploy(services: Services, request: WebRequest) -> WebResponse:
    def action(who: Principal) -> WebResponse:
        body = body_of(request)
        source, file = body.get("source"), body.get("file", "campaign.yaml")
        if not isinstance(source, str) or not isinstance(file, str):
            raise BadRequest("source_not_text")
        done = services.admin.deploy(source, Path(file).name, who.name)
        services.accounts.record(who.name, "deploy", f"{done['slug']} v{done['version']}")
        return WebResponse.json(done, 201)

    return guarded(services, request, Action.DEPLOY, action)


def publish(services: Services, slug: str, request: WebRequest) -> WebResponse:
    def action(who: Principal) -> WebResponse:
        version = _int(body_of(request).get("version"), "version")
        done = services.admin.publish(slug, version)
        services.accounts.record(who.name, "publish", f"{slug} v{version}")
        return WebResponse.json(done)

    return guarded(services, request, Action.PUBLISH, action)


def rollback(services: Services, slug: str, request: WebRequest) -> WebResponse:
    def action(who: Principal) -> WebResponse:
        done = services.admin.rollback(slug)
        services.accounts.record(who.name, "rollback", f"{slug} v{done['published']}")
        return WebResponse.json(done)

    return guarded(services, request, Action.ROLLBACK, action)


def responses(services: Services, slug: str, request: WebRequest) -> WebResponse:
    def action(_: Principal) -> WebResponse:
        limit = _int(request.query.get("limit", "50"), "limit")
        page = services.admin.responses(slug, limit, request.query.get("cursor"))
        return WebResponse.json(page)

    return guarded(services, request, Action.READ_ANSWERS, action)


def export(services: Services, slug: str, request: WebRequest) -> WebResponse:
    def action(who: Principal) -> WebResponse:
        fmt = request.query.get("format", "csv")
        if fmt not in ("csv", "jsonl"):
            raise BadRequest("bad_format")
        names, rows = services.admin.all_responses(slug)
        if fmt == "csv":
            body, kind = "".join(csv_lines(names, rows)), "text/csv; charset=utf-8"
        else:
            body, kind = "".join(jsonl_lines(rows)), "application/x-ndjson; charset=utf-8"
        services.accounts.record(who.name, "export", f"{slug} ({fmt})")
        disposition = f'attachment; filename="{slug}-responses.{fmt}"'
        return WebResponse(200, body, {"Content-Type": kind, "Content-Disposition": disposition})

    return guarded(services, request, Action.READ_ANSWERS, action)


def stats(services: Services, slug: str, request: WebRequest) -> WebResponse:
    return guarded(
        services,
        request,
        Action.READ_CAMPAIGNS,
        lambda _: WebResponse.json(services.admin.stats(slug)),
    )


def moderation_queue(services: Services, slug: str, request: WebRequest) -> WebResponse:
    status = request.query.get("status", "pending")
    return guarded(
        services,
        request,
        Action.READ_ANSWERS,
        lambda _: WebResponse.json(services.admin.moderation_queue(slug, status)),
    )


def moderate(services: Services, slug: str, share_id: str, request: WebRequest) -> WebResponse:
    def action(who: Principal) -> WebResponse:
        decision = body_of(request).get("decision")
        if not isinstance(decision, str):
            raise BadRequest("bad_decision")
        done = services.admin.moderate(slug, share_id, decision, who.name)
        services.accounts.record(
            who.name, f"moderate.{decision}", f"{slug} share {pseudonym(share_id)}"
        )
        return WebResponse.json(done)

    return guarded(services, request, Action.MODERATE, action)


def reply(services: Services, slug: str, response_id: str, request: WebRequest) -> WebResponse:
    def action(who: Principal) -> WebResponse:
        text = body_of(request).get("text")
        if not isinstance(text, str):
            raise BadRequest("bad_text")
        done = services.admin.reply(slug, response_id, text, who.name)
        services.accounts.record(who.name, "reply", f"{slug} response {pseudonym(response_id)}")
        return WebResponse.json(done, 201)

    return guarded(services, request, Action.REPLY, action)


def thread(services: Services, slug: str, response_id: str, request: WebRequest) -> WebResponse:
    return guarded(
        services,
        request,
        Action.READ_ANSWERS,
        lambda _: WebResponse.json(services.admin.thread(slug, response_id)),
    )


def erase_contact(services: Services, request: WebRequest) -> WebResponse:
    def action(who: Principal) -> WebResponse:
        phone = body_of(request).get("phone")
        if not isinstance(phone, str):
            raise BadRequest("bad_phone")
        done = services.admin.erase_contact(phone)
        # No number and no contact id in the log: what was erased stays erased.
        services.accounts.record(who.name, "erase", f"a contact ({done['deleted_items']} items)")
        return WebResponse.json(done)

    return guarded(services, request, Action.ERASE, action)
