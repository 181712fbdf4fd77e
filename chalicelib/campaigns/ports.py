"""What campaign versions need from storage: deployed versions and the published pointer
(DynamoDB in ``chalicelib.storage.campaigns``; a fake in ``tests/fakes.py``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from chalicelib.campaigns.model import Definition


@dataclass(frozen=True)
class StoredVersion:
    slug: str
    version: int
    source: str
    checksum: str
    deployed_at: datetime
    deployed_by: str
    validated: str | None = None


@dataclass(frozen=True)
class CampaignState:
    slug: str
    published: int | None
    last_version: int
    published_at: datetime | None
    history: tuple[dict[str, Any], ...]


class CampaignStore(Protocol):
    def deploy(self, definition: Definition, at: datetime, by: str) -> StoredVersion:
        """Store ``definition`` as the campaign's next version (not yet published)."""
        ...

    def publish(self, slug: str, version: int, at: datetime) -> None: ...

    def rollback(self, slug: str, at: datetime) -> int:
        """Publish again the version published before; its number."""
        ...

    def state(self, slug: str) -> CampaignState:
        """CampaignNotFound if the campaign was never deployed."""
        ...

    def campaigns(self) -> list[CampaignState]: ...

    def version(self, slug: str, version: int) -> StoredVersion:
        """VersionProblem if there is no such version."""
        ...

    def versions(self, slug: str) -> list[StoredVersion]: ...
