"""Render a campaign from its file, without deploying: the page and its follow-up messages."""

from __future__ import annotations

import base64
import mimetypes
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from chalicelib.campaigns import Campaign
from chalicelib.config import PACKAGE_DIR
from chalicelib.consent.keys import Keys
from chalicelib.consent.links import Links
from chalicelib.followups.compose import NotSendable, Skip, compose
from chalicelib.followups.planning import plan_jobs
from chalicelib.responses.model import Consent, Response
from chalicelib.web.pages import preview_page

PREVIEW_KEY = b"preview-only-not-a-real-secret-32b"
LINKS = Links("https://preview.samvad.invalid", Keys(contact=PREVIEW_KEY, link=PREVIEW_KEY))
SAMPLE_PHONE = {"IN": "+919800000000"}
STATIC_DIR = PACKAGE_DIR / "web" / "static"
# The page's own files, as its templates link them: ``<link … href="/static/x.css">``,
# ``<script src="/static/x.js" …></script>``, ``<img src="/static/x.png">``.
STYLESHEET = re.compile(r'<link rel="stylesheet" href="/static/([\w.-]+\.css)">')
SCRIPT = re.compile(r'<script src="/static/([\w.-]+\.js)"[^>]*></script>')
IMAGE = re.compile(r'(<img\b[^>]*\bsrc=")/static/([\w.-]+)(")')


def page_html(campaign: Campaign, locale: str) -> str:
    """The page as customers would see it, in one file that opens styled from disk: its
    stylesheet and script inlined, its images as data: URIs. Only the preview inlines them;
    the app serves them as files under its strict CSP."""
    return self_contained(preview_page(campaign, locale))


def self_contained(html: str, static: Path = STATIC_DIR) -> str:
    """``html`` with every file it links from ``/static/`` written into it."""

    def style(match: re.Match[str]) -> str:
        css = (static / match[1]).read_text(encoding="utf-8")
        return f"<style>\n{_closing(css, 'style')}</style>"

    def script(match: re.Match[str]) -> str:
        code = (static / match[1]).read_text(encoding="utf-8")
        return f"<script>\n{_closing(code, 'script')}</script>"

    def image(match: re.Match[str]) -> str:
        path = static / match[2]
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        return f"{match[1]}data:{kind};base64,{data}{match[3]}"

    return IMAGE.sub(image, SCRIPT.sub(script, STYLESHEET.sub(style, html)))


def _closing(text: str, tag: str) -> str:
    """``text`` that cannot end its ``<tag>`` early (``</style`` in a comment would)."""
    return re.sub(f"</({tag})", r"<\\/\1", text, flags=re.IGNORECASE)


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
