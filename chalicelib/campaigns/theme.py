"""A campaign's own look: a logo, brand colours and an optional hero image.

The marketer writes ``theme:`` in the campaign file and keeps the images beside it, in
``definitions/assets/<slug>/``::

    theme:
      logo: assets/<slug>/logo.svg   # SVG (sanitized) or a small PNG, JPEG or WebP
      hero: assets/<slug>/hero.svg   # optional, shown above the title
      primary: "#7a1f5c"    # buttons (white text on it), the brand line, links, the checked card
      accent: "#f2b632"     # behind dark text: the prize banner, a band above the page

Images travel *with* the campaign: ``assets.bundle`` appends each file it names to the
campaign's bundle (after its translation files), so a deploy through the CLI or the admin API
stores them in the campaign's item, and pages never read the repository. Once every check
passed, ``embedded`` replaces each file name with the checked image (sanitized SVG text, or the
raster's base64, with its pixel size), which is what ``Definition.validated`` keeps.

Colours are checked for WCAG 2.2 AA: ``primary`` carries white button text and is itself used
as a text colour on the white page, so it needs 4.5:1 against white; ``accent`` only ever fills
a background behind the page's dark text, so that text needs 4.5:1 on it (a light, bright
accent is fine; a dark one is refused).
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from typing import Any

from chalicelib.campaigns.document import Document
from chalicelib.errors import DefinitionProblem

DIRECTORY = "assets"
MAX_BYTES = {"logo": 30_000, "hero": 60_000}
"""A deployed campaign keeps its images twice (the bundle and the checked data) in one item
of at most 380 KB; a 2G page cannot afford more either."""
MAX_PIXELS = 4096  # per side: a hero wider than this is a photograph nobody resized
PAGE_BACKGROUND = "#ffffff"
PAGE_TEXT = "#1b1b1b"  # samvad.css: html{color}
BUTTON_TEXT = "#ffffff"
TEXT_CONTRAST = 4.5  # WCAG 2.2 AA, 1.4.3 (normal text)
COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3}){1,2}")
SVG = "image/svg+xml"
EXTENSIONS = {SVG: "svg", "image/png": "png", "image/jpeg": "jpg", "image/webp": "webp"}
# (field, what it is used for, the other colour, which of the two is the text, the minimum)
CONTRAST_RULES = (
    ("primary", "white button text", BUTTON_TEXT, TEXT_CONTRAST),
    ("primary", "its use as text on the white page", PAGE_BACKGROUND, TEXT_CONTRAST),
    ("accent", "the page's dark text on it", PAGE_TEXT, TEXT_CONTRAST),
)


@dataclass(frozen=True)
class ThemeImage:
    """A checked image: sanitized SVG or raster bytes, with its size in CSS pixels."""

    media_type: str
    body: bytes
    width: int
    height: int

    @property
    def name(self) -> str:
        """Named by its content, so that a page may cache it for a year."""
        digest = hashlib.sha256(self.body).hexdigest()[:12]
        return f"{digest}.{EXTENSIONS[self.media_type]}"


@dataclass(frozen=True)
class Theme:
    primary: str | None = None
    accent: str | None = None
    logo: ThemeImage | None = None
    hero: ThemeImage | None = None

    @property
    def stylesheet(self) -> str:
        """The campaign's custom properties; samvad.css uses them with its own defaults."""
        values = [f"--{k}:{v}" for k, v in (("primary", self.primary), ("accent", self.accent))]
        return ":root{" + ";".join(v for v in values if not v.endswith("None")) + "}\n"

    @property
    def stylesheet_name(self) -> str:
        return hashlib.sha256(self.stylesheet.encode()).hexdigest()[:12] + ".css"

    def file(self, name: str) -> tuple[str, bytes] | None:
        """(media type, body) of the theme's file ``name`` (a content-hashed name)."""
        if name == self.stylesheet_name:
            return "text/css; charset=utf-8", self.stylesheet.encode()
        for image in (self.logo, self.hero):
            if image is not None and image.name == name:
                return image.media_type, image.body
        return None


def describe(theme: Theme) -> list[str]:
    """What ``samvad validate`` prints of a theme: each colour's ratios, each image's size."""
    lines, seen = [], set()
    for key, used_for, other, minimum in CONTRAST_RULES:
        colour = getattr(theme, key)
        if colour is not None and (key, other) not in seen:
            seen.add((key, other))
            ratio = contrast(colour, other)
            lines.append(f"  theme {key} {colour}: {ratio:.2f}:1 with {used_for} (AA: {minimum}:1)")
    for key, image in (("logo", theme.logo), ("hero", theme.hero)):
        if image is not None:
            lines.append(
                f"  theme {key}: {image.media_type}, {len(image.body):,} bytes (at most "
                f"{MAX_BYTES[key]:,}), {image.width}×{image.height}"
            )
    return lines


def relative_luminance(colour: str) -> float:
    """WCAG's relative luminance of ``#rgb`` or ``#rrggbb`` (0 black to 1 white).

    >>> relative_luminance("#fff"), relative_luminance("#000000")
    (1.0, 0.0)
    """
    digits = colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    channels = [int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    """WCAG's contrast ratio of two colours, from 1 (same) to 21 (black on white).

    >>> round(contrast("#000", "#fff"), 2), round(contrast("#767676", "#ffffff"), 2)
    (21.0, 4.54)
    """
    light, dark = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def check_theme(doc: Document, data: dict[str, Any], assets: dict[str, bytes]) -> dict[str, Any]:
    """Problems of ``theme`` (colour contrast, images) added to ``doc``; the theme with each
    image embedded, as ``Definition.validated`` keeps it (``{}`` without a theme)."""
    theme = data.get("theme")
    if not isinstance(theme, dict):
        return {}
    out: dict[str, Any] = {k: theme[k] for k in ("primary", "accent") if k in theme}
    for key, used_for, other, minimum in CONTRAST_RULES:
        colour = theme.get(key)
        if not isinstance(colour, str) or not COLOUR.fullmatch(colour):
            continue
        ratio = contrast(colour, other)
        already = any(p.field == f"theme.{key}" for p in doc.problems)
        if ratio < minimum and not already:
            lighter = "darker" if key == "primary" else "lighter"
            doc.problem(
                ("theme", key),
                f"{colour} has a contrast of {ratio:.2f}:1 with {used_for} ({other}); WCAG AA "
                f"needs at least {minimum}:1: choose a {lighter} colour",
            )
    for key in ("logo", "hero"):
        if isinstance(theme.get(key), str):
            image = _checked_image(doc, data.get("slug", ""), key, theme[key], assets)
            if image is not None:
                out[key] = image
    return out


def _checked_image(
    doc: Document, slug: str, key: str, name: str, assets: dict[str, bytes]
) -> dict[str, Any] | None:
    """The image ``name`` checked and embedded; None (with a problem) if it cannot be used."""
    from chalicelib.svgsafe import SvgRejected  # checks only: pages build from stored data

    file = name
    if not name.startswith(f"{DIRECTORY}/{slug}/") or ".." in name.split("/"):
        doc.problem(("theme", key), f"must be a file in {DIRECTORY}/{slug}/")
        return None
    body = assets.get(name)
    if body is None:
        doc.problem(("theme", key), f"{file}: no such file next to the campaign")
        return None
    limit = MAX_BYTES[key]
    if len(body) > limit:
        doc.problem(
            ("theme", key), f"{file} is {len(body):,} bytes; a {key} may have {limit:,} at most"
        )
        return None
    try:
        if name.endswith(".svg"):
            return _svg(body, limit)
        return _raster(body, name)
    except SvgRejected as rejected:
        doc.problems.append(DefinitionProblem(file, rejected.line, f"theme.{key}", rejected.reason))
    except ValueError as error:
        doc.problems.append(DefinitionProblem(file, None, f"theme.{key}", str(error)))
    return None


def _svg(body: bytes, limit: int) -> dict[str, Any]:
    from chalicelib.svgsafe import SvgRejected, sanitize_svg

    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise SvgRejected(None, "not UTF-8 text") from None
    clean = sanitize_svg(text, max_bytes=limit)
    width, height = _svg_size(clean)
    return {"type": SVG, "svg": clean, "width": width, "height": height}


def _svg_size(svg: str) -> tuple[int, int]:
    """The drawing's aspect from its ``viewBox`` (else ``width``/``height``), in whole pixels."""
    from chalicelib.svgsafe import SvgRejected

    root = re.match(r"<svg\b[^>]*>", svg)
    attributes = dict(re.findall(r'(\w+)="([^"]*)"', root.group(0) if root else ""))
    numbers = re.findall(r"-?[\d.]+(?:e-?\d+)?", attributes.get("viewBox", ""))
    try:
        if len(numbers) == 4:
            width, height = float(numbers[2]), float(numbers[3])
        else:
            width, height = float(attributes["width"]), float(attributes["height"])
    except (KeyError, ValueError):
        raise SvgRejected(1, "give the <svg> a viewBox (its width and height)") from None
    if not (0 < width <= 10_000 and 0 < height <= 10_000):
        raise SvgRejected(1, "the viewBox's width and height must be positive")
    scale = max(width, height) / 1000 if max(width, height) > 1000 else 1
    return max(1, round(width / scale)), max(1, round(height / scale))


def _raster(body: bytes, name: str) -> dict[str, Any]:
    from chalicelib.campaigns.images import raster_size

    media_type, width, height = raster_size(body)
    if EXTENSIONS[media_type] != name.rsplit(".", 1)[-1].replace("jpeg", "jpg"):
        raise ValueError(f"the file holds a {media_type} image: name it .{EXTENSIONS[media_type]}")
    if not (0 < width <= MAX_PIXELS and 0 < height <= MAX_PIXELS):
        raise ValueError(f"{width}×{height} pixels: at most {MAX_PIXELS} a side")
    encoded = base64.b64encode(body).decode("ascii")
    return {"type": media_type, "base64": encoded, "width": width, "height": height}


def build_theme(data: dict[str, Any] | None) -> Theme | None:
    """The model of a checked, embedded theme (``check_theme``'s result)."""
    if not data:
        return None
    return Theme(
        primary=data.get("primary"),
        accent=data.get("accent"),
        logo=_image(data.get("logo")),
        hero=_image(data.get("hero")),
    )


def _image(data: dict[str, Any] | None) -> ThemeImage | None:
    if data is None:
        return None
    body = data["svg"].encode() if "svg" in data else base64.b64decode(data["base64"])
    return ThemeImage(data["type"], body, int(data["width"]), int(data["height"]))
