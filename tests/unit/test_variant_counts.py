"""Views and answers per A/B variant over the fakes: each view and answer is counted once, in
its variant; the admin's stats add the variants up for the funnel and compare them."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from chalicelib.storage.page_views import ViewCounter
from chalicelib.variants.texts import in_variant
from tests.unit.test_admin_service import NOW, World, world

__all__ = ["world"]  # fixture

AB_KITCHEN = Path(__file__).resolve().parents[1] / "campaigns" / "ab-kitchen.yaml"
ANSWER = {"product": "tawa"}


def test_views_and_answers_are_counted_per_variant(world: World) -> None:
    world.admin.deploy(AB_KITCHEN.read_text(encoding="utf-8"), "ab-kitchen.yaml", "test")
    world.admin.publish("ab-kitchen", 1)
    campaign = world.registry.published("ab-kitchen")
    plain, festive = in_variant(campaign, "plain"), in_variant(campaign, "festive")
    views = ViewCounter(world.store, lambda: NOW, timedelta(seconds=30))
    for shown, count in ((plain, 3), (festive, 5)):
        for _ in range(count):
            views.view(shown.slug, "hi", "direct", shown.shown_variant)
    views.view(campaign.slug, "en", "direct")  # a page without a variant (an old version)
    views.flush()

    accepted = world.responses.accept(festive, "hi", ANSWER, "answer-1")
    world.responses.accept(festive, "ur", ANSWER, "answer-2")
    world.responses.accept(plain, "hi", ANSWER, "answer-3")
    world.responses.accept(festive, "hi", ANSWER, "answer-1")  # a repeat counts nothing

    assert accepted.response.variant == "festive"
    assert world.store.get_response(accepted.response.id) == accepted.response
    stats = world.admin.stats("ab-kitchen")
    assert (stats["views"], stats["responses"]) == (9, 3)  # every variant, and none
    assert stats["by_locale"]["hi"]["views"] == 8
    items = stats["variants"]["items"]
    assert [(i["id"], i["views"], i["responses"]) for i in items] == [
        ("plain", 3, 1),
        ("festive", 5, 2),
    ]
    assert items[1]["vs_first"] is None  # far too little data
    assert "at least 100 views" in stats["variants"]["rule"]


def test_a_campaign_without_variants_reports_none(world: World) -> None:
    text = AB_KITCHEN.read_text(encoding="utf-8")
    world.admin.deploy(text[: text.index("variants:")], "ab-kitchen.yaml", "test")
    world.admin.publish("ab-kitchen", 1)
    accepted = world.responses.accept(world.registry.published("ab-kitchen"), "hi", ANSWER, "a-1")
    assert accepted.response.variant is None
    assert world.store.variant_counts == {}
    assert world.admin.stats("ab-kitchen")["variants"]["items"] == []


def test_the_export_of_a_campaign_with_variants_names_each_answers_variant(world: World) -> None:
    world.admin.deploy(AB_KITCHEN.read_text(encoding="utf-8"), "ab-kitchen.yaml", "test")
    world.admin.publish("ab-kitchen", 1)
    festive = in_variant(world.registry.published("ab-kitchen"), "festive")
    world.responses.accept(festive, "hi", ANSWER, "answer-1")
    page = world.admin.responses("ab-kitchen")
    assert page["columns"][:6] == [
        "response_id", "created_at", "campaign_version", "locale", "source", "variant",
    ]  # fmt: skip
    assert page["items"][0]["variant"] == "festive"
    assert page["items"][0]["product"] == "tawa"
