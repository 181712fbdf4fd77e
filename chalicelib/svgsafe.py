"""Marketer-supplied SVG made safe to inline in a page or serve as an image.

A brand's logo, hero drawing or product layer is untrusted markup: an SVG can carry scripts,
event attributes, links to other sites, HTML inside ``<foreignObject>`` and XML entities that
expand a few hundred bytes into gigabytes. ``sanitize_svg`` parses the text with the standard
library's expat, refusing any DOCTYPE (so no entity is ever declared, let alone expanded), and
writes a fresh document from an allowlist of elements and attributes:

- dangerous content is *rejected* with the line it is on (``SvgRejected``), so ``samvad
  validate`` can point the marketer at it: scripts, ``on*`` attributes, links other than to a
  ``#fragment`` of the same drawing, ``url(...)`` other than ``url(#id)``, ``javascript:``,
  ``<foreignObject>``, embedded images, animations (they can rewrite a link);
- harmless content outside the allowlist is *dropped*: editor metadata (Inkscape, Illustrator),
  comments, unknown attributes, ``<style>`` elements (a page's CSP refuses inline styles anyway);
  a ``style="fill:…"`` attribute becomes presentation attributes for the properties allowed.

The output is compact (no indentation) and always carries the SVG namespace.

>>> sanitize_svg('<svg viewBox="0 0 2 2"><rect fill="#7a1f5c"/></svg>', max_bytes=1000)
'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 2 2"><rect fill="#7a1f5c"/></svg>'
>>> sanitize_svg('<svg><circle r="1" onclick="alert(1)"/></svg>', max_bytes=1000)
Traceback (most recent call last):
...
chalicelib.svgsafe.SvgRejected: line 1: event attribute onclick is not allowed
"""

from __future__ import annotations

import re
from xml.parsers import expat
from xml.sax.saxutils import escape, quoteattr

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"

ELEMENTS = frozenset(
    {
        "svg", "g", "defs", "symbol", "use", "title", "desc",
        "path", "rect", "circle", "ellipse", "polygon", "polyline", "line",
        "linearGradient", "radialGradient", "stop", "pattern", "clipPath", "mask", "marker",
        "text", "tspan",
    }
)  # fmt: skip
# Elements whose text content is kept (elsewhere text is only indentation).
TEXT_ELEMENTS = frozenset({"title", "desc", "text", "tspan"})
# Elements refused outright: each can run code, fetch something or rewrite a link.
REFUSED = frozenset(
    {
        "script", "foreignObject", "iframe", "object", "embed", "image", "a", "feImage",
        "animate", "animateMotion", "animateTransform", "set", "handler", "listener",
    }
)  # fmt: skip
PRESENTATION = frozenset(
    {
        "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-linecap",
        "stroke-linejoin", "stroke-miterlimit", "stroke-dasharray", "stroke-dashoffset",
        "stroke-opacity", "opacity", "stop-color", "stop-opacity", "clip-path", "clip-rule",
        "mask", "color", "display", "visibility", "vector-effect", "shape-rendering",
        "paint-order", "font-family", "font-size", "font-weight", "font-style", "text-anchor",
        "dominant-baseline", "letter-spacing", "word-spacing", "text-decoration",
        "marker-start", "marker-mid", "marker-end",
    }
)  # fmt: skip
ATTRIBUTES = PRESENTATION | frozenset(
    {
        "id", "class", "role", "aria-label", "aria-hidden", "transform", "viewBox",
        "preserveAspectRatio", "width", "height", "x", "y", "x1", "y1", "x2", "y2",
        "cx", "cy", "r", "rx", "ry", "fx", "fy", "fr", "d", "points", "pathLength",
        "offset", "gradientUnits", "gradientTransform", "spreadMethod", "patternUnits",
        "patternContentUnits", "patternTransform", "clipPathUnits", "maskUnits",
        "maskContentUnits", "markerWidth", "markerHeight", "markerUnits", "refX", "refY",
        "orient", "dx", "dy", "rotate", "textLength", "lengthAdjust",
    }
)  # fmt: skip
_DATA_ATTRIBUTE = re.compile(r"data-[a-z0-9-]{1,40}")
_FRAGMENT = re.compile(r"#[A-Za-z_][\w.-]*")
_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.IGNORECASE | re.DOTALL)
# A backslash is a CSS escape: ``\75 rl(…)`` reads as ``url(…)`` in a presentation attribute.
_NOT_ALLOWED_IN_VALUE = re.compile(r"javascript:|vbscript:|expression\(|@import|\\", re.IGNORECASE)
_SPACE = re.compile(r"\s+")


class SvgRejected(ValueError):
    """The SVG is not acceptable; ``line`` is where in the file (``None``: the file as a whole)."""

    def __init__(self, line: int | None, reason: str) -> None:
        super().__init__(f"line {line}: {reason}" if line is not None else reason)
        self.line = line
        self.reason = reason


def sanitize_svg(text: str, *, max_bytes: int) -> str:
    """``text`` rewritten from the allowlist, or ``SvgRejected`` saying what and where."""
    size = len(text.encode("utf-8"))
    if size > max_bytes:
        raise SvgRejected(None, f"the SVG is {size} bytes; at most {max_bytes} are allowed")
    writer = _Writer()
    parser = expat.ParserCreate(namespace_separator=" ")
    writer.attach(parser)
    try:
        parser.Parse(text, True)
    except expat.ExpatError as error:
        reason = f"not well-formed XML: {expat.ErrorString(error.code)}"
        raise SvgRejected(error.lineno, reason) from None
    if not writer.out:
        raise SvgRejected(None, "the file holds no <svg> element")
    return "".join(writer.out)


def _local(name: str) -> tuple[str | None, str]:
    """(namespace, local name) of an expat name ``"uri local"`` or ``"local"``."""
    namespace, _, local = name.rpartition(" ")
    return namespace or None, local


class _Writer:
    """expat handlers that write the allowed subset of the document as it is read."""

    def __init__(self) -> None:
        self.out: list[str] = []
        # (name, index of its start tag in out) of each element written and not yet closed
        self.open: list[tuple[str, int]] = []
        self.skipping = 0  # depth inside an element being dropped with its content
        self.in_style = False  # inside a dropped <style>: its text is checked, then dropped
        self.uses_xlink = False
        self.parser: expat.XMLParserType | None = None

    def attach(self, parser: expat.XMLParserType) -> None:
        self.parser = parser
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        parser.StartDoctypeDeclHandler = self.doctype
        parser.EntityDeclHandler = self.entity
        parser.ExternalEntityRefHandler = self.external_entity
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        parser.CharacterDataHandler = self.characters

    @property
    def line(self) -> int:
        return self.parser.CurrentLineNumber if self.parser is not None else 0

    def doctype(self, *_: object) -> None:
        raise SvgRejected(self.line, "a DOCTYPE is not allowed (it can declare entities)")

    def entity(self, *_: object) -> None:
        raise SvgRejected(self.line, "entity declarations are not allowed")

    def external_entity(self, *_: object) -> int:
        raise SvgRejected(self.line, "external entities are not allowed")

    def start(self, name: str, attributes: dict[str, str]) -> None:
        namespace, local = _local(name)
        if local in REFUSED:
            raise SvgRejected(self.line, f"<{local}> is not allowed")
        if self.skipping == 0 and local == "style":
            self.in_style = True
        if self.skipping or namespace not in (SVG_NS, None) or local not in ELEMENTS:
            self.skipping += 1
            return
        if not self.open and local != "svg":
            raise SvgRejected(self.line, f"the root element is <{local}>, not <svg>")
        self.out.append(f"<{local}{self._attributes(local, attributes)}>")
        self.open.append((local, len(self.out) - 1))

    def end(self, name: str) -> None:
        if self.skipping:
            self.skipping -= 1
            self.in_style = self.in_style and self.skipping > 0
            return
        local, start = self.open.pop()
        if start == len(self.out) - 1:
            self.out[-1] = self.out[-1][:-1] + "/>"  # <rect .../> rather than <rect ...></rect>
        else:
            self.out.append(f"</{local}>")
        if not self.open and self.uses_xlink:
            root = f'<svg xmlns="{SVG_NS}"'
            self.out[0] = f'{root} xmlns:xlink="{XLINK_NS}"' + self.out[0][len(root) :]

    def characters(self, data: str) -> None:
        if self.in_style:
            _check_value(self.line, "<style>", data)
        if self.skipping:
            return
        if self.open and self.open[-1][0] in TEXT_ELEMENTS:
            self.out.append(escape(data))

    def _attributes(self, element: str, attributes: dict[str, str]) -> str:
        kept: dict[str, str] = {}
        if element == "svg" and not self.open:
            kept["xmlns"] = SVG_NS
        for name, value in attributes.items():
            namespace, local = _local(name)
            if local.lower().startswith("on"):
                raise SvgRejected(self.line, f"event attribute {local} is not allowed")
            if local == "href" and namespace in (XLINK_NS, None):
                kept.update(self._href(value))
            elif local == "style" and namespace is None:
                kept.update(self._style(value))
            elif namespace is None and (local in ATTRIBUTES or _DATA_ATTRIBUTE.fullmatch(local)):
                _check_value(self.line, local, value)
                kept[local] = value
        return "".join(f" {name}={quoteattr(value)}" for name, value in kept.items())

    def _href(self, value: str) -> dict[str, str]:
        if not _FRAGMENT.fullmatch(value.strip()):
            raise SvgRejected(
                self.line, f"href {value!r} is not allowed: only links within the drawing (#id)"
            )
        self.uses_xlink = True
        return {"xlink:href": value.strip()}

    def _style(self, value: str) -> dict[str, str]:
        """Presentation attributes from a ``style`` attribute (a CSP refuses inline styles)."""
        kept: dict[str, str] = {}
        for declaration in value.split(";"):
            prop, _, prop_value = declaration.partition(":")
            prop, prop_value = prop.strip().lower(), prop_value.strip()
            _check_value(self.line, f"style {prop}", prop_value)
            if prop in PRESENTATION and prop_value:
                kept[prop] = prop_value
        return kept


def _check_value(line: int, name: str, value: str) -> None:
    """Refuse code and any ``url(...)`` that leaves the drawing."""
    compact = _SPACE.sub("", value)
    if _NOT_ALLOWED_IN_VALUE.search(compact):
        raise SvgRejected(line, f"{name} holds {value.strip()[:60]!r}, which is not allowed")
    for match in _URL.finditer(value):
        if not _FRAGMENT.fullmatch(match.group(2).strip()):
            raise SvgRejected(
                line, f"{name} refers to {match.group(2)[:60]!r}: only url(#id) is allowed"
            )
