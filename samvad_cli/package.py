"""``samvad package`` / ``samvad deploy``: one CloudFormation (SAM) artefact for a stage.

Chalice writes the functions, the API and their triggers; ``infra/resources.yaml`` is merged
in (table, topics). Then what Chalice cannot say is set here: Python 3.12 on arm64, function
names and log groups, least-privilege policies that name our own resources, the stage's
settings, alarms. ``--template-only`` skips building the code package (what ``make test``
checks with cfn-lint); the full package has the dependencies for Linux arm64 (boto3 is in the
Lambda runtime and not bundled), bytecode precompiled for 3.12 and Babel's locale data trimmed
to the locales in use.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import py_compile
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

import yaml

from chalicelib.local.streams import RETRIES as STREAM_RETRIES

PROJECT = Path(__file__).resolve().parent.parent
RUNTIME = "python3.12"
ARCHITECTURE = "arm64"
LOCALES = ("root", "en", "hi", "ur")  # Babel data kept in the package (and their variants)
REGION = "ap-south-1"

TABLE_ARN = {"Fn::GetAtt": ["Table", "Arn"]}
TABLE_STREAM_ARN = {"Fn::GetAtt": ["Table", "StreamArn"]}
TABLE_STREAMS = {"Fn::Sub": "${Table.Arn}/stream/*"}  # ListStreams names no single stream
SMS = "arn:aws:sns:*:*:*"  # NotResource: any phone number, no topic but those listed


NEW_JOBS_AND_RESPONSES = {
    "eventName": ["INSERT"],
    "dynamodb": {"NewImage": {"type": {"S": ["followup", "response"]}}},
}


def _index(name: str) -> dict[str, str]:
    return {"Fn::Sub": "${Table.Arn}/index/" + name}


def _log_streams(function_name: str) -> dict[str, str]:
    return {
        "Fn::Sub": "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:"
        f"/aws/lambda/{function_name}:*"
    }


DYNAMO_RW = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:Query"]


def _sends() -> list[dict[str, Any]]:
    return [
        {
            "Sid": "TopicEvents",
            "Effect": "Allow",
            "Action": ["sns:Publish"],
            "Resource": [{"Ref": "EventsTopic"}, {"Ref": "FollowupsTopic"}],
        },
        {
            # SMS go to phone numbers, which have no ARN: every SNS ARN is excluded.
            "Sid": "SmsToCustomers",
            "Effect": "Allow",
            "Action": ["sns:Publish"],
            "NotResource": SMS,
        },
        {
            # This action has no resource-level permissions in AWS.
            "Sid": "SmsOptOuts",
            "Effect": "Allow",
            "Action": ["sns:CheckIfPhoneNumberIsOptedOut"],
            "Resource": "*",
        },
    ]


# Per function: its name and exactly what its code calls.
FUNCTIONS: dict[str, tuple[str, list[dict[str, Any]]]] = {
    "APIHandler": (
        "api",
        [
            {
                "Sid": "Answers",
                "Effect": "Allow",
                "Action": [*DYNAMO_RW, "dynamodb:ConditionCheckItem"],
                "Resource": [TABLE_ARN, _index("by_campaign")],
            },
            *_sends(),
        ],
    ),
    "SendDueFollowups": (
        "followups",
        [
            {
                "Sid": "Jobs",
                "Effect": "Allow",
                "Action": DYNAMO_RW,
                "Resource": [TABLE_ARN, _index("due")],
            },
            *_sends(),
        ],
    ),
    "SendNewFollowups": (
        "new-followups",
        [
            {
                "Sid": "Jobs",
                "Effect": "Allow",
                "Action": DYNAMO_RW,
                "Resource": [TABLE_ARN],
            },
            {
                # What Lambda's event source mapping reads on the function's behalf.
                "Sid": "TableStream",
                "Effect": "Allow",
                "Action": [
                    "dynamodb:DescribeStream",
                    "dynamodb:GetRecords",
                    "dynamodb:GetShardIterator",
                ],
                "Resource": [TABLE_STREAM_ARN],
            },
            {
                "Sid": "TableStreams",
                "Effect": "Allow",
                "Action": ["dynamodb:ListStreams"],
                "Resource": [TABLE_STREAMS],
            },
            *_sends(),
        ],
    ),
    "InboundSms": (
        "inbound-sms",
        [{"Sid": "Threads", "Effect": "Allow", "Action": DYNAMO_RW, "Resource": [TABLE_ARN]}],
    ),
    "AdminKey": ("admin-key", []),
}


def load_template(path: Path) -> dict[str, Any]:
    """A CloudFormation YAML template with its short tags (``!Ref``, ``!Sub``) as JSON forms."""

    class Loader(yaml.SafeLoader):
        pass

    def tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
        name = "Ref" if suffix == "Ref" else f"Fn::{suffix}"
        if isinstance(node, yaml.ScalarNode):
            value: Any = loader.construct_scalar(node)
            if suffix == "GetAtt":
                value = str(value).split(".", 1)
            return {name: value}
        if isinstance(node, yaml.SequenceNode):
            return {name: loader.construct_sequence(node, deep=True)}
        assert isinstance(node, yaml.MappingNode)
        return {name: loader.construct_mapping(node, deep=True)}

    Loader.add_multi_constructor("!", tag)
    loaded: dict[str, Any] = yaml.load(path.read_text(encoding="utf-8"), Loader=Loader)  # noqa: S506
    return loaded


# Chalice's own role policy is never deployed: finish_template writes each role's from
# FUNCTIONS. "autogen_policy": false stays in .chalice/config.json because only then does
# Chalice make one role per function (and its policy analyzer cannot read app.py anyway); it
# then wants .chalice/policy-<stage>.json, which chalice_package gives it empty.
EMPTY_POLICY = {"Version": "2012-10-17", "Statement": []}


def chalice_package(stage: str, out: Path) -> dict[str, Any]:
    """Run ``chalice package`` on a copy of the app without requirements (they are built
    separately for arm64), merging ``infra/resources.yaml``."""
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "app"
        source.mkdir()
        shutil.copy2(PROJECT / "app.py", source)
        shutil.copytree(
            PROJECT / "chalicelib",
            source / "chalicelib",
            ignore=shutil.ignore_patterns("__pycache__"),
        )
        shutil.copytree(
            PROJECT / ".chalice", source / ".chalice", ignore=shutil.ignore_patterns("deployments")
        )
        (source / "requirements.txt").write_text("", encoding="utf-8")
        (source / ".chalice" / f"policy-{stage}.json").write_text(
            json.dumps(EMPTY_POLICY), encoding="utf-8"
        )
        env = {**os.environ, "AWS_DEFAULT_REGION": os.environ.get("AWS_REGION", REGION)}
        chalice = Path(sys.executable).with_name("chalice")
        subprocess.run(  # noqa: S603
            [
                str(chalice),
                "package",
                "--stage",
                stage,
                "--merge-template",
                str(PROJECT / "infra" / "resources.yaml"),
                str(Path(tmp) / "out"),
            ],
            cwd=source,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        template = load_template(Path(tmp) / "out" / "sam.yaml")
        out.mkdir(parents=True, exist_ok=True)
        shutil.copy2(Path(tmp) / "out" / "deployment.zip", out / "app-only.zip")
    return template


def finish_template(template: dict[str, Any], stage: str) -> dict[str, Any]:
    """What Chalice leaves out: runtime, architecture, names, policies, settings, alarms."""
    resources = template["Resources"]
    template["Parameters"]["Stage"]["Default"] = stage
    template["Parameters"]["PublicUrl"] = {
        "Type": "String",
        "AllowedPattern": "^https://[a-z0-9.-]+(/[A-Za-z0-9._/-]*)?$",
        "Description": "https address customers use (custom domain of the API), for SMS links",
    }
    secret = f"samvad/{stage}"
    settings = {
        "SAMVAD_STAGE": stage,
        "SAMVAD_TABLE": {"Ref": "Table"},
        "SAMVAD_EVENTS_TOPIC_ARN": {"Ref": "EventsTopic"},
        "SAMVAD_FOLLOWUPS_TOPIC_ARN": {"Ref": "FollowupsTopic"},
        # The address customers see (a custom domain before API Gateway), for links in SMS.
        "SAMVAD_PUBLIC_URL": {"Ref": "PublicUrl"},
        # Secrets stay in Secrets Manager; CloudFormation resolves them at deploy time.
        "SAMVAD_LINK_SECRET": f"{{{{resolve:secretsmanager:{secret}:SecretString:link_secret}}}}",
        "SAMVAD_ADMIN_KEY_SHA256": (
            f"{{{{resolve:secretsmanager:{secret}:SecretString:admin_key_sha256}}}}"
        ),
    }
    for logical_id, (suffix, statements) in FUNCTIONS.items():
        function = resources[logical_id]["Properties"]
        name = f"samvad-{stage}-{suffix}"
        function.update(Runtime=RUNTIME, Architectures=[ARCHITECTURE], FunctionName=name)
        function.setdefault("Environment", {}).setdefault("Variables", {}).update(settings)
        role = function["Role"]["Fn::GetAtt"][0]
        logs = {
            "Sid": "Logs",
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": _log_streams(name),
        }
        resources[role]["Properties"]["Policies"] = [
            {
                "PolicyName": f"{logical_id}Policy",
                "PolicyDocument": {"Version": "2012-10-17", "Statement": [*statements, logs]},
            }
        ]
        resources[f"{logical_id}Logs"] = {
            "Type": "AWS::Logs::LogGroup",
            "Properties": {"LogGroupName": f"/aws/lambda/{name}", "RetentionInDays": 30},
        }
        for metric in ("Errors", "Throttles"):
            resources[f"{logical_id}{metric}Alarm"] = _alarm(
                f"samvad-{stage}-{suffix}-{metric.lower()}",
                {"Namespace": "AWS/Lambda", "MetricName": metric},
                [{"Name": "FunctionName", "Value": {"Ref": logical_id}}],
            )
    inbound = resources["InboundSms"]["Properties"]["Events"]
    for event in inbound.values():
        event["Properties"]["Topic"] = {"Ref": "InboundSmsTopic"}
    for event in resources["SendNewFollowups"]["Properties"]["Events"].values():
        event["Properties"].update(
            Stream=TABLE_STREAM_ARN,
            # Only new follow-up jobs (and the responses they need) wake the function.
            FilterCriteria={"Filters": [{"Pattern": json.dumps(NEW_JOBS_AND_RESPONSES)}]},
            # A batch that keeps failing is split, then left: the scheduler sends what is due.
            BisectBatchOnFunctionError=True,
            MaximumRetryAttempts=STREAM_RETRIES,
        )
    resources["FailedFollowUpsAlarm"] = _alarm(
        f"samvad-{stage}-failed-followups",
        {"Namespace": "Samvad", "MetricName": "FollowUpsFailed"},
        [{"Name": "Stage", "Value": stage}],
    )
    resources["AlarmsTopic"] = {
        "Type": "AWS::SNS::Topic",
        "Properties": {"TopicName": f"samvad-{stage}-alarms"},
    }
    template["Outputs"]["AlarmsTopicArn"] = {"Value": {"Ref": "AlarmsTopic"}}
    return template


def _alarm(name: str, metric: dict[str, str], dimensions: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "Type": "AWS::CloudWatch::Alarm",
        "Properties": {
            "AlarmName": name,
            **metric,
            "Dimensions": dimensions,
            "Statistic": "Sum",
            "Period": 300,
            "EvaluationPeriods": 1,
            "Threshold": 1,
            "ComparisonOperator": "GreaterThanOrEqualToThreshold",
            "TreatMissingData": "notBreaching",
            "AlarmActions": [{"Ref": "AlarmsTopic"}],
        },
    }


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


def package(args: argparse.Namespace) -> int:
    out = PROJECT / "build" / args.stage
    template = finish_template(chalice_package(args.stage, out), args.stage)
    if not args.template_only:
        archive = build_code(out)
        for logical_id in FUNCTIONS:
            template["Resources"][logical_id]["Properties"]["CodeUri"] = archive.name
        print(f"cold import of app.py (this machine): {cold_import()}")
    target = out / "template.json"
    target.write_text(json.dumps(template, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"template: {target}")
    return 0


def register(commands: Any) -> None:
    build = commands.add_parser("package", help="build the CloudFormation artefact of a stage")
    build.add_argument("--stage", default="dev", choices=["dev", "prod"])
    build.add_argument("--template-only", action="store_true", help="skip the code package")
    build.set_defaults(func=package)
