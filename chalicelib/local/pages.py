"""Pages of the local stage only: they show what a developer's local stack did."""

from __future__ import annotations

from chalicelib.bootstrap import Services
from chalicelib.followups.model import FollowUpJob
from chalicelib.local.outbox import OUTBOX
from chalicelib.web.http import BadRequest, WebRequest, WebResponse
from chalicelib.web.inbound import INBOUND_MAX_BYTES, inbound_payload
from chalicelib.web.rendering import render


def _job(job: FollowUpJob) -> dict[str, object]:
    return {
        "campaign": job.campaign,
        "response_id": job.response_id,
        "step": job.step,
        "channel": job.channel,
        "locale": job.locale,
        "status": job.status,
        "due_at": job.due_at.isoformat(timespec="seconds"),
        "sent_at": job.sent_at.isoformat(timespec="seconds") if job.sent_at else None,
        "attempts": job.attempts,
        "last_error": job.last_error,
        "note": job.note,
    }


def outbox_page(services: Services, request: WebRequest) -> WebResponse:
    if not services.settings.is_local:
        return WebResponse(404, "not found", {"Content-Type": "text/plain; charset=utf-8"})
    messages = OUTBOX.newest_first()
    jobs = [
        _job(job)
        for campaign in services.registry.all_published()
        for job in sorted(
            services.admin.followups(campaign.slug),
            key=lambda j: (j.due_at, j.step),
            reverse=True,
        )
    ]
    if request.query.get("format") == "json":
        return WebResponse.json([m.as_dict() for m in messages])
    if request.query.get("format") == "jobs":
        return WebResponse.json(jobs)
    body = render(
        "outbox.html", "en", base=request.base, alternates=[], messages=messages, jobs=jobs
    )
    return WebResponse.html(body)


def inbound_sms(services: Services, request: WebRequest) -> WebResponse:
    """SNS HTTP delivery of the inbound topic, on the local stage only."""
    if not services.settings.is_local:
        return WebResponse(404, "not found", {"Content-Type": "text/plain; charset=utf-8"})
    try:
        envelope = request.json(INBOUND_MAX_BYTES)
    except BadRequest as problem:
        return WebResponse.json({"error": problem.code}, 400)
    if not isinstance(envelope, dict):
        return WebResponse.json({"error": "not_an_object"}, 400)
    if envelope.get("Type") != "Notification":
        return WebResponse.json({"ignored": True})
    payload = inbound_payload(envelope.get("Message"))
    if payload is None:
        return WebResponse.json({"error": "malformed_message"}, 400)
    outcome = services.dialogue.handle_inbound(payload, services.clock())
    return WebResponse.json({"outcome": outcome})
