"""Marketer-supplied SVG made safe to inline in a page or serve as an image.

Refuses (never silently repairs) what could run code or reach outside the document: scripts,
event attributes, ``foreignObject``, links and references other than ``#id`` within the
drawing, DTDs and entities, and anything over ``max_bytes``. The marketer sees the line.

(Interim version written on the products branch against the API the theme engineer
publishes; the coordinator keeps one of the two at merge.)
"""

from __future__ import annotations

import re
from xml.parsers import expat

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
FORBIDDEN_ELEMENTS = {
    "script",
    "foreignobject",
    "iframe",
    "object",
    "embed",
    "audio",
    "video",
    "image",
    "feimage",
    "a",
    "set",
    "animate",
    "animatemotion",
    "animatetransform",
    "handler",
    "listener",
}
_URL = re.compile(r"url\s*\(\s*['\"]?\s*([^)'\"\s]*)", re.IGNORECASE)
_LOCAL = re.compile(r"#[A-Za-z_][\w.-]*")


class SvgRejected(ValueError):
    """Why an SVG was refused, and the line of the SVG text where (None: the whole text)."""

    def __init__(self, line: int | None, reason: str) -> None:
        super().__init__(f"line {line}: {reason}" if line is not None else reason)
        self.line = line
        self.reason = reason


def _local_name(name: str) -> str:
    return name.rpartition(" ")[2].rpartition(":")[2].lower()


def _check_value(name: str, value: str, line: int) -> None:
    local = _local_name(name)
    if local.startswith("on"):
        raise SvgRejected(line, f"event attribute {local!r} is not allowed")
    if local == "href" and not _LOCAL.fullmatch(value.strip()):
        raise SvgRejected(line, f"reference {value!r} is not allowed (only #id within the SVG)")
    for target in _URL.findall(value):
        if not _LOCAL.fullmatch(target):
            raise SvgRejected(line, f"url({target}) is not allowed (only url(#id))")
    lowered = value.lower()
    if "javascript:" in lowered or "@import" in lowered or "expression(" in lowered:
        raise SvgRejected(line, f"{local}: scripts and imports are not allowed")


def sanitize_svg(text: str, *, max_bytes: int) -> str:
    """``text`` if it is one safe ``<svg>`` of at most ``max_bytes``; else SvgRejected.

    >>> sanitize_svg('<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>', max_bytes=99)
    '<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>'
    >>> sanitize_svg('<svg xmlns="http://www.w3.org/2000/svg">\\n<script/></svg>', max_bytes=99)
    Traceback (most recent call last):
    ...
    chalicelib.svgsafe.SvgRejected: line 2: <script> is not allowed
    """
    size = len(text.encode("utf-8"))
    if size > max_bytes:
        raise SvgRejected(None, f"{size:,} bytes: at most {max_bytes:,} allowed")
    parser = expat.ParserCreate(namespace_separator=" ")
    depth = [0]
    roots: list[str] = []

    def start(name: str, attributes: dict[str, str]) -> None:
        line = parser.CurrentLineNumber
        local = _local_name(name)
        if depth[0] == 0:
            roots.append(local)
            if local != "svg" or not name.startswith(SVG_NS):
                raise SvgRejected(line, f"the root must be <svg xmlns={SVG_NS!r}>")
        if local in FORBIDDEN_ELEMENTS:
            raise SvgRejected(line, f"<{local}> is not allowed")
        for key, value in attributes.items():
            _check_value(key, value, line)
        depth[0] += 1

    def end(name: str) -> None:
        depth[0] -= 1

    def text_of_style(data: str) -> None:
        lowered = data.lower()
        if "@import" in lowered or "javascript:" in lowered:
            raise SvgRejected(parser.CurrentLineNumber, "imports and scripts are not allowed")
        for target in _URL.findall(data):
            if not _LOCAL.fullmatch(target):
                raise SvgRejected(parser.CurrentLineNumber, f"url({target}) is not allowed")

    def refuse_dtd(*_: object) -> None:
        raise SvgRejected(parser.CurrentLineNumber, "a DOCTYPE or entity is not allowed")

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text_of_style
    parser.StartDoctypeDeclHandler = refuse_dtd
    parser.EntityDeclHandler = refuse_dtd
    parser.ProcessingInstructionHandler = refuse_dtd
    try:
        parser.Parse(text, True)
    except expat.ExpatError as exc:
        reason = f"not well-formed XML: {expat.errors.messages[exc.code]}"
        raise SvgRejected(exc.lineno, reason) from None
    if not roots:
        raise SvgRejected(None, "no <svg> element")
    return text.strip()
