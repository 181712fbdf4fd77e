"""``samvad i18n extract|update|compile|check``: the UI strings' gettext catalogs, with Babel.

- ``extract``: the sources named in ``locales/babel.cfg`` -> ``locales/messages.pot``;
- ``update``: merge the .pot into every ``locales/<locale>/LC_MESSAGES/messages.po``;
- ``compile``: each .po -> ``chalicelib/i18n/catalogs/<locale>/LC_MESSAGES/messages.mo``, where
  the app loads them (Chalice packages only ``chalicelib/``);
- ``check``: every translated locale (all but the source ``en``) complete, nothing fuzzy, in
  step with the .pot, and keeping the msgid's ``%(name)s`` placeholders.

Extraction and merging are ``pybabel extract``/``pybabel update``; compiling and checking use
Babel's catalog API (``read_po``, ``Catalog.check()``, ``write_mo``).
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import math
import os
import sys
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from babel.messages.catalog import PYTHON_FORMAT, Catalog, Message
from babel.messages.frontend import BaseError, CommandLineInterface
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from chalicelib.i18n.catalogs import CATALOG_DIR, CONSOLE_DOMAIN, DOMAIN, SOURCE_LOCALE

PROJECT_DIR = Path(__file__).resolve().parent.parent
LOCALES_DIR = PROJECT_DIR / "locales"
SHORT = 60  # characters of a msgid shown in a problem


def template_path(locales_dir: Path) -> Path:
    return locales_dir / f"{DOMAIN}.pot"


def po_path(locales_dir: Path, locale: str) -> Path:
    return locales_dir / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(catalog_dir: Path, locale: str) -> Path:
    return catalog_dir / locale / "LC_MESSAGES" / f"{DOMAIN}.mo"


def catalog_locales(locales_dir: Path) -> list[str]:
    """Every locale with a .po under ``locales_dir``, sorted."""
    return sorted(p.parent.parent.name for p in locales_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def _shown(path: Path) -> str:
    """``path`` relative to the working directory when it is below it."""
    with contextlib.suppress(ValueError):
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    return str(path)


def _short(text: str) -> str:
    text = " ".join(text.split())
    return f'"{text if len(text) <= SHORT else text[: SHORT - 1] + "…"}"'


def _msgid(message: Message) -> str:
    return message.id if isinstance(message.id, str) else message.id[0]


def _forms(message: Message) -> list[str]:
    """The msgstr, or each plural form's msgstr[n]."""
    if message.string is None or isinstance(message.string, str):
        return [message.string or ""]
    return list(message.string)


def _read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as fp:
        return read_po(fp, locale=locale, domain=DOMAIN)


def _pybabel(*argv: str) -> int:
    """``pybabel *argv`` in-process; its log goes to the current stderr."""
    log = logging.getLogger("babel")
    handler = logging.StreamHandler(sys.stderr)
    log.addHandler(handler)  # pybabel formats and reuses the first handler it finds
    try:
        status = CommandLineInterface().run(["pybabel", *argv])  # type: ignore[no-untyped-call]
    except BaseError as exc:
        print(f"pybabel {argv[0]}: {exc}", file=sys.stderr)
        return 1
    finally:
        log.removeHandler(handler)
    return int(status or 0)


def extract(root: Path = PROJECT_DIR, locales_dir: Path | None = None) -> int:
    """``pybabel extract`` from ``root`` (as the Makefile always ran it) into the .pot."""
    locales_dir = (locales_dir or root / "locales").resolve()
    with contextlib.chdir(root):
        return _pybabel(
            "extract",
            "-F", str(locales_dir / "babel.cfg"),
            "-k", "N_",
            "--no-location",
            "--sort-output",
            "--project=Samvad",
            "--copyright-holder=Samvad",
            "-o", str(template_path(locales_dir)),
            ".",
        )  # fmt: skip


def update(locales_dir: Path = LOCALES_DIR) -> int:
    """``pybabel update``: merge the .pot into every locale's .po (no fuzzy guesses)."""
    from samvad_cli.languages import mark, review_status

    locales = catalog_locales(locales_dir)
    if not locales:
        print(f"no {DOMAIN}.po under {_shown(locales_dir)}", file=sys.stderr)
        return 1
    # pybabel drops headers it does not know: a drafted catalog must stay marked as one.
    statuses = {loc: review_status(po_path(locales_dir, loc).read_text("utf-8")) for loc in locales}
    status = _pybabel(
        "update",
        "-i", str(template_path(locales_dir)),
        "-d", str(locales_dir),
        "-D", DOMAIN,
        "--no-fuzzy-matching",
    )  # fmt: skip
    for locale, review in statuses.items():
        path = po_path(locales_dir, locale)
        if review is not None and review_status(path.read_text("utf-8")) != review:
            path.write_text(mark(path.read_text("utf-8"), review), "utf-8")
    return status


def compile_catalogs(
    locales_dir: Path = LOCALES_DIR,
    catalog_dir: Path = CATALOG_DIR,
    only: Sequence[str] = (),
) -> int:
    """Each .po -> .mo (fuzzy and untranslated messages left out, as ``pybabel compile``).
    A catalog that fails Babel's checks is reported and not written."""
    locales = list(only) or catalog_locales(locales_dir)
    if not locales:
        print(f"no {DOMAIN}.po under {_shown(locales_dir)}", file=sys.stderr)
        return 1
    status = 0
    for locale in locales:
        source = po_path(locales_dir, locale)
        if not source.is_file():
            print(f"{locale}: no catalog at {_shown(source)}", file=sys.stderr)
            status = 1
            continue
        catalog = _read(source, locale)
        errors = [
            f"{_shown(source)}:{message.lineno}: {_short(_msgid(message))}: {error}"
            for message, found in catalog.check()
            for error in found
        ]
        if errors:
            print(f"{locale}: not compiled, {len(errors)} error(s):", file=sys.stderr)
            for line in errors:
                print(f"  {line}", file=sys.stderr)
            status = 1
            continue
        target = mo_path(catalog_dir, locale)
        target.parent.mkdir(parents=True, exist_ok=True)
        # Written beside the target, then renamed over it: a running app never reads half a file.
        with tempfile.NamedTemporaryFile(dir=target.parent, suffix=".tmp", delete=False) as out:
            write_mo(out, catalog)
        os.chmod(out.name, 0o644)  # not the temporary file's 0600: Lambda must read it
        os.replace(out.name, target)
        done = sum(1 for m in catalog if m.id and not m.fuzzy and all(_forms(m)))
        what = "source language" if locale == SOURCE_LOCALE else f"{done}/{len(catalog)} translated"
        print(f"{locale}: compiled {_shown(source)} -> {_shown(target)} ({what})")
    return status | compile_console_catalogs(locales_dir, catalog_dir)


def compile_console_catalogs(locales_dir: Path, catalog_dir: Path) -> int:
    """The marketers' console's own catalogs (``<locale>/LC_MESSAGES/console.po``, English
    and Hindi only: chalicelib/i18n/catalogs.py, CONSOLE_LOCALES) -> ``console.mo``."""
    status = 0
    for source in sorted(locales_dir.glob(f"*/LC_MESSAGES/{CONSOLE_DOMAIN}.po")):
        locale = source.parent.parent.name
        with source.open("rb") as fp:
            catalog = read_po(fp, locale=locale, domain=CONSOLE_DOMAIN)
        errors = [error for _, found in catalog.check() for error in found]
        if errors:
            print(f"{locale}: {CONSOLE_DOMAIN} not compiled: {errors[0]}", file=sys.stderr)
            status = 1
            continue
        target = catalog_dir / locale / "LC_MESSAGES" / f"{CONSOLE_DOMAIN}.mo"
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=target.parent, suffix=".tmp", delete=False) as out:
            write_mo(out, catalog)
        os.chmod(out.name, 0o644)
        os.replace(out.name, target)
        print(f"{locale}: compiled {_shown(source)} -> {_shown(target)}")
    return status


@dataclass
class Coverage:
    locale: str
    translated: int
    total: int
    problems: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        percent = self.translated * 100 // self.total if self.total else 100
        return f"{self.locale}: {self.translated}/{self.total} ({percent}%)"


def _names(texts: Iterable[str]) -> set[str]:
    """The ``%(name)s`` placeholders in ``texts``."""
    return {
        match.group(1)
        for text in texts
        for match in PYTHON_FORMAT.finditer(text)
        if match.group(1) is not None and match.group(3) != "%"
    }


def _lost_placeholders(message: Message) -> list[str]:
    """Each msgstr form that drops a ``%(name)s`` of the msgid (Babel's ``python_format``
    checker only refuses placeholders the msgid lacks)."""
    if "python-format" not in message.flags:
        return []
    ids = [message.id] if isinstance(message.id, str) else list(message.id)
    wanted = _names(ids)
    forms = _forms(message)
    lost = []
    for index, form in enumerate(forms):
        missing = sorted(wanted - _names([form])) if form else []
        if missing:
            label = "msgstr" if isinstance(message.string, str) else f"msgstr[{index}]"
            lost.append(f"{label} lacks {', '.join(f'%({name})s' for name in missing)}")
    return lost


def check_catalog(locale: str, template: Catalog, catalog: Catalog, where: str) -> Coverage:
    """What a translator must fix in ``catalog`` against the ``template`` (the .pot), in the
    order of the .po's lines; messages missing from the .po last."""
    report = Coverage(locale, 0, len(template))
    found: list[tuple[float, str]] = []

    def problem(message: Message, what: str) -> None:
        line = message.lineno or 1
        found.append((line, f"{where}:{line}: {what}: {_short(_msgid(message))}"))

    if catalog.fuzzy:
        found.append((0, f"{where}:1: the header is marked fuzzy (compilers skip the catalog)"))
    wanted = {(_msgid(m), m.context) for m in template if m.id}
    for expected in template:
        if not expected.id:
            continue
        message = catalog.get(expected.id, expected.context)
        if message is None:
            what = "missing (run samvad i18n update)"
            found.append((math.inf, f"{where}: {what}: {_short(_msgid(expected))}"))
            continue
        complete = all(_forms(message))
        if not complete:
            problem(message, "untranslated")
        if message.fuzzy:
            problem(message, "fuzzy")
        if complete and not message.fuzzy:
            report.translated += 1
        for lost in _lost_placeholders(message):
            problem(message, f"placeholder ({lost})")
    for message, errors in catalog.check():  # Babel's checkers: placeholders, plural forms
        for error in errors:
            problem(message, f"placeholder or plural form ({error})")
    stale = [m for m in catalog if m.id and (_msgid(m), m.context) not in wanted]
    for message in [*stale, *catalog.obsolete.values()]:
        problem(message, "obsolete (not in the .pot; delete it)")
    report.problems = [text for _, text in sorted(found, key=lambda item: item[0])]
    return report


def check(locales_dir: Path = LOCALES_DIR, only: Sequence[str] = ()) -> int:
    """Print the coverage of every translated locale and each problem; 1 when any."""
    pot = template_path(locales_dir)
    if not pot.is_file():
        print(f"no template at {_shown(pot)} (run samvad i18n extract)", file=sys.stderr)
        return 1
    template = _read(pot)
    failed = []
    for locale in list(only) or catalog_locales(locales_dir):
        if locale == SOURCE_LOCALE:
            print(f"{locale}: source language (the msgids), not checked")
            continue
        source = po_path(locales_dir, locale)
        if not source.is_file():
            print(f"{locale}: no catalog at {_shown(source)}")
            failed.append(locale)
            continue
        report = check_catalog(locale, template, _read(source, locale), _shown(source))
        print(report)
        for line in report.problems:
            print(f"  {line}")
        if report.problems:
            failed.append(locale)
    if failed:
        print(f"i18n check failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


def _locales_dir_option(
    parser: argparse.ArgumentParser, default: Path | None = LOCALES_DIR
) -> None:
    parser.add_argument(
        "--locales-dir",
        type=Path,
        default=default,
        help=f"the .pot and <locale>/LC_MESSAGES/*.po (default: {default or 'ROOT/locales'})",
    )


def _locale_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-l", "--locale", action="append", default=[], help="only this locale (repeatable)"
    )


def register(commands: Any) -> Any:
    """The ``i18n`` commands; returns their subparsers (languages.py adds its own)."""
    i18n = commands.add_parser(
        "i18n",
        help="UI string catalogs and languages: extract, update, compile, check, init,"
        " campaign-texts, mark-reviewed, status",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = i18n.add_subparsers(dest="command", required=True)
    locales_dir, pick = _locales_dir_option, _locale_option
    extracting = sub.add_parser(
        "extract",
        help="sources -> locales/messages.pot (pybabel extract)",
        description="Extract the UI strings named in babel.cfg into the .pot, from the project"
        " root whatever the working directory.",
    )
    extracting.add_argument(
        "--root", type=Path, default=PROJECT_DIR, help=f"the sources (default: {PROJECT_DIR})"
    )
    locales_dir(extracting, None)
    extracting.set_defaults(func=lambda a: extract(a.root, a.locales_dir))

    updating = sub.add_parser(
        "update",
        help="merge the .pot into every locale's .po (pybabel update)",
        description="Merge the .pot into every <locale>/LC_MESSAGES/messages.po, without"
        " fuzzy matching; translations of removed messages stay as obsolete #~ entries.",
    )
    locales_dir(updating)
    updating.set_defaults(func=lambda a: update(a.locales_dir))

    compiling = sub.add_parser(
        "compile",
        help="each .po -> the .mo the app loads",
        description=f"Compile each .po into <catalog-dir>/<locale>/LC_MESSAGES/{DOMAIN}.mo.",
    )
    locales_dir(compiling)
    compiling.add_argument(
        "--catalog-dir",
        type=Path,
        default=CATALOG_DIR,
        help=f"where the .mo files go (default: {CATALOG_DIR})",
    )
    pick(compiling)
    compiling.set_defaults(func=lambda a: compile_catalogs(a.locales_dir, a.catalog_dir, a.locale))

    checking = sub.add_parser(
        "check",
        help="fail on untranslated, fuzzy, missing, obsolete or broken messages",
        description="For every locale but the source (en): coverage against the .pot, and each"
        " untranslated (any empty plural form), fuzzy, missing or obsolete message, and each"
        " msgstr that drops or invents a %(name)s placeholder. Exit 1 on any.",
    )
    locales_dir(checking)
    pick(checking)
    checking.set_defaults(func=lambda a: check(a.locales_dir, a.locale))
    return sub
