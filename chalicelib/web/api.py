"""The JSON API for responses: the same service as the form, with JSON errors."""

from __future__ import annotations

import json
import uuid

from chalicelib.bootstrap import Services
from chalicelib.errors import (
    CampaignClosed,
    CampaignNotFound,
    IdempotencyConflict,
    InvalidResponse,
    RateLimited,
)
from chalicelib.i18n.catalogs import translations_for
from chalicelib.web.http import BadRequest, WebRequest, WebResponse
from chalicelib.web.messages import field_message
from chalicelib.web.pages import TOKEN_PATTERN, best_locale


def _error(status: int, code: str, message: str) -> WebResponse:
    return WebResponse.json({"error": {"code": code, "message": message}}, status)


def _fields(body: object) -> dict[str, str]:
    """Flatten ``{"answers": {...}, "phone": ..., "consent": true}`` into form fields."""
    if not isinstance(body, dict):
        raise BadRequest("not_object")
    answers = body.get("answers", {})
    if not isinstance(answers, dict) or not all(isinstance(v, str) for v in answers.values()):
        raise BadRequest("answers_not_strings")
    phone = body.get("phone") or ""
    consent = body.get("consent", False)
    if not isinstance(phone, str) or not isinstance(consent, bool):
        raise BadRequest("bad_contact")
    return {
        **{str(k): v for k, v in answers.items()},
        "phone": phone,
        "consent": "yes" if consent else "",
    }


def post_response(services: Services, slug: str, request: WebRequest) -> WebResponse:
    try:
        campaign = services.campaign(slug)
    except CampaignNotFound:
        return _error(404, "campaign_not_found", f"no campaign {slug!r}")
    try:
        body = request.json()
        fields = _fields(body)
    except BadRequest as exc:
        status = 413 if exc.code == "too_large" else 400
        return _error(
            status,
            exc.code,
            "the body must be a JSON object of at most 16 KiB: "
            '{"locale": "hi", "answers": {...}, "phone": "...", "consent": true}',
        )
    assert isinstance(body, dict)
    requested = body.get("locale")
    locale = best_locale(campaign, request, *([requested] if isinstance(requested, str) else []))
    key = request.header("idempotency-key")
    if key is not None and not TOKEN_PATTERN.match(key):
        return _error(
            400, "bad_idempotency_key", "Idempotency-Key: 8 to 128 of A-Z a-z 0-9 _ . : -"
        )
    try:
        accepted = services.responses.accept(
            campaign, locale, fields, key or uuid.uuid4().hex, source="api", client=request.client
        )
    except InvalidResponse as exc:
        translations = translations_for(locale)
        errors = [
            {"field": e.field, "code": e.code, "message": field_message(e, translations, locale)}
            for e in exc.errors
        ]
        return WebResponse.json({"locale": locale, "errors": errors}, 422)
    except CampaignClosed as exc:
        code = "campaign_not_open_yet" if exc.window == "coming" else "campaign_closed"
        return _error(409, code, f"campaign {slug!r} takes no answers now ({exc.window})")
    except RateLimited as exc:
        answer = _error(429, "too_many_requests", f"too many answers; retry in {exc.retry_after} s")
        answer.headers["Retry-After"] = str(exc.retry_after)
        return answer
    except IdempotencyConflict:
        return _error(
            409, "idempotency_conflict", "this Idempotency-Key was used with other answers"
        )
    response = accepted.response
    return WebResponse.json(
        {
            "id": response.id,
            "campaign": response.campaign,
            "locale": response.locale,
            "created": accepted.created,
        },
        201 if accepted.created else 200,
    )


def openapi() -> WebResponse:
    """The OpenAPI document of this API (for app developers and the fuzz tests)."""
    from pathlib import Path

    return WebResponse.json(
        json.loads(Path(__file__).with_name("api-openapi.json").read_text(encoding="utf-8"))
    )
