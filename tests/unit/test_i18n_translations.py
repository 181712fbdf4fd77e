"""Per-locale campaign text files (definitions/translations/<slug>/<tag>.yaml): merged into the
campaign, refused with file, line and field, and carried by what a deploy stores."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from chalicelib.campaigns import translations
from chalicelib.campaigns.deployment import deploy_file
from chalicelib.campaigns.loader import (
    campaign_from_validated,
    definition_of,
    load_campaign_file,
)
from chalicelib.errors import InvalidCampaignDefinition
from tests.samples import definition, inline_text

TR = "translations/wishlist/hi.yaml"


def without(data: Any, locale: str) -> Any:
    """The campaign's data with every ``locale`` text taken out."""
    if isinstance(data, dict):
        return {k: without(v, locale) for k, v in data.items() if k != locale}
    if isinstance(data, list):
        return [without(v, locale) for v in data]
    return data


def dump(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)


def split_tree(
    root: Path, locale: str = "hi", edit: Callable[[dict[str, Any]], None] | None = None
) -> Path:
    """wishlist.yaml without its ``locale`` texts, and those texts as a translation file
    (changed by ``edit`` first)."""
    data = definition()
    data["locales"] = list(data["title"])  # the languages written in the file itself
    texts = {"status": "drafted", **translations.extract(data, locale, data["default_locale"])}
    if edit is not None:
        edit(texts)
    campaign = root / "wishlist.yaml"
    campaign.write_text(dump(without(data, locale)), encoding="utf-8")
    folder = root / "translations" / "wishlist"
    folder.mkdir(parents=True)
    (folder / f"{locale}.yaml").write_text(dump(texts), encoding="utf-8")
    return campaign


def problems_of(path: Path) -> list[str]:
    with pytest.raises(InvalidCampaignDefinition) as caught:
        load_campaign_file(path)
    return [str(p) for p in caught.value.problems]


def line_of(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


def place_of(path: Path, needle: str) -> str:
    """``line:column`` where ``needle`` starts, as problems name it."""
    line = line_of(path, needle)
    text = path.read_text(encoding="utf-8").splitlines()[line - 1]
    return f"{line}:{text.index(needle) + 1}"


def test_a_translation_file_gives_the_same_campaign_as_texts_written_inline(
    tmp_path: Path,
) -> None:
    campaign = split_tree(tmp_path)
    assert "हम आपकी रसोई" not in campaign.read_text(encoding="utf-8")
    inline = definition_of(inline_text("wishlist"), "wishlist.yaml", file_slug="wishlist")
    assert load_campaign_file(campaign) == campaign_from_validated(inline.validated, 0)


def test_what_a_deploy_stores_carries_the_merged_texts(tmp_path: Path) -> None:
    """The bundle travels as one text (admin API, store); the stored checked form has the
    translation, so pages built from it need no file."""
    campaign = split_tree(tmp_path)
    bundle = translations.bundle(campaign)
    assert f"{translations.MARK}{TR}\n" in bundle
    stored = definition_of(bundle, "wishlist.yaml", file_slug="wishlist")
    assert stored.source == bundle
    built = campaign_from_validated(stored.validated, 3)
    assert built.title["hi"] == "हम आपकी रसोई के लिए आगे क्या बनाएँ?"
    assert json.loads(stored.validated)["questions"][0]["options"][2]["label"]["hi"] == (
        "कच्चे लोहे का तवा"
    )


class Store:
    """The one call deploy_file makes of a campaign store."""

    def __init__(self) -> None:
        self.sources: list[str] = []

    def deploy(self, definition: Any, at: Any, by: str) -> Any:
        self.sources.append(definition.source)
        return type("Stored", (), {"version": len(self.sources)})()


def test_deploy_file_sends_the_translations_with_the_campaign(tmp_path: Path) -> None:
    store = Store()
    deployed = deploy_file(store, split_tree(tmp_path), None, "test")  # type: ignore[arg-type]
    assert TR in store.sources[0]
    assert deployed.campaign.brand["hi"] == "काव्या होम"


def test_an_unknown_id_names_the_file_line_and_field(tmp_path: Path) -> None:
    def edit(texts: dict[str, Any]) -> None:
        texts["questions"][0]["options"][1]["id"] = "food-processor"

    campaign = split_tree(tmp_path, edit=edit)
    line = place_of(campaign.parent / TR, "food-processor")
    assert f"{TR}:{line}: questions[0].options[1].id: unknown id 'food-processor'" in "\n".join(
        problems_of(campaign)
    )


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (lambda t: t.pop("title"), "title", "missing the text (en: 'What should we make"),
        (
            lambda t: t["prize"].__setitem__("text", "{ends} से पहले जवाब दीजिए"),
            "prize.text",
            "placeholders differ from the source text: lost {amount}",
        ),
        (
            lambda t: t["followups"][0].__setitem__("text", "{brand} {link} धन्यवाद STOP"),
            "followups[0].text",
            "placeholders differ from the source text: extra {link}",
        ),
        (
            lambda t: t["followups"][2]["text"].__setitem__("few", "{brand} ..."),
            "followups[2].text",
            "hi plural categories are one, other; not few",
        ),
        (
            lambda t: t.__setitem__("titel", "x"),
            "titel",
            "unknown field 'titel' — did you mean 'title'?",
        ),
        (lambda t: t.__setitem__("slug", "x"), "slug", "not a text: only the campaign's texts"),
        (lambda t: t.pop("status"), "status", "say status: drafted or reviewed"),
        (
            lambda t: t["followups"][0].__setitem__("dlt_registered", "धन्यवाद STOP"),
            "followups[0].dlt_registered",
            "DLT slots differ from the source",
        ),
    ],
)
def test_each_mistake_is_refused_in_the_translators_file(
    tmp_path: Path, change: Callable[[dict[str, Any]], Any], field: str, message: str
) -> None:
    campaign = split_tree(tmp_path, edit=change)
    found = [p for p in problems_of(campaign) if p.startswith(f"{TR}:")]
    assert any(f": {field}: {message}" in p for p in found), found


def test_a_language_the_campaign_does_not_offer_is_refused(tmp_path: Path) -> None:
    campaign = split_tree(tmp_path)
    folder = campaign.parent / "translations" / "wishlist"
    (folder / "ta.yaml").write_text((folder / "hi.yaml").read_text(encoding="utf-8"))
    assert any(
        p.startswith("translations/wishlist/ta.yaml:1: (top): 'ta' is not in the campaign's")
        for p in problems_of(campaign)
    )


def test_a_text_given_twice_is_refused(tmp_path: Path) -> None:
    campaign = split_tree(tmp_path)
    inline = copy.deepcopy(definition())
    campaign.write_text(dump(inline), encoding="utf-8")  # the hi texts inline again
    assert any("already has the 'hi' text" in p for p in problems_of(campaign))


def test_a_bundle_splits_back_into_its_files(tmp_path: Path) -> None:
    campaign = split_tree(tmp_path)
    own, parts = translations.split(translations.bundle(campaign))
    assert own == campaign.read_text(encoding="utf-8")
    assert parts == [(TR, (campaign.parent / TR).read_text(encoding="utf-8"))]
    assert translations.split("slug: x\n") == ("slug: x\n", [])


def test_the_campaigns_own_checks_name_the_translators_file_for_a_translated_text(
    tmp_path: Path,
) -> None:
    """A product name too long for an SMS {#var#} is found by the campaign's DLT check, on the
    merged campaign; the problem still names the file and line the translator wrote it on."""
    long_name = "बहुत बड़ा स्टील प्रेशर कुकर, पाँच लीटर"

    def edit(texts: dict[str, Any]) -> None:
        texts["questions"][0]["options"][0]["label"] = long_name
        texts["followups"][2]["text"]["one"] = "{brand}: {product} {product_price} {ends} "
        texts["followups"][2]["text"]["one"] += "{days_left} {link} {unsubscribe}"

    campaign = split_tree(tmp_path, edit=edit)
    found = problems_of(campaign)
    label = place_of(campaign.parent / TR, long_name)
    assert f"{TR}:{label}: questions[0].options[0].label: 38 characters: too long" in "\n".join(
        found
    )
    offer = place_of(campaign.parent / TR, "'{brand}: {product} {product_price}")
    assert any(
        p.startswith(f"{TR}:{offer}: followups[2].text.one: does not match the DLT") for p in found
    ), found
