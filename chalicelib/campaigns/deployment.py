"""Deploying campaign files: validate, store as a new version, publish."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from chalicelib.campaigns import translations
from chalicelib.campaigns.loader import (
    campaign_from_validated,
    definition_of,
    load_campaign_file,
    load_campaigns,
)
from chalicelib.campaigns.model import Campaign
from chalicelib.campaigns.ports import CampaignStore, StoredVersion
from chalicelib.errors import CampaignNotFound


@dataclass(frozen=True)
class Deployed:
    campaign: Campaign
    stored: StoredVersion


def deploy_text(store: CampaignStore, text: str, file: str, at: datetime, by: str) -> Deployed:
    """Validate (InvalidCampaignDefinition names file, line, field) and store a new version."""
    definition = definition_of(
        text, file, file_slug=Path(file).stem if file.endswith(".yaml") else None
    )
    stored = store.deploy(definition, at, by)
    # Built as pages will build it, from what was stored.
    return Deployed(campaign_from_validated(definition.validated, stored.version), stored)


def deploy_file(store: CampaignStore, path: Path, at: datetime, by: str) -> Deployed:
    load_campaign_file(path)  # the file name must match the slug
    return deploy_text(store, translations.bundle(path), path.name, at, by)


def sync_definitions(store: CampaignStore, directory: Path, at: datetime) -> list[Deployed]:
    """Deploy and publish each file whose text differs from the published version (the local
    stack and the tests start from the sample campaigns this way)."""
    load_campaigns(directory)  # every problem in every file at once, before anything is stored
    changed = []
    for path in sorted(directory.glob("*.yaml")):
        text = translations.bundle(path)  # a changed translation file redeploys too
        slug = load_campaign_file(path).slug
        if _published_text(store, slug) == text:
            continue
        deployed = deploy_file(store, path, at, "local-sync")
        store.publish(slug, deployed.stored.version, at)
        changed.append(deployed)
    return changed


def _published_text(store: CampaignStore, slug: str) -> str | None:
    try:
        state = store.state(slug)
    except CampaignNotFound:
        return None
    return store.version(slug, state.published).source if state.published else None
