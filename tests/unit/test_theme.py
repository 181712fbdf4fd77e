"""A campaign's theme: contrast as WCAG computes it, the loader's problems (file, line, field),
the images embedded in what a deploy stores, and the files the theme route serves."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest

from chalicelib.campaigns import translations
from chalicelib.campaigns.loader import campaign_from_validated, definition_of, load_campaign_file
from chalicelib.campaigns.theme import MAX_BYTES, contrast, describe
from chalicelib.errors import CampaignNotFound, DefinitionProblem, InvalidCampaignDefinition
from chalicelib.web.theming import theme_file, theme_view
from tests.samples import DEFINITIONS

CAR = "build-your-car"
LOGO = (DEFINITIONS / "assets" / CAR / "logo.svg").read_text(encoding="utf-8")
# A 2×3 PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAIAAAADCAIAAAA2iEnWAAAAEElEQVR42mP4z8AARAwoFABE0AX7TM5xDwAA"
    "AABJRU5ErkJggg=="
)


@pytest.mark.parametrize(
    ("first", "second", "ratio"),
    [
        ("#000000", "#ffffff", 21.0),
        ("#fff", "#fff", 1.0),
        ("#767676", "#ffffff", 4.54),  # the lightest grey that passes 4.5:1 on white
        ("#777777", "#ffffff", 4.48),
        ("#004c99", "#ffffff", 8.42),
        ("#f2b632", "#ffffff", 1.82),
        ("#ffffff", "#f2b632", 1.82),  # symmetric
        ("#1b1b1b", "#f2b632", 9.44),
    ],
)
def test_contrast_of_known_pairs(first: str, second: str, ratio: float) -> None:
    assert round(contrast(first, second), 2) == ratio


def car_tree(tmp_path: Path, edit: tuple[str, str] | None = None, **files: bytes) -> Path:
    """The car sample (inline languages) in ``tmp_path`` with its assets folder of ``files``."""
    text = (DEFINITIONS / f"{CAR}.yaml").read_text(encoding="utf-8")
    text = re.sub(r"(?m)^locales: \[.*\]$", "locales: [en, hi]", text, count=1)
    if edit is not None:
        assert text.count(edit[0]) == 1, edit[0]
        text = text.replace(*edit)
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / f"{CAR}.yaml"
    path.write_text(text, encoding="utf-8")
    folder = tmp_path / "assets" / CAR
    folder.mkdir(parents=True)
    for layer in (DEFINITIONS / "assets" / CAR).glob("*.svg"):  # the product's, not the theme's
        if layer.stem not in ("logo", "hero"):
            (folder / layer.name).write_bytes(layer.read_bytes())
    for name, body in files.items():
        (folder / name.replace("_", ".")).write_bytes(body)
    return path


def problems_of(path: Path) -> list[DefinitionProblem]:
    with pytest.raises(InvalidCampaignDefinition) as caught:
        load_campaign_file(path)
    return caught.value.problems


def line_of(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


def test_the_car_sample_carries_its_logo_and_colours(tmp_path: Path) -> None:
    campaign = load_campaign_file(car_tree(tmp_path, logo_svg=LOGO.encode()))
    assert campaign.theme is not None
    assert (campaign.theme.primary, campaign.theme.accent) == ("#a4161a", "#d9e4ec")
    logo = campaign.theme.logo
    assert logo is not None
    assert (logo.media_type, logo.width, logo.height) == ("image/svg+xml", 64, 40)
    assert logo.body.startswith(b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 40">')
    assert campaign.theme.hero is None
    assert campaign.theme.stylesheet == ":root{--primary:#a4161a;--accent:#d9e4ec}\n"


def test_a_light_primary_is_refused_with_its_ratio_file_line_and_field(tmp_path: Path) -> None:
    path = car_tree(tmp_path, ('primary: "#a4161a"', 'primary: "#f2b632"'), logo_svg=LOGO.encode())
    [problem] = problems_of(path)
    assert (problem.file, problem.line, problem.field) == (
        f"{CAR}.yaml",
        line_of(path, "primary:"),
        "theme.primary",
    )
    assert "1.82:1 with white button text" in problem.message
    assert "at least 4.5:1" in problem.message


def test_a_dark_accent_is_refused_as_a_background_for_text(tmp_path: Path) -> None:
    path = car_tree(tmp_path, ('accent: "#d9e4ec"', 'accent: "#404040"'), logo_svg=LOGO.encode())
    [problem] = problems_of(path)
    assert problem.field == "theme.accent"
    assert problem.line == line_of(path, "accent:")
    assert f"{contrast('#404040', '#1b1b1b'):.2f}:1 with the page's dark text" in problem.message


def test_a_colour_that_is_not_hex_is_a_schema_problem(tmp_path: Path) -> None:
    path = car_tree(tmp_path, ('primary: "#a4161a"', "primary: red"), logo_svg=LOGO.encode())
    [problem] = problems_of(path)
    assert problem.field == "theme.primary"


def test_a_missing_logo_file_is_named(tmp_path: Path) -> None:
    [problem] = problems_of(car_tree(tmp_path))
    assert problem.field == "theme.logo"
    assert f"assets/{CAR}/logo.svg: no such file next to the campaign" in problem.message


def test_a_logo_with_a_script_names_the_svg_file_and_its_line(tmp_path: Path) -> None:
    bad = LOGO.replace("<title>", '<script>alert("x")</script>\n<title>')
    [problem] = problems_of(car_tree(tmp_path, logo_svg=bad.encode()))
    assert (problem.file, problem.line, problem.field) == (
        f"assets/{CAR}/logo.svg",
        2,
        "theme.logo",
    )
    assert "<script> is not allowed" in problem.message


def test_a_logo_over_the_byte_limit_is_refused(tmp_path: Path) -> None:
    padding = "<desc>" + "x" * MAX_BYTES["logo"] + "</desc>"
    big = LOGO.replace("</svg>", padding + "</svg>")
    [problem] = problems_of(car_tree(tmp_path, logo_svg=big.encode()))
    assert f"a logo may have {MAX_BYTES['logo']:,} at most" in problem.message


def test_a_logo_without_a_viewbox_is_refused(tmp_path: Path) -> None:
    [problem] = problems_of(car_tree(tmp_path, logo_svg=b"<svg><rect/></svg>"))
    assert "viewBox" in problem.message


def test_a_png_logo_is_embedded_with_its_pixel_size(tmp_path: Path) -> None:
    path = car_tree(
        tmp_path, (f"logo: assets/{CAR}/logo.svg", f"logo: assets/{CAR}/logo.png"), logo_png=PNG
    )
    stored = definition_of(translations.bundle(path), path.name, file_slug=CAR)
    logo = json.loads(stored.validated)["theme"]["logo"]
    assert logo == {
        "type": "image/png",
        "base64": base64.b64encode(PNG).decode(),
        "width": 2,
        "height": 3,
    }
    campaign = campaign_from_validated(stored.validated, 1)
    assert campaign.theme is not None
    assert campaign.theme.logo is not None
    assert campaign.theme.logo.body == PNG


def test_a_raster_named_for_another_kind_is_refused(tmp_path: Path) -> None:
    path = car_tree(
        tmp_path, (f"logo: assets/{CAR}/logo.svg", f"logo: assets/{CAR}/logo.jpg"), logo_jpg=PNG
    )
    [problem] = problems_of(path)
    assert problem.file == f"assets/{CAR}/logo.jpg"
    assert "holds a image/png image: name it .png" in problem.message
    path = car_tree(
        tmp_path / "gif",
        (f"logo: assets/{CAR}/logo.svg", f"logo: assets/{CAR}/logo.png"),
        logo_png=b"GIF89a",
    )
    assert "not a PNG, JPEG or WebP" in problems_of(path)[0].message


def test_the_bundle_carries_the_images_so_the_stored_campaign_needs_no_file(
    tmp_path: Path,
) -> None:
    path = car_tree(tmp_path, logo_svg=LOGO.encode())
    bundle = translations.bundle(path)
    assert f"--- # samvad asset: assets/{CAR}/logo.svg\n" in bundle
    stored = definition_of(bundle, path.name, file_slug=CAR)
    (tmp_path / "assets" / CAR / "logo.svg").unlink()  # gone: the stored form is enough
    campaign = campaign_from_validated(stored.validated, 2)
    assert campaign.theme is not None
    assert campaign.theme.logo is not None
    assert b"<title>Vega Motors</title>" in campaign.theme.logo.body


def test_the_theme_route_serves_each_file_by_its_content_hash(tmp_path: Path) -> None:
    campaign = load_campaign_file(car_tree(tmp_path, logo_svg=LOGO.encode()))
    view = theme_view(campaign)
    assert view is not None
    assert view["logo"]["width"] == 64

    def campaign_of(slug: str) -> object:
        if slug != CAR:
            raise CampaignNotFound(slug)
        return campaign

    prefix = "/static/theme/"
    css = theme_file(campaign_of, view["css"].removeprefix(prefix))  # type: ignore[arg-type]
    assert css.status == 200
    assert css.body == b":root{--primary:#a4161a;--accent:#d9e4ec}\n"
    assert css.headers["Content-Type"] == "text/css; charset=utf-8"
    assert "immutable" in css.headers["Cache-Control"]
    logo = theme_file(campaign_of, view["logo"]["src"].removeprefix(prefix))  # type: ignore[arg-type]
    assert logo.headers["Content-Type"] == "image/svg+xml"
    assert logo.headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert isinstance(logo.body, bytes)
    assert logo.body.startswith(b"<svg")
    for name in (
        f"{CAR}-000000000000.css",  # another version's name
        "wishlist-" + view["css"].rsplit("-", 1)[1],  # another campaign
        "../../etc/passwd",
        f"{CAR}-{view['css'].rsplit('-', 1)[1]}.exe",
    ):
        assert theme_file(campaign_of, name).status == 404, name  # type: ignore[arg-type]


def test_a_plain_campaign_has_no_theme() -> None:
    campaign = load_campaign_file(DEFINITIONS / "wishlist.yaml")
    assert campaign.theme is None
    assert theme_view(campaign) is None


def test_validate_describes_each_colour_and_image(tmp_path: Path) -> None:
    campaign = load_campaign_file(car_tree(tmp_path, logo_svg=LOGO.encode()))
    assert campaign.theme is not None
    lines = describe(campaign.theme)
    assert lines[0] == "  theme primary #a4161a: 7.75:1 with white button text (AA: 4.5:1)"
    assert lines[1].startswith("  theme accent #d9e4ec: 13.34:1 with the page's dark text")
    size = len(campaign.theme.logo.body) if campaign.theme.logo else 0
    assert lines[2] == f"  theme logo: image/svg+xml, {size} bytes (at most 30,000), 64×40"
    assert len(lines) == 3
