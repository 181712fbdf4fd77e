"""``samvad i18n init|campaign-texts|mark-reviewed|status``: adding and reviewing a language.

- ``init --locale bn``: a new UI catalog from the .pot (``pybabel init``), marked as a draft
  (``X-Review-Status: drafted`` and a header comment);
- ``campaign-texts wishlist --locale bn``: the campaign's English texts shaped as the
  language's text file (``definitions/translations/<slug>/<tag>.yaml``), to translate;
- ``mark-reviewed --locale bn``: a native speaker has reviewed the catalog and the text files;
- ``status [--write|--check]``: each language's status, as ``docs/translations.md`` lists it.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

import yaml

from chalicelib.campaigns import translations
from chalicelib.i18n.catalogs import SOURCE_LOCALE
from chalicelib.i18n.tags import babel_id, bcp47
from samvad_cli.i18n import LOCALES_DIR, PROJECT_DIR, _pybabel, po_path, template_path
from samvad_cli.sms_report import script_name

DEFINITIONS = PROJECT_DIR / "chalicelib" / "campaigns" / "definitions"
STATUS_DOC = PROJECT_DIR / "docs" / "translations.md"
DRAFT_COMMENT = "# Drafted; needs review by a native speaker."
REVIEW_HEADER = re.compile(r'^"X-Review-Status: ([a-z]+)\\n"$', re.MULTILINE)


def review_status(po_text: str) -> str | None:
    """The catalog's ``X-Review-Status`` header.

    >>> review_status('msgid ""\\nmsgstr ""\\n"X-Review-Status: drafted\\\\n"\\n')
    'drafted'
    """
    found = REVIEW_HEADER.search(po_text)
    return found.group(1) if found else None


def mark(po_text: str, status: str) -> str:
    """The catalog with ``X-Review-Status: status`` (after ``Language:``), and the draft
    comment first while it is a draft."""
    header = f'"X-Review-Status: {status}\\n"'
    if REVIEW_HEADER.search(po_text):
        text = REVIEW_HEADER.sub(lambda _: header, po_text, count=1)
    else:
        language = re.compile(r'^"Language: [^"]*"\n', re.MULTILINE)
        text = language.sub(lambda found: f"{found.group(0)}{header}\n", po_text, count=1)
    text = text.replace(DRAFT_COMMENT + "\n", "")
    return DRAFT_COMMENT + "\n" + text if status == "drafted" else text


def init(tag: str, locales_dir: Path = LOCALES_DIR) -> int:
    target = po_path(locales_dir, babel_id(tag))
    if target.exists():
        print(f"{tag}: {target} exists already", file=sys.stderr)
        return 1
    status = _pybabel(
        "init", "-i", str(template_path(locales_dir)), "-d", str(locales_dir),
        "-l", babel_id(tag), "-D", "messages",
    )  # fmt: skip
    if status == 0:
        target.write_text(mark(target.read_text("utf-8"), "drafted"), "utf-8")
        print(f"{tag}: translate {target}, then make i18n-check and make i18n")
    return status


def campaign_texts(slug: str, tag: str, source: str, definitions: Path = DEFINITIONS) -> int:
    path = definitions / f"{slug}.yaml"
    data = yaml.safe_load(path.read_text("utf-8"))
    texts = translations.extract(data, source, data["default_locale"])
    from babel import Locale

    categories = sorted(Locale.parse(babel_id(tag)).plural_form.tags | {"other"})
    print(f"# {translations.DIRECTORY}/{slug}/{tag}.yaml: translate each text from {source};")
    print("# keep every {placeholder}, {#var#} and {#url#}, and every id. Plural texts take")
    print(f"# {tag}'s CLDR categories: {', '.join(categories)}. dlt_template_id and")
    print(f"# dlt_registered: the brand's DLT template registered for {tag} (Unicode).")
    print("status: drafted")
    print(yaml.safe_dump(texts, allow_unicode=True, sort_keys=False, width=100), end="")
    return 0


def mark_reviewed(
    tag: str, locales_dir: Path = LOCALES_DIR, definitions: Path = DEFINITIONS
) -> int:
    done = []
    catalog = po_path(locales_dir, babel_id(tag))
    if catalog.is_file():
        catalog.write_text(mark(catalog.read_text("utf-8"), "reviewed"), "utf-8")
        done.append(str(catalog))
    for path in sorted(definitions.glob(f"{translations.DIRECTORY}/*/{tag}.yaml")):
        text = path.read_text("utf-8")
        path.write_text(re.sub(r"(?m)^status:.*$", "status: reviewed", text, count=1), "utf-8")
        done.append(str(path))
    for line in done:
        print(f"reviewed: {line}")
    print("then: samvad i18n status --write")
    return 0 if done else 1


def status_document(locales_dir: Path = LOCALES_DIR, definitions: Path = DEFINITIONS) -> str:
    """``docs/translations.md``: per language, its UI catalog's and campaign texts' status."""
    from babel import Locale

    catalogs = {
        bcp47(p.parent.parent.name): review_status(p.read_text("utf-8"))
        for p in locales_dir.glob("*/LC_MESSAGES/messages.po")
    }
    campaigns: dict[str, dict[str, str]] = {}
    for path in sorted(definitions.glob("*.yaml")):
        data = yaml.safe_load(path.read_text("utf-8"))
        offered = {str(t): "in the campaign file" for t in data.get("locales", [])}
        for text_file in translations.files_for(path):
            offered[text_file.stem] = translations.status_of(text_file.read_text("utf-8")) or "?"
        campaigns[path.stem] = offered
    tags = sorted({*catalogs, *(t for c in campaigns.values() for t in c)} - {SOURCE_LOCALE})
    lines = [
        "# Languages and their translation status",
        "",
        "Generated by `samvad i18n status --write` from each catalog's `X-Review-Status` header",
        "(`locales/<language>/LC_MESSAGES/messages.po`) and each campaign text file's `status:`",
        "(`chalicelib/campaigns/definitions/translations/<campaign>/<language>.yaml`); a test",
        "fails when it is stale. *drafted* texts are offered to customers all the same, but",
        "need a native speaker's review; *reviewed* ones have had it. English is the source.",
        "",
        "| Language | Tag | Script | UI catalog | " + " | ".join(campaigns) + " |",
        "| --- | --- | --- | --- | " + " | ".join("---" for _ in campaigns) + " |",
    ]
    for tag in tags:
        try:
            name = Locale.parse(babel_id(tag)).get_display_name("en") or tag
        except (ValueError, LookupError):
            name = tag
        catalog = catalogs.get(tag, "missing") if tag in catalogs else "missing"
        cells = [campaigns[slug].get(tag, "not offered") for slug in campaigns]
        row = [name, f"`{tag}`", script_name(tag), catalog or "not marked", *cells]
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines) + "\n"


def status(write: bool, check: bool) -> int:
    document = status_document()
    if check:
        current = STATUS_DOC.read_text("utf-8") if STATUS_DOC.is_file() else ""
        if current != document:
            print(f"{STATUS_DOC} is stale: run samvad i18n status --write", file=sys.stderr)
            return 1
        return 0
    if write:
        STATUS_DOC.write_text(document, "utf-8")
        print(f"written: {STATUS_DOC}")
        return 0
    print(document, end="")
    return 0


def register(sub: Any) -> None:
    """The language commands, under ``samvad i18n``."""
    adding = sub.add_parser("init", help="a new language's UI catalog, marked drafted")
    adding.add_argument("--locale", required=True, help="BCP 47 tag: bn, sat, hi-Latn")
    adding.set_defaults(func=lambda a: init(a.locale))

    texts = sub.add_parser(
        "campaign-texts", help="a campaign's texts shaped as a language's text file"
    )
    texts.add_argument("slug")
    texts.add_argument("--locale", required=True, help="the language to translate into")
    texts.add_argument("--from", dest="source", default="en", help="translate from (en)")
    texts.set_defaults(func=lambda a: campaign_texts(a.slug, a.locale, a.source))

    reviewed = sub.add_parser(
        "mark-reviewed", help="a native speaker reviewed the language's catalog and texts"
    )
    reviewed.add_argument("--locale", required=True)
    reviewed.set_defaults(func=lambda a: mark_reviewed(a.locale))

    listing = sub.add_parser(
        "status",
        help="each language's status (docs/translations.md)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    group = listing.add_mutually_exclusive_group()
    group.add_argument("--write", action="store_true", help="write docs/translations.md")
    group.add_argument("--check", action="store_true", help="exit 1 if it is stale")
    listing.set_defaults(func=lambda a: status(a.write, a.check))
