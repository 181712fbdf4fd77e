"""Server-rendered SVG previews of a product a customer personalizes ("design your dress").

A campaign option sets a *look*: values for a few named parameters of a product *kind*. ``draw``
turns a look into one small standalone ``<svg>`` (no script, no external reference, a few KB)
that a page inlines or serves as ``image/svg+xml``, so previews work on 2G and without
JavaScript. The same look always gives the same string: previews can be cached and compared.
"""

from __future__ import annotations

import hashlib
import html
import math
import re
from collections.abc import Callable, Mapping

from chalicelib.campaigns.looks import COLOUR, KINDS, full_look

_ID_PREFIX = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,39}")
# XML 1.0 forbids these even as character references: a title holding one is not an SVG.
# Listed rather than as the negation of what XML allows, which takes ~5 ms to compile.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def draw(
    kind: str,
    look: Mapping[str, str],
    *,
    title: str,
    width: int = 320,
    id_prefix: str | None = None,
) -> str:
    """A standalone ``<svg>`` document of ``kind`` in ``look``, named by ``title``.

    ``title`` is the accessible name (customer text is fine: it is escaped). Ids inside the
    SVG start with ``id_prefix``, by default a short hash of the look, so that different
    looks inlined in one page do not collide. Raises ValueError for a look with problems.

    >>> svg = draw("car", {"paint": "#d32f2f", "spoiler": "yes"}, title="Mera <car>")
    >>> svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 320 160"')
    True
    >>> 'fill="#d32f2f"' in svg, "<title>Mera &lt;car&gt;</title>" in svg
    (True, True)
    """
    values = full_look(kind, look)
    if isinstance(width, bool) or not isinstance(width, int) or width < 1:
        raise ValueError(f"width: {width!r} is not a positive whole number of pixels")
    title = _NOT_XML.sub("", title)
    if not title.strip():
        raise ValueError("title: an image needs a name for screen readers")
    if id_prefix is None:
        id_prefix = "s" + hashlib.sha256(repr((kind, values)).encode()).hexdigest()[:8]
    elif not _ID_PREFIX.fullmatch(id_prefix):
        raise ValueError(f"id_prefix: {id_prefix!r} is not a letter then letters, digits, _ or -")
    view_width, view_height, render = _DRAWINGS[kind]
    height = round(width * view_height / view_width)
    name = html.escape(title, quote=True)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {view_width} {view_height}"'
        f' width="{width}" height="{height}" role="img"><title>{name}</title>'
        f"{render(values, id_prefix)}</svg>"
    )


CARD_WIDTH, CARD_HEIGHT = 1200, 630  # what link previews show uncropped (1.91:1)
CARD_MARGIN = 30


def card(
    kind: str,
    look: Mapping[str, str],
    *,
    title: str,
    background: str = "#ffffff",
    id_prefix: str | None = None,
) -> str:
    """The drawing centred on a landscape 1200×630 ``<svg>``: WhatsApp, Facebook and X crop a
    portrait image (a dress) to a strip; a card of their own shape they show whole.

    >>> svg = card("dress", {}, title="Meri dress")
    >>> svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="630"')
    True
    """
    if not COLOUR.fullmatch(background):
        raise ValueError(f"background: {background!r} is not a colour like #1a2b3c")
    if kind not in _DRAWINGS:
        raise ValueError(f"kind: {kind!r} is not one of {', '.join(KINDS)}")
    view_width, view_height, _ = _DRAWINGS[kind]
    scale = min(
        (CARD_WIDTH - 2 * CARD_MARGIN) / view_width, (CARD_HEIGHT - 2 * CARD_MARGIN) / view_height
    )
    width = math.floor(view_width * scale)
    height = round(width * view_height / view_width)
    drawing = draw(kind, look, title=title, width=width, id_prefix=id_prefix)
    left, top = (CARD_WIDTH - width) // 2, (CARD_HEIGHT - height) // 2
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{CARD_WIDTH}" height="{CARD_HEIGHT}"'
        f' viewBox="0 0 {CARD_WIDTH} {CARD_HEIGHT}">'
        f'<rect width="{CARD_WIDTH}" height="{CARD_HEIGHT}" fill="{background}"/>'
        f'<g transform="translate({left} {top})">{drawing}</g></svg>'
    )


def _is_light(colour: str) -> bool:
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue > 150


def _num(value: float) -> str:
    return f"{round(value, 1) + 0.0:g}"


# Print motifs on a square tile of the given size, drawn over the dress colour.
_PRINTS = {
    "stripes": (10, '<path d="M0-1h4v12H0z"/>'),
    "dots": (10, '<circle cx="5" cy="5" r="2"/>'),
    "checks": (12, '<path d="M0-1h6v14H0z"/><path d="M-1 0h14v6H-1z"/>'),
    "paisley": (
        18,
        '<path d="M9 15c-4 0-6-3-5-6s4-6 8-7c-2 2-1 4 1 6s1 7-4 7z"/>'
        '<circle cx="15" cy="15" r="1.5"/>',
    ),
}
_SLEEVES = {
    "none": ("", ""),
    "short": ("M70 46 54 76l14 6 8-20zM130 46l16 30-14 6-8-20z", "M54 76l14 6M146 76l-14 6"),
    "long": ("M70 46 50 136l12 4 14-76zM130 46l20 90-12 4-14-76z", "M50 136l12 4M150 136l-12 4"),
}
_HEM = {"knee": (186, 44), "midi": (214, 52), "maxi": (244, 60)}  # hem y, half-width at the hem


def _dress(look: Mapping[str, str], prefix: str) -> str:
    colour, trim = look["colour"], look["trim"]
    defs, fill = "", colour
    if look["pattern"] != "plain":
        size, motif = _PRINTS[look["pattern"]]
        ink = (
            'fill="#000" fill-opacity=".2"'
            if _is_light(colour)
            else 'fill="#fff" fill-opacity=".4"'
        )
        fill = f"url(#{prefix}-print)"
        defs = (
            f'<defs><pattern id="{prefix}-print" width="{size}" height="{size}"'
            f' patternUnits="userSpaceOnUse"><rect x="-1" y="-1" width="{size + 2}"'
            f' height="{size + 2}" fill="{colour}"/>'
            f"<g {ink}>{motif}</g></pattern></defs>"
        )
    sleeves, cuffs = _SLEEVES[look["sleeves"]]
    hem_y, half = _HEM[look["length"]]
    hem = f"M{100 + half} {hem_y}Q100 {hem_y + 10} {100 - half} {hem_y}"
    folds = f"M92 118 {100 - half // 2} {hem_y}M108 118l{half // 2 - 8} {hem_y - 118}"
    return (
        f'{defs}<rect width="200" height="260" rx="12" fill="#f6f3ee"/>'
        '<path d="M100 34v-8a6 6 0 1 0-6-6M72 42l28-8 28 8" fill="none" stroke="#8d8d8d"'
        ' stroke-width="2.5" stroke-linecap="round"/>'
        f'<g fill="{fill}" stroke="#000" stroke-opacity=".3" stroke-linejoin="round">'
        + (f'<path data-part="sleeves" d="{sleeves}"/>' if sleeves else "")
        + f'<path data-part="skirt" d="M78 112h44L{hem[1:]}z"/>'
        '<path data-part="bodice" d="M70 46l14-4q16 20 32 0l14 4-8 66H78z"/></g>'
        f'<path d="{folds}" fill="none" stroke="#000" stroke-opacity=".12" stroke-width="2"/>'
        f'<rect data-part="trim" x="77" y="108" width="46" height="8" rx="2" fill="{trim}"/>'
        f'<path d="M84 42q16 20 32 0{hem}{cuffs}" fill="none" stroke="{trim}" stroke-width="4"'
        ' stroke-linecap="round"/>'
    )


_WHEEL_CENTRES = (74, 252)


def _wheel(style: str, x: int, y: int = 118) -> str:
    def spokes(count: int, inner: float, outer: float) -> str:
        ends = []
        for i in range(count):
            angle = math.pi / 2 + 2 * math.pi * i / count
            dx, dy = math.cos(angle), -math.sin(angle)
            ends.append(
                f"M{_num(x + inner * dx)} {_num(y + inner * dy)}"
                f"L{_num(x + outer * dx)} {_num(y + outer * dy)}"
            )
        return "".join(ends)

    if style == "steel":
        return (
            f'<circle cx="{x}" cy="{y}" r="13" fill="#8c9399"/>'
            f'<circle cx="{x}" cy="{y}" r="5" fill="#c7ccd1"/>'
        )
    if style == "alloy":
        return (
            f'<circle cx="{x}" cy="{y}" r="15" fill="#4a5056"/>'
            f'<path d="{spokes(5, 0, 14)}" stroke="#d5dade" stroke-width="5"/>'
            f'<circle cx="{x}" cy="{y}" r="4" fill="#eef0f2"/>'
        )
    return (  # sport: dark rim, thin spokes, a red brake calliper behind them
        f'<circle cx="{x}" cy="{y}" r="17" fill="#26292c"/>'
        f'<path d="M{x - 11} {y - 5}a12 12 0 0 1 7-7" fill="none" stroke="#e53935"'
        ' stroke-width="5"/>'
        f'<path d="{spokes(10, 3, 16)}" stroke="#b0b6bb" stroke-width="2"/>'
        f'<circle cx="{x}" cy="{y}" r="3" fill="#b0b6bb"/>'
    )


_WINDOWS = "M88 73l19-16h51v16zM164 57h53l21 16h-74z"
_SEATS = (
    "M124 73V63q0-4 4-4h4q4 0 4 4v10zM186 73V63q0-4 4-4h4q4 0 4 4v10z"  # seen through the glass
)


def _car(look: Mapping[str, str], prefix: str) -> str:
    paint = look["paint"]
    glass = (
        'fill="#0d1319" fill-opacity=".85"'
        if look["tint"] == "yes"
        else 'fill="#cde6f2" fill-opacity=".5"'
    )
    contrast = "#1d1d1d" if _is_light(paint) else "#fafafa"
    parts = [
        '<rect width="320" height="160" rx="12" fill="#eef2f5"/>'
        '<ellipse cx="163" cy="140" rx="140" ry="6" fill="#000" fill-opacity=".15"/>',
        '<path data-part="body" d="M20 118V92q0-12 14-14l44-4 34-26q6-4 16-4h68q10 0 18 6l32 24'
        f' 44 6q12 3 12 16v22h-24a26 26 0 0 0-52 0H100a26 26 0 0 0-52 0z" fill="{paint}"'
        ' stroke="#000" stroke-opacity=".3" stroke-width="1.5" stroke-linejoin="round"/>',
        '<path data-part="roof" d="M104 54l8-6q6-4 16-4h68q10 0 18 6l5 4z"'
        f' fill="{look["roof"]}"/>',
        f'<path d="{_WINDOWS}" fill="#3a434b"/>',
        f'<path data-part="seats" d="{_SEATS}" fill="{look["seats"]}"/>',
        f'<path data-part="glass" d="{_WINDOWS}" {glass}/>',
        '<path d="M161 56v56M104 78v30M224 76v32M144 83h8M206 83h8" fill="none" stroke="#000"'
        ' stroke-opacity=".3" stroke-width="1.5"/>',
    ]
    if look["stripes"] == "racing":
        parts.append(
            f'<path data-part="stripes" d="M26 81h267l5 5H25zM23 88h277v2H23z" fill="{contrast}"/>'
        )
    if look["spoiler"] == "yes":
        parts.append(
            '<path data-part="spoiler" d="M20 64l32-3v4l-30 3zM33 67h3v11h-3zM44 66h3v11h-3z"'
            ' fill="#222"/>'
        )
    parts.append(
        '<path d="M290 84l11 2v7h-11z" fill="#fff7c2"/><path d="M20 84h6v8h-6z" fill="#c62828"/>'
    )
    parts.append(
        "".join(f'<circle cx="{x}" cy="118" r="22" fill="#1e1e1e"/>' for x in _WHEEL_CENTRES)
    )
    parts.append(
        f'<g data-part="wheels" data-style="{look["wheels"]}">'
        + "".join(_wheel(look["wheels"], x) for x in _WHEEL_CENTRES)
        + "</g>"
    )
    return "".join(parts)


_Render = Callable[[Mapping[str, str], str], str]
_DRAWINGS: dict[str, tuple[int, int, _Render]] = {
    "dress": (200, 260, _dress),
    "car": (320, 160, _car),
}
