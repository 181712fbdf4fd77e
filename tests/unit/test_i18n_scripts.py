"""India's languages: tags, scripts, direction, the font stack per script, CLDR digits and
currency, and negotiation from the headers real browsers send."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from chalicelib.i18n import formatting
from chalicelib.i18n.negotiation import negotiate, parse_accept_language
from chalicelib.i18n.tags import babel_id, direction, script

# The Eighth Schedule's 22 languages, and romanized Hindi.
SCHEDULED = [
    "as",
    "bn",
    "brx",
    "doi",
    "gu",
    "hi",
    "kn",
    "ks",
    "kok",
    "mai",
    "ml",
    "mni",
    "mr",
    "ne",
    "or",
    "pa",
    "sa",
    "sat",
    "sd",
    "ta",
    "te",
    "ur",
]
ALL = (*SCHEDULED, "hi-Latn", "en")
CSS = Path("chalicelib/web/static/samvad.css").read_text(encoding="utf-8")


def test_each_language_has_its_script_from_cldr() -> None:
    scripts = {tag: script(tag) for tag in ALL}
    assert scripts == {
        **dict.fromkeys(("hi", "mr", "ne", "sa", "mai", "kok", "doi", "brx"), "Deva"),
        **dict.fromkeys(("bn", "as", "mni"), "Beng"),
        **dict.fromkeys(("ur", "ks", "sd"), "Arab"),
        **{"gu": "Gujr", "pa": "Guru", "or": "Orya", "ta": "Taml", "te": "Telu"},
        **{"kn": "Knda", "ml": "Mlym", "sat": "Olck", "hi-Latn": "Latn", "en": "Latn"},
    }
    assert script("mni-Mtei") == "Mtei"
    assert script("sd-Deva") == "Deva"


def test_only_arabic_script_is_right_to_left() -> None:
    assert [t for t in ALL if direction(t) == "rtl"] == ["ks", "sd", "ur"]
    assert direction("sd-Deva") == "ltr"
    assert direction("ks-Deva") == "ltr"


@pytest.mark.parametrize("tag", ALL)
def test_each_script_has_a_noto_font_first_in_the_stylesheet(tag: str) -> None:
    rule = re.search(rf"\[data-script={script(tag)}\]\{{font-family:([^;}}]+)", CSS)
    assert rule is not None, script(tag)
    first = rule.group(1).split(",")[0]
    assert first.startswith('"Noto ') or first == "system-ui"


def test_tall_scripts_get_more_room_between_lines() -> None:
    heights = dict(re.findall(r"\[data-script=(\w+)\]\{[^}]*--lh:([0-9.]+)", CSS))
    assert float(heights["Arab"]) >= 1.8
    assert float(heights["Olck"]) > 1.5
    assert all(float(heights[s]) >= 1.7 for s in ("Deva", "Beng", "Taml", "Telu", "Mlym"))


def test_digits_and_currency_as_cldr_says() -> None:
    amount = Decimal("1234567.5")
    assert formatting.money(amount, "INR", "bn") == "12,34,567.50₹"
    assert formatting.money(amount, "INR", "hi") == "₹12,34,567.50"
    assert formatting.money(amount, "INR", "hi-Latn") == "₹12,34,567.50"
    assert formatting.money(amount, "INR", "ta") == "₹12,34,567.50"
    assert formatting.number(amount, "mr") == "12,34,567.5"
    assert babel_id("hi-Latn") == "hi_Latn"


OFFERED = [*SCHEDULED, "hi-Latn", "en"]


@pytest.mark.parametrize(
    ("header", "offered", "expected"),
    [
        ("bn-IN,bn;q=0.9,en-US;q=0.8,en;q=0.7", OFFERED, "bn"),
        ("ta-IN,ta;q=0.9,en;q=0.8", OFFERED, "ta"),
        ("pa-Guru-IN,pa;q=0.9", OFFERED, "pa"),
        ("sat-Olck", OFFERED, "sat"),
        ("sat-Olck-IN,en;q=0.5", ["en", "hi"], "en"),
        ("mni-Beng", OFFERED, "mni"),
        ("mni-Mtei-IN,en;q=0.5", OFFERED, "mni"),  # read Bengali script at school
        ("mni-Mtei-IN,en;q=0.5", ["en", "mni", "mni-Mtei"], "mni-Mtei"),
        ("sd-Deva", OFFERED, "hi"),  # never Arabic-script sd
        ("sd-Deva-IN,sd;q=0.5", ["sd", "en"], "sd"),  # asked for it second
        ("sd-Arab-PK", OFFERED, "sd"),
        ("hi-Latn", OFFERED, "hi-Latn"),
        ("hi-Latn-IN", ["en", "hi"], "hi"),
        ("hi-IN", OFFERED, "hi"),
        ("mai-IN,en;q=0.5", ["en", "hi"], "hi"),  # Hindi only for lack of Maithili
        ("mai-IN,en;q=0.5", ["en", "hi", "mai"], "mai"),
        ("ks-Deva-IN", ["ks", "en"], None),
        ("ur-IN", OFFERED, "ur"),
    ],
)
def test_negotiation_from_real_headers(
    header: str, offered: list[str], expected: str | None
) -> None:
    assert negotiate(parse_accept_language(header), offered) == expected


def switcher(tags: list[str], current: str) -> str:
    from chalicelib.web.pages import language_name
    from chalicelib.web.rendering import render

    links = [
        {"locale": t, "href": f"/{t}/c/x", "name": language_name(t), "script": script(t)}
        for t in tags
    ]
    return render("message.html", current, base="", alternates=links, heading="h", text="t")


def test_many_languages_fold_behind_the_current_one_and_each_name_has_its_script() -> None:
    few = switcher(["en", "hi", "ur"], "hi")
    assert "<details>" not in few
    assert '<li data-script="Arab"><a href="/ur/c/x" hreflang="ur" lang="ur">اردو</a></li>' in few
    many = switcher(["en", "hi", "ur", "bn", "ta", "sat"], "ur")
    assert "<details><summary>اردو</summary>" in many
    assert '<body data-script="Arab">' in many
