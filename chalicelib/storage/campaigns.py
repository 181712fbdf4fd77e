"""Deployed campaign versions in DynamoDB, beside the responses (same table).

Keys (see README, "Table design"):
- ``CAMPAIGN#<slug>`` / ``META``: the published pointer (``published``), the last version
  number handed out (``last_version``) and the history of publishes and rollbacks; in the
  ``by_campaign`` index under ``CAMPAIGNS`` so every campaign can be listed.
- ``CAMPAIGN#<slug>`` / ``VERSION#<000042>``: one immutable deployed definition: its YAML text
  (``source``) and the data that was validated, as JSON (``validated``; versions deployed
  before it was kept have only the source).

A deploy takes the next number with one atomic counter update, then writes the version with
``attribute_not_exists``: two racing deploys get two versions. Publishing and rolling back
change one attribute of one item, so a page reads either the old or the new version, never
a mix.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

from chalicelib.campaigns.ports import CampaignState, StoredVersion
from chalicelib.errors import CampaignNotFound, VersionProblem
from chalicelib.storage.errors import aws_failures, conditional
from chalicelib.storage.items import dump_item, load_item, query_all

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

    from chalicelib.campaigns.model import Definition


def _version_key(slug: str, version: int) -> dict[str, Any]:
    return dump_item({"pk": f"CAMPAIGN#{slug}", "sk": f"VERSION#{version:06d}"})


def _meta_key(slug: str) -> dict[str, Any]:
    return dump_item({"pk": f"CAMPAIGN#{slug}", "sk": "META"})


class CampaignStore:
    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self._client = client
        self._table = table_name

    def deploy(self, definition: Definition, at: datetime, by: str) -> StoredVersion:
        """Store ``definition`` as the campaign's next version (not yet published)."""
        slug, source = definition.slug, definition.source
        with aws_failures():
            counter = self._client.update_item(
                TableName=self._table,
                Key=_meta_key(slug),
                UpdateExpression=(
                    "ADD last_version :one SET slug = :slug, #type = :type,"
                    " gsi1pk = :all, gsi1sk = :slug"
                ),
                ExpressionAttributeNames={"#type": "type"},
                ExpressionAttributeValues=dump_item(
                    {":one": 1, ":slug": slug, ":type": "campaign", ":all": "CAMPAIGNS"}
                ),
                ReturnValues="UPDATED_NEW",
            )
            version = int(counter["Attributes"]["last_version"]["N"])
            stored = StoredVersion(
                slug=slug,
                version=version,
                source=source,
                checksum=hashlib.sha256(source.encode("utf-8")).hexdigest(),
                deployed_at=at,
                deployed_by=by,
                validated=definition.validated,
            )
            self._client.put_item(
                TableName=self._table,
                Item=dump_item(
                    {
                        "pk": f"CAMPAIGN#{slug}",
                        "sk": f"VERSION#{version:06d}",
                        "type": "campaign_version",
                        "slug": slug,
                        "version": version,
                        "source": source,
                        "validated": definition.validated,
                        "checksum": stored.checksum,
                        "deployed_at": at.isoformat(),
                        "deployed_by": by,
                    }
                ),
                ConditionExpression="attribute_not_exists(pk)",  # versions are immutable
            )
        return stored

    def state(self, slug: str) -> CampaignState:
        with aws_failures():
            item = self._client.get_item(
                TableName=self._table, Key=_meta_key(slug), ConsistentRead=True
            ).get("Item")
        if item is None:
            raise CampaignNotFound(slug)
        return _state(load_item(item))

    def version(self, slug: str, version: int) -> StoredVersion:
        with aws_failures():
            item = self._client.get_item(
                TableName=self._table, Key=_version_key(slug, version)
            ).get("Item")
        if item is None:
            raise VersionProblem(f"{slug} has no version {version}")
        return _stored(load_item(item))

    def versions(self, slug: str) -> list[StoredVersion]:
        return [
            _stored(item)
            for item in self._query(
                KeyConditionExpression="pk = :pk AND begins_with(sk, :v)",
                ExpressionAttributeValues=dump_item({":pk": f"CAMPAIGN#{slug}", ":v": "VERSION#"}),
            )
        ]

    def campaigns(self) -> list[CampaignState]:
        return [
            _state(item)
            for item in self._query(
                IndexName="by_campaign",
                KeyConditionExpression="gsi1pk = :all",
                ExpressionAttributeValues=dump_item({":all": "CAMPAIGNS"}),
            )
        ]

    def publish(self, slug: str, version: int, at: datetime, action: str = "publish") -> None:
        """Point the campaign at ``version`` (which must exist) in one conditional write."""
        state = self.state(slug)
        self.version(slug, version)  # raises if there is no such version
        entry = {"action": action, "version": version, "at": at.isoformat()}
        self._switch(slug, state.published, version, entry)

    def rollback(self, slug: str, at: datetime) -> int:
        """Back to the version published before the current one; returns it."""
        state = self.state(slug)
        if state.published is None:
            raise VersionProblem(f"{slug} is not published")
        earlier = _previous(state)
        if earlier is None:
            raise VersionProblem(f"{slug} has no earlier published version to roll back to")
        entry = {"action": "rollback", "version": earlier, "at": at.isoformat()}
        self._switch(slug, state.published, earlier, entry)
        return earlier

    def _switch(self, slug: str, expected: int | None, version: int, entry: dict[str, Any]) -> None:
        condition = (
            "published = :expected" if expected is not None else "attribute_not_exists(published)"
        )
        values: dict[str, Any] = {
            ":v": version,
            ":at": entry["at"],
            ":entry": [entry],
            ":empty": [],
        }
        if expected is not None:
            values[":expected"] = expected
        switched = conditional(
            self._client.update_item,
            TableName=self._table,
            Key=_meta_key(slug),
            UpdateExpression=(
                "SET published = :v, published_at = :at,"
                " history = list_append(if_not_exists(history, :empty), :entry)"
            ),
            ConditionExpression=condition,
            ExpressionAttributeValues=dump_item(values),
        )
        if switched is None:
            raise VersionProblem(
                f"{slug} was published or rolled back by someone else meanwhile; try again"
            )

    def _query(self, **params: Any) -> Iterator[dict[str, Any]]:
        return query_all(self._client, self._table, **params)


def _previous(state: CampaignState) -> int | None:
    """The version that was live before the current one went live."""
    live = [int(entry["version"]) for entry in state.history]
    while live and live[-1] == state.published:
        live.pop()
    return live[-1] if live else None


def _state(item: dict[str, Any]) -> CampaignState:
    published_at = item.get("published_at")
    return CampaignState(
        slug=item["slug"],
        published=int(item["published"]) if "published" in item else None,
        last_version=int(item.get("last_version", 0)),
        published_at=datetime.fromisoformat(published_at) if published_at else None,
        history=tuple(
            {"action": e["action"], "version": int(e["version"]), "at": e["at"]}
            for e in item.get("history", [])
        ),
    )


def _stored(item: dict[str, Any]) -> StoredVersion:
    return StoredVersion(
        slug=item["slug"],
        version=int(item["version"]),
        source=item["source"],
        checksum=item["checksum"],
        deployed_at=datetime.fromisoformat(item["deployed_at"]),
        deployed_by=item["deployed_by"],
        validated=item.get("validated"),
    )
