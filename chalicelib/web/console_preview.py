"""The console's preview of one version of a campaign (``/console/c/{slug}/versions/{n}/preview``),
published or not: every locale's page side by side, rendered on the server as a compact,
read-only copy (brand, title, intro, questions and their options, consent, thanks, the SMS of
its follow-ups). No frames: the CSP forbids framing our own pages (``frame-ancestors 'none'``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chalicelib.accounts.model import Principal
from chalicelib.accounts.roles import Action
from chalicelib.bootstrap import Services
from chalicelib.campaigns import Campaign
from chalicelib.campaigns.model import FollowUpStep, Question
from chalicelib.errors import VersionProblem
from chalicelib.i18n.tags import direction
from chalicelib.web.console_campaign import campaign_view
from chalicelib.web.console_render import page
from chalicelib.web.http import WebRequest, WebResponse


def _number(text: str) -> int:
    if not text.isdigit() or len(text) > 9:
        raise VersionProblem(f"no version {text[:20]}")
    return int(text)


def _text(texts: Mapping[str, str] | None, locale: str, fallback: str) -> str:
    return (texts or {}).get(locale) or (texts or {}).get(fallback, "")


def _question(question: Question, locale: str, fallback: str) -> dict[str, Any]:
    return {
        "id": question.id,
        "label": _text(question.label, locale, fallback),
        "hint": _text(question.hint, locale, fallback),
        "required": question.required,
        "options": [_text(o.label, locale, fallback) for o in question.options],
    }


def _sms(step: FollowUpStep, locale: str, fallback: str) -> list[str]:
    """The step's text in ``locale``: one string, or one per plural category (``one: …``)."""
    text = (step.text or {}).get(locale) or (step.text or {}).get(fallback)
    if text is None:
        return []
    if isinstance(text, str):
        return [text]
    return [f"{category}: {body}" for category, body in text.items()]


def locale_page(campaign: Campaign, locale: str) -> dict[str, Any]:
    """What one locale's customer page says, for the preview."""
    fallback = campaign.default_locale
    consent = campaign.consent
    return {
        "locale": locale,
        "dir": direction(locale),
        "brand": _text(campaign.brand, locale, fallback),
        "title": _text(campaign.title, locale, fallback),
        "intro": _text(campaign.intro, locale, fallback),
        "questions": [_question(q, locale, fallback) for q in campaign.questions],
        "consent": _text(consent.label, locale, fallback) if consent else "",
        "notice": _text(consent.notice, locale, fallback) if consent else "",
        "thanks": _text(campaign.thanks, locale, fallback),
        "sms": [
            (step.id, _sms(step, locale, fallback))
            for step in campaign.followups
            if step.channel == "sms"
        ],
    }


def preview(services: Services, slug: str, version: str, request: WebRequest) -> WebResponse:
    def view(who: Principal, token: str, cookies: tuple[str, ...]) -> WebResponse:
        number = _number(version)
        campaign = services.admin.version_campaign(slug, number)
        published = services.admin.show_campaign(slug)["published"]
        return page(
            request,
            "preview.html",
            200,
            cookies,
            who=who,
            form_token=token,
            slug=slug,
            version=number,
            live=number == published,
            pages=[locale_page(campaign, locale) for locale in campaign.locales],
        )

    return campaign_view(services, request, Action.READ_CAMPAIGNS, view)
