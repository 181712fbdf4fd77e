"""The surfaces' error tables through app.py: the campaign lookup every page shares
(``pages.offered_campaign``), and domain errors raised deep in a view answered by its
surface's table, never as a 5xx."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
JSON = {"Content-Type": "application/json"}


def test_a_locale_the_campaign_does_not_offer_redirects_each_page_to_the_best_it_does(
    chalice_client: Any,
) -> None:
    hindi = {"Accept-Language": "hi-IN,hi;q=0.9"}
    page = chalice_client.http.get("/fr/c/wishlist", headers=hindi)
    thanks = chalice_client.http.get("/fr/c/wishlist/thanks", headers=hindi)
    # 307 keeps the method and the body: the answer is sent again to the offered language.
    posted = chalice_client.http.post(
        "/fr/c/wishlist", headers={**FORM, **hindi}, body=urlencode({"product": "tawa"})
    )

    assert (page.status_code, page.headers["Location"]) == (302, "/hi/c/wishlist")
    assert (thanks.status_code, thanks.headers["Location"]) == (302, "/hi/c/wishlist/thanks")
    assert (posted.status_code, posted.headers["Location"]) == (307, "/hi/c/wishlist")


def test_an_unknown_campaign_is_a_404_page_in_the_customers_language_on_every_page(
    chalice_client: Any,
) -> None:
    for path in ("/hi/c/nope", "/hi/c/nope/thanks", "/c/nope"):
        answer = chalice_client.http.get(path, headers={"Accept-Language": "hi"})
        assert answer.status_code == 404, path
        assert '<html lang="hi"' in answer.body.decode(), path
    posted = chalice_client.http.post("/hi/c/nope", headers=FORM, body="product=tawa")
    assert posted.status_code == 404


def test_an_unreadable_form_is_a_400_page_and_an_unknown_campaign_a_404_json(
    chalice_client: Any,
) -> None:
    unreadable = chalice_client.http.post("/hi/c/wishlist", headers=FORM, body=b"a=%ff")
    api = chalice_client.http.post(
        "/api/v1/campaigns/nope/responses", headers=JSON, body=json.dumps({"answers": {}})
    )

    assert unreadable.status_code == 400
    assert '<html lang="hi"' in unreadable.body.decode()
    assert api.status_code == 404
    assert json.loads(api.body)["error"]["code"] == "campaign_not_found"
