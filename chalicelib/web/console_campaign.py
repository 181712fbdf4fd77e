"""The console's pages about one campaign (``/console/c/{slug}``): its dashboard, the
moderation queue of customers' texts, and its follow-ups.

Each page is ``campaign_view`` (signed in, the role allows the page, errors turned into
console pages) around one service call; each form POSTs with the CSRF token (``posted``),
is written to the audit log, and redirects back with a confirmation (``?done=``), so a
reload never repeats it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import quote

from chalicelib.accounts.model import Principal
from chalicelib.accounts.roles import Action
from chalicelib.bootstrap import Services
from chalicelib.errors import CampaignNotFound, DialogueProblem, InvalidCursor, VersionProblem
from chalicelib.followups.costs import sms_cost
from chalicelib.followups.model import FollowUpJob
from chalicelib.web.charts import bars
from chalicelib.web.console import checked_form, signed_in
from chalicelib.web.console_render import console_locale, page
from chalicelib.web.http import BadRequest, ErrorTable, WebRequest, WebResponse, answered

STEPS = ("views", "responses", "shares", "verified", "rewards")
"""The dashboard's funnel: seen, answered, shared, friends who proved their number, rewards."""

View = Callable[[Principal, str, tuple[str, ...]], WebResponse]


def _problem(status: int, problem: str) -> Callable[[WebRequest, Exception], WebResponse]:
    def answer(request: WebRequest, error: Exception) -> WebResponse:
        return page(request, "problem.html", status, problem=problem, detail=str(error))

    return answer


CONSOLE_ERRORS: ErrorTable[WebRequest] = ErrorTable(
    "console",
    {
        CampaignNotFound: _problem(404, "not_found"),
        VersionProblem: _problem(409, "refused"),
        DialogueProblem: _problem(409, "refused"),
        InvalidCursor: _problem(400, "bad_request"),
        BadRequest: _problem(400, "bad_request"),
    },
)
"""Marketers' mistakes on console pages: a page saying what went wrong, never a 5xx."""


def campaign_view(
    services: Services, request: WebRequest, needs: Action, view: View
) -> WebResponse:
    return answered(CONSOLE_ERRORS, request, lambda: signed_in(services, request, needs, view))


def posted(
    services: Services,
    request: WebRequest,
    needs: Action,
    action: Callable[[Principal, Mapping[str, str]], WebResponse],
) -> WebResponse:
    """A form's POST: signed in, allowed, and its CSRF token right (else a 403 page, nothing
    done); then ``action(principal, fields)``."""

    def view(who: Principal, token: str, cookies: tuple[str, ...]) -> WebResponse:
        fields = checked_form(services, request)
        if fields is None:
            services.accounts.record(who.name, f"console.{needs}", "", "no csrf token")
            return page(
                request,
                "problem.html",
                403,
                cookies,
                who=who,
                form_token=token,
                problem="expired",
                detail="",
            )
        return action(who, fields)

    return campaign_view(services, request, needs, view)


def back_to(request: WebRequest, path: str, done: str) -> WebResponse:
    return WebResponse.redirect(f"{request.base}{path}?done={quote(done)}", 303)


def _per_day(rows: Iterable[Mapping[str, Any]]) -> list[tuple[str, int]]:
    """Answers per day (UTC), oldest first, from the export's ``created_at`` column."""
    days = Counter(str(row.get("created_at") or "")[:10] for row in rows)
    return sorted((day, count) for day, count in days.items() if day)


def _sms(jobs: Iterable[FollowUpJob]) -> dict[str, int]:
    counts = Counter(job.status for job in jobs if job.channel == "sms")
    return {"sent": counts["sent"], "failed": counts["failed"], "pending": counts["pending"]}


def usd(value: float, locale: str) -> str:
    """A cost in USD in the console's locale, to a hundredth of a cent (one segment in India
    costs $0.00278: two digits would show most campaigns' texts as $0.00)."""
    from decimal import Decimal

    from babel.numbers import format_currency

    from chalicelib.i18n.tags import babel_id

    amount = Decimal(str(value)).quantize(Decimal("0.0001"))
    return format_currency(amount, "USD", locale=babel_id(locale), decimal_quantization=False)


def _sms_costs(
    services: Services, slug: str, jobs: list[FollowUpJob], locale: str
) -> dict[str, Any]:
    cost = sms_cost(jobs, services.campaign(slug))
    return {
        "sent_cost": usd(cost.sent, locale),
        "waiting_cost": usd(cost.waiting, locale),
        "estimated": cost.estimated,
    }


def _breakdown(funnels: Mapping[str, Mapping[str, int]]) -> list[dict[str, Any]]:
    return [{"name": name, **funnel} for name, funnel in sorted(funnels.items())]


def dashboard(services: Services, slug: str, request: WebRequest) -> WebResponse:
    def view(who: Principal, token: str, cookies: tuple[str, ...]) -> WebResponse:
        if not services.admin.show_campaign(slug)["published"]:  # no figures without a version
            extra = {"who": who, "form_token": token, "slug": slug, "detail": ""}
            return page(request, "problem.html", 409, cookies, problem="unpublished", **extra)
        stats = services.admin.stats(slug)
        _, rows = services.admin.all_responses(slug)
        jobs = services.admin.followups(slug)
        days = _per_day(rows)
        by_locale, by_source = _breakdown(stats["by_locale"]), _breakdown(stats["by_source"])
        context = {
            "slug": slug,
            "stats": stats,
            "steps": STEPS,
            "funnel": bars((step, stats[step]) for step in STEPS),
            "by_locale": by_locale,
            "locale_chart": bars((row["name"], row["responses"]) for row in by_locale),
            "by_source": by_source,
            "source_chart": bars((row["name"], row["responses"]) for row in by_source),
            "variants": stats["variants"]["items"],
            "days": days,
            "day_chart": bars(days),
            "questions": [_question(q) for q in stats["questions"]],
            "sms": _sms(jobs),
            "sms_cost": _sms_costs(services, slug, jobs, console_locale(request)),
        }
        return page(request, "dashboard.html", 200, cookies, who=who, form_token=token, **context)

    return campaign_view(services, request, Action.READ_CAMPAIGNS, view)


def _question(summary: Mapping[str, Any]) -> dict[str, Any]:
    """A question's summary with the rows of its chart: options, a distribution or NPS."""
    if "options" in summary:
        rows = list(summary["options"].items())
    elif summary.get("type") == "nps":
        rows = [(k, summary[k]) for k in ("promoters", "passives", "detractors")]
    elif "distribution" in summary:
        rows = list(summary["distribution"].items())
    else:
        rows = []
    return {**summary, "rows": rows, "chart": bars(rows)}


def moderation(services: Services, slug: str, request: WebRequest) -> WebResponse:
    def view(who: Principal, token: str, cookies: tuple[str, ...]) -> WebResponse:
        queue = services.admin.moderation_queue(slug)
        done = request.query.get("done")
        return page(
            request,
            "moderation.html",
            200,
            cookies,
            who=who,
            form_token=token,
            slug=slug,
            items=queue["items"],
            done=done if done in ("approve", "reject") else None,
        )

    return campaign_view(services, request, Action.READ_ANSWERS, view)


def moderate(services: Services, slug: str, share_id: str, request: WebRequest) -> WebResponse:
    def action(who: Principal, fields: Mapping[str, str]) -> WebResponse:
        decision = fields.get("decision", "")
        reason = " ".join(fields.get("reason", "").split())[:200]
        services.admin.moderate(slug, share_id, decision, who.name)
        target = f"{slug} share {share_id}" + (f": {reason}" if reason else "")
        services.accounts.record(who.name, f"moderate.{decision}", target)
        return back_to(request, f"/console/c/{slug}/moderation", decision)

    return posted(services, request, Action.MODERATE, action)


def design(services: Services, slug: str, share_id: str, request: WebRequest) -> WebResponse:
    """A share's design as its friends will see it once approved (pending ones too)."""
    from chalicelib.web.shares import design_of

    def view(who: Principal, token: str, cookies: tuple[str, ...]) -> WebResponse:
        found = services.sharing.shown(share_id)
        if found is None or found.campaign.slug != slug or found.campaign.product is None:
            return WebResponse(404, "", {"Content-Type": "text/plain"})
        svg = str(design_of(found.campaign, found.response, found.share.locale)["svg"])
        headers = {"Content-Type": "image/svg+xml", "Cache-Control": "no-store"}
        return WebResponse(200, svg, headers)

    return campaign_view(services, request, Action.READ_ANSWERS, view)


def followups(services: Services, slug: str, request: WebRequest) -> WebResponse:
    def view(who: Principal, token: str, cookies: tuple[str, ...]) -> WebResponse:
        services.admin.show_campaign(slug)  # CampaignNotFound for an unknown campaign
        jobs = services.admin.followups(slug)
        groups = {
            status: [job for job in jobs if job.status == status]
            for status in ("pending", "sent", "failed")
        }
        done = request.query.get("done", "")
        return page(
            request,
            "followups.html",
            200,
            cookies,
            who=who,
            form_token=token,
            slug=slug,
            groups=groups,
            retried=int(done) if done.isdigit() else None,
        )

    return campaign_view(services, request, Action.READ_ANSWERS, view)


def retry(services: Services, slug: str, request: WebRequest) -> WebResponse:
    def action(who: Principal, fields: Mapping[str, str]) -> WebResponse:
        services.admin.show_campaign(slug)  # CampaignNotFound for an unknown campaign
        count = services.admin.retry_failed(slug, fields.get("step") or None)
        services.accounts.record(who.name, "followups.retry", f"{slug} ({count} jobs)")
        return back_to(request, f"/console/c/{slug}/followups", str(count))

    return posted(services, request, Action.REPLY, action)
