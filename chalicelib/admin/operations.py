"""Campaign operations: list, show, deploy, publish, roll back, read responses, stats."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from chalicelib.admin.export import columns, numeric_columns, row
from chalicelib.admin.ports import AnswerReader, JobDesk
from chalicelib.admin.question_stats import summarize
from chalicelib.campaigns import Campaign
from chalicelib.campaigns.deployment import deploy_text
from chalicelib.campaigns.funnel import local_day
from chalicelib.campaigns.ports import CampaignStore
from chalicelib.campaigns.registry import CampaignRegistry
from chalicelib.consent.links import Links
from chalicelib.contacts.service import ContactService
from chalicelib.dialogue.service import DialogueService
from chalicelib.errors import CampaignNotFound, InvalidCursor, VersionProblem
from chalicelib.followups.model import FollowUpJob
from chalicelib.i18n.catalogs import ui_locales
from chalicelib.responses.model import Response
from chalicelib.sharing.service import SharingService
from chalicelib.variants.ports import VariantCounts
from chalicelib.variants.report import variant_report

MAX_PAGE = 100
FUNNEL = ("views", "responses", "shares", "referred", "verified", "unverified", "rewards")
"""The steps of a campaign's funnel, in order: seen, answered, shared, answers through a share
(``referred``), of these the friends who proved their number theirs (``verified``, the only
ones that count toward a reward) and the others (``unverified``), rewards."""


def encode_cursor(key: dict[str, Any] | None) -> str | None:
    if not key:
        return None
    return base64.urlsafe_b64encode(json.dumps(key, sort_keys=True).encode()).decode()


CURSOR_KEYS = frozenset({"pk", "sk", "gsi1pk", "gsi1sk"})  # the by_campaign index's last key


def decode_cursor(token: str | None, slug: str) -> dict[str, Any] | None:
    """The start key of the next page of ``slug``'s answers; ``InvalidCursor`` for a cursor
    this listing did not give out (its shape is checked, so DynamoDB never sees a bad key).

    >>> decode_cursor(encode_cursor({"gsi1pk": {"S": "CAMPAIGN#x"}}), "x")
    Traceback (most recent call last):
    chalicelib.errors.InvalidCursor: the cursor is not one this API gave out for x
    """
    if not token:
        return None
    refused = InvalidCursor(f"the cursor is not one this API gave out for {slug}")
    try:
        key = json.loads(base64.urlsafe_b64decode(token.encode("ascii")), parse_int=str)
    except (ValueError, RecursionError):
        raise refused from None
    if (
        not isinstance(key, dict)
        or set(key) != CURSOR_KEYS
        or not all(isinstance(v, dict) and set(v) == {"S"} for v in key.values())
        or not all(isinstance(v["S"], str) and v["S"] for v in key.values())
        or key["gsi1pk"]["S"] != f"CAMPAIGN#{slug}"
        or not key["gsi1sk"]["S"].startswith("RESPONSE#")
    ):
        raise refused
    return key


class AdminService:
    """What marketers do (the ``samvad`` command and the admin API share it)."""

    def __init__(
        self,
        *,
        campaigns: CampaignStore,
        registry: CampaignRegistry,
        answers: AnswerReader,
        jobs: JobDesk,
        sharing: SharingService,
        dialogue: DialogueService,
        contacts: ContactService,
        links: Links,
        clock: Callable[[], datetime],
        variant_counts: VariantCounts | None = None,
    ) -> None:
        self._variant_counts = variant_counts
        self._campaigns = campaigns
        self._registry = registry
        self._answers = answers
        self._jobs = jobs
        self._sharing = sharing
        self._dialogue = dialogue
        self._contacts = contacts
        self._links = links
        self._clock = clock

    def list_campaigns(self) -> list[dict[str, Any]]:
        return [
            {
                "slug": state.slug,
                "published": state.published,
                "latest": state.last_version,
                "published_at": state.published_at.isoformat() if state.published_at else None,
            }
            for state in sorted(self._campaigns.campaigns(), key=lambda s: s.slug)
        ]

    def show_campaign(self, slug: str) -> dict[str, Any]:
        state = self._campaigns.state(slug)
        return {
            "slug": slug,
            "published": state.published,
            "latest": state.last_version,
            "history": list(state.history),
            "versions": [
                {
                    "version": stored.version,
                    "deployed_at": stored.deployed_at.isoformat(),
                    "deployed_by": stored.deployed_by,
                    "checksum": stored.checksum,
                }
                for stored in self._campaigns.versions(slug)
            ],
        }

    def deploy(self, text: str, file: str, by: str) -> dict[str, Any]:
        """Validate and store a new version (InvalidCampaignDefinition lists the problems)."""
        deployed = deploy_text(self._campaigns, text, file, self._clock(), by)
        return {"slug": deployed.campaign.slug, "version": deployed.stored.version}

    def publish(self, slug: str, version: int) -> dict[str, Any]:
        """Make ``version`` live, unless it names a language this code has no catalog for (a
        version deployed from another tree): its pages could not be shown."""
        campaign = self._registry.find(slug, version)  # None: the store refuses it below
        offered = campaign.locales if campaign is not None else ()
        missing = [locale for locale in offered if locale not in ui_locales()]
        if missing:
            raise VersionProblem(
                f"version {version} of {slug} offers {', '.join(missing)}, which this deployment "
                "has no UI catalog for (locales/<language>/LC_MESSAGES/messages.po): deploy the "
                "code with the catalog first"
            )
        self._campaigns.publish(slug, version, self._clock())
        return {"slug": slug, "published": version}

    def rollback(self, slug: str) -> dict[str, Any]:
        version = self._campaigns.rollback(slug, self._clock())
        return {"slug": slug, "published": version}

    def every_version(self, slug: str) -> list[Campaign]:
        """The published version of ``slug`` first, then every other, newest first."""
        published = self._registry.published(slug)
        numbers = sorted((v.version for v in self._campaigns.versions(slug)), reverse=True)
        others = (self._registry.find(slug, n) for n in numbers if n != published.version)
        return [published, *(campaign for campaign in others if campaign is not None)]

    def responses(self, slug: str, limit: int = 50, cursor: str | None = None) -> dict[str, Any]:
        """One page of answers, oldest first; ``next`` is the cursor of the following page."""
        versions = self.every_version(slug)
        names, numeric = columns(versions), numeric_columns(versions)
        page, last = self._answers.responses_page(
            slug, max(1, min(limit, MAX_PAGE)), decode_cursor(cursor, slug)
        )
        return {
            "columns": names,
            "items": [row(response, names, numeric) for response in page],
            "next": encode_cursor(last),
        }

    def all_responses(self, slug: str) -> tuple[list[str], Iterator[dict[str, Any]]]:
        """Every answer, page by page, for an export."""
        versions = self.every_version(slug)
        names, numeric = columns(versions), numeric_columns(versions)

        def rows() -> Iterator[dict[str, Any]]:
            cursor = None
            while True:
                page, cursor = self._answers.responses_page(slug, MAX_PAGE, cursor)
                yield from (row(response, names, numeric) for response in page)
                if not cursor:
                    return

        return names, rows()

    def stats(self, slug: str) -> dict[str, Any]:
        """The funnel (views, responses, shares, referred answers, rewards) per locale, source."""
        self._campaigns.state(slug)  # CampaignNotFound for an unknown campaign
        totals: dict[str, Any] = {"slug": slug, **dict.fromkeys(FUNNEL, 0)}
        totals.update(by_locale={}, by_source={})
        for what, locale, source, count in self._answers.stats(slug):
            totals[what] = totals.get(what, 0) + count
            for key, name in (("by_locale", locale), ("by_source", source)):
                bucket = totals[key].setdefault(name, dict.fromkeys(FUNNEL, 0))
                bucket[what] = bucket.get(what, 0) + count
        for funnel in (totals, *totals["by_locale"].values(), *totals["by_source"].values()):
            funnel["unverified"] = max(0, funnel["referred"] - funnel["verified"])
        totals["questions"] = self.question_stats(slug)
        totals["variants"] = self._variants(slug)
        return totals

    def today(self, slug: str, timezone: str) -> dict[str, int]:
        """The campaign's views and answers today, the day in ``timezone`` (the campaign's)."""
        counts = self._answers.day_counts(slug, local_day(self._clock(), timezone))
        return {"views": counts.get("views", 0), "responses": counts.get("responses", 0)}

    def question_stats(self, slug: str) -> list[dict[str, Any]]:
        """A summary per question of the published version (``admin.question_stats``).

        Cost: it reads every answer of the campaign, as an export does (one Query page of
        ``MAX_PAGE`` responses at a time, so a read capacity unit per 4 KB of answers) and
        holds only the answers' values in memory; the funnel counts above cost one Query.
        """
        campaign = self._registry.published(slug)

        def every_answer() -> Iterator[Response]:
            cursor = None
            while True:
                page, cursor = self._answers.responses_page(slug, MAX_PAGE, cursor)
                yield from page
                if not cursor:
                    return

        return summarize(campaign, every_answer())

    def _variants(self, slug: str) -> dict[str, Any]:
        """Views, answers and conversion per A/B variant, each against the first (the
        published version's variants, then any counted under older versions)."""
        try:
            declared = [v.id for v in self._registry.published(slug).variants]
        except CampaignNotFound:  # deployed, never published
            declared = []
        counted = self._variant_counts.variant_stats(slug) if self._variant_counts else []
        return variant_report(declared, counted)

    def moderation_queue(self, slug: str, status: str = "pending") -> dict[str, Any]:
        """Customer texts waiting for a decision (or the decided ones, by ``status``)."""
        if status not in ("pending", "public", "rejected"):
            raise VersionProblem(f"unknown status {status!r}: pending, public or rejected")
        self._campaigns.state(slug)  # CampaignNotFound for an unknown campaign
        return {
            "slug": slug,
            "status": status,
            "items": [
                {
                    "share_id": share.id,
                    "design_name": share.design_name,
                    "message": share.message,
                    "locale": share.locale,
                    "reasons": list(share.reasons),
                    "created_at": share.created_at.isoformat(),
                }
                for share in self._sharing.queue(slug, status)
            ],
        }

    def moderate(self, slug: str, share_id: str, decision: str, by: str) -> dict[str, Any]:
        """Approve (the share page goes public) or reject (it stays hidden) a customer's text."""
        if decision not in ("approve", "reject"):
            raise VersionProblem(f"decision must be approve or reject, not {decision!r}")
        status = self._sharing.moderate(slug, share_id, decision, by)
        return {"share_id": share_id, "status": status}

    def reply(self, slug: str, response_id: str, text: str, by: str) -> dict[str, Any]:
        message = self._dialogue.reply(slug, response_id, text, by)
        return {"response_id": response_id, "message_id": message.message_id, "text": message.text}

    def thread(self, slug: str, response_id: str) -> dict[str, Any]:
        response, messages = self._dialogue.thread(slug, response_id)
        return {
            "response_id": response_id,
            "locale": response.locale,
            "messages": [
                {"direction": m.direction, "text": m.text, "at": m.at.isoformat(), "by": m.by}
                for m in messages
            ],
        }

    def erase_contact(self, phone: str) -> dict[str, Any]:
        """Delete everything about a phone number (a customer's request under DPDP/GDPR)."""
        from chalicelib.responses.validation import parse_phone

        number = parse_phone(phone, "IN")
        if number is None:
            raise VersionProblem("not a phone number; give it as +91…")
        contact_id = self._links.contact_id(number)
        deleted = self._contacts.erase(contact_id, by="admin")
        return {"contact_id": contact_id, "deleted_items": deleted}

    def followups(self, slug: str) -> list[FollowUpJob]:
        """A campaign's follow-up jobs, by due time."""
        return sorted(self._jobs.campaign_jobs(slug), key=lambda job: job.due_at)

    def retry_failed(self, slug: str, step: str | None = None) -> int:
        """Put a campaign's failed jobs (of ``step``, or all) back in the queue; how many."""
        now = self._clock()
        failed = [
            job
            for job in self._jobs.campaign_jobs(slug)
            if job.status == "failed" and step in (None, job.step)
        ]
        return sum(self._jobs.reopen_failed(job, now) for job in failed)

    def version_source(self, slug: str, version: int) -> str:
        """The YAML a version was deployed from (VersionProblem for a version never deployed),
        for the console's diff between versions."""
        if not any(stored.version == version for stored in self._campaigns.versions(slug)):
            raise VersionProblem(f"{slug} has no version {version}")
        return self._campaigns.version(slug, version).source

    def version_campaign(self, slug: str, version: int) -> Campaign:
        """The campaign of one version, published or not (VersionProblem for a version never
        deployed), built from the data validated when it was deployed: the console's preview."""
        self.version_source(slug, version)
        return self._registry.version(slug, version)
