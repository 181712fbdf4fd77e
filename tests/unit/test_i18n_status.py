"""docs/translations.md says which languages are drafts, generated from the catalogs' and
the campaign text files' markers; the commands a translator uses to add and review one."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from samvad_cli import languages
from samvad_cli.i18n import LOCALES_DIR, template_path
from tests.samples import inline_text


def test_the_status_document_is_not_stale() -> None:
    assert languages.STATUS_DOC.read_text("utf-8") == languages.status_document(), (
        "run samvad i18n status --write"
    )


def test_a_draft_catalog_is_marked_in_its_header_and_a_review_unmarks_it() -> None:
    po = 'msgid ""\nmsgstr ""\n"Language: bn\\n"\n"MIME-Version: 1.0\\n"\n'
    drafted = languages.mark(po, "drafted")
    assert drafted.startswith(languages.DRAFT_COMMENT + "\n")
    assert '"Language: bn\\n"\n"X-Review-Status: drafted\\n"\n' in drafted
    assert languages.review_status(drafted) == "drafted"
    reviewed = languages.mark(drafted, "reviewed")
    assert languages.DRAFT_COMMENT not in reviewed
    assert languages.review_status(reviewed) == "reviewed"
    assert reviewed.count("X-Review-Status") == 1


@pytest.fixture
def tree(tmp_path: Path) -> tuple[Path, Path]:
    locales = tmp_path / "locales"
    locales.mkdir()
    shutil.copy2(template_path(LOCALES_DIR), template_path(locales))
    definitions = tmp_path / "definitions"
    definitions.mkdir()
    text = inline_text("wishlist")
    (definitions / "wishlist.yaml").write_text(
        text.replace("locales: [", "locales: [sat, ", 1), "utf-8"
    )
    return locales, definitions


def test_adding_then_reviewing_a_language_shows_in_the_status(tree: tuple[Path, Path]) -> None:
    locales, definitions = tree
    assert languages.init("sat", locales) == 0
    catalog = locales / "sat" / "LC_MESSAGES" / "messages.po"
    assert languages.review_status(catalog.read_text("utf-8")) == "drafted"
    texts = definitions / "translations" / "wishlist" / "sat.yaml"
    texts.parent.mkdir(parents=True)
    texts.write_text("status: drafted\ntitle: ᱪᱮᱫ\n", "utf-8")

    row = "| Santali | `sat` | Ol Chiki | drafted | drafted |"
    assert row in languages.status_document(locales, definitions)
    assert languages.mark_reviewed("sat", locales, definitions) == 0
    document = languages.status_document(locales, definitions)
    assert "| Santali | `sat` | Ol Chiki | reviewed | reviewed |" in document
    assert "| Hindi | `hi` | Devanagari | missing | in the campaign file |" in document
