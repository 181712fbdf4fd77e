"""The stage's CloudFormation (SAM) template: what ``chalice package`` writes, finished.

Chalice writes the functions, the API and their triggers; ``infra/resources.yaml`` is merged
in (table, topics). Then what Chalice cannot say is set here: Python 3.12 on arm64, function
names and log groups, memory, timeouts and reserved concurrency, least-privilege policies that
name our own resources (``tests/integration/test_permissions.py`` proves each against the calls
the functions make), the stage's settings, API throttling, the optional custom domain, alarms
and their e-mail subscriber, and who may publish to the inbound-SMS topic.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
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


SECRET_ARN = {
    # The stage's secret (samvad/<stage>, created once by the operator: README, Deploying);
    # -?????? is the random suffix Secrets Manager adds to its ARN.
    "Fn::Sub": "arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:"
    "secret:samvad/${Stage}-??????"
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


@dataclass(frozen=True)
class Sizing:
    memory_mb: int
    timeout_s: int
    reserved: int | None  # concurrent executions kept for this function alone


# Every function gets 512 MB: Lambda gives CPU in proportion to memory, a cold start is mostly
# importing (about 190 ms on the 2-core machine of `make bench`, app.py against boto3 +
# chalice) and rendering, and the README's cost table assumes 512 MB at about 100 ms a request.
SIZING = {
    # API Gateway gives up after 29 s (its integration timeout); a request takes milliseconds
    # (bench: 0.4 ms of our code for a warm page, one AWS call for an answer). 20 s still lets
    # one DynamoDB read time out (10 s, bootstrap.aws_client) and be retried once, and a Lambda
    # never runs on after API Gateway has answered 504. Not reserved: the API scales with
    # customers, and the stage's throttling (ApiRateLimit) bounds it.
    "APIHandler": Sizing(512, 20, None),
    # One key comparison: milliseconds; 10 s covers a cold start with room to spare.
    "AdminKey": Sizing(512, 10, None),
    # One pass every minute: at most 500 due jobs at 5.4 AWS calls each (bench: 30 a second
    # against the emulator). A run publishes a claimed job only in the first 30 s of its
    # 45-second lease (runner.PUBLISH_WITHIN, runner.LEASE), so none goes out twice however
    # long the run; the rest of the minute records outcomes. Two may overlap when a run is long.
    "SendDueFollowups": Sizing(512, 60, 2),
    # A stream batch of at most 100 new items, 4 AWS calls per follow-up sent (bench): seconds.
    # Lease as above. Lambda runs one batch per stream shard at a time; ten shards is
    # far beyond this table's write rate, and a larger backlog shows in the IteratorAge alarm.
    "SendNewFollowups": Sizing(512, 30, 10),
    # One customer's SMS: a thread lookup and one transaction; STOP must always get through.
    "InboundSms": Sizing(512, 10, 2),
}
# API Gateway's account-wide default (10,000 a second, shared by every API of the region) is no
# bound for one campaign: 100 requests a second is 360,000 an hour, about ten concurrent API
# functions at 100 ms; beyond that customers get 429 instead of the table and SMS bills taking
# the flood. A stage parameter (ApiRateLimit, ApiBurstLimit), so a bigger launch can raise it.
API_RATE_LIMIT = 100
API_BURST_LIMIT = 200
API_STAGE = "api"  # api_gateway_stage in .chalice/config.json
# The stream's oldest record waiting longer than this means thank-you SMS are late.
ITERATOR_AGE_ALARM_MS = 60_000


def _items(sid: str, *extra: str) -> dict[str, Any]:
    """Reading and writing the table's items (a transaction's items need these too)."""
    actions = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", *extra]
    return {"Sid": sid, "Effect": "Allow", "Action": actions, "Resource": [TABLE_ARN]}


def _query(sid: str, *resources: Any) -> dict[str, Any]:
    return {
        "Sid": sid,
        "Effect": "Allow",
        "Action": ["dynamodb:Query"],
        "Resource": list(resources),
    }


SMS_TO_CUSTOMERS = {
    # SMS go to phone numbers, which have no ARN: every SNS ARN is excluded.
    "Sid": "SmsToCustomers",
    "Effect": "Allow",
    "Action": ["sns:Publish"],
    "NotResource": SMS,
}


def _sends() -> list[dict[str, Any]]:
    """What a follow-up sender needs: topic events, SMS, and SNS's opt-out list."""
    return [
        {
            "Sid": "TopicEvents",
            "Effect": "Allow",
            "Action": ["sns:Publish"],
            "Resource": [{"Ref": "EventsTopic"}, {"Ref": "FollowupsTopic"}],
        },
        SMS_TO_CUSTOMERS,
        {
            # This action has no resource-level permissions in AWS.
            "Sid": "SmsOptOuts",
            "Effect": "Allow",
            "Action": ["sns:CheckIfPhoneNumberIsOptedOut"],
            "Resource": "*",
        },
    ]


# Per function: its name and exactly what its code calls, as tests/integration/
# test_permissions.py records it on a whole journey (a grant no call uses fails that test).
FUNCTIONS: dict[str, tuple[str, list[dict[str, Any]]]] = {
    "APIHandler": (
        "api",
        [
            # BatchWriteItem: erasure deletes a contact's items 25 at a time
            # (storage/erasure.py); BatchGetItem: an opt-out reads its contact's jobs.
            _items("Answers", "dynamodb:Query", "dynamodb:BatchWriteItem", "dynamodb:BatchGetItem"),
            _query("AnswersByCampaign", _index("by_campaign")),
            # A marketer's reply to a customer (dialogue/service.py).
            SMS_TO_CUSTOMERS,
        ],
    ),
    # BatchGetItem: a number SNS reports opted out cancels the contact's pending jobs
    # (storage/dynamodb.py, opt_out).
    "SendDueFollowups": (
        "followups",
        [_items("Jobs", "dynamodb:BatchGetItem"), _query("DueJobs", _index("due")), *_sends()],
    ),
    "SendNewFollowups": (
        "new-followups",
        [
            _items("Jobs", "dynamodb:BatchGetItem"),
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
    "InboundSms": ("inbound-sms", [_items("Threads", "dynamodb:BatchGetItem")]),
    # A user's API key and its user (storage/accounts.py): two reads, never a write.
    "AdminKey": (
        "admin-key",
        [
            {
                "Sid": "ApiKeys",
                "Effect": "Allow",
                "Action": ["dynamodb:GetItem"],
                "Resource": [TABLE_ARN],
            }
        ],
    ),
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
    settings = _stage_settings(template, stage)
    for logical_id, (suffix, statements) in FUNCTIONS.items():
        _finish_function(resources, logical_id, f"samvad-{stage}-{suffix}", statements, settings)
    _event_sources(resources)
    _stage_alarms(resources, stage)
    _alarms_topic(template, stage)
    _api_stage(template, stage)
    _custom_domain(template)
    _inbound_sms_topic_policy(template)
    return template


def _stage_settings(template: dict[str, Any], stage: str) -> dict[str, Any]:
    """The stage's parameters, and the settings every function gets from them."""
    template["Parameters"]["Stage"]["Default"] = stage
    template["Parameters"]["PublicUrl"] = {
        "Type": "String",
        "AllowedPattern": "^https://[a-z0-9.-]+(/[A-Za-z0-9._/-]*)?$",
        "Description": "https address customers use (custom domain of the API), for SMS links",
    }
    return {
        "SAMVAD_STAGE": stage,
        "SAMVAD_TABLE": {"Ref": "Table"},
        "SAMVAD_EVENTS_TOPIC_ARN": {"Ref": "EventsTopic"},
        "SAMVAD_FOLLOWUPS_TOPIC_ARN": {"Ref": "FollowupsTopic"},
        # The address customers see (a custom domain before API Gateway), for links in SMS.
        "SAMVAD_PUBLIC_URL": {"Ref": "PublicUrl"},
        # Only the secret's name: every function reads the keys at run time (a rotation needs
        # no deploy, and no key shows in the functions' configuration).
        "SAMVAD_SECRET_ID": {"Fn::Sub": "samvad/${Stage}"},
    }


def _finish_function(
    resources: dict[str, Any],
    logical_id: str,
    name: str,
    statements: list[dict[str, Any]],
    settings: dict[str, Any],
) -> None:
    """One function: runtime, size, settings, its role's policy, its log group and alarms."""
    function = resources[logical_id]["Properties"]
    function.update(Runtime=RUNTIME, Architectures=[ARCHITECTURE], FunctionName=name)
    sizing = SIZING[logical_id]
    function.update(MemorySize=sizing.memory_mb, Timeout=sizing.timeout_s)
    if sizing.reserved is not None:
        function["ReservedConcurrentExecutions"] = sizing.reserved
    function.setdefault("Environment", {}).setdefault("Variables", {}).update(settings)
    role = function["Role"]["Fn::GetAtt"][0]
    read_keys = {
        "Sid": "StageKeys",
        "Effect": "Allow",
        "Action": ["secretsmanager:GetSecretValue"],
        "Resource": [SECRET_ARN],
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
        # Logs hold no personal data and expire after 30 days anyway; a retained group
        # of the same name would stop the stack from being created again.
        "DeletionPolicy": "Delete",
        "UpdateReplacePolicy": "Delete",
        "Properties": {"LogGroupName": f"/aws/lambda/{name}", "RetentionInDays": 30},
    }
    for metric in ("Errors", "Throttles"):
        resources[f"{logical_id}{metric}Alarm"] = _alarm(
            f"{name}-{metric.lower()}",
            {"Namespace": "AWS/Lambda", "MetricName": metric},
            [{"Name": "FunctionName", "Value": {"Ref": logical_id}}],
        )


def _event_sources(resources: dict[str, Any]) -> None:
    """Inbound SMS from its topic; new follow-ups from the table's stream, filtered."""
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


def _stage_alarms(resources: dict[str, Any], stage: str) -> None:
    """The alarms of the stage as a whole (each function has its own too)."""
    resources["FailedFollowUpsAlarm"] = _alarm(
        f"samvad-{stage}-failed-followups",
        {"Namespace": "Samvad", "MetricName": "FollowUpsFailed"},
        [{"Name": "Stage", "Value": stage}],
    )
    # SMS held back by the stage's or a campaign's hourly budget: a script buying SMS with
    # the brand's money, or a campaign bigger than its budget; either way someone must look.
    resources["SmsBudgetReachedAlarm"] = _alarm(
        f"samvad-{stage}-sms-budget-reached",
        {"Namespace": "Samvad", "MetricName": "SmsBudgetReached"},
        [{"Name": "Stage", "Value": stage}],
    )
    # Thank-you SMS wait while the stream's records do: a function failing or throttled
    # (reserved concurrency) shows here before customers notice.
    resources["SendNewFollowupsIteratorAgeAlarm"] = _alarm(
        f"samvad-{stage}-new-followups-iterator-age",
        {"Namespace": "AWS/Lambda", "MetricName": "IteratorAge"},
        [{"Name": "FunctionName", "Value": {"Ref": "SendNewFollowups"}}],
        Statistic="Maximum",
        Period=60,
        EvaluationPeriods=5,
        Threshold=ITERATOR_AGE_ALARM_MS,
    )
    # Chalice answers a view's unexpected exception with a 500 itself: the function does not
    # fail, so its Errors alarm never sees a broken page. API Gateway counts those answers.
    resources["ApiServerErrorsAlarm"] = _alarm(
        f"samvad-{stage}-api-5xx",
        {"Namespace": "AWS/ApiGateway", "MetricName": "5XXError"},
        [{"Name": "ApiName", "Value": f"samvad-{stage}"}, {"Name": "Stage", "Value": API_STAGE}],
        Threshold=5,
    )


def _alarms_topic(template: dict[str, Any], stage: str) -> None:
    """The alarms' topic, and an e-mail subscriber when the stage names one (AWS asks the
    address to confirm before it receives anything)."""
    template["Parameters"]["AlarmEmail"] = {
        "Type": "String",
        "Default": "",
        "AllowedPattern": r"^$|^[^@\s]+@[^@\s]+\.[^@\s]+$",
        "Description": "e-mail address for the stage's alarms (empty: subscribe yourself)",
    }
    template.setdefault("Conditions", {})["HasAlarmEmail"] = {
        "Fn::Not": [{"Fn::Equals": [{"Ref": "AlarmEmail"}, ""]}]
    }
    resources = template["Resources"]
    resources["AlarmsTopic"] = {
        "Type": "AWS::SNS::Topic",
        "Properties": {"TopicName": f"samvad-{stage}-alarms"},
    }
    resources["AlarmsEmail"] = {
        "Type": "AWS::SNS::Subscription",
        "Condition": "HasAlarmEmail",
        "Properties": {
            "TopicArn": {"Ref": "AlarmsTopic"},
            "Protocol": "email",
            "Endpoint": {"Ref": "AlarmEmail"},
        },
    }
    template["Outputs"]["AlarmsTopicArn"] = {"Value": {"Ref": "AlarmsTopic"}}


def _api_stage(template: dict[str, Any], stage: str) -> None:
    """A regional endpoint (customers and the region are in India; a regional custom domain
    maps to it), a name per stage (the alarms' ApiName) and the stage's throttling."""
    template["Parameters"]["ApiRateLimit"] = {
        "Type": "Number",
        "Default": API_RATE_LIMIT,
        "MinValue": 1,
        "Description": "steady requests a second the API stage accepts (beyond: 429)",
    }
    template["Parameters"]["ApiBurstLimit"] = {
        "Type": "Number",
        "Default": API_BURST_LIMIT,
        "MinValue": 1,
        "Description": "requests the API stage accepts at once above the steady rate",
    }
    api = template["Resources"]["RestAPI"]["Properties"]
    if api["StageName"] != API_STAGE:  # the alarm on API Gateway's 5XX names the stage
        raise ValueError(
            f"api_gateway_stage is {api['StageName']!r}, template.py says {API_STAGE!r}"
        )
    api["Name"] = f"samvad-{stage}"
    api["EndpointConfiguration"] = "REGIONAL"
    api["MethodSettings"] = [
        {
            "ResourcePath": "/*",
            "HttpMethod": "*",
            "ThrottlingRateLimit": {"Ref": "ApiRateLimit"},
            "ThrottlingBurstLimit": {"Ref": "ApiBurstLimit"},
        }
    ]


def _custom_domain(template: dict[str, Any]) -> None:
    """The customers' address: a regional API Gateway domain (certificate from ACM in the
    stack's region) mapped to the stage at its root, so links have no stage prefix. Its DNS
    record (a CNAME or Route 53 alias to ``ApiDomainTarget``) is the domain owner's."""
    parameters = template["Parameters"]
    parameters["DomainName"] = {
        "Type": "String",
        "Default": "",
        "AllowedPattern": "^$|^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$",
        "Description": "custom domain for customers, e.g. offers.example.in (empty: none)",
    }
    parameters["CertificateArn"] = {
        "Type": "String",
        "Default": "",
        "AllowedPattern": "^$|^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/[0-9a-f-]+$",
        "Description": "ACM certificate of DomainName, in the stack's region",
    }
    template["Conditions"]["HasCustomDomain"] = {
        "Fn::And": [
            {"Fn::Not": [{"Fn::Equals": [{"Ref": "DomainName"}, ""]}]},
            {"Fn::Not": [{"Fn::Equals": [{"Ref": "CertificateArn"}, ""]}]},
        ]
    }
    resources = template["Resources"]
    resources["ApiDomain"] = {
        "Type": "AWS::ApiGateway::DomainName",
        "Condition": "HasCustomDomain",
        "Properties": {
            "DomainName": {"Ref": "DomainName"},
            "RegionalCertificateArn": {"Ref": "CertificateArn"},
            "EndpointConfiguration": {"Types": ["REGIONAL"]},
            "SecurityPolicy": "TLS_1_2",
        },
    }
    resources["ApiDomainMapping"] = {
        "Type": "AWS::ApiGateway::BasePathMapping",
        "Condition": "HasCustomDomain",
        "Properties": {
            "DomainName": {"Ref": "ApiDomain"},
            "RestApiId": {"Ref": "RestAPI"},
            "Stage": {"Ref": "RestAPI.Stage"},
        },
    }
    outputs = template["Outputs"]
    outputs["ApiDomainTarget"] = {
        "Condition": "HasCustomDomain",
        "Description": "DNS: point DomainName here (CNAME, or a Route 53 alias with the zone)",
        "Value": {"Fn::GetAtt": ["ApiDomain", "RegionalDomainName"]},
    }
    outputs["ApiDomainHostedZoneId"] = {
        "Condition": "HasCustomDomain",
        "Value": {"Fn::GetAtt": ["ApiDomain", "RegionalHostedZoneId"]},
    }


def _inbound_sms_topic_policy(template: dict[str, Any]) -> None:
    """AWS End User Messaging SMS publishes customers' answers to the inbound topic with its
    service principal; only for this account (confused deputy: aws:SourceAccount)."""
    template["Resources"]["InboundSmsTopicPolicy"] = {
        "Type": "AWS::SNS::TopicPolicy",
        "Properties": {
            "Topics": [{"Ref": "InboundSmsTopic"}],
            "PolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "TwoWaySms",
                        "Effect": "Allow",
                        "Principal": {"Service": "sms-voice.amazonaws.com"},
                        "Action": "sns:Publish",
                        "Resource": {"Ref": "InboundSmsTopic"},
                        "Condition": {
                            "StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}
                        },
                    }
                ],
            },
        },
    }


def _alarm(
    name: str, metric: dict[str, str], dimensions: list[dict[str, Any]], **settings: Any
) -> dict[str, Any]:
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
            **settings,
        },
    }
