"""``samvad qr``: files in tmp_path, read back module by module and compared with the URL's code.

No QR decoder is installed, so "decodes back to the URL" is checked as: the modules drawn in the
written SVG and PNG are exactly the modules segno makes for the expected URL (and not those of
another URL).
"""

from __future__ import annotations

import re
import struct
import xml.etree.ElementTree as ET
import zlib
from pathlib import Path

import pytest
import segno
import yaml

from samvad_cli import qr
from samvad_cli.campaigns import DEFINITIONS
from samvad_cli.main import main
from tests.samples import inline_text

SVG = "{http://www.w3.org/2000/svg}"
Matrix = list[list[bool]]


def wishlist_locales() -> list[str]:
    data = yaml.safe_load((DEFINITIONS / "wishlist.yaml").read_text(encoding="utf-8"))
    return list(data["locales"])


def expected_matrix(url: str) -> Matrix:
    """Made independently of the command, with the documented settings."""
    symbol = segno.make(url, error="q", micro=False)
    return [[bool(bit) for bit in row] for row in symbol.matrix]


def svg_modules(path: Path) -> tuple[ET.Element, Matrix]:
    """The dark modules of a segno SVG (rows of ``h`` strokes), quiet zone removed."""
    root = ET.parse(path).getroot()  # also: the file is well-formed XML
    (line,) = root.iter(f"{SVG}path")
    assert line.get("transform") == f"scale({qr.SCALE})"
    size = int(root.get("width", "0")) // qr.SCALE
    assert root.get("height") == root.get("width")
    grid = [[False] * size for _ in range(size)]
    x = y = 0.0
    for op, raw in re.findall(r"([MmHh])([^MmHh]*)", line.get("d", "")):
        numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", raw)]
        if op == "M":
            x, y = numbers
        elif op == "m":
            x, y = x + numbers[0], y + numbers[1]
        else:
            end = numbers[0] if op == "H" else x + numbers[0]
            for column in range(int(x), int(end)):
                grid[int(y)][column] = True
            x = end
    border = qr.BORDER
    return root, [row[border : size - border] for row in grid[border : size - border]]


def png_modules(path: Path) -> Matrix:
    """The dark modules of a segno PNG (1-bit greyscale), sampled at each module's centre."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    at, chunks = 8, b""
    width = height = 0
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind, body = data[at + 4 : at + 8], data[at + 8 : at + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert (depth, colour) == (1, 0)
        elif kind == b"IDAT":
            chunks += body
        at += 12 + length
    raw = zlib.decompress(chunks)
    stride = (width + 7) // 8
    rows: list[bytes] = []
    for r in range(height):
        row_filter, line = raw[r * (stride + 1)], raw[r * (stride + 1) + 1 : (r + 1) * (stride + 1)]
        if row_filter == 2:  # "up" with no differences: the row above again
            assert rows
            assert not any(line)
            line = rows[-1]
        else:
            assert row_filter == 0
        rows.append(line)
    size = width // qr.SCALE
    assert width == height == size * qr.SCALE

    def dark(r: int, c: int) -> bool:
        y, x = r * qr.SCALE + qr.SCALE // 2, c * qr.SCALE + qr.SCALE // 2
        return not rows[y][x // 8] >> (7 - x % 8) & 1  # greyscale 0 is black

    border = qr.BORDER
    quiet = [
        dark(r, c)
        for r in range(size)
        for c in range(size)
        if min(r, c, size - 1 - r, size - 1 - c) < border
    ]
    assert not any(quiet)
    return [
        [dark(r, c) for c in range(border, size - border)] for r in range(border, size - border)
    ]


def test_writes_svg_and_png_that_carry_the_url(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SAMVAD_PUBLIC_URL", raising=False)
    url = "https://samvad.example/hi/c/wishlist?src=poster"
    argv = ["qr", "wishlist", "--locale", "hi", "--source", "poster"]
    argv += ["--base-url", "https://samvad.example/", "--out-dir", str(tmp_path)]
    assert main(argv) == 0

    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "wishlist-hi-poster.png",
        "wishlist-hi-poster.svg",
    ]
    out = capsys.readouterr().out
    assert url in out.splitlines()
    assert str(tmp_path / "wishlist-hi-poster.svg") in out
    assert str(tmp_path / "wishlist-hi-poster.png") in out

    want = expected_matrix(url)
    assert want != expected_matrix(url.replace("poster", "flyer"))
    root, svg = svg_modules(tmp_path / "wishlist-hi-poster.svg")
    assert svg == want
    assert png_modules(tmp_path / "wishlist-hi-poster.png") == want
    title = root.find(f"{SVG}title")
    assert title is not None
    assert title.text is not None
    assert "wishlist" in title.text
    assert "(hi)" in title.text
    assert segno.make(url, error="q", micro=False).error in ("Q", "H")


def test_base_url_from_environment_then_local_stack(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    argv = ["qr", "wishlist", "--locale", "en", "--source", "whatsapp", "--out-dir", str(tmp_path)]
    monkeypatch.setenv("SAMVAD_PUBLIC_URL", "https://offers.example")
    assert main([*argv, "--format", "svg"]) == 0
    assert "https://offers.example/en/c/wishlist?src=whatsapp" in capsys.readouterr().out
    monkeypatch.delenv("SAMVAD_PUBLIC_URL")
    assert main([*argv, "--format", "png"]) == 0
    url = "http://127.0.0.1:8000/en/c/wishlist?src=whatsapp"
    assert url in capsys.readouterr().out
    assert png_modules(tmp_path / "wishlist-en-whatsapp.png") == expected_matrix(url)
    _, svg = svg_modules(tmp_path / "wishlist-en-whatsapp.svg")
    assert svg == expected_matrix("https://offers.example/en/c/wishlist?src=whatsapp")


def test_all_locales_writes_one_per_offered_locale(tmp_path: Path) -> None:
    argv = ["qr", "wishlist", "--all-locales", "--source", "poster-17", "--format", "svg"]
    assert main([*argv, "--out-dir", str(tmp_path), "--base-url", "https://s.example"]) == 0
    locales = wishlist_locales()
    assert len(locales) > 1
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        f"wishlist-{locale}-poster-17.svg" for locale in locales
    )
    for locale in locales:
        root, svg = svg_modules(tmp_path / f"wishlist-{locale}-poster-17.svg")
        assert svg == expected_matrix(f"https://s.example/{locale}/c/wishlist?src=poster-17")
        title = root.find(f"{SVG}title")
        assert title is not None
        assert f"({locale})" in (title.text or "")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["wishlist", "--locale", "hi", "--source", "poster 17"], "not a plain token"),
        (["wishlist", "--locale", "hi", "--source", "a" * 41], "not a plain token"),
        (["wishlist", "--locale", "hi", "--source", "poster&src=x"], "not a plain token"),
        (["wishlist", "--locale", "fr", "--source", "poster"], "offers en"),
        (["wishlist", "--source", "poster"], "give --locale"),
        (["no-such-campaign", "--locale", "hi", "--source", "poster"], "unknown campaign"),
        (["../wishlist", "--locale", "hi", "--source", "poster"], "not a campaign slug"),
        (
            ["wishlist", "--locale", "hi", "--source", "p", "--base-url", "samvad.example"],
            "base URL",
        ),
    ],
)
def test_refuses_with_a_message_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    out_dir = tmp_path / "out"
    assert main(["qr", *argv, "--out-dir", str(out_dir)]) == 1
    assert message in capsys.readouterr().err
    assert not out_dir.exists()


def test_definitions_from_another_dir(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = inline_text("wishlist")
    (tmp_path / "wishlist.yaml").write_text(text, encoding="utf-8")
    argv = ["qr", "wishlist", "--locale", "ur", "--source", "shop", "--dir", str(tmp_path)]
    assert main([*argv, "--out-dir", str(tmp_path / "out"), "--format", "png"]) == 0
    assert (tmp_path / "out" / "wishlist-ur-shop.png").is_file()
    empty = tmp_path / "empty"
    empty.mkdir()
    argv = ["qr", "wishlist", "--locale", "ur", "--source", "shop", "--dir", str(empty)]
    assert main(argv) == 1
    assert "unknown campaign" in capsys.readouterr().err


def test_the_qr_source_check_is_the_campaign_pages_own() -> None:
    from chalicelib.distribution.qr import SOURCE, BadSource, check_source
    from chalicelib.web.pages import TOKEN_SOURCE

    assert SOURCE.pattern == TOKEN_SOURCE.pattern
    check_source("poster-17")
    with pytest.raises(BadSource):
        check_source("poster 17")
