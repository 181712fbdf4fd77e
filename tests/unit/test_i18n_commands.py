"""``samvad i18n extract|update|compile|check`` against catalogs in tmp_path, never locales/."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from babel.support import Translations

from samvad_cli.languages import mark, review_status
from samvad_cli.main import main

PROJECT_DIR = Path(__file__).resolve().parents[2]

HEADER = """msgid ""
msgstr ""
"Project-Id-Version: Samvad VERSION\\n"
"Language: {locale}\\n"
"Plural-Forms: nplurals=2; plural={plural};\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=utf-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"""

TEMPLATE = """# Translations template for Samvad.
msgid ""
msgstr ""
"Project-Id-Version: Samvad VERSION\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=utf-8\\n"
"Content-Transfer-Encoding: 8bit\\n"

#, python-format
msgid "At most %(num)s character."
msgid_plural "At most %(num)s characters."
msgstr[0] ""
msgstr[1] ""

#, python-format
msgid "Hello %(name)s, welcome to %(brand)s."
msgstr ""

msgid "Language"
msgstr ""
"""

ENGLISH = (
    HEADER.format(locale="en", plural="(n != 1)")
    + TEMPLATE.split('Content-Transfer-Encoding: 8bit\\n"\n', 1)[1]
)

HINDI = (
    HEADER.format(locale="hi", plural="(n > 1)")
    + """
#, python-format
msgid "At most %(num)s character."
msgid_plural "At most %(num)s characters."
msgstr[0] "ज़्यादा से ज़्यादा %(num)s अक्षर।"
msgstr[1] "ज़्यादा से ज़्यादा %(num)s अक्षरों तक।"

#, python-format
msgid "Hello %(name)s, welcome to %(brand)s."
msgstr "नमस्ते %(name)s, %(brand)s में आपका स्वागत है।"

msgid "Language"
msgstr "भाषा"
"""
)


def write_po(locales: Path, locale: str, text: str) -> Path:
    path = locales / locale / "LC_MESSAGES" / "messages.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def locales(tmp_path: Path) -> Path:
    """A .pot, the source en catalog, and a fully translated hi catalog."""
    directory = tmp_path / "locales"
    directory.mkdir()
    (directory / "messages.pot").write_text(TEMPLATE, encoding="utf-8")
    write_po(directory, "en", ENGLISH)
    write_po(directory, "hi", HINDI)
    return directory


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    status = main(["i18n", *argv])
    captured = capsys.readouterr()
    return status, captured.out + captured.err


def test_check_passes_a_fully_translated_catalog(
    locales: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out = run(capsys, "check", "--locales-dir", str(locales))
    assert status == 0, out
    assert "hi: 3/3 (100%)" in out
    assert "en: source language" in out


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        pytest.param('msgstr "भाषा"', 'msgstr ""', ['untranslated: "Language"'], id="untranslated"),
        pytest.param(
            'msgstr[1] "ज़्यादा से ज़्यादा %(num)s अक्षरों तक।"',
            'msgstr[1] ""',
            ['untranslated: "At most %(num)s character."'],
            id="empty-plural-form",
        ),
        pytest.param(
            'msgid "Language"', '#, fuzzy\nmsgid "Language"', ['fuzzy: "Language"'], id="fuzzy"
        ),
        pytest.param(
            'msgid "Language"\nmsgstr "भाषा"\n',
            "",
            ['missing (run samvad i18n update): "Language"'],
            id="missing",
        ),
        pytest.param(
            'msgstr "भाषा"\n',
            'msgstr "भाषा"\n\nmsgid "Gone"\nmsgstr "गया"\n\n#~ msgid "Old"\n#~ msgstr "पुराना"\n',
            [
                'obsolete (not in the .pot; delete it): "Gone"',
                'obsolete (not in the .pot; delete it): "Old"',
            ],
            id="obsolete",
        ),
        pytest.param(
            "%(brand)s में",
            "दुकान में",
            ['placeholder (msgstr lacks %(brand)s): "Hello %(name)s, welcome to %(brand)s."'],
            id="lost-placeholder",
        ),
        pytest.param(
            "%(num)s अक्षरों",
            "कई अक्षरों",
            ['placeholder (msgstr[1] lacks %(num)s): "At most %(num)s character."'],
            id="lost-placeholder-in-a-plural-form",
        ),
        pytest.param(
            "%(brand)s में",
            "%(brnd)s में",
            [
                "(unknown named placeholder 'brnd'): \"Hello %(name)s, welcome to %(brand)s.\"",
                "msgstr lacks %(brand)s",
            ],
            id="misspelt-placeholder",
        ),
    ],
)
def test_check_fails_and_names_the_message(
    locales: Path, capsys: pytest.CaptureFixture[str], old: str, new: str, expected: list[str]
) -> None:
    assert old in HINDI
    write_po(locales, "hi", HINDI.replace(old, new))
    status, out = run(capsys, "check", "--locales-dir", str(locales))
    assert status == 1, out
    assert "hi: " in out
    for line in expected:
        assert line in out
    assert "i18n check failed: hi" in out


def test_check_reports_coverage_per_locale_for_any_number_of_locales(
    locales: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_po(
        locales,
        "ur",
        HINDI.replace('"Language: hi', '"Language: ur').replace('msgstr "भाषा"', 'msgstr ""'),
    )
    write_po(locales, "ta", HINDI.replace('"Language: hi', '"Language: ta'))
    status, out = run(capsys, "check", "--locales-dir", str(locales))
    assert status == 1
    assert "hi: 3/3 (100%)" in out
    assert "ta: 3/3 (100%)" in out
    assert "ur: 2/3 (66%)" in out
    assert "locales/ur/LC_MESSAGES/messages.po:" in out
    assert "i18n check failed: ur" in out


def test_check_shortens_a_long_msgid(locales: Path, capsys: pytest.CaptureFixture[str]) -> None:
    long = "A very long message " * 10
    pot = locales / "messages.pot"
    pot.write_text(pot.read_text() + f'\nmsgid "{long}"\nmsgstr ""\n', encoding="utf-8")
    status, out = run(capsys, "check", "--locales-dir", str(locales))
    assert status == 1
    assert 'missing (run samvad i18n update): "A very long message A very long' in out
    assert long not in out
    assert "…" in out


def test_check_fails_a_fuzzy_header(locales: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_po(locales, "hi", "#, fuzzy\n" + HINDI)
    status, out = run(capsys, "check", "--locales-dir", str(locales))
    assert status == 1
    assert "the header is marked fuzzy" in out


def test_compile_writes_catalogs_the_app_can_load(
    locales: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    catalogs = tmp_path / "catalogs"
    status, out = run(
        capsys, "compile", "--locales-dir", str(locales), "--catalog-dir", str(catalogs)
    )
    assert status == 0, out
    assert "en: compiled" in out
    assert "(source language)" in out
    assert "hi: compiled" in out
    assert "(3/3 translated)" in out
    assert (catalogs / "en" / "LC_MESSAGES" / "messages.mo").is_file()
    hindi = Translations.load(str(catalogs), locales=["hi"], domain="messages")
    assert isinstance(hindi, Translations)
    assert hindi.gettext("Language") == "भाषा"
    plural = hindi.ngettext("At most %(num)s character.", "At most %(num)s characters.", 5)
    assert plural % {"num": 5} == "ज़्यादा से ज़्यादा 5 अक्षरों तक।"
    assert list(catalogs.rglob("*.tmp")) == []
    assert (catalogs / "hi" / "LC_MESSAGES" / "messages.mo").stat().st_mode & 0o444 == 0o444


def test_compile_one_locale_leaves_out_fuzzy_translations(
    locales: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_po(locales, "hi", HINDI.replace('msgid "Language"', '#, fuzzy\nmsgid "Language"'))
    catalogs = tmp_path / "catalogs"
    argv = ["--locales-dir", str(locales), "--catalog-dir", str(catalogs), "--locale", "hi"]
    status, out = run(capsys, "compile", *argv)
    assert status == 0, out
    assert "(2/3 translated)" in out
    assert not (catalogs / "en").exists()
    hindi = Translations.load(str(catalogs), locales=["hi"], domain="messages")
    assert hindi.gettext("Language") == "Language"
    assert hindi.gettext("Hello %(name)s, welcome to %(brand)s.").startswith("नमस्ते")


def test_compile_refuses_a_catalog_babel_finds_broken(
    locales: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_po(locales, "hi", HINDI.replace("%(brand)s में", "%(brnd)s में"))
    catalogs = tmp_path / "catalogs"
    status, out = run(
        capsys, "compile", "--locales-dir", str(locales), "--catalog-dir", str(catalogs)
    )
    assert status == 1
    assert "hi: not compiled" in out
    assert "unknown named placeholder 'brnd'" in out
    assert not (catalogs / "hi" / "LC_MESSAGES" / "messages.mo").exists()
    assert (catalogs / "en" / "LC_MESSAGES" / "messages.mo").is_file()


def test_extract_and_update_from_any_directory(
    locales: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    root = tmp_path
    shutil.copy(PROJECT_DIR / "locales" / "babel.cfg", locales / "babel.cfg")
    (root / "chalicelib" / "web" / "templates").mkdir(parents=True)
    (root / "chalicelib" / "strings.py").write_text(
        'def _(s):\n    return s\n\n\nN_ = _\nLANGUAGE = N_("Language")\nNEW = _("Thank you!")\n',
        encoding="utf-8",
    )
    (root / "chalicelib" / "web" / "templates" / "page.html").write_text(
        "{% trans count=num %}At most {{ num }} character.{% pluralize %}"
        "At most {{ num }} characters.{% endtrans %}\n"
        "{% trans %}Hello {{ name }}, welcome to {{ brand }}.{% endtrans %}\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path / "locales" / "hi")  # not the root
    hindi_po = locales / "hi" / "LC_MESSAGES" / "messages.po"
    hindi_po.write_text(mark(hindi_po.read_text(encoding="utf-8"), "drafted"), encoding="utf-8")

    status, out = run(capsys, "extract", "--root", str(root))
    assert status == 0, out
    pot = (locales / "messages.pot").read_text(encoding="utf-8")
    assert 'msgid "Thank you!"' in pot
    assert 'msgid_plural "At most %(num)s characters."' in pot
    assert "#:" not in pot  # --no-location
    assert "Samvad" in pot

    status, out = run(capsys, "update", "--locales-dir", str(locales))
    assert status == 0, out
    hindi = (locales / "hi" / "LC_MESSAGES" / "messages.po").read_text(encoding="utf-8")
    assert 'msgid "Thank you!"' in hindi
    assert 'msgstr "भाषा"' in hindi  # translations kept
    assert review_status(hindi) == "drafted"  # and still marked as a draft
    assert hindi.startswith("# Drafted; needs review by a native speaker.\n")
    assert 'msgid "Thank you!"' in (locales / "en" / "LC_MESSAGES" / "messages.po").read_text()

    status, out = run(capsys, "check", "--locales-dir", str(locales))
    assert status == 1
    assert "hi: 3/4 (75%)" in out
    assert 'untranslated: "Thank you!"' in out


@pytest.mark.parametrize("command", ["extract", "update", "compile", "check"])
def test_every_command_has_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["i18n", command, "--help"])
    assert exited.value.code == 0
    assert f"samvad i18n {command}" in capsys.readouterr().out
