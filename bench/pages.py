"""``make bench``: the weight of every sample page, as a browser would load it.

Starts the local stack in this process (its own emulator, free ports, no scheduler), fetches
each sample page and what it links to, and prints bytes: the HTML (the drawing is inline SVG),
the stylesheets and images it needs (the campaign's theme stylesheet and logo included), and
apart what a page can do without: lazy images (a theme's hero) and the JavaScript; gzip sizes
beside them for what a compressing CDN would send. The budget of a page's required bytes is
``BUDGET`` gzipped; a page over it is marked. A benchmark prints figures; it asserts nothing
(tests/http/test_themes_over_http.py holds the sample pages to the budget).
"""

from __future__ import annotations

import contextlib
import gzip
import io
import logging
import os
import socket
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import requests
import yaml

DEFINITIONS = Path(__file__).resolve().parents[1] / "chalicelib" / "campaigns" / "definitions"
BUDGET = 20_000  # gzip bytes a branded page needs before it is usable on 2G


def sample_pages() -> list[tuple[str, str]]:
    """(slug, locale) of every sample campaign page: what ``make run`` publishes."""
    pages = []
    for path in sorted(DEFINITIONS.glob("*.yaml")):
        definition = yaml.safe_load(path.read_text(encoding="utf-8"))
        pages += [(str(definition["slug"]), str(loc)) for loc in definition["locales"]]
    return pages


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Assets(HTMLParser):
    """What the page makes the browser fetch: stylesheets, images, icons; lazy images and
    scripts apart."""

    def __init__(self) -> None:
        super().__init__()
        self.required: list[str] = []
        self.lazy: list[str] = []
        self.scripts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        rel = (a.get("rel") or "").split()
        if tag == "link" and ({"stylesheet", "icon", "preload"} & set(rel)) and a.get("href"):
            self.required.append(str(a["href"]))
        elif tag in ("img", "image", "source") and (a.get("src") or a.get("href")):
            found = self.lazy if a.get("loading") == "lazy" else self.required
            found.append(str(a.get("src") or a.get("href")))
        elif tag == "script" and a.get("src"):
            self.scripts.append(str(a["src"]))


def weigh(session: requests.Session, url: str) -> tuple[int, int]:
    """(bytes, gzip bytes) of one response body; a data: URL costs nothing extra."""
    if url.startswith("data:"):
        return 0, 0
    body = session.get(url, timeout=30).content
    return len(body), len(gzip.compress(body, 6))


def page_weight(session: requests.Session, url: str) -> dict[str, tuple[int, int]]:
    """(bytes, gzip bytes) of the page's HTML, of what it requires (``assets``), of its lazy
    images and of its JavaScript."""
    html = session.get(url, timeout=30)
    html.raise_for_status()
    found = Assets()
    found.feed(html.text)
    sizes = {"html": (len(html.content), len(gzip.compress(html.content, 6)))}
    for kind, links in (("assets", found.required), ("lazy", found.lazy), ("js", found.scripts)):
        weights = [weigh(session, urljoin(url, link)) for link in dict.fromkeys(links)]
        sizes[kind] = (sum(w[0] for w in weights), sum(w[1] for w in weights))
    return sizes


def required(sizes: dict[str, tuple[int, int]]) -> tuple[int, int]:
    return sizes["html"][0] + sizes["assets"][0], sizes["html"][1] + sizes["assets"][1]


def measure(base: str) -> list[tuple[str, dict[str, tuple[int, int]]]]:
    with requests.Session() as session:
        return [
            (f"/{locale}/c/{slug}", page_weight(session, f"{base}/{locale}/c/{slug}"))
            for slug, locale in sample_pages()
        ]


def cell(size: tuple[int, int], width: int = 17) -> str:
    raw, packed = size
    return f"{raw:,} ({packed:,})".rjust(width)


def report(rows: list[tuple[str, dict[str, tuple[int, int]]]]) -> None:
    print("Page weight in bytes (gzip in brackets). Required: the HTML with its inline SVG, the")
    print("CSS (the theme's too), the logo and any other asset it links. Lazy images (a hero) and")
    print(f"the JavaScript are optional: pages work without them. Budget: {BUDGET:,} gzip bytes")
    print("required (* over it).")
    titles = ["HTML", "CSS+assets", "required", "lazy images", "optional JS"]
    print("page".ljust(30) + "".join(t.rjust(17) for t in titles))
    for path, s in rows:
        need = required(s)
        over = " *" if need[1] > BUDGET else ""
        columns = [s["html"], s["assets"], need, s["lazy"], s["js"]]
        print(path.ljust(30) + "".join(map(cell, columns)) + over)


def main() -> None:
    os.environ["SAMVAD_SCHEDULER_SECONDS"] = "0"
    os.environ.pop("AWS_ENDPOINT_URL", None)  # always this process's own emulator
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    from chalicelib.local.stack import LocalStack

    port = free_port()
    stack = LocalStack(port, free_port())
    # Chalice's local server announces itself and logs every request: keep the figures readable.
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        stack.start()
        try:
            rows = measure(f"http://127.0.0.1:{port}")
        finally:
            stack.stop()
    report(rows)


if __name__ == "__main__":
    main()
