"""Every cold start imports app.py before it knows what it will serve: that import loads no heavy
library; each comes with the first request that needs it. (Timings are for ``make bench``.)"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
LAZY = {
    "babel",  # locale data, formatting and catalogs
    "confusable_homoglyphs",  # moderation of shared texts
    "jinja2",  # HTML pages only
    "jsonschema",  # campaign definitions, on the first parse
    "phonenumbers",  # answers that give a phone number, follow-ups
    "resvg_py",  # PNG previews of designs
    "yaml",  # campaign definitions, on the first parse
    "moto",  # tests and the local stack only, never in Lambda
    "segno",  # QR codes, the console's QR page only
}


def test_importing_the_app_loads_no_heavy_library() -> None:
    code = "import sys, app; print(*sorted({m.partition('.')[0] for m in sys.modules}))"
    loaded = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert "app" in loaded
    assert sorted(LAZY.intersection(loaded)) == []
