"""Render a campaign from its file, without deploying: the page and its follow-up messages."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

from chalicelib.campaigns import Campaign
from chalicelib.consent.keys import Keys
from chalicelib.consent.links import Links
from chalicelib.followups.compose import NotSendable, Skip, compose
from chalicelib.followups.planning import plan_jobs
from chalicelib.responses.model import Consent, Response
from chalicelib.web.pages import preview_page

PREVIEW_KEY = b"preview-only-not-a-real-secret-32b"
LINKS = Links("https://preview.samvad.invalid", Keys(contact=PREVIEW_KEY, link=PREVIEW_KEY))
SAMPLE_PHONE = {"IN": "+919800000000"}


def page_html(campaign: Campaign, locale: str) -> str:
    return preview_page(campaign, locale)


def sample_response(campaign: Campaign, locale: str, at: datetime) -> Response:
    """A customer who chose the first option of every choice and gave consent."""
    answers = {q.id: q.options[0].id for q in campaign.questions if q.options}
    phone = SAMPLE_PHONE.get(campaign.phone_region, "+447700900000")
    consent = (
        Consent(campaign.consent.purpose, campaign.consent.notice_version, locale, at)
        if campaign.consent
        else None
    )
    return Response(
        id="preview",
        campaign=campaign.slug,
        campaign_version=campaign.version,
        locale=locale,
        answers=answers,
        phone=phone if campaign.phone != "none" else None,
        consent=consent,
        created_at=at,
        request_hash="preview",
    )


def followup_texts(campaign: Campaign, locale: str) -> Iterator[tuple[str, str]]:
    """(title, text) of each follow-up, as it would be sent to the sample customer."""
    at = min(datetime.now(UTC), campaign.ends_at or datetime.now(UTC))
    if campaign.starts_at is not None:
        at = max(at, campaign.starts_at)
    response = sample_response(campaign, locale, at)
    for job in plan_jobs(campaign, response, at, LINKS):
        step = campaign.step(job.step)
        when = at + step.after if step else at
        kind = f"{job.channel}, {step.sms_type}" if step and job.channel == "sms" else job.channel
        title = f"{job.step} ({kind}, {step.after if step else 'at once'} after the answer)"
        try:
            out = compose(job, campaign, response, when, LINKS)
        except Skip as exc:
            yield title, f"(skipped: {exc.reason})"
            continue
        except NotSendable as exc:
            yield title, f"(NOT SENDABLE: {exc})"
            continue
        attributes = ", ".join(f"{k}={v}" for k, v in sorted(out.attributes.items()))
        yield title, f"{out.message}\n[{attributes}]"
