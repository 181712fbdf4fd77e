"""Where API Gateway serves the app, from the request context it gives the Lambda; redirects
and links under that mount; links that leave the request keep SAMVAD_PUBLIC_URL's path."""

from __future__ import annotations

import pytest

from chalicelib.web.http import WebResponse, mount_path

EXECUTE_API = "abc123defg.execute-api.ap-south-1.amazonaws.com"
PAGE = "/{locale}/c/{slug}"
HINDI_WISHLIST = {"locale": "hi", "slug": "wishlist"}


def context(
    path: str, resource: str = PAGE, domain: str | None = EXECUTE_API, stage: str = "api"
) -> dict[str, object]:
    """The fields of ``requestContext`` that API Gateway sets (``domainName``: the host)."""
    return {"path": path, "resourcePath": resource, "stage": stage, "domainName": domain}


@pytest.mark.parametrize(
    ("asked", "resource", "parameters", "host", "mount"),
    [
        ("/api/hi/c/wishlist", PAGE, HINDI_WISHLIST, EXECUTE_API, "/api"),
        ("/prod/hi/c/wishlist", PAGE, HINDI_WISHLIST, EXECUTE_API, "/prod"),
        ("/api/", "/", None, EXECUTE_API, "/api"),
        ("/api", "/", None, EXECUTE_API, "/api"),
        ("/api/static/samvad.css", "/static/{name}", {"name": "samvad.css"}, EXECUTE_API, "/api"),
        ("/hi/c/wishlist", PAGE, HINDI_WISHLIST, "shop.example.in", ""),
        ("/", "/", None, "shop.example.in", ""),
        ("/offers/hi/c/wishlist", PAGE, HINDI_WISHLIST, "shop.example.in", "/offers"),
        ("/offers/2026/hi/c/wishlist", PAGE, HINDI_WISHLIST, "shop.example.in", "/offers/2026"),
        ("/offers/", "/", None, "shop.example.in", "/offers"),
    ],
    ids=[
        "execute-api stage",
        "execute-api other stage",
        "execute-api stage root",
        "execute-api stage root without slash",
        "execute-api asset",
        "custom domain root",
        "custom domain root page",
        "custom domain base path",
        "custom domain two-segment base path",
        "custom domain base path root",
    ],
)
def test_the_mount_is_what_the_asked_path_has_before_the_route(
    asked: str,
    resource: str,
    parameters: dict[str, str] | None,
    host: str,
    mount: str,
) -> None:
    assert mount_path(context(asked, resource, host), parameters) == mount


def test_chalice_local_server_is_at_the_root() -> None:
    local = {"path": "/hi/c/wishlist", "resourcePath": PAGE}  # no stage, no domain
    assert mount_path(local, HINDI_WISHLIST) == ""


@pytest.mark.parametrize(
    ("host", "mount"), [(EXECUTE_API, "/api"), ("shop.example.in", ""), (None, "")]
)
def test_a_path_that_does_not_end_with_the_route_falls_back_to_the_host(
    host: str | None, mount: str
) -> None:
    odd = context("/api/hi/c/wish%6Cist", domain=host)  # encoded unlike the parameter
    assert mount_path(odd, HINDI_WISHLIST) == mount


@pytest.mark.parametrize(
    "asked", ['/a"b/hi/c/wishlist', "/a b/hi/c/wishlist", "//evil.example/hi/c/wishlist"]
)
def test_a_mount_that_is_not_a_plain_path_is_never_used(asked: str) -> None:
    assert mount_path(context(asked, domain="shop.example.in"), HINDI_WISHLIST) == ""


def test_a_hostile_stage_name_is_never_used() -> None:
    odd = context("/x", stage='a"><script>')
    assert mount_path(odd, HINDI_WISHLIST) == ""


@pytest.mark.parametrize(
    ("location", "mounted"),
    [
        ("/hi/c/wishlist/thanks", "/api/hi/c/wishlist/thanks"),
        ("https://wa.me/?text=x", "https://wa.me/?text=x"),
        ("//evil.example/x", "//evil.example/x"),
    ],
)
def test_redirects_to_app_paths_go_under_the_mount(location: str, mounted: str) -> None:
    redirect = WebResponse.redirect(location, 303)

    assert redirect.mounted("/api").headers["Location"] == mounted
    assert redirect.mounted("").headers["Location"] == location


def test_a_page_without_location_is_unchanged() -> None:
    page = WebResponse.html("<p>hi</p>")
    assert page.mounted("/api") == page


def test_sms_links_keep_the_public_urls_path() -> None:
    from chalicelib.consent.keys import Keys
    from chalicelib.consent.links import Links

    links = Links(f"https://{EXECUTE_API}/api", Keys(contact=b"c" * 32, link=b"k" * 32))

    assert links.page("hi", "wishlist") == f"https://{EXECUTE_API}/api/hi/c/wishlist"
    assert links.unsubscribe("c" * 32, "hi").startswith(f"https://{EXECUTE_API}/api/u/")


def test_qr_links_keep_the_base_urls_path() -> None:
    from samvad_cli.qr import campaign_url

    url = campaign_url(f"https://{EXECUTE_API}/api/", "hi", "wishlist", "poster-17")
    assert url == f"https://{EXECUTE_API}/api/hi/c/wishlist?src=poster-17"
