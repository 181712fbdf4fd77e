"""``samvad package``: one CloudFormation (SAM) artefact for a stage, in build/<stage>/.

``samvad_cli/template.py`` writes the template, ``samvad_cli/build.py`` the code package.
``--template-only`` skips building the code package (what ``make test`` checks with cfn-lint).
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from samvad_cli.build import build_code, cold_import, site_dir
from samvad_cli.template import FUNCTIONS, PROJECT, chalice_package, finish_template


def package(args: argparse.Namespace) -> int:
    out = PROJECT / "build" / args.stage
    template = finish_template(chalice_package(args.stage, out), args.stage)
    if not args.template_only:
        archive = build_code(out)
        for logical_id in FUNCTIONS:
            template["Resources"][logical_id]["Properties"]["CodeUri"] = archive.name
        print(f"cold import of app.py from the package (python3.12): {cold_import(site_dir(out))}")
    target = out / "template.json"
    target.write_text(json.dumps(template, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"template: {target}")
    return 0


def register(commands: Any) -> None:
    build = commands.add_parser("package", help="build the CloudFormation artefact of a stage")
    build.add_argument("--stage", default="dev", choices=["dev", "prod"])
    build.add_argument("--template-only", action="store_true", help="skip the code package")
    build.set_defaults(func=package)
