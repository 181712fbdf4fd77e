"""The composition root: the one place that builds AWS clients and wires the adapters.

Clients are created on first use, never at import, so tests and the local stack can point
them at the emulator first (``get_services.cache_clear()`` after changing the environment).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any

from chalicelib.accounts.service import AccountService
from chalicelib.admin.operations import AdminService
from chalicelib.campaigns import Campaign
from chalicelib.campaigns.registry import CampaignRegistry
from chalicelib.config import Settings, forget_settings, get_settings
from chalicelib.consent.keys import CachedKeys, Keys, read_secret
from chalicelib.consent.links import Links
from chalicelib.contacts.service import ContactService
from chalicelib.dialogue.service import DialogueService
from chalicelib.followups.model import FollowUpJob
from chalicelib.followups.ports import Publisher
from chalicelib.followups.runner import Runner
from chalicelib.messaging.sns import SnsPublisher
from chalicelib.responses.limits import AnswerLimits, RateLimiter
from chalicelib.responses.model import Response
from chalicelib.responses.service import ResponseService
from chalicelib.sharing.service import SharingService
from chalicelib.sharing.visits import PageVisits
from chalicelib.storage.accounts import AccountStore, AuditStore
from chalicelib.storage.campaigns import CampaignStore
from chalicelib.storage.dynamodb import DynamoStore
from chalicelib.storage.erasure import Eraser
from chalicelib.storage.page_views import ViewCounter
from chalicelib.storage.sharing import ShareStore
from chalicelib.storage.stream import new_items
from chalicelib.storage.threads import ThreadStore
from chalicelib.variants.assignment import VariantPicker

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_secretsmanager import SecretsManagerClient
    from mypy_boto3_sns import SNSClient


def utc_now() -> datetime:
    return datetime.now(UTC)


def aws_client(service: str, settings: Settings, **options: Any) -> Any:
    """A boto3 client with the standard retry mode; endpoint and credentials from the usual
    AWS environment variables (``AWS_ENDPOINT_URL`` points it at the local emulator);
    ``options`` are more botocore ``Config`` settings."""
    import boto3
    from botocore.config import Config

    config = Config(
        retries={"mode": "standard", "max_attempts": 3},
        connect_timeout=3,
        read_timeout=10,
        **options,
    )
    return boto3.session.Session().client(  # type: ignore[call-overload]
        service, region_name=settings.region, endpoint_url=settings.endpoint_url, config=config
    )


# Called with each SNS client made: the local stack's outbox records what SNS is asked to send.
_sns_hooks: list[Callable[[Any], None]] = []


def on_sns_client(hook: Callable[[Any], None]) -> None:
    """Have ``hook`` see every SNS client made from now on (once, however often it is asked)."""
    if hook not in _sns_hooks:
        _sns_hooks.append(hook)


@dataclass
class Adapters:
    """The AWS clients and the adapters built on them. Services get them here; handlers never
    do. The local stack, the tests and the benchmarks reach them through ``Services.adapters``
    to set up data and to look at what was written."""

    settings: Settings

    @cached_property
    def dynamodb(self) -> DynamoDBClient:
        client: DynamoDBClient = aws_client("dynamodb", self.settings)
        return client

    @cached_property
    def sns(self) -> SNSClient:
        client: SNSClient = aws_client("sns", self.settings)
        for hook in _sns_hooks:
            hook(client)
        return client

    @cached_property
    def secretsmanager(self) -> SecretsManagerClient:
        client: SecretsManagerClient = aws_client("secretsmanager", self.settings)
        return client

    @cached_property
    def store(self) -> DynamoStore:
        return DynamoStore(self.dynamodb, self.settings.table_name)

    @cached_property
    def publisher(self) -> Publisher:
        return SnsPublisher(
            self.sns, self.settings.events_topic_arn, self.settings.followups_topic_arn
        )

    @cached_property
    def eraser(self) -> Eraser:
        return Eraser(self.dynamodb, self.settings.table_name)

    @cached_property
    def threads(self) -> ThreadStore:
        return ThreadStore(self.dynamodb, self.settings.table_name)

    @cached_property
    def shares(self) -> ShareStore:
        return ShareStore(self.dynamodb, self.settings.table_name)

    @cached_property
    def campaign_store(self) -> CampaignStore:
        return CampaignStore(self.dynamodb, self.settings.table_name)

    @cached_property
    def accounts(self) -> AccountStore:
        return AccountStore(self.dynamodb, self.settings.table_name)

    @cached_property
    def audit(self) -> AuditStore:
        return AuditStore(self.dynamodb, self.settings.table_name)


@dataclass
class Services:
    """What handlers, the scheduler and the commands use: one service per capability (and the
    follow-up runner), each built here with the adapters it needs."""

    settings: Settings
    clock: Callable[[], datetime] = field(default=utc_now)
    monotonic: Callable[[], float] = field(default=time.monotonic)
    """How old the cached keys are (a test makes minutes pass)."""

    @cached_property
    def adapters(self) -> Adapters:
        return Adapters(self.settings)

    @cached_property
    def key_source(self) -> CachedKeys:
        """The stage's keys, read from Secrets Manager once per container and again every few
        minutes (a rotated link key reaches every container without a redeploy)."""
        secret_id, adapters = self.settings.secret_id, self.adapters
        return CachedKeys(lambda: read_secret(adapters.secretsmanager, secret_id), self.monotonic)

    def keys(self) -> Keys:
        """The current keys (``SecretUnavailable`` if the secret cannot be read)."""
        return self.key_source.current()

    def ready(self) -> Services:
        """These services, once the stage's keys are read: a function that cannot read its
        secret serves nothing (``SecretUnavailable``), as one missing a setting."""
        self.keys()
        return self

    @cached_property
    def links(self) -> Links:
        return Links(self.settings.public_url, self.key_source)

    @cached_property
    def registry(self) -> CampaignRegistry:
        ttl = timedelta(seconds=self.settings.campaign_ttl_seconds)
        return CampaignRegistry(self.adapters.campaign_store, self.clock, ttl)

    def campaign(self, slug: str) -> Campaign:
        """The published version of ``slug`` (CampaignNotFound if there is none)."""
        return self.registry.published(slug)

    def new_items(
        self, images: Iterable[Mapping[str, Any]]
    ) -> tuple[list[FollowUpJob], dict[str, Response]]:
        """The new jobs and responses among the table stream's new images (``NewImage``)."""
        return new_items(images)

    @cached_property
    def runner(self) -> Runner:
        return Runner(
            store=self.adapters.store,
            publisher=self.adapters.publisher,
            campaigns=self.registry.find,
            links=self.links,
            clock=self.clock,
            sms_per_hour=self.settings.sms_per_hour,
        )

    @cached_property
    def views(self) -> ViewCounter:
        every = timedelta(seconds=self.settings.view_flush_seconds)
        return ViewCounter(self.adapters.store, self.clock, every)

    @cached_property
    def responses(self) -> ResponseService:
        settings = self.settings
        limits = AnswerLimits(
            # The contact key is never rotated: a rotation must not reset the counters.
            lambda: RateLimiter(self.keys().contact),
            settings.rate_per_client,
            settings.rate_per_phone,
        )
        return ResponseService(
            store=self.adapters.store,
            links=self.links,
            clock=self.clock,
            limits=limits,
            referrer=self.sharing.referrer,
        )

    @cached_property
    def visits(self) -> PageVisits:
        return PageVisits(count_view=self.views.view, sharing=self.sharing)

    @cached_property
    def sharing(self) -> SharingService:
        return SharingService(
            shares=self.adapters.shares,
            answers=self.adapters.store,
            campaigns=self.registry.find,
            published=self.registry.published,
            links=self.links,
            clock=self.clock,
        )

    @cached_property
    def contacts(self) -> ContactService:
        return ContactService(
            contacts=self.adapters.store, eraser=self.adapters.eraser, clock=self.clock
        )

    @cached_property
    def dialogue(self) -> DialogueService:
        return DialogueService(
            answers=self.adapters.store,
            threads=self.adapters.threads,
            contacts=self.contacts,
            publisher=self.adapters.publisher,
            campaigns=self.registry.find,
            links=self.links,
            clock=self.clock,
        )

    @cached_property
    def admin(self) -> AdminService:
        return AdminService(
            campaigns=self.adapters.campaign_store,
            registry=self.registry,
            answers=self.adapters.store,
            jobs=self.adapters.store,
            sharing=self.sharing,
            dialogue=self.dialogue,
            contacts=self.contacts,
            links=self.links,
            clock=self.clock,
            variant_counts=self.adapters.store,
        )

    @cached_property
    def variants(self) -> VariantPicker:
        return VariantPicker()

    @cached_property
    def accounts(self) -> AccountService:
        """Marketers' users, keys, console sessions and the audit log; the stage's shared
        admin key is only the bootstrap for the first admin."""
        return AccountService(
            store=self.adapters.accounts,
            audit=self.adapters.audit,
            clock=self.clock,
            bootstrap_key_sha256=lambda: self.keys().admin_key_sha256,
        )


@lru_cache(maxsize=1)
def get_services() -> Services:
    return Services(get_settings())


def reset() -> None:
    """Forget cached settings and clients (tests, and the local stack after it sets the env)."""
    forget_settings()
    get_services.cache_clear()
