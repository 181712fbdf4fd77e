"""A published version naming a language whose UI catalog this code lacks (deployed from a
tree that had it): its pages redirect to a language that can be shown, never a 500, and
browsers asking for it (``bho-IN``) are not sent into it."""

from __future__ import annotations

import json
from typing import Any

import pytest

from chalicelib.campaigns.loader import definition_of
from chalicelib.campaigns.model import Definition
from chalicelib.errors import VersionProblem
from chalicelib.i18n.catalogs import ui_locales
from tests.samples import inline_text

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def with_bhojpuri(data: Any) -> Any:
    """Every English text copied as the Bhojpuri one."""
    if isinstance(data, dict):
        out = {k: with_bhojpuri(v) for k, v in data.items()}
        if "en" in data and "hi" in data:
            out["bho"] = out["en"]
        return out
    if isinstance(data, list):
        return [with_bhojpuri(v) for v in data]
    return data


def deploy_bhojpuri(aws: Any) -> int:
    assert "bho" not in ui_locales()  # the premise: this tree has no Bhojpuri catalog
    checked = definition_of(inline_text("wishlist"), "wishlist.yaml")
    data = with_bhojpuri(json.loads(checked.validated))
    data["locales"] = ["bho", "en", "hi", "ur"]
    data["default_locale"] = "bho"
    validated = json.dumps(data, ensure_ascii=False)
    stored = aws.adapters.campaign_store.deploy(
        Definition("wishlist", checked.source, validated), aws.clock(), "other-tree"
    )
    version: int = stored.version
    return version


@pytest.fixture
def bhojpuri_published(aws: Any) -> None:
    # The store's own publish, as another tree's code (with the catalog) would have done.
    aws.adapters.campaign_store.publish("wishlist", deploy_bhojpuri(aws), aws.clock())


def test_publishing_a_language_without_a_catalog_is_refused(aws: Any) -> None:
    version = deploy_bhojpuri(aws)
    with pytest.raises(VersionProblem, match=r"offers bho, which this deployment has no UI cat"):
        aws.admin.publish("wishlist", version)
    assert aws.adapters.campaign_store.state("wishlist").published != version


@pytest.mark.usefixtures("bhojpuri_published")
def test_a_language_without_a_catalog_redirects_and_is_never_offered(chalice_client: Any) -> None:
    page = chalice_client.http.get("/bho/c/wishlist")
    assert page.status_code == 302
    assert page.headers["Location"].endswith("/hi/c/wishlist")  # Bhojpuri readers read Hindi

    asked = chalice_client.http.get("/c/wishlist", headers={"Accept-Language": "bho-IN,bho;q=0.9"})
    assert asked.status_code == 302
    assert asked.headers["Location"].endswith("/hi/c/wishlist")

    english = chalice_client.http.get("/en/c/wishlist")
    assert english.status_code == 200
    html = english.body.decode("utf-8")
    assert 'hreflang="bho"' not in html
    assert 'hreflang="hi"' in html

    thanks = chalice_client.http.get("/bho/c/wishlist/thanks")
    assert thanks.status_code == 302
    posted = chalice_client.http.post("/bho/c/wishlist", headers=FORM, body="product=tawa")
    assert posted.status_code == 307


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("ur-IN,ur;q=0.9,en;q=0.5", "/ur/c/wishlist"),
        ("bn-IN,bn;q=0.9,en;q=0.5", "/bn/c/wishlist"),
        ("pa-Guru-IN,en;q=0.5", "/pa/c/wishlist"),
        ("sat-Olck,en;q=0.5", "/sat/c/wishlist"),
        ("mni-Beng-IN,en;q=0.5", "/mni/c/wishlist"),
        ("hi-Latn-IN,en;q=0.5", "/hi-Latn/c/wishlist"),
        ("mai-IN,en;q=0.8", "/mai/c/wishlist"),
        ("sd-Deva-IN,en;q=0.8", "/hi/c/wishlist"),  # never Arabic-script Sindhi
        ("ta-IN,fr;q=0.5", "/ta/c/wishlist"),
        # The dress speaks eleven languages: the others fall back sensibly.
        ("mai-IN,en;q=0.8", "/hi/c/design-your-dress"),  # no Maithili: Hindi before English
        ("sd-Deva-IN,en;q=0.8", "/hi/c/design-your-dress"),
        ("sat-Olck,en;q=0.5", "/en/c/design-your-dress"),
        ("hi-Latn-IN,en;q=0.5", "/hi-Latn/c/design-your-dress"),
    ],
)
def test_real_browser_headers_pick_the_language(
    chalice_client: Any, header: str, expected: str
) -> None:
    slug = expected.rsplit("/", 1)[1]
    answer = chalice_client.http.get(f"/c/{slug}", headers={"Accept-Language": header})
    assert answer.status_code == 302
    assert answer.headers["Location"].endswith(expected)
