"""The JSON API for responses: the same service as the form, with JSON errors."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass

from chalicelib.bootstrap import Services
from chalicelib.errors import (
    CampaignClosed,
    CampaignNotFound,
    IdempotencyConflict,
    InvalidResponse,
    RateLimited,
)
from chalicelib.i18n.catalogs import translations_for
from chalicelib.web.http import BadRequest, ErrorTable, WebRequest, WebResponse, errors_answered
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


@dataclass
class ApiCall:
    """What an API view has found out so far: the API error table answers from it."""

    slug: str
    locale: str = "en"
    """The answer's locale, once negotiated: field messages are in it."""

    @classmethod
    def of(cls, services: Services, slug: str, request: WebRequest, /) -> ApiCall:
        return cls(slug)


def _bad_body(call: ApiCall, error: BadRequest) -> WebResponse:
    return _error(
        413 if error.code == "too_large" else 400,
        error.code,
        "the body must be a JSON object of at most 16 KiB: "
        '{"locale": "hi", "answers": {...}, "phone": "...", "consent": true}',
    )


def _invalid(call: ApiCall, error: InvalidResponse) -> WebResponse:
    translations = translations_for(call.locale)
    errors = [
        {"field": e.field, "code": e.code, "message": field_message(e, translations, call.locale)}
        for e in error.errors
    ]
    return WebResponse.json({"locale": call.locale, "errors": errors}, 422)


def _closed(call: ApiCall, error: CampaignClosed) -> WebResponse:
    code = "campaign_not_open_yet" if error.window == "coming" else "campaign_closed"
    return _error(409, code, f"campaign {call.slug!r} takes no answers now ({error.window})")


def _too_many(call: ApiCall, error: RateLimited) -> WebResponse:
    answer = _error(429, "too_many_requests", f"too many answers; retry in {error.retry_after} s")
    answer.headers["Retry-After"] = str(error.retry_after)
    return answer


API_ERRORS: ErrorTable[ApiCall] = ErrorTable(
    "customer JSON API",
    {
        CampaignNotFound: lambda call, _: _error(
            404, "campaign_not_found", f"no campaign {call.slug!r}"
        ),
        BadRequest: _bad_body,
        InvalidResponse: _invalid,
        CampaignClosed: _closed,
        RateLimited: _too_many,
        IdempotencyConflict: lambda call, _: _error(
            409, "idempotency_conflict", "this Idempotency-Key was used with other answers"
        ),
    },
)
"""Apps' answers: domain errors as JSON, field messages in the answer's language."""


@errors_answered(API_ERRORS, ApiCall.of)
def post_response(call: ApiCall, services: Services, slug: str, request: WebRequest) -> WebResponse:
    campaign = services.campaign(slug)
    body = request.json()
    fields = _fields(body)
    assert isinstance(body, dict)
    requested = body.get("locale")
    locale = best_locale(campaign, request, *([requested] if isinstance(requested, str) else []))
    call.locale = locale
    key = request.header("idempotency-key")
    if key is not None and not TOKEN_PATTERN.match(key):
        return _error(
            400, "bad_idempotency_key", "Idempotency-Key: 8 to 128 of A-Z a-z 0-9 _ . : -"
        )
    accepted = services.responses.accept(
        campaign, locale, fields, key or uuid.uuid4().hex, source="api", client=request.client
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
