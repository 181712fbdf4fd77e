"""The stage's CloudFormation (SAM) template: what ``chalice package`` writes, finished.

Chalice writes the functions, the API and their triggers; ``infra/resources.yaml`` is merged
in (table, topics). Then what Chalice cannot say is set here: Python 3.12 on arm64, function
names and log groups, least-privilege policies that name our own resources, the stage's
settings, alarms.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

from chalicelib.local.streams import RETRIES as STREAM_RETRIES

PROJECT = Path(__file__).resolve().parent.parent
RUNTIME = "python3.12"
ARCHITECTURE = "arm64"
REGION = "ap-south-1"

TABLE_ARN = {"Fn::GetAtt": ["Table", "Arn"]}
TABLE_STREAM_ARN = {"Fn::GetAtt": ["Table", "StreamArn"]}
TABLE_STREAMS = {"Fn::Sub": "${Table.Arn}/stream/*"}  # ListStreams names no single stream
SMS = "arn:aws:sns:*:*:*"  # NotResource: any phone number, no topic but those listed


def _secret_arn(stage: str) -> dict[str, str]:
    """The stage's secret (``samvad/<stage>``, created once by the operator: README,
    Deploying); ``-??????`` is the random suffix Secrets Manager adds to its ARN."""
    return {
        "Fn::Sub": "arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:"
        f"secret:samvad/{stage}-??????"
    }


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
    settings = {
        "SAMVAD_STAGE": stage,
        "SAMVAD_TABLE": {"Ref": "Table"},
        "SAMVAD_EVENTS_TOPIC_ARN": {"Ref": "EventsTopic"},
        "SAMVAD_FOLLOWUPS_TOPIC_ARN": {"Ref": "FollowupsTopic"},
        # The address customers see (a custom domain before API Gateway), for links in SMS.
        "SAMVAD_PUBLIC_URL": {"Ref": "PublicUrl"},
        # Only the secret's name: every function reads the keys at run time (a rotation needs
        # no deploy, and no key shows in the functions' configuration).
        "SAMVAD_SECRET_ID": f"samvad/{stage}",
    }
    for logical_id, (suffix, statements) in FUNCTIONS.items():
        function = resources[logical_id]["Properties"]
        name = f"samvad-{stage}-{suffix}"
        function.update(Runtime=RUNTIME, Architectures=[ARCHITECTURE], FunctionName=name)
        function.setdefault("Environment", {}).setdefault("Variables", {}).update(settings)
        role = function["Role"]["Fn::GetAtt"][0]
        read_keys = {
            "Sid": "StageKeys",
            "Effect": "Allow",
            "Action": ["secretsmanager:GetSecretValue"],
            "Resource": [_secret_arn(stage)],
        }
        logs = {
            "Sid": "Logs",
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": _log_streams(name),
        }
        resources[role]["Properties"]["Policies"] = [
            {
                "PolicyName": f"{logical_id}Policy",
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [*statements, read_keys, logs],
                },
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
