"""One error table per surface (web/pages.py, web/api.py, web/admin.py) and the outage table
at the edge (web/http.py): what each domain error becomes, that only an outage is a 5xx, and
that every domain error has a row somewhere."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

import chalicelib.errors as errors
from chalicelib.accounts.service import AccountProblem, NotAllowed
from chalicelib.campaigns.loader import load_campaign_file
from chalicelib.errors import (
    CampaignClosed,
    CampaignNotFound,
    DefinitionProblem,
    DialogueProblem,
    FieldError,
    IdempotencyConflict,
    InvalidCampaignDefinition,
    InvalidCursor,
    InvalidResponse,
    Misconfigured,
    RateLimited,
    StorageUnavailable,
    VersionProblem,
)
from chalicelib.web.admin import ADMIN_ERRORS
from chalicelib.web.api import API_ERRORS, ApiCall
from chalicelib.web.http import (
    OUTAGE,
    BadRequest,
    ErrorTable,
    Redirect,
    WebRequest,
    WebResponse,
    answered,
    errors_answered,
)
from chalicelib.web.pages import PAGE_ERRORS, PageCall
from tests.samples import WISHLIST

INVALID = InvalidResponse([FieldError("product", "required")])
DEFINITION = InvalidCampaignDefinition([DefinitionProblem("w.yaml", 3, "title", "missing", 5)])


def page_call(locale: str | None = "hi", *, form: bool = False) -> PageCall:
    call = PageCall(WebRequest(headers={"accept-language": "hi"}), locale)
    # A start date, so that "not open yet" can say when it opens.
    call.campaign = replace(
        load_campaign_file(WISHLIST), starts_at=datetime(2030, 1, 1, tzinfo=UTC)
    )
    if form:

        def again(errors: dict[str, str], status: int, *, new_token: bool = False) -> WebResponse:
            return WebResponse.json({"errors": errors, "new_token": new_token}, status)

        call.form = again
    return call


def text(answer: WebResponse) -> str:
    return answer.body if isinstance(answer.body, str) else answer.body.decode("utf-8")


PAGES: list[tuple[str, BaseException, int]] = [
    ("unknown campaign", CampaignNotFound("nope"), 404),
    ("body too large", BadRequest("too_large"), 413),
    ("body unreadable", BadRequest("not_utf8"), 400),
    ("invalid answer", INVALID, 422),
    ("campaign closed", CampaignClosed("wishlist", "closed"), 409),
    ("campaign not open yet", CampaignClosed("wishlist", "coming"), 409),
    ("rate limited", RateLimited(120), 429),
    ("sent before with other answers", IdempotencyConflict(), 409),
    ("another locale", Redirect("/en/c/wishlist", 307), 307),
]


@pytest.mark.parametrize(("case", "error", "status"), PAGES, ids=[p[0] for p in PAGES])
def test_the_pages_table(case: str, error: BaseException, status: int) -> None:
    answer = PAGE_ERRORS.answer(page_call(form=True), error)
    assert answer is not None
    assert answer.status == status


def test_a_page_error_speaks_the_customers_language() -> None:
    answer = PAGE_ERRORS.answer(page_call("hi"), RateLimited(120))
    assert answer is not None
    assert answer.headers["Retry-After"] == "120"
    assert 'lang="hi"' in text(answer)


def test_an_invalid_form_is_shown_again_with_messages_and_a_conflict_as_a_new_answer() -> None:
    call = page_call("en", form=True)
    invalid, conflict = (
        PAGE_ERRORS.answer(call, INVALID),
        PAGE_ERRORS.answer(call, IdempotencyConflict()),
    )
    assert invalid is not None
    assert conflict is not None
    assert '"new_token": false' in text(invalid)
    assert "Please answer this question." in text(invalid)
    assert '"new_token": true' in text(conflict)
    assert "already sent with other answers" in text(conflict)


def test_an_invalid_form_the_view_cannot_show_again_is_not_found() -> None:
    answer = PAGE_ERRORS.answer(page_call(form=False), INVALID)
    assert answer is not None
    assert answer.status == 404


API: list[tuple[str, BaseException, int, str]] = [
    ("unknown campaign", CampaignNotFound("nope"), 404, "campaign_not_found"),
    ("body too large", BadRequest("too_large"), 413, "too_large"),
    ("body not JSON", BadRequest("not_json"), 400, "not_json"),
    ("campaign closed", CampaignClosed("wishlist", "closed"), 409, "campaign_closed"),
    ("not open yet", CampaignClosed("wishlist", "coming"), 409, "campaign_not_open_yet"),
    ("rate limited", RateLimited(120), 429, "too_many_requests"),
    ("key reused", IdempotencyConflict(), 409, "idempotency_conflict"),
]


@pytest.mark.parametrize(("case", "error", "status", "code"), API, ids=[a[0] for a in API])
def test_the_customer_api_table(case: str, error: BaseException, status: int, code: str) -> None:
    import json

    answer = API_ERRORS.answer(ApiCall("wishlist", "hi"), error)
    assert answer is not None
    assert (answer.status, json.loads(text(answer))["error"]["code"]) == (status, code)


def test_the_api_answers_field_errors_in_the_answers_language() -> None:
    import json

    answer = API_ERRORS.answer(ApiCall("wishlist", "hi"), INVALID)
    assert answer is not None
    assert answer.status == 422
    body = json.loads(text(answer))
    assert body["locale"] == "hi"
    assert body["errors"][0]["field"] == "product"
    assert body["errors"][0]["message"] != "Please answer this question."  # Hindi


ADMIN: list[tuple[str, BaseException, int, str]] = [
    ("unknown campaign", CampaignNotFound("nope"), 404, "campaign_not_found"),
    ("version problem", VersionProblem("no version 9"), 409, "version_problem"),
    ("bad cursor", InvalidCursor("forged"), 400, "bad_cursor"),
    ("cannot reply", DialogueProblem("opted out"), 409, "cannot_reply"),
    ("invalid definition", DEFINITION, 422, "invalid_campaign"),
    ("body too large", BadRequest("too_large"), 413, "too_large"),
    ("body not JSON", BadRequest("not_json"), 400, "not_json"),
    ("account problem", AccountProblem("there is no user asha"), 422, "account_problem"),
    ("role does not allow it", NotAllowed("a viewer cannot publish"), 403, "forbidden"),
]


@pytest.mark.parametrize(("case", "error", "status", "code"), ADMIN, ids=[a[0] for a in ADMIN])
def test_the_admin_api_table(case: str, error: BaseException, status: int, code: str) -> None:
    import json

    answer = ADMIN_ERRORS.answer(WebRequest(), error)
    assert answer is not None
    assert (answer.status, json.loads(text(answer))["error"]["code"]) == (status, code)


def test_a_definitions_problems_reach_the_marketer_with_file_line_and_field() -> None:
    import json

    answer = ADMIN_ERRORS.answer(WebRequest(), DEFINITION)
    assert answer is not None
    [problem] = json.loads(text(answer))["error"]["problems"]
    assert problem == {
        "file": "w.yaml",
        "line": 3,
        "column": 5,
        "field": "title",
        "message": "missing",
    }


@pytest.mark.parametrize("error", [StorageUnavailable("throttled"), Misconfigured("no secret")])
def test_only_an_outage_is_a_503(error: BaseException) -> None:
    answer = OUTAGE.answer(None, error)
    assert answer is not None
    assert answer.status == 503
    assert answer.headers["Retry-After"] == "5"


SURFACES: list[ErrorTable[Any]] = [PAGE_ERRORS, API_ERRORS, ADMIN_ERRORS]
CONTEXTS: list[Any] = [page_call(form=True), ApiCall("wishlist"), WebRequest()]


def test_no_surface_answers_a_5xx_and_none_handles_an_outage() -> None:
    examples = {p[1].__class__: p[1] for p in PAGES} | {a[1].__class__: a[1] for a in API}
    examples |= {a[1].__class__: a[1] for a in ADMIN}
    for table, context in zip(SURFACES, CONTEXTS, strict=True):
        for kind in table.rows:
            answer = table.answer(context, examples[kind])
            assert answer is not None
            assert answer.status < 500, (table.surface, kind)
        assert not set(table.rows) & set(OUTAGE.rows), table.surface


def test_every_domain_error_has_a_row() -> None:
    covered = set().union(*(table.rows for table in [*SURFACES, OUTAGE]))
    domain = {
        value
        for value in vars(errors).values()
        if isinstance(value, type) and issubclass(value, errors.SamvadError)
    }
    assert domain - covered == {errors.SamvadError}


def test_an_error_without_a_row_is_not_swallowed() -> None:
    def view() -> WebResponse:
        raise KeyError("a bug")

    with pytest.raises(KeyError):
        answered(API_ERRORS, ApiCall("wishlist"), view)


def test_the_nearest_row_answers() -> None:
    class Special(CampaignNotFound):
        pass

    table: ErrorTable[None] = ErrorTable(
        "test",
        {
            errors.SamvadError: lambda _, e: WebResponse(418),
            CampaignNotFound: lambda _, e: WebResponse(404),
        },
    )
    answers = [table.answer(None, e) for e in (Special("x"), VersionProblem("x"))]
    assert [a.status if a else None for a in answers] == [404, 418]


def test_the_wrapper_gives_the_view_its_context_and_answers_from_it() -> None:
    seen: list[PageCall] = []

    @errors_answered(PAGE_ERRORS, PageCall.at)
    def view(call: PageCall, services: Any, locale: str, slug: str, request: WebRequest) -> Any:
        seen.append(call)
        call.form = None
        raise CampaignNotFound(slug)

    request = WebRequest()
    answer = view(None, "en", "nope", request)
    assert answer.status == 404
    assert seen[0].request is request
    assert seen[0].locale == "en"
