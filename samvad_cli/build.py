"""The code package of the Lambda functions: the app, its dependencies for Linux arm64 (boto3
is in the Lambda runtime and not bundled), bytecode precompiled for 3.12 and Babel's locale
data trimmed to the locales in use.
"""

from __future__ import annotations

import compileall
import os
import py_compile
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

from samvad_cli.template import PROJECT

LOCALES = ("root", "en", "hi", "ur")  # Babel data kept in the package (and their variants)


def build_code(out: Path) -> Path:
    """The code package: the app, its dependencies for Linux arm64, bytecode for 3.12."""
    site = out / "site"
    shutil.rmtree(site, ignore_errors=True)
    subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--disable-pip-version-check",
            "-q",
            "--target",
            str(site),
            "--platform",
            "manylinux2014_aarch64",
            "--implementation",
            "cp",
            "--python-version",
            "3.12",
            "--only-binary=:all:",
            "-r",
            str(PROJECT / "requirements.txt"),
        ],
        check=True,
    )
    shutil.copy2(PROJECT / "app.py", site)
    shutil.copytree(
        PROJECT / "chalicelib", site / "chalicelib", ignore=shutil.ignore_patterns("__pycache__")
    )
    for extra in site.glob("*.dist-info"):
        shutil.rmtree(extra)
    trimmed = trim_babel(site)
    compiled = precompile(site)
    archive = out / "samvad.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bundle:
        for path in sorted(site.rglob("*")):
            if path.is_file():
                bundle.write(path, path.relative_to(site))
    unzipped = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    print(f"Babel locale data: kept {trimmed[0]} of {trimmed[1]} files")
    print(f"bytecode: {compiled}")
    print(
        f"package: {archive} {archive.stat().st_size / 1e6:.1f} MB zipped, "
        f"{unzipped / 1e6:.1f} MB unzipped (Lambda allows 250 MB)"
    )
    return archive


def trim_babel(site: Path) -> tuple[int, int]:
    """Babel ships data for ~1,000 locales; keep the ones the catalogs and campaigns use."""
    data = site / "babel" / "locale-data"
    files = sorted(data.glob("*.dat"))
    keep = re.compile(rf"^({'|'.join(LOCALES)})(_[A-Za-z0-9_]+)?\.dat$")
    kept = 0
    for path in files:
        if keep.match(path.name):
            kept += 1
        else:
            path.unlink()
    return kept, len(files)


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
    """Lambda would compile on every cold start; ship the bytecode (hash-checked, so zip
    timestamps do not matter). Needs a Python 3.12 to match the runtime."""
    python312 = find_python312()
    if python312 is None:
        if sys.version_info[:2] == (3, 12):
            mode = py_compile.PycInvalidationMode.UNCHECKED_HASH
            compileall.compile_dir(site, quiet=1, invalidation_mode=mode)
            return "compiled with this Python 3.12"
        raise SystemExit("samvad package: python3.12 is needed to precompile for the runtime")
    subprocess.run(  # noqa: S603
        [python312, "-m", "compileall", "-q", "--invalidation-mode", "unchecked-hash", str(site)],
        check=True,
    )
    return f"compiled with {python312}"


def cold_import() -> str:
    """How long importing the app takes in a fresh interpreter (what a cold start pays)."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import app"], cwd=PROJECT, check=True)
    return f"{(time.perf_counter() - started) * 1000:.0f} ms"
