"""Per-locale campaign text files: ``definitions/translations/<slug>/<tag>.yaml``.

A translator writes one file per language, mirroring the campaign's YAML but with each
localized leaf as the plain text of that one language (``label: আপনার নাম``), lists matched
by their items' ``id``, plural texts as a map of the language's CLDR categories. The file
starts with ``status: drafted`` or ``status: reviewed``.

Deploys carry a campaign as one text (the admin API's ``source``, the stored version, the
comparison ``make run`` makes before redeploying), so a campaign file and its translation
files travel as a *bundle*: the campaign's YAML, then each translation file after a marker
line naming it. ``split`` takes a bundle apart again; each part is parsed on its own, so a
problem names the translator's file and line, not the bundle's.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Protocol

from chalicelib.campaigns import assets, placeholders
from chalicelib.errors import DefinitionProblem

DIRECTORY = "translations"
STATUSES = ("drafted", "reviewed")
MARK = "--- # samvad translation: "
MARK_LINE = re.compile(r"^--- # samvad translation: (\S+)\n", re.MULTILINE)
DLT_SLOT = re.compile(r"\{#(?:var|url)#\}")
Path_ = tuple[str | int, ...]


class Document(Protocol):
    """What the loader's parsed YAML file offers (data, and problems with file and line)."""

    data: Any
    problems: list[DefinitionProblem]

    def problem(
        self, path: Path_, message: str, line: int | None = None, column: int | None = None
    ) -> None: ...

    def line(self, path: Path_) -> int | None: ...

    def position(self, path: Path_) -> tuple[int | None, int | None]: ...

    def key_position(self, path: Path_) -> tuple[int | None, int | None]: ...


class Merged:
    """The translation files' own problems, and where each merged text came from, so that a
    problem the campaign's checks find in a translated text names the translator's file."""

    def __init__(self) -> None:
        self.problems: list[DefinitionProblem] = []
        self.origins: dict[str, tuple[str, int | None, str, int | None]] = {}

    def relocate(self, problems: list[DefinitionProblem]) -> list[DefinitionProblem]:
        """``wishlist.yaml: questions[0].label.bn: …`` as
        ``translations/wishlist/bn.yaml:12: questions[0].label: …``."""
        out = []
        for problem in problems:
            origin = self.origins.get(problem.field)
            if origin is None:
                out.append(problem)
            else:
                file, line, field, column = origin
                out.append(DefinitionProblem(file, line, field, problem.message, column))
        return out


def files_for(definition: Path) -> list[Path]:
    """The translation files of the campaign file ``definition`` (named after its slug)."""
    folder = definition.parent / DIRECTORY / definition.stem
    return sorted(folder.glob("*.yaml"))


def bundle(definition: Path) -> str:
    """The campaign file's text followed by each of its translation files, then each asset
    file it names (``assets.bundle``)."""
    text = definition.read_text(encoding="utf-8")
    parts = [text if text.endswith("\n") or not text else text + "\n"]
    for path in files_for(definition):
        parts.append(f"{MARK}{DIRECTORY}/{definition.stem}/{path.name}\n")
        parts.append(path.read_text(encoding="utf-8"))
    return assets.bundle(definition, "".join(parts))


def split(text: str) -> tuple[str, list[tuple[str, str]]]:
    """The campaign's own text, and each translation file of a bundle as (file, text).

    >>> split("slug: x\\n--- # samvad translation: translations/x/bn.yaml\\nstatus: drafted\\n")
    ('slug: x\\n', [('translations/x/bn.yaml', 'status: drafted\\n')])
    """
    marks = list(MARK_LINE.finditer(text))
    if not marks:
        return text, []
    parts = []
    for mark, after in zip(marks, [*marks[1:], None], strict=True):
        end = after.start() if after is not None else len(text)
        parts.append((mark.group(1), text[mark.end() : end]))
    return text[: marks[0].start()], parts


def tag_of(file: str) -> str:
    return Path(file).stem


def status_of(text: str) -> str | None:
    """The ``status:`` a translation file declares, read without parsing the whole file."""
    match = re.search(r"^status:\s*['\"]?([a-z]+)", text, re.MULTILINE)
    return match.group(1) if match else None


def merge(data: Any, parts: list[tuple[str, str]], parse: Callable[[str, str], Document]) -> Merged:
    """Merge each translation file into the campaign's ``data`` (in place): the problems of
    every file, each with its file, line and field, and where each text came from."""
    merged = Merged()
    if not parts or not isinstance(data, dict):
        return merged
    for file, text in parts:
        doc = parse(file, text)
        if not doc.problems:
            _merge_one(doc, data, _Context(tag_of(file), data.get("default_locale"), file, merged))
        merged.problems.extend(doc.problems)
    return merged


def _merge_one(doc: Document, data: dict[str, Any], ctx: _Context) -> None:
    tag, default = ctx.tag, ctx.default
    texts = doc.data
    if not isinstance(texts, dict):
        doc.problem((), "a translation file is a mapping of fields, starting with status:")
        return
    if texts.get("status") not in STATUSES:
        doc.problem(("status",), f"say status: {' or '.join(STATUSES)} (first line)", 1)
    locales = data.get("locales")
    if "_" in tag:
        doc.problem((), f"name the file with the BCP 47 tag: {tag.replace('_', '-')}.yaml", 1)
        return
    if not isinstance(locales, list) or tag not in locales:
        doc.problem(
            (), f"{tag!r} is not in the campaign's locales {locales}: add it to locales:", 1
        )
        return
    if not isinstance(default, str):
        return
    body = {k: v for k, v in texts.items() if k != "status"}
    _walk(doc, data, body, (), (), ctx)
    for path, node in _localized(data, default):
        if tag not in node:
            sample = node[default]
            shown = sample if isinstance(sample, str) else sample.get("other", "")
            doc.problem(path, f"missing the text ({default}: {_short(shown)})", 1)


class _Context:
    def __init__(self, tag: str, default: Any, file: str, merged: Merged) -> None:
        self.tag = tag
        self.default = default
        self.file = file
        self.merged = merged

    def came_from(self, doc: Document, at: Path_, here: Path_, variant: str | None = None) -> None:
        """The campaign's ``at`` + the tag (+ a plural ``variant``) is the text at ``here`` in
        this file."""
        # With a variant, ``at`` ends with the plural category: the loader names it after the tag.
        named = (*at, self.tag) if variant is None else (*at[:-1], self.tag, at[-1])
        key = _dotted(named)
        line, column = doc.position(here)
        self.merged.origins[key] = (self.file, line, _dotted(here), column)


def _unknown(key: str, campaign: dict[str, Any], ctx: _Context) -> str:
    """A field of a translation file that this part of the campaign has no text under."""
    known = sorted(k for k in campaign if _has(campaign[k], ctx.default))
    nearest = difflib.get_close_matches(str(key), known, n=1)
    if nearest:
        return f"unknown field {key!r} — did you mean {nearest[0]!r}?"
    return f"unknown field {key!r} (fields with texts here: {', '.join(known)})"


def _dotted(path: Path_) -> str:
    """The loader's way of naming a field: ``questions[0].options[1].label``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top)"


def _short(text: str) -> str:
    text = " ".join(str(text).split())
    return repr(text if len(text) <= 50 else text[:49] + "…")


def _is_localized(node: Any, default: str) -> bool:
    return isinstance(node, dict) and default in node


def _localized(data: Any, default: str, path: Path_ = ()) -> Iterator[tuple[Path_, dict[str, Any]]]:
    """Every localized map of the campaign (a map holding its default language's text)."""
    if _is_localized(data, default):
        yield path, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _localized(value, default, (*path, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _localized(value, default, (*path, i))


def _walk(doc: Document, campaign: Any, texts: Any, here: Path_, at: Path_, ctx: _Context) -> None:
    """Merge ``texts`` (at ``here`` in the translation file) into ``campaign`` (at ``at`` in
    the campaign: list indexes differ when a translation leaves items out)."""
    if _is_localized(campaign, ctx.default):
        _set_text(doc, campaign, texts, (here, at), ctx)
    elif isinstance(campaign, dict):
        if not isinstance(texts, dict):
            doc.problem(here, "expected the fields of this part of the campaign")
            return
        for key, value in texts.items():
            if key not in campaign:
                doc.problem(
                    (*here, key), _unknown(key, campaign, ctx), *doc.key_position((*here, key))
                )
            else:
                _walk(doc, campaign[key], value, (*here, key), (*at, key), ctx)
    elif isinstance(campaign, list):
        if not isinstance(texts, list):
            doc.problem(here, "expected a list, as in the campaign")
            return
        by_id = {item.get("id"): item for item in campaign if isinstance(item, dict)}
        for i, item in enumerate(texts):
            item_id = item.get("id") if isinstance(item, dict) else None
            if item_id not in by_id:
                ids = ", ".join(str(k) for k in by_id)
                doc.problem((*here, i, "id"), f"unknown id {item_id!r} (the campaign has: {ids})")
                continue
            rest = {k: v for k, v in item.items() if k != "id"}
            # The copy shares the item's text maps, so texts land in the campaign's own.
            own = {k: v for k, v in by_id[item_id].items() if k != "id"}
            _walk(doc, own, rest, (*here, i), (*at, campaign.index(by_id[item_id])), ctx)
    else:
        doc.problem(here, "not a text: only the campaign's texts belong in a translation file")


def _set_text(
    doc: Document, node: dict[str, Any], text: Any, where: tuple[Path_, Path_], ctx: _Context
) -> None:
    here, at = where
    source = node[ctx.default]
    if ctx.tag in node:
        doc.problem(here, f"the campaign file already has the {ctx.tag!r} text: keep one")
        return
    if isinstance(source, dict):
        if not isinstance(text, dict):
            doc.problem(here, f"plural texts: one per CLDR category of {ctx.tag}")
            return
        needed = _plural_categories(ctx.tag)
        if needed is not None:
            extra, missing = set(text) - needed, needed - set(text)
            if extra or missing:
                doc.problem(
                    here,
                    f"{ctx.tag} plural categories are {', '.join(sorted(needed))}"
                    + (f"; not {', '.join(sorted(extra))}" if extra else "")
                    + (f"; missing {', '.join(sorted(missing))}" if missing else ""),
                )
                return
        model = source.get("other", next(iter(source.values()), ""))
        if not all(_same_slots(doc, (*here, c), model, v) for c, v in text.items()):
            return
        for category in text:
            ctx.came_from(doc, (*at, category), (*here, category), variant=category)
    elif not _same_slots(doc, here, source, text):
        return
    ctx.came_from(doc, at, here)
    node[ctx.tag] = text


def _same_slots(doc: Document, path: Path_, model: Any, text: Any) -> bool:
    """A translation keeps the source's placeholders and DLT slots exactly."""
    if not isinstance(text, str):
        doc.problem(path, "must be text (put numbers such as template ids in quotes)")
        return False
    if not isinstance(model, str):
        return True
    want, got = placeholders.FIELD.findall(model), placeholders.FIELD.findall(text)
    lost = sorted(set(want) - set(got))
    extra = sorted(set(got) - set(want))
    if lost or extra:
        said = [f"lost {{{', '.join(lost)}}}"] if lost else []
        said += [f"extra {{{', '.join(extra)}}}"] if extra else []
        doc.problem(path, f"placeholders differ from the source text: {'; '.join(said)}")
        return False
    if sorted(DLT_SLOT.findall(model)) != sorted(DLT_SLOT.findall(text)):
        doc.problem(path, "DLT slots differ from the source: keep each {#var#} and {#url#}")
        return False
    return True


def _plural_categories(tag: str) -> set[str] | None:
    from babel import Locale, UnknownLocaleError

    try:
        return set(Locale.parse(tag.replace("-", "_")).plural_form.tags) | {"other"}
    except (UnknownLocaleError, ValueError):
        return None


def extract(data: Any, locale: str, default: str) -> Any:
    """The texts of ``locale`` in a campaign's data, shaped as a translation file (without
    its ``status``): what a translator starts from (``samvad i18n campaign-texts``)."""
    if _is_localized(data, default):
        return data.get(locale)
    if isinstance(data, dict):
        out = {k: extract(v, locale, default) for k, v in data.items() if _has(v, default)}
        return {k: v for k, v in out.items() if v not in (None, {}, [])}
    if isinstance(data, list):
        items = []
        for item in data:
            if isinstance(item, dict) and "id" in item and _has(item, default):
                texts = extract({k: v for k, v in item.items() if k != "id"}, locale, default)
                if texts:
                    items.append({"id": item["id"], **texts})
        return items
    return None


def _has(node: Any, default: str) -> bool:
    return any(True for _ in _localized(node, default))
