"""The SVG sanitizer: what it refuses (with the line), what it drops, what it keeps."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from chalicelib.svgsafe import SvgRejected, sanitize_svg

LIMIT = 20_000
GOOD = """<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     viewBox="0 0 100 40" role="img" aria-label="Ruhi">
  <title>Ruhi &amp; Co</title>
  <defs>
    <linearGradient id="g" x1="0" y1="0" x2="1" y2="1">
      <stop offset="0" stop-color="#7a1f5c"/><stop offset="1" stop-color="#f2b632"/>
    </linearGradient>
    <clipPath id="c"><rect width="100" height="40" rx="6"/></clipPath>
    <pattern id="p" width="4" height="4" patternUnits="userSpaceOnUse">
      <circle cx="2" cy="2" r="1" fill="#fff"/>
    </pattern>
    <radialGradient id="r"><stop offset="0" stop-color="#fff"/></radialGradient>
    <symbol id="dot"><circle r="2"/></symbol>
  </defs>
  <g clip-path="url(#c)" transform="translate(1 1)">
    <path d="M0 0H100V40H0Z" fill="url(#g)"/>
    <ellipse cx="20" cy="20" rx="8" ry="5" fill="url('#p')"/>
    <polygon points="0,0 4,0 2,3"/><polyline points="0,0 1,1" stroke="#000"/>
    <line x1="0" y1="0" x2="4" y2="4" stroke-width="2"/>
    <use xlink:href="#dot" x="50" y="20"/><use href="#dot" x="60" y="20"/>
  </g>
  <text x="50" y="30" font-size="12" text-anchor="middle">Ruhi</text>
  <desc>A logo</desc>
</svg>
"""


def _tags(svg: str) -> list[str]:
    return [element.tag.rpartition("}")[2] for element in ET.fromstring(svg).iter()]


def test_good_svg_keeps_every_drawing_element_and_reference() -> None:
    out = sanitize_svg(GOOD, max_bytes=LIMIT)
    assert _tags(out) == _tags(GOOD.split("\n", 1)[1])
    assert out.startswith('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink=')
    assert 'fill="url(#g)"' in out
    assert 'clip-path="url(#c)"' in out
    assert out.count('xlink:href="#dot"') == 2
    assert "<title>Ruhi &amp; Co</title>" in out
    assert ">Ruhi</text>" in out
    assert len(out) < len(GOOD)  # the indentation is gone
    # Sanitizing is stable: the output passes again unchanged.
    assert sanitize_svg(out, max_bytes=LIMIT) == out


@pytest.mark.parametrize(
    ("svg", "line", "reason"),
    [
        ("<svg>\n<script>alert(1)</script></svg>", 2, "<script> is not allowed"),
        ('<svg onload="alert(1)"/>', 1, "event attribute onload"),
        ('<svg>\n\n<rect ONCLICK="x()"/></svg>', 3, "event attribute ONCLICK"),
        ('<svg><use href="javascript:alert(1)"/></svg>', 1, "only links within the drawing"),
        (
            '<svg xmlns:x="http://www.w3.org/1999/xlink"><use x:href="https://evil.test/a.svg#b"/>'
            "</svg>",
            1,
            "only links within the drawing",
        ),
        ('<svg><use href="other.svg#b"/></svg>', 1, "only links within the drawing"),
        ("<svg>\n<foreignObject><p>hi</p></foreignObject></svg>", 2, "<foreignObject>"),
        ('<svg><image href="data:image/png;base64,AAAA"/></svg>', 1, "<image>"),
        ('<svg><a href="#x"><rect/></a></svg>', 1, "<a>"),
        ('<svg><set attributeName="href" to="javascript:x"/></svg>', 1, "<set>"),
        ('<svg><rect fill="url(http://evil.test/x)"/></svg>', 1, "only url(#id)"),
        ("<svg><rect style=\"fill: url( '//evil.test/x' )\"/></svg>", 1, "only url(#id)"),
        ('<svg><rect fill="java\nscript:alert(1)"/></svg>', 1, "not allowed"),
        ('<svg><rect fill="\\75 rl(http://evil.test/x)"/></svg>', 1, "not allowed"),
        ('<svg><rect style="fill:\\000075rl(//evil.test/x)"/></svg>', 1, "not allowed"),
        ("<svg><style>@import 'https://evil.test/x.css';</style></svg>", 1, "not allowed"),
        ("<svg><style>rect{fill:url(https://evil.test/)}</style></svg>", 1, "only url(#id)"),
        ("<svg><rect></svg>", 1, "not well-formed"),
        ('<g xmlns="http://www.w3.org/2000/svg"/>', 1, "root element is <g>"),
        ("<html><body/></html>", None, "no <svg> element"),
    ],
)
def test_dangerous_svg_is_rejected_with_its_line(svg: str, line: int | None, reason: str) -> None:
    with pytest.raises(SvgRejected) as raised:
        sanitize_svg(svg, max_bytes=LIMIT)
    assert raised.value.line == line
    assert reason in raised.value.reason


def test_entity_expansion_is_refused_before_any_expansion() -> None:
    laughs = (
        '<?xml version="1.0"?>\n<!DOCTYPE svg [\n<!ENTITY a "lol">\n'
        + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">\n' for i in range(8))
        + "]>\n<svg><text>&i;</text></svg>"
    )
    with pytest.raises(SvgRejected) as raised:
        sanitize_svg(laughs, max_bytes=LIMIT)
    assert "DOCTYPE" in raised.value.reason
    assert raised.value.line == 2


def test_external_entity_is_refused() -> None:
    xxe = '<!DOCTYPE svg SYSTEM "file:///etc/passwd"><svg>&x;</svg>'
    with pytest.raises(SvgRejected, match="DOCTYPE"):
        sanitize_svg(xxe, max_bytes=LIMIT)


def test_oversize_svg_is_refused_with_its_size() -> None:
    svg = "<svg>" + '<rect width="1" height="1"/>' * 100 + "</svg>"
    size = len(svg.encode())
    assert sanitize_svg(svg, max_bytes=size)
    with pytest.raises(SvgRejected) as raised:
        sanitize_svg(svg, max_bytes=size - 1)
    assert raised.value.line is None
    assert f"{size} bytes" in raised.value.reason
    assert f"{size - 1}" in raised.value.reason


def test_editor_metadata_comments_and_unknown_attributes_are_dropped() -> None:
    svg = """<svg xmlns="http://www.w3.org/2000/svg"
      xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape"
      xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd" width="10"
      inkscape:version="1.3" xml:space="preserve">
      <!-- made by hand -->
      <?processing instruction?>
      <sodipodi:namedview pagecolor="#fff"/>
      <metadata><rdf>anything</rdf></metadata>
      <style>rect { fill: red }</style>
      <rect inkscape:label="Layer" bogus="1" data-layer="sleeve" width="2"
            style="fill:#ff0000; stroke : none;cursor:pointer;;" />
    </svg>"""
    out = sanitize_svg(svg, max_bytes=LIMIT)
    assert out == (
        '<svg xmlns="http://www.w3.org/2000/svg" width="10">'
        '<rect data-layer="sleeve" width="2" fill="#ff0000" stroke="none"/></svg>'
    )


def test_text_is_escaped_and_nested_elements_of_one_name_close_properly() -> None:
    svg = '<svg><g><g/></g><title>a &lt;b&gt; &amp; "c"</title></svg>'
    out = sanitize_svg(svg, max_bytes=LIMIT)
    assert out == (
        '<svg xmlns="http://www.w3.org/2000/svg"><g><g/></g>'
        '<title>a &lt;b&gt; &amp; "c"</title></svg>'
    )
    ET.fromstring(out)  # well-formed
