"""The console's QR page through app.py (Chalice's test client) over moto in-process: a code
for every language and source of a campaign, each a download whose modules are exactly those of
the campaign's public link with its ``?src=``."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from chalicelib.accounts.roles import Role
from tests.integration.test_console_pages_on_moto import DRESS, C, get, session
from tests.unit.test_qr import expected_matrix, png_modules, svg_modules

SOURCES = ("poster", "flyer", "counter", "whatsapp")


def link(aws: Any, locale: str, source: str) -> str:
    """The public link a code must hold, written out here (not read from the code under test)."""
    return f"{aws.settings.public_url}/{locale}/c/{DRESS}?src={source}"


def test_the_page_offers_every_language_and_source_to_a_viewer(
    chalice_client: Any, aws: Any
) -> None:
    viewer = session(aws, Role.VIEWER)
    locales = aws.campaign(DRESS).locales

    shown = get(chalice_client, f"{C}/qr?src=bus-stop-9", viewer)
    dashboard = get(chalice_client, C, viewer).body.decode()

    assert shown.status_code == 200
    html = shown.body.decode()
    assert len(locales) > 2
    for locale in locales:
        for source in (*SOURCES, "bus-stop-9"):
            for kind in ("svg", "png"):
                assert f'href="{C}/qr/{locale}.{kind}?src={source}"' in html, (locale, source)
            assert f'title="{link(aws, locale, source)}"' in html
    assert "style=" not in html  # the CSP allows no inline style
    assert f'href="{C}/qr"' in dashboard  # the campaign's navigation links to it


def test_a_download_is_the_code_of_the_public_link(
    chalice_client: Any, aws: Any, tmp_path: Path
) -> None:
    viewer = session(aws, Role.VIEWER)

    svg = get(chalice_client, f"{C}/qr/hi.svg?src=poster-17", viewer)
    png = get(chalice_client, f"{C}/qr/ur.png?src=counter", viewer)
    default = get(chalice_client, f"{C}/qr/en.svg", viewer)

    assert svg.status_code == 200
    assert svg.headers["Content-Type"] == "image/svg+xml"
    disposition = f'attachment; filename="{DRESS}-hi-poster-17.svg"'
    assert svg.headers["Content-Disposition"] == disposition
    assert svg.headers["Cache-Control"].startswith("private")
    (tmp_path / "hi.svg").write_bytes(svg.body)
    _, modules = svg_modules(tmp_path / "hi.svg")
    assert modules == expected_matrix(link(aws, "hi", "poster-17"))
    assert modules != expected_matrix(link(aws, "hi", "poster-18"))

    assert png.status_code == 200
    assert png.headers["Content-Type"] == "image/png"
    assert png.body[:8] == b"\x89PNG\r\n\x1a\n"
    assert f'filename="{DRESS}-ur-counter.png"' in png.headers["Content-Disposition"]
    (tmp_path / "ur.png").write_bytes(png.body)
    assert png_modules(tmp_path / "ur.png") == expected_matrix(link(aws, "ur", "counter"))

    assert default.status_code == 200  # no ?src=: the first default source
    (tmp_path / "en.svg").write_bytes(default.body)
    assert svg_modules(tmp_path / "en.svg")[1] == expected_matrix(link(aws, "en", "poster"))


def test_mistakes_give_console_pages_and_strangers_sign_in_first(
    chalice_client: Any, aws: Any
) -> None:
    viewer = session(aws, Role.VIEWER)

    bad_page = get(chalice_client, f"{C}/qr?src=no%20spaces%3Cb%3E", viewer)
    bad_download = get(chalice_client, f"{C}/qr/hi.svg?src={'x' * 41}", viewer)
    no_locale = get(chalice_client, f"{C}/qr/xx.svg?src=poster", viewer)
    no_kind = get(chalice_client, f"{C}/qr/hi.gif?src=poster", viewer)
    no_campaign = get(chalice_client, "/console/c/no-such-campaign/qr/hi.svg", viewer)
    no_campaign_page = get(chalice_client, "/console/c/no-such-campaign/qr", viewer)
    stranger = chalice_client.raw.http.get(f"{C}/qr/hi.svg?src=poster")
    stranger_page = chalice_client.raw.http.get(f"{C}/qr")

    assert bad_page.status_code == 400
    assert bad_page.headers["Content-Type"].startswith("text/html")
    assert "<b>" not in bad_page.body.decode()
    assert bad_download.status_code == 400
    for answer in (no_locale, no_kind, no_campaign, no_campaign_page):
        assert answer.status_code == 404
        assert answer.headers["Content-Type"].startswith("text/html")
    for answer in (stranger, stranger_page):
        assert answer.status_code in (302, 303)
        assert re.search(r"/console/sign-in", str(answer.headers["Location"]))
