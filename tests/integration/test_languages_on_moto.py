"""A published version naming a language whose UI catalog this code lacks (deployed from a
tree that had it): its pages redirect to a language that can be shown, never a 500, and
browsers asking for it (``bn-IN``) are not sent into it."""

from __future__ import annotations

import json
from typing import Any

import pytest

from chalicelib.admin import operations
from chalicelib.campaigns.loader import definition_of
from chalicelib.campaigns.model import Definition
from chalicelib.errors import VersionProblem
from chalicelib.i18n.catalogs import ui_locales
from tests.samples import inline_text

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def with_bengali(data: Any) -> Any:
    """Every English text copied as the Bengali one."""
    if isinstance(data, dict):
        out = {k: with_bengali(v) for k, v in data.items()}
        if "en" in data and "hi" in data:
            out["bn"] = out["en"]
        return out
    if isinstance(data, list):
        return [with_bengali(v) for v in data]
    return data


def deploy_bengali(aws: Any) -> int:
    assert "bn" not in ui_locales()  # the premise: this tree has no Bengali catalog
    checked = definition_of(inline_text("wishlist"), "wishlist.yaml")
    data = with_bengali(json.loads(checked.validated))
    data["locales"] = ["bn", "en", "hi", "ur"]
    data["default_locale"] = "bn"
    validated = json.dumps(data, ensure_ascii=False)
    stored = aws.campaign_store.deploy(
        Definition("wishlist", checked.source, validated), aws.clock(), "other-tree"
    )
    version: int = stored.version
    return version


@pytest.fixture
def bengali_published(aws: Any) -> None:
    # The store's own publish, as another tree's code (with the catalog) would have done.
    aws.campaign_store.publish("wishlist", deploy_bengali(aws), aws.clock())


def test_publishing_a_language_without_a_catalog_is_refused(aws: Any) -> None:
    version = deploy_bengali(aws)
    with pytest.raises(VersionProblem, match=r"offers bn, which this deployment has no UI cat"):
        operations.publish(aws, "wishlist", version)
    assert aws.campaign_store.state("wishlist").published != version


@pytest.mark.usefixtures("bengali_published")
def test_a_language_without_a_catalog_redirects_and_is_never_offered(chalice_client: Any) -> None:
    page = chalice_client.http.get("/bn/c/wishlist")
    assert page.status_code == 302
    assert page.headers["Location"].endswith("/en/c/wishlist")  # bn-less default: first shown

    asked = chalice_client.http.get("/c/wishlist", headers={"Accept-Language": "bn-IN,bn;q=0.9"})
    assert asked.status_code == 302
    assert asked.headers["Location"].endswith("/en/c/wishlist")

    english = chalice_client.http.get("/en/c/wishlist")
    assert english.status_code == 200
    html = english.body.decode("utf-8")
    assert 'hreflang="bn"' not in html
    assert 'hreflang="hi"' in html

    thanks = chalice_client.http.get("/bn/c/wishlist/thanks")
    assert thanks.status_code == 302
    posted = chalice_client.http.post("/bn/c/wishlist", headers=FORM, body="product=tawa")
    assert posted.status_code == 307


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("ur-IN,ur;q=0.9,en;q=0.5", "/ur/c/wishlist"),
        ("hi-Latn-IN,en;q=0.5", "/hi/c/wishlist"),  # Hinglish readers read Devanagari
        ("mai-IN,en;q=0.8", "/hi/c/wishlist"),  # no Maithili: Hindi before English
        ("sd-Deva-IN,en;q=0.8", "/hi/c/wishlist"),  # never Arabic-script Sindhi
        ("ta-IN,fr;q=0.5", "/en/c/wishlist"),
    ],
)
def test_real_browser_headers_pick_the_language(
    chalice_client: Any, header: str, expected: str
) -> None:
    answer = chalice_client.http.get("/c/wishlist", headers={"Accept-Language": header})
    assert answer.status_code == 302
    assert answer.headers["Location"].endswith(expected)
