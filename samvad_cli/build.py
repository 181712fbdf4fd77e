"""The code package of the Lambda functions: the app, Chalice's runtime, its dependencies from
``requirements.lock`` (hash-checked, for Linux arm64; boto3 is in the Lambda runtime and not
bundled), bytecode for 3.12 only, and Babel's data for exactly the locales in use.
"""

from __future__ import annotations

import inspect
import os
import re
import shutil
import stat
import subprocess
import sys
import time
import zipfile
from importlib import metadata
from pathlib import Path

import yaml

from chalicelib.i18n.tags import babel_id
from samvad_cli.template import PROJECT

LOCK = PROJECT / "requirements.lock"
# Lambda runs arm64; x86_64 builds the same package for this machine (its artefact test).
PLATFORMS = {"arm64": "manylinux2014_aarch64", "x86_64": "manylinux2014_x86_64"}
# What pip installs beside a library that Lambda never reads.
CLUTTER_DIRS = {"tests", "test", "testing", "docs", "doc", "examples", "benchmarks"}
CLUTTER_FILES = ("*.pyi", "py.typed", "*.c", "*.h", "*.pyx", "*.md", "*.rst")
LICENCE = re.compile(r"^(LICEN[CS]E|COPYING|NOTICE|AUTHORS)", re.IGNORECASE)
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the same bytes from the same inputs
LAMBDA_TASK_ROOT = "/var/task"  # where Lambda unpacks the zip
OURS = ("app.py", "chalicelib", "chalice")  # shipped with their source
# Parts of libraries that Lambda never loads: the loader uses PyYAML's pure-Python SafeLoader
# (its own node building, for line numbers), never libyaml's binding (0.7 MB zipped).
UNUSED = ("yaml/_yaml.*.so", "_yaml")


def build_code(
    out: Path, platform: str = "arm64", name: str = "samvad.zip", project: Path = PROJECT
) -> Path:
    """The code package for ``platform`` (a key of PLATFORMS), written to ``out / name``, of
    the tree at ``project`` (its app, campaigns, catalogs and their languages)."""
    site = site_dir(out, platform)
    shutil.rmtree(site, ignore_errors=True)
    install_locked(site, PLATFORMS[platform])
    shutil.copy2(project / "app.py", site)
    shutil.copytree(
        project / "chalicelib",
        site / "chalicelib",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
    )
    # The local stack (emulator, /_local routes, outbox) never runs on AWS.
    shutil.rmtree(site / "chalicelib" / "local")
    add_chalice_runtime(site)
    check_catalogs(site, project)
    removed = remove_clutter(site)
    locales = locales_in_use(project)
    trimmed = trim_babel(site, babel_locales(locales))
    compiled = precompile(site)
    archive = out / name
    write_zip(site, archive)
    unzipped = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    print(f"locales: {', '.join(sorted(locales))}; Babel data: kept {trimmed[0]} of {trimmed[1]}")
    print(f"removed {removed} files Lambda never reads (dist-info, tests, docs, stubs)")
    print(f"bytecode: {compiled}")
    print(
        f"package ({platform}): {archive} {archive.stat().st_size / 1e6:.2f} MB zipped, "
        f"{unzipped / 1e6:.1f} MB unzipped (Lambda allows 50 MB zipped, 250 MB unzipped)"
    )
    return archive


def site_dir(out: Path, platform: str = "arm64") -> Path:
    """Where the package for ``platform`` lies unpacked (what the zip holds)."""
    return out / f"site-{platform}"


def install_locked(site: Path, platform: str) -> None:
    """Exactly the lock's files: every pin, every hash, no resolver, no bytecode of this
    Python (the package gets 3.12's)."""
    installed = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--disable-pip-version-check",
            "-q",
            "--no-compile",
            "--no-deps",
            "--require-hashes",
            "--target",
            str(site),
            "--platform",
            platform,
            "--implementation",
            "cp",
            "--python-version",
            "3.12",
            "--only-binary=:all:",
            "-r",
            str(LOCK),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if installed.returncode != 0:
        raise SystemExit(f"samvad package: pip failed\n{installed.stdout}{installed.stderr}")


def add_chalice_runtime(site: Path) -> None:
    """What ``chalice package`` puts beside the app: chalice/__init__.py and chalice/app.py
    (the decorators and the Lambda dispatch), not the CLI."""
    import chalice
    import chalice.app

    target = site / "chalice"
    target.mkdir()
    for module, name in ((chalice, "__init__.py"), (chalice.app, "app.py")):
        shutil.copy2(inspect.getfile(module), target / name)
    licences = site / "third_party_licenses" / "chalice"
    licences.mkdir(parents=True)
    for text in metadata.distribution("chalice").files or []:
        if LICENCE.match(text.name):
            shutil.copy2(Path(str(text.locate())), licences / text.name)


def check_catalogs(site: Path, project: Path = PROJECT) -> None:
    """Every translation of ``locales/`` compiled into the package (else its pages would be
    refused, or English)."""
    catalogs = site / "chalicelib" / "i18n" / "catalogs"
    sources = (project / "locales").glob("*/LC_MESSAGES/messages.po")
    missing = [
        p.parent.parent.name
        for p in sources
        if not (catalogs / p.parent.parent.name / "LC_MESSAGES" / "messages.mo").is_file()
    ]
    if missing:
        raise SystemExit(f"samvad package: no compiled catalog for {missing} (run make i18n)")


def keep_licenses(site: Path) -> None:
    """The libraries' licence texts, out of their metadata (which goes) into
    third_party_licenses/<distribution>/."""
    for info in site.glob("*.dist-info"):
        texts = [p for p in info.rglob("*") if p.is_file() and LICENCE.match(p.name)]
        for text in texts:
            target = site / "third_party_licenses" / info.name.split("-")[0] / text.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(text, target)


def remove_clutter(site: Path) -> int:
    """Metadata, vendored tests, docs, type stubs, C sources, console scripts and UNUSED:
    Lambda imports none of them."""
    keep_licenses(site)
    doomed = [p for p in site.glob("*.dist-info")] + [site / "bin"]
    doomed += [p for p in site.rglob("*") if p.is_dir() and p.name in CLUTTER_DIRS]
    doomed += [p for pattern in CLUTTER_FILES for p in site.rglob(pattern)]
    doomed += [p for pattern in UNUSED for p in site.glob(pattern)]
    count = 0
    for path in doomed:
        if path.is_dir():
            count += sum(1 for p in path.rglob("*") if p.is_file())
            shutil.rmtree(path, ignore_errors=True)
        elif path.exists():
            count += 1
            path.unlink()
    return count


def locales_in_use(project: Path = PROJECT) -> set[str]:
    """The locales, as Babel names them (``hi_Latn``), of the UI catalogs (``locales/``, plus
    the source language), of the sample campaign definitions and of their translation files."""
    found = {"en"}
    found |= {p.parent.parent.name for p in (project / "locales").glob("*/LC_MESSAGES/*.po")}
    definitions = project / "chalicelib" / "campaigns" / "definitions"
    for path in sorted(definitions.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(data, dict):
            found |= {babel_id(str(locale)) for locale in data.get("locales", [])}
    found |= {babel_id(p.stem) for p in definitions.glob("translations/*/*.yaml")}
    return found


def babel_locales(locales: set[str]) -> set[str]:
    """Each locale with the ones Babel reads its data from: its parents, up to ``root``."""
    from babel.core import get_global

    parents = get_global("parent_exceptions")
    keep = {"root"}
    for locale in locales:
        name = locale
        while name and name != "root":
            keep.add(name)
            name = parents.get(name) or "_".join(name.split("_")[:-1])
    return keep


def trim_babel(site: Path, keep: set[str]) -> tuple[int, int]:
    """Babel ships data for ~1,000 locales; keep only ``keep``."""
    files = sorted((site / "babel" / "locale-data").glob("*.dat"))
    for path in files:
        if path.stem not in keep:
            path.unlink()
    return sum(1 for p in files if p.stem in keep), len(files)


def find_python312() -> str | None:
    """A working Python 3.12: ``$PYTHON312``, ``python3.12`` on PATH, or a pyenv install."""
    candidates = [os.environ.get("PYTHON312", ""), shutil.which("python3.12") or ""]
    candidates += [str(p) for p in sorted(Path.home().glob(".pyenv/versions/3.12*/bin/python3.12"))]
    for candidate in filter(None, candidates):
        probe = subprocess.run(  # noqa: S603
            [candidate, "-c", "import sys; assert sys.version_info[:2] == (3, 12)"],
            capture_output=True,
            check=False,
        )
        if probe.returncode == 0:
            return candidate
    return None


def precompile(site: Path) -> str:
    """Lambda cannot write bytecode beside the code (read-only) and would compile every module
    on every cold start: ship 3.12's. The app's own modules keep their source (tracebacks show
    the lines); the libraries ship bytecode alone (``compileall -b``), half their size.
    Hash-checked, so zip timestamps do not matter."""
    python312 = find_python312()
    if python312 is None:
        raise SystemExit("samvad package: python3.12 is needed to precompile for the runtime")
    ours = [site / name for name in OURS]
    libraries = sorted(p for p in site.iterdir() if p not in ours)
    compile_all = [python312, "-m", "compileall", "-q", "--invalidation-mode", "unchecked-hash"]
    # File names as Lambda sees them (tracebacks), and the same bytes wherever this builds.
    compile_all += ["-s", str(site), "-p", LAMBDA_TASK_ROOT]
    subprocess.run([*compile_all, *map(str, ours)], check=True)  # noqa: S603
    subprocess.run([*compile_all, "-b", *map(str, libraries)], check=True)  # noqa: S603
    for library in libraries:
        sources = [library] if library.is_file() else list(library.rglob("*.py"))
        for source in sources:
            if source.suffix == ".py" and source.with_suffix(".pyc").is_file():
                source.unlink()
    return f"compiled with {python312}"


def write_zip(site: Path, archive: Path) -> None:
    """Sorted entries with one fixed time and mode: two builds of the same inputs are equal."""
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bundle:
        for path in sorted(site.rglob("*")):
            if path.is_file():
                entry = zipfile.ZipInfo(path.relative_to(site).as_posix(), ZIP_TIME)
                entry.compress_type = zipfile.ZIP_DEFLATED
                entry.external_attr = (stat.S_IFREG | 0o644) << 16
                bundle.writestr(entry, path.read_bytes(), compresslevel=9)


def lambda_runtime_libs() -> Path:
    """boto3 and botocore for Python 3.12, as Lambda's runtime provides them, so that the
    package can run here (its test, ``make bench``); installed once into build/."""
    pin = f"boto3=={metadata.version('boto3')}"
    target = PROJECT / "build" / "lambda-runtime" / pin.replace("==", "-")
    if not (target / "boto3").is_dir():
        partial = target.with_name(target.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        subprocess.run(  # noqa: S603
            [
                *(sys.executable, "-m", "pip", "install", "--disable-pip-version-check", "-q"),
                *("--no-compile", "--target", str(partial), "--python-version", "3.12"),
                *("--only-binary=:all:", "--implementation", "cp", pin),
            ],
            check=True,
        )
        shutil.rmtree(target, ignore_errors=True)
        partial.rename(target)
    return target


def lambda_python(site: Path, code: str) -> list[str]:
    """A fresh Python 3.12 running ``code`` with only the package and boto3 on its path (no
    site-packages, no environment), as Lambda's runtime imports the handler."""
    python312 = find_python312()
    if python312 is None:
        raise SystemExit("python3.12 is needed to run the package (PYTHON312=...)")
    path = [str(site), str(lambda_runtime_libs())]
    return [python312, "-S", "-I", "-c", f"import sys; sys.path[:0] = {path!r}\n{code}"]


def cold_import(site: Path) -> str:
    """How long a fresh Python 3.12 takes to import the app from the unpacked package (what
    a cold start pays before its first request), less the bare interpreter; best of five."""
    programs = [lambda_python(site, "pass"), lambda_python(site, "import app")]
    runs: list[list[float]] = [[], []]
    for _ in range(5):
        for program, times in zip(programs, runs, strict=True):
            started = time.perf_counter()
            subprocess.run(program, cwd=site, check=True)  # noqa: S603
            times.append(time.perf_counter() - started)
    return f"{(min(runs[1]) - min(runs[0])) * 1000:.0f} ms"
