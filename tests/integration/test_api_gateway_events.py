"""app.py driven with the Lambda events API Gateway (REST API, proxy integration) sends, over
moto in-process, and its answers read as API Gateway reads them: with ``*/*`` a binary media
type, every body comes back base64-encoded and API Gateway decodes it for the client.

Where the app is mounted, as API Gateway tells it: on the execute-api host the stage is in
``requestContext.path`` (``/api/hi/c/…``); on a custom domain the base path mapping's path is
(``/offers/hi/c/…``), or nothing at the domain's root."""

from __future__ import annotations

import base64
import json
import re
from typing import Any
from urllib.parse import urlencode

import pytest

from tests.conftest import CSRF_COOKIE_VALUE, csrf_token
from tests.samples import DRESS_DESIGN, png_size

EXECUTE_API = "abc123defg.execute-api.ap-south-1.amazonaws.com"
CUSTOM_DOMAIN = "shop.example.in"
CRAWLER = "WhatsApp/2.23.20.0"


def gateway_event(
    method: str,
    resource: str,
    parameters: dict[str, str],
    *,
    mount: str = "/api",
    host: str = EXECUTE_API,
    accept: str | None = "*/*",
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The event of a request for ``resource`` filled with ``parameters``, under ``mount``."""
    route = re.sub(r"\{(\w+)\}", lambda m: parameters[m.group(1)], resource)
    sent = {"Host": host, "User-Agent": CRAWLER, **(headers or {})}
    if accept is not None:
        sent["Accept"] = accept
    # On the execute-api host `path` drops the stage; on a custom domain it keeps the mapping.
    path = route if host == EXECUTE_API else mount + route
    return {
        "resource": resource,
        "path": path,
        "httpMethod": method,
        "headers": sent,
        "multiValueHeaders": {k: [v] for k, v in sent.items()},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": parameters or None,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": resource,
            "httpMethod": method,
            "path": mount + route,
            "stage": "api",
            "domainName": host,
            "identity": {"sourceIp": "203.0.113.7"},
            "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
        },
        # A binary media type of */* makes every request body binary: base64 for Lambda.
        "body": None if body is None else base64.b64encode(body).decode("ascii"),
        "isBase64Encoded": body is not None,
    }


def delivered(answer: dict[str, Any]) -> bytes:
    """The body API Gateway sends the client: it decodes a body marked base64 when the
    request's first Accept type is a binary media type, which */* always is."""
    assert answer["isBase64Encoded"] is True
    return base64.b64decode(answer["body"], validate=True)


def call(event: dict[str, Any]) -> dict[str, Any]:
    from app import app

    answer: dict[str, Any] = app(event, None)
    return answer


def form_post(resource: str, parameters: dict[str, str], fields: dict[str, str], **kw: Any) -> Any:
    body = urlencode({**fields, "csrf": csrf_token()}).encode()
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"samvad_csrf={CSRF_COOKIE_VALUE}",
    }
    return call(gateway_event("POST", resource, parameters, body=body, headers=headers, **kw))


@pytest.fixture
def public_share(chalice_client: Any) -> str:
    """A public share of a designed dress: its id (sent through the app's own pages)."""
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    fields = {"form_token": "gateway-share-001", **DRESS_DESIGN}
    thanks = chalice_client.http.post(
        "/hi/c/design-your-dress", headers=form, body=urlencode(fields)
    )
    page = chalice_client.http.get(thanks.headers["Location"]).body.decode()
    action = re.search(r'action="(/hi/d/[0-9a-f]{32}/share)"', page).group(1)  # type: ignore[union-attr]
    shared = chalice_client.http.post(action, headers=form, body=urlencode({"message": "वाह"}))
    assert shared.status_code == 303
    return str(shared.headers["Location"]).rsplit("/", 1)[1]


@pytest.mark.parametrize("accept", ["*/*", "image/*", "image/png", None])
def test_the_share_image_is_a_landscape_png_for_every_crawler(
    public_share: str, accept: str | None
) -> None:
    event = gateway_event(
        "GET",
        "/{locale}/s/{share_id}/design.png",
        {"locale": "hi", "share_id": public_share},
        accept=accept,
    )

    answer = call(event)

    assert answer["statusCode"] == 200, answer["body"]
    assert answer["headers"]["Content-Type"] == "image/png"
    assert png_size(delivered(answer)) == (1200, 630)


def test_the_share_page_names_its_image_size_and_absolute_urls(
    public_share: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib import bootstrap

    monkeypatch.setenv("SAMVAD_PUBLIC_URL", f"https://{EXECUTE_API}/api/")
    bootstrap.reset()
    event = gateway_event(
        "GET", "/{locale}/s/{share_id}", {"locale": "hi", "share_id": public_share}
    )

    page = delivered(call(event)).decode("utf-8")

    image = f"https://{EXECUTE_API}/api/hi/s/{public_share}/design.png"
    assert f'<meta property="og:image" content="{image}">' in page
    assert '<meta property="og:image:width" content="1200">' in page
    assert '<meta property="og:image:height" content="630">' in page
    url = f"https://{EXECUTE_API}/api/hi/s/{public_share}"
    assert f'<meta property="og:url" content="{url}">' in page


@pytest.mark.parametrize("accept", ["*/*", "text/html,application/xhtml+xml;q=0.9", None])
def test_a_page_comes_out_as_html_whatever_the_accept_header(aws: Any, accept: str | None) -> None:
    event = gateway_event(
        "GET", "/{locale}/c/{slug}", {"locale": "hi", "slug": "wishlist"}, accept=accept
    )

    answer = call(event)

    assert answer["statusCode"] == 200
    assert answer["headers"]["Content-Type"] == "text/html; charset=utf-8"
    page = delivered(answer).decode("utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert 'lang="hi"' in page
    assert '<link rel="stylesheet" href="/api/static/samvad.css">' in page
    assert 'action="/api/hi/c/wishlist"' in page
    assert 'href="/api/en/c/wishlist"' in page


def test_the_stylesheet_comes_out_as_text(aws: Any) -> None:
    answer = call(gateway_event("GET", "/static/{name}", {"name": "samvad.css"}, accept="text/css"))

    assert answer["statusCode"] == 200
    assert answer["headers"]["Content-Type"] == "text/css; charset=utf-8"
    assert b"{" in delivered(answer)


@pytest.mark.parametrize(
    ("host", "mount"),
    [(EXECUTE_API, "/api"), (CUSTOM_DOMAIN, ""), (CUSTOM_DOMAIN, "/offers/2026")],
    ids=["execute-api stage", "custom domain root", "custom domain base path"],
)
def test_a_form_answer_redirects_under_the_mount(aws: Any, host: str, mount: str) -> None:
    fields = {"form_token": f"gateway-form-{len(mount)}", "product": "tawa"}

    answer = form_post(
        "/{locale}/c/{slug}", {"locale": "hi", "slug": "wishlist"}, fields, host=host, mount=mount
    )

    assert answer["statusCode"] == 303, delivered(answer)
    assert answer["headers"]["Location"] == f"{mount}/hi/c/wishlist/thanks"


def test_a_negotiating_link_redirects_under_the_mount(aws: Any) -> None:
    event = gateway_event(
        "GET", "/c/{slug}", {"slug": "wishlist"}, headers={"Accept-Language": "ur-PK"}
    )

    answer = call(event)

    assert answer["statusCode"] == 302
    assert answer["headers"]["Location"] == "/api/ur/c/wishlist"


def test_a_json_answer_comes_out_as_json(aws: Any) -> None:
    body = b'{"locale": "hi", "answers": {"product": "tawa"}}'
    event = gateway_event(
        "POST",
        "/api/v1/campaigns/{slug}/responses",
        {"slug": "wishlist"},
        accept="application/json",
        body=body,
        headers={"Content-Type": "application/json", "Idempotency-Key": "gateway-json-0001"},
    )

    answer = call(event)

    assert answer["statusCode"] == 201, delivered(answer)
    assert answer["headers"]["Content-Type"] == "application/json; charset=utf-8"
    created = json.loads(delivered(answer))
    assert (created["campaign"], created["locale"], created["created"]) == ("wishlist", "hi", True)


def test_the_packaged_api_declares_every_media_type_binary() -> None:
    """What ``chalice package`` writes into the template's API (x-amazon-apigateway-…)."""
    from chalice.deploy.swagger import TemplatedSwaggerGenerator

    from app import app

    swagger = TemplatedSwaggerGenerator().generate_swagger(app)

    assert "*/*" in swagger["x-amazon-apigateway-binary-media-types"]
