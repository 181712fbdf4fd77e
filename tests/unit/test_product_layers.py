"""Products as data: a stack of the brand's SVG layers composed by the chosen options (show,
hide, fill, stroke, pattern, price), checked when the campaign is loaded, carried with it."""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import pytest

from chalicelib.campaigns import assets
from chalicelib.campaigns.loader import campaign_from_validated, definition_of, load_campaign_file
from chalicelib.campaigns.model import Layer, OptionGroup, Pattern, Product, ProductOption
from chalicelib.campaigns.translations import bundle
from chalicelib.configurator.compose import CARD_HEIGHT, CARD_WIDTH, card, compose, look_of
from chalicelib.errors import DefinitionProblem, InvalidCampaignDefinition
from tests.samples import DEFINITIONS

SVG = "{http://www.w3.org/2000/svg}"
NS = 'xmlns="http://www.w3.org/2000/svg"'


def layer(layer_id: str, body: str, *, hidden: bool = False) -> Layer:
    return Layer(layer_id, f'<svg {NS} viewBox="0 0 100 50">{body}</svg>', hidden)


def option(option_id: str, price: str = "0", **rules: object) -> ProductOption:
    return ProductOption(option_id, {"en": option_id}, Decimal(price), **rules)  # type: ignore[arg-type]


MUG = Product(
    base_price=Decimal(100),
    width=100,
    height=50,
    layers=(
        layer("cup", '<rect data-part="cup" width="60" height="40" fill="#ffffff"/>'),
        layer("handle", '<path class="cup rim" d="M60 10h10v20H60" fill="none"/>'),
        layer("lid", '<rect data-part="lid" width="60" height="5"/>', hidden=True),
        layer("steam", '<path id="s" d="M10 0v-5"/><use href="#s"/>'),
    ),
    patterns=(Pattern("dots", f'<svg {NS} viewBox="0 0 8 8"><circle cx="4" cy="4" r="1"/></svg>'),),
    groups=(
        OptionGroup(
            "colour",
            {"en": "Colour"},
            "one",
            (
                option("white"),
                option("red", "20", fill={"cup": "#aa0000"}, stroke={"rim": "#111111"}),
            ),
        ),
        OptionGroup(
            "print",
            {"en": "Print"},
            "one",
            (option("plain"), option("dots", "5", pattern={"cup": "dots"})),
        ),
        OptionGroup(
            "extras",
            {"en": "Extras"},
            "many",
            (option("lid", "30", show=("lid",)), option("cold", "0", hide=("steam",))),
        ),
    ),
)


def drawn(svg: str) -> list[str]:
    return [g.get("data-layer", "") for g in ET.fromstring(svg) if g.get("data-layer")]


def part(svg: str, name: str) -> list[ET.Element]:
    return [
        e
        for e in ET.fromstring(svg).iter()
        if e.get("data-part") == name or name in e.get("class", "").split()
    ]


def test_defaults_draw_the_layers_not_hidden_in_order() -> None:
    svg = compose(MUG, MUG.defaults(), title="Mug")
    assert drawn(svg) == ["cup", "handle", "steam"]
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert (root.get("viewBox"), root.get("width"), root.get("height")) == (
        "0 0 100 50",
        "320",
        "160",
    )
    assert root[0].tag == f"{SVG}title"
    assert root[0].text == "Mug"


def test_an_option_shows_and_another_hides_a_layer() -> None:
    shown = compose(MUG, {**MUG.defaults(), "extras": ("lid",)}, title="Mug")
    assert drawn(shown) == ["cup", "handle", "lid", "steam"]
    hidden = compose(MUG, {**MUG.defaults(), "extras": ("lid", "cold")}, title="Mug")
    assert drawn(hidden) == ["cup", "handle", "lid"]


def test_fill_and_stroke_colour_the_named_parts_by_data_part_or_class() -> None:
    plain = compose(MUG, MUG.defaults(), title="Mug")
    assert [e.get("fill") for e in part(plain, "cup")] == ["#ffffff", "none"]
    red = compose(MUG, {**MUG.defaults(), "colour": ("red",)}, title="Mug")
    assert [e.get("fill") for e in part(red, "cup")] == ["#aa0000", "#aa0000"]
    assert [e.get("stroke") for e in part(red, "rim")] == ["#111111"]


def test_a_pattern_is_the_brands_tile_on_the_parts_colour() -> None:
    svg = compose(MUG, {**MUG.defaults(), "colour": ("red",), "print": ("dots",)}, title="Mug")
    root = ET.fromstring(svg)
    (pattern,) = root.iter(f"{SVG}pattern")
    assert (pattern.get("width"), pattern.get("height")) == ("8", "8")
    assert pattern[0].get("fill") == "#aa0000"  # the part's colour under the tile
    assert pattern[1][0].tag == f"{SVG}circle"  # the brand's motif
    assert {e.get("fill") for e in part(svg, "cup")} == {f"url(#{pattern.get('id')})"}


def test_the_price_is_the_base_and_every_chosen_option() -> None:
    choices = {"colour": ("red",), "print": ("dots",), "extras": ("lid", "cold")}
    assert MUG.price(choices) == Decimal(155)
    assert MUG.price(MUG.defaults()) == Decimal(100)


def test_ids_are_prefixed_with_their_references() -> None:
    one = compose(MUG, MUG.defaults(), title="Mug", id_prefix="a")
    two = compose(MUG, MUG.defaults(), title="Mug", id_prefix="b")
    ids = [e.get("id") for e in ET.fromstring(one).iter() if e.get("id")]
    assert ids == ["a-2-s"]  # the third layer drawn
    assert 'href="#a-2-s"' in one
    assert 'href="#b-2-s"' in two


def test_the_title_is_escaped_and_the_same_design_gives_the_same_svg() -> None:
    svg = compose(MUG, MUG.defaults(), title="Meri <mug> & \x07")
    assert "<title>Meri &lt;mug&gt; &amp; </title>" in svg
    assert svg == compose(MUG, MUG.defaults(), title="Meri <mug> & \x07")
    with pytest.raises(ValueError, match="title"):
        compose(MUG, MUG.defaults(), title=" \x01")
    with pytest.raises(ValueError, match="width"):
        compose(MUG, MUG.defaults(), title="Mug", width=0)


def test_a_card_is_landscape_with_the_drawing_centred_whole() -> None:
    svg = card(MUG, MUG.defaults(), title="Mug")
    root = ET.fromstring(svg)
    assert (root.get("width"), root.get("height")) == (str(CARD_WIDTH), str(CARD_HEIGHT))
    inner = root.find(f"{SVG}g/{SVG}svg")
    assert inner is not None
    assert int(inner.get("height", "0")) <= CARD_HEIGHT


# The samples: every option of every group composes into a safe, small SVG that changes.

SAMPLES = ["design-your-dress", "build-your-car", "sweet-box"]


@pytest.fixture(scope="module")
def products() -> dict[str, Product]:
    loaded = {}
    for slug in SAMPLES:
        product = load_campaign_file(DEFINITIONS / f"{slug}.yaml").product
        assert product is not None
        loaded[slug] = product
    return loaded


def assert_safe(svg: str) -> None:
    for element in ET.fromstring(svg).iter():
        assert element.tag.removeprefix(SVG) not in {
            "script",
            "foreignObject",
            "image",
            "a",
            "style",
        }
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), name
            assert "url(" not in value or re.fullmatch(r"url\(#[\w-]+\)", value), value
    assert "http" not in svg.replace(NS, "")


def rules(choice: ProductOption | None) -> tuple[object, ...]:
    if choice is None:
        return ((), (), {}, {}, {})
    return (choice.show, choice.hide, choice.fill, choice.stroke, choice.pattern)


@pytest.mark.parametrize("slug", SAMPLES)
def test_every_option_of_a_sample_composes_and_shows(
    slug: str, products: dict[str, Product]
) -> None:
    product = products[slug]
    base = compose(product, product.defaults(), title="Preview")
    assert_safe(base)
    for group in product.groups:
        for choice in group.options:
            if group.choose == "one" and choice.id == group.options[0].id:
                continue
            picked = (choice.id,)
            choices = {**product.defaults(), group.id: picked}
            svg = compose(product, choices, title="Preview")
            assert_safe(svg)
            assert len(svg.encode()) < 8192, (group.id, choice.id)
            # Every option changes the drawing, but one that draws as the default does (a
            # dress's fabric is a price only).
            default = group.options[0] if group.choose == "one" else None
            assert (svg != base) == (rules(choice) != rules(default)), (group.id, choice.id)
            assert product.price(choices) == product.price(product.defaults()) + choice.price - (
                group.options[0].price if group.choose == "one" else 0
            )


@pytest.mark.parametrize("slug", SAMPLES)
def test_every_combination_of_a_sample_composes(slug: str, products: dict[str, Product]) -> None:
    product = products[slug]
    singles = [
        [(o.id,) for o in g.options] if g.choose == "one" else [(), tuple(o.id for o in g.options)]
        for g in product.groups
    ]
    for combination in itertools.product(*singles):
        choices = {g.id: ids for g, ids in zip(product.groups, combination, strict=True)}
        assert_safe(compose(product, choices, title="Preview"))


def test_the_sweet_box_shows_each_chosen_sweet_as_its_layer(products: dict[str, Product]) -> None:
    box = products["sweet-box"]
    choices = {**box.defaults(), "sweets": ("ladoo", "jalebi"), "ribbon": ("gold",)}
    assert {"ladoo", "jalebi", "ribbon"} <= set(drawn(compose(box, choices, title="Box")))
    assert not {"barfi", "ribbon"} & set(drawn(compose(box, box.defaults(), title="Box")))
    assert look_of(box, choices).fill["ribbon"] == "#d4a017"


# Loading: bad layers are refused with the file, line and field.

LAYER_YAML = """\
slug: mug
default_locale: en
locales: [en]
brand: {en: Mugs}
title: {en: Your mug}
intro: {en: Make it.}
thanks: {en: Thanks.}
questions:
  - {id: note, type: text, label: {en: Note}}
product:
  base_price: 100
  width: 100
  height: 50
  layers:
    - {id: cup, file: assets/mug/cup.svg}
    - id: handle
      svg: '<path data-part="handle" d="M60 10h10v20H60"/>'
  patterns:
    - id: dots
      svg: '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8"><circle r="1"/></svg>'
  groups:
    - id: colour
      label: {en: Colour}
      options:
        - {id: white, label: {en: White}}
        - {id: red, label: {en: Red}, price: 20, fill: {cup: "#aa0000"}, pattern: {cup: dots}}
"""
CUP = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 50">\n'
    '<rect data-part="cup" width="60" height="40"/>\n</svg>\n'
)


def write(tmp_path: Path, yaml_text: str = LAYER_YAML, cup: str | None = CUP) -> Path:
    path = tmp_path / "mug.yaml"
    path.write_text(yaml_text, encoding="utf-8")
    if cup is not None:
        (tmp_path / "assets" / "mug").mkdir(parents=True, exist_ok=True)
        (tmp_path / "assets" / "mug" / "cup.svg").write_text(cup, encoding="utf-8")
    return path


def problems(path: Path) -> list[DefinitionProblem]:
    with pytest.raises(InvalidCampaignDefinition) as caught:
        load_campaign_file(path)
    return caught.value.problems


def line(text: str, fragment: str) -> int:
    return text[: text.index(fragment)].count("\n") + 1


def test_a_product_of_layers_loads_with_its_files_inlined(tmp_path: Path) -> None:
    path = write(tmp_path)
    product = load_campaign_file(path).product
    assert product is not None
    assert [la.id for la in product.layers] == ["cup", "handle"]
    assert 'data-part="cup"' in product.layers[0].svg
    assert product.layers[1].svg.startswith("<svg")  # inline elements, wrapped


def test_the_deploy_bundle_carries_the_layer_files(tmp_path: Path) -> None:
    """A deployed version needs nothing from the repository: the bundle holds the files, the
    checked form holds their sanitized text, and pages build from that alone."""
    path = write(tmp_path)
    text = bundle(path)
    assert f"{assets.MARK}assets/mug/cup.svg\n" in text
    (tmp_path / "assets" / "mug" / "cup.svg").unlink()  # gone from disk: still composes
    campaign = campaign_from_validated(definition_of(text, "mug.yaml").validated, 3)
    assert campaign.product is not None
    svg = compose(campaign.product, {"colour": ("red",)}, title="Mug")
    assert 'data-part="cup"' in svg
    assert "url(#" in svg


def test_a_missing_file_is_named_at_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, cup=None)
    (found,) = problems(path)
    assert (found.file, found.line, found.field) == (
        "mug.yaml",
        line(LAYER_YAML, "{id: cup"),
        "product.layers[0].file",
    )
    assert "assets/mug/cup.svg" in found.message


@pytest.mark.parametrize(
    ("unsafe", "reason"),
    [
        ("<script>alert(1)</script>", "script"),
        ('<rect onclick="alert(1)" width="1"/>', "onclick"),
        ('<image href="https://evil.example/x.png"/>', "image"),
        ('<rect fill="url(https://evil.example/#x)" width="1"/>', "url("),
        ("<foreignObject><p>hi</p></foreignObject>", "foreignobject"),
    ],
)
def test_an_unsafe_layer_file_is_refused_with_its_file_and_line(
    tmp_path: Path, unsafe: str, reason: str
) -> None:
    cup = CUP.replace("</svg>", f"\n\n{unsafe}\n</svg>")
    (found,) = problems(write(tmp_path, cup=cup))
    assert (found.file, found.line, found.field) == (
        "assets/mug/cup.svg",
        5,
        "product.layers[0].file",
    )
    assert reason in found.message.lower()


def test_an_unsafe_inline_layer_is_refused_at_its_line(tmp_path: Path) -> None:
    text = LAYER_YAML.replace('d="M60 10h10v20H60"/>', 'd="M0 0" onload="x()"/>')
    (found,) = problems(write(tmp_path, text))
    assert (found.file, found.line, found.field) == (
        "mug.yaml",
        line(text, "      svg:"),
        "product.layers[1].svg",
    )
    assert "onload" in found.message


def test_an_oversize_layer_is_refused(tmp_path: Path) -> None:
    big = CUP.replace("</svg>", '<path d="' + "M0 0h1" * 5000 + '"/></svg>')
    (found,) = problems(write(tmp_path, cup=big))
    assert found.file == "assets/mug/cup.svg"
    assert "bytes" in found.message


@pytest.mark.parametrize(
    ("old", "new", "field", "message"),
    [
        (
            "fill: {cup:",
            "fill: {mug:",
            "product.groups[0].options[1].fill",
            "no layer has a part 'mug'",
        ),
        (
            "pattern: {cup: dots}",
            "pattern: {cup: waves}",
            "product.groups[0].options[1].pattern",
            "no pattern 'waves'",
        ),
        (
            "price: 20,",
            "price: 20, show: [lid],",
            "product.groups[0].options[1].show",
            "no layer 'lid'",
        ),
        (
            "{id: cup, file: assets/mug/cup.svg}",
            "{id: cup, file: assets/cup/cup.svg}",
            "product.layers[0].file",
            "assets/mug/",
        ),
        (
            "{id: cup, file: assets/mug/cup.svg}",
            "{id: cup, file: assets/mug/cup.svg, hidden: true}",
            "product.layers[0].hidden",
            "no option shows",
        ),
    ],
)
def test_a_rule_naming_what_is_not_there_is_one_problem_at_its_field(
    tmp_path: Path, old: str, new: str, field: str, message: str
) -> None:
    assert LAYER_YAML.count(old) == 1
    text = LAYER_YAML.replace(old, new)
    (found,) = problems(write(tmp_path, text))
    assert (found.file, found.field) == ("mug.yaml", field)
    assert found.line == line(text, new.split(",")[0] if "layers" in field else new[:10])
    assert message in found.message


def test_an_unknown_rule_and_a_layer_with_both_file_and_svg_are_named_at_their_lines(
    tmp_path: Path,
) -> None:
    typo = LAYER_YAML.replace('fill: {cup: "#aa0000"}', 'colour: {cup: "#aa0000"}')
    (found,) = problems(write(tmp_path, typo))
    assert (found.file, found.line) == ("mug.yaml", line(typo, "        - {id: red"))
    assert "colour" in found.message
    both = LAYER_YAML.replace(
        "{id: cup, file: assets/mug/cup.svg}", "{id: cup, file: assets/mug/cup.svg, svg: <g/>}"
    )
    (found,) = problems(write(tmp_path, both))
    assert (found.line, found.field) == (line(both, "{id: cup"), "product.layers[0]")
    assert "either file" in found.message


def test_inline_svg_that_is_not_xml_is_one_problem_not_a_crash(tmp_path: Path) -> None:
    broken = LAYER_YAML.replace('d="M60 10h10v20H60"/>', 'd="M60 10h10v20H60">')
    (found,) = problems(write(tmp_path, broken))
    assert (found.line, found.field) == (line(broken, "      svg:"), "product.layers[1].svg")
