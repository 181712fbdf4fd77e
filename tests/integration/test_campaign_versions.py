"""Deployed campaign versions over moto in-process: each keeps, beside its YAML, the data that
was validated, and pages build the campaign from that; versions deployed before it was kept
still load from their YAML."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from chalicelib.bootstrap import Services
from chalicelib.campaigns.deployment import deploy_text
from chalicelib.campaigns.loader import definition_of, parse_campaign
from chalicelib.campaigns.registry import CampaignRegistry
from chalicelib.errors import InvalidCampaignDefinition
from chalicelib.storage.items import dump_item
from tests.samples import inline_text

TEXT = inline_text("wishlist")
NOT_YAML = "title: [no parser accepts this"
HINDI_TITLE = "हम आपकी रसोई के लिए आगे क्या बनाएँ?"


def fresh_registry(services: Services) -> CampaignRegistry:
    """One that has cached nothing yet, as in a cold Lambda."""
    return CampaignRegistry(services.adapters.campaign_store, services.clock, timedelta(seconds=30))


def put_version(services: Services, version: int, **attributes: str) -> None:
    """A version item as an earlier deploy wrote it (or one that only this test can write)."""
    services.adapters.dynamodb.put_item(
        TableName=services.settings.table_name,
        Item=dump_item(
            {
                "pk": "CAMPAIGN#wishlist",
                "sk": f"VERSION#{version:06d}",
                "type": "campaign_version",
                "slug": "wishlist",
                "version": version,
                "checksum": "-",
                "deployed_at": "2026-11-25T10:00:00+00:00",
                "deployed_by": "test",
                **attributes,
            }
        ),
    )


def test_a_deployed_version_keeps_what_was_validated_and_pages_build_from_it(
    aws: Services,
) -> None:
    deployed = deploy_text(aws.adapters.campaign_store, TEXT, "wishlist.yaml", aws.clock(), "test")

    stored = aws.adapters.campaign_store.version("wishlist", deployed.stored.version)
    built = fresh_registry(aws).version("wishlist", stored.version)

    assert stored.source == TEXT
    assert stored.validated == definition_of(TEXT, "wishlist.yaml").validated
    assert built == deployed.campaign == parse_campaign(TEXT, "wishlist.yaml", version=2)


def test_the_yaml_of_a_version_with_its_validated_form_is_not_parsed_again(aws: Services) -> None:
    validated = definition_of(TEXT, "wishlist.yaml").validated
    put_version(aws, 90, source=NOT_YAML, validated=validated)  # only ``validated`` can build it

    built = fresh_registry(aws).version("wishlist", 90)

    assert built == parse_campaign(TEXT, "wishlist.yaml", version=90)


def test_a_version_deployed_before_the_validated_form_loads_from_its_yaml(aws: Services) -> None:
    put_version(aws, 91, source=TEXT)
    put_version(aws, 92, source=NOT_YAML)
    registry = fresh_registry(aws)

    assert registry.version("wishlist", 91) == parse_campaign(TEXT, "wishlist.yaml", version=91)
    with pytest.raises(InvalidCampaignDefinition) as caught:
        registry.version("wishlist", 92)
    assert caught.value.problems[0].file == "wishlist.yaml (version 92)"


def test_customers_see_a_published_version_deployed_before_the_validated_form(
    aws: Services, chalice_client: Any
) -> None:
    put_version(aws, 93, source=TEXT.replace(HINDI_TITLE, "पुराना संस्करण, अब भी चालू"))

    aws.adapters.campaign_store.publish("wishlist", 93, aws.clock())
    page = chalice_client.http.get("/hi/c/wishlist")

    assert page.status_code == 200
    assert "पुराना संस्करण, अब भी चालू" in page.body.decode()
