"""The console's answers of a campaign (``/console/c/{slug}/answers``): filtered, paged by
the admin listing's cursor, one answer with its conversation and a reply form, and the CSV
export (the admin API's, written to the audit log).

Filtering happens on the pages the listing reads (``PAGE`` answers each, at most
``MAX_PAGES`` per request): a narrow filter over many answers shows fewer rows per page and a
"more" link, never a slow page.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from chalicelib.accounts.model import Principal
from chalicelib.accounts.roles import Action
from chalicelib.admin.export import csv_lines
from chalicelib.bootstrap import Services
from chalicelib.dialogue.service import REPLY_MAX_CHARS
from chalicelib.web.console_campaign import back_to, campaign_view, posted
from chalicelib.web.console_render import page
from chalicelib.web.http import WebRequest, WebResponse

PAGE = 50
MAX_PAGES = 4
SHOWN = 20
FILTERS = ("locale", "source", "variant", "date")
MAX_REPLY = REPLY_MAX_CHARS  # what the dialogue service accepts


def _wanted(row: Mapping[str, Any], filters: Mapping[str, str]) -> bool:
    """Whether an export row matches every filter (``date``: its UTC day, YYYY-MM-DD)."""
    for name, value in filters.items():
        cell = str(row.get("created_at") or "")[:10] if name == "date" else str(row.get(name))
        if cell != value:
            return False
    return True


def _filters(request: WebRequest) -> dict[str, str]:
    return {
        name: request.query[name][:64] for name in FILTERS if request.query.get(name, "").strip()
    }


def answers(services: Services, slug: str, request: WebRequest) -> WebResponse:
    def view(who: Principal, token: str, cookies: tuple[str, ...]) -> WebResponse:
        filters = _filters(request)
        cursor, rows, columns = request.query.get("cursor") or None, [], []
        for _ in range(MAX_PAGES):
            listed = services.admin.responses(slug, PAGE, cursor)
            columns, cursor = listed["columns"], listed["next"]
            rows += [row for row in listed["items"] if _wanted(row, filters)]
            if not cursor or len(rows) >= SHOWN:
                break
        more = f"?{urlencode({**filters, 'cursor': cursor})}" if cursor else None
        return page(
            request,
            "answers.html",
            200,
            cookies,
            who=who,
            form_token=token,
            slug=slug,
            rows=rows,
            columns=[c for c in columns if c != "response_id"],
            filters=filters,
            more=more,
            export=f"/console/c/{slug}/export",
        )

    return campaign_view(services, request, Action.READ_ANSWERS, view)


def answer(services: Services, slug: str, response_id: str, request: WebRequest) -> WebResponse:
    def view(who: Principal, token: str, cookies: tuple[str, ...]) -> WebResponse:
        thread = services.admin.thread(slug, response_id)
        done = request.query.get("done") == "replied"
        return page(
            request,
            "answer.html",
            200,
            cookies,
            who=who,
            form_token=token,
            slug=slug,
            response_id=response_id,
            thread=thread,
            done=done,
            max_reply=MAX_REPLY,
        )

    return campaign_view(services, request, Action.READ_ANSWERS, view)


def reply(services: Services, slug: str, response_id: str, request: WebRequest) -> WebResponse:
    def action(who: Principal, fields: Mapping[str, str]) -> WebResponse:
        text = fields.get("text", "")  # the service refuses a long one (a 409 page says why)
        services.admin.reply(slug, response_id, text, who.name)
        services.accounts.record(who.name, "reply", f"{slug} response {response_id}")
        return back_to(request, f"/console/c/{slug}/answers/{response_id}", "replied")

    return posted(services, request, Action.REPLY, action)


def export(services: Services, slug: str, request: WebRequest) -> WebResponse:
    def view(who: Principal, token: str, cookies: tuple[str, ...]) -> WebResponse:
        names, rows = services.admin.all_responses(slug)
        body = "".join(csv_lines(names, rows))
        services.accounts.record(who.name, "export", f"{slug} (csv)")
        headers = {
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{slug}-responses.csv"',
            "Cache-Control": "no-store",
        }
        return WebResponse(200, body, headers)

    return campaign_view(services, request, Action.READ_ANSWERS, view)
