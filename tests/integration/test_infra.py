"""The packaged CloudFormation template: cfn-lint clean, least privilege, arm64 on Python
3.12, alarms; and its tables and topics are the ones the emulator (and so every test) uses."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import boto3
import pytest

from samvad_cli.template import (
    API_BURST_LIMIT,
    API_RATE_LIMIT,
    FUNCTIONS,
    chalice_package,
    finish_template,
    load_template,
)
from tests.conftest import PROJECT_DIR, REGION

# Where AWS offers nothing narrower than a wildcard, and why.
ALLOWED_WILDCARDS = {
    ("sns:CheckIfPhoneNumberIsOptedOut", "Resource", "*"),  # no resource-level permissions
    ("sns:Publish", "NotResource", "arn:aws:sns:*:*:*"),  # phone numbers: every topic excluded
}


@pytest.fixture(scope="module", params=["dev", "prod"])
def template(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    out = tmp_path_factory.mktemp(request.param)
    built = finish_template(chalice_package(request.param, out), request.param)
    path = out / "template.json"
    path.write_text(json.dumps(built), encoding="utf-8")
    return built, path


def statements(template: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for resource in template["Resources"].values():
        for policy in resource.get("Properties", {}).get("Policies", []):
            if isinstance(policy, dict) and "PolicyDocument" in policy:
                found.extend(policy["PolicyDocument"]["Statement"])
    return found


def test_cfn_lint_passes(template: Any) -> None:
    _, path = template
    lint = subprocess.run(
        # Informational checks too (I3011: stateful resources say what happens on delete).
        [str(Path(sys.executable).with_name("cfn-lint")), "--include-checks", "I", "--", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert lint.returncode == 0, lint.stdout + lint.stderr


def test_no_wildcard_where_aws_allows_narrower(template: Any) -> None:
    built, _ = template
    found = statements(built)
    assert found
    for statement in found:
        actions = (
            statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        )
        assert all("*" not in action for action in actions), statement
        for key in ("Resource", "NotResource"):
            values = statement.get(key, [])
            for value in values if isinstance(values, list) else [values]:
                text = json.dumps(value)
                if "*" not in text:
                    continue
                if isinstance(value, str):
                    assert all((a, key, value) in ALLOWED_WILDCARDS for a in actions), statement
                elif actions == ["dynamodb:ListStreams"]:  # as SAM's DynamoDBStreamReadPolicy
                    assert value == {"Fn::Sub": "${Table.Arn}/stream/*"}, statement
                else:  # only the log stream part of a named log group
                    assert text.endswith(':*"}'), statement
                    assert "log-group:/aws/lambda/samvad-" in text, statement


def test_each_function_is_arm64_on_python_312_with_only_its_own_permissions(
    template: Any,
) -> None:
    built, _ = template
    resources = built["Resources"]
    roles = {resources[f]["Properties"]["Role"]["Fn::GetAtt"][0] for f in FUNCTIONS}
    assert len(roles) == len(FUNCTIONS)  # Chalice's one role per function ("autogen_policy": false)
    for logical_id, (suffix, own) in FUNCTIONS.items():
        function = resources[logical_id]["Properties"]
        assert (function["Runtime"], function["Architectures"]) == ("python3.12", ["arm64"])
        assert function["FunctionName"].endswith(f"-{suffix}")
        role = resources[function["Role"]["Fn::GetAtt"][0]]["Properties"]
        [policy] = role["Policies"]
        *granted, keys, logs = policy["PolicyDocument"]["Statement"]
        assert granted == own  # plus the stage's keys and its own logs
        assert (keys["Action"], logs["Sid"]) == (["secretsmanager:GetSecretValue"], "Logs")
        [secret] = keys["Resource"]
        assert secret["Fn::Sub"].endswith(":secret:samvad/${Stage}-??????")  # that secret only
        variables = function["Environment"]["Variables"]
        assert variables["SAMVAD_TABLE"] == {"Ref": "Table"}
        assert variables["SAMVAD_SECRET_ID"] == {"Fn::Sub": "samvad/${Stage}"}  # never values
        assert not any("secret" in name.lower() for name in set(variables) - {"SAMVAD_SECRET_ID"})
        assert "resolve:secretsmanager" not in json.dumps(variables)
        assert resources[f"{logical_id}ErrorsAlarm"]["Type"] == "AWS::CloudWatch::Alarm"
        assert resources[f"{logical_id}ThrottlesAlarm"]["Type"] == "AWS::CloudWatch::Alarm"
    assert resources["FailedFollowUpsAlarm"]["Properties"]["MetricName"] == "FollowUpsFailed"
    budget = resources["SmsBudgetReachedAlarm"]["Properties"]
    assert (budget["Namespace"], budget["MetricName"]) == ("Samvad", "SmsBudgetReached")
    assert budget["Dimensions"] == [
        {"Name": "Stage", "Value": built["Parameters"]["Stage"]["Default"]}
    ]
    inbound = resources["InboundSms"]["Properties"]["Events"]
    assert [e["Properties"]["Topic"] for e in inbound.values()] == [{"Ref": "InboundSmsTopic"}]
    schedule = resources["SendDueFollowups"]["Properties"]["Events"]
    assert [e["Properties"]["Schedule"] for e in schedule.values()] == ["cron(* * * * ? *)"]
    [stream] = resources["SendNewFollowups"]["Properties"]["Events"].values()
    assert stream["Type"] == "DynamoDB"
    assert stream["Properties"]["Stream"] == {"Fn::GetAtt": ["Table", "StreamArn"]}
    [pattern] = stream["Properties"]["FilterCriteria"]["Filters"]
    assert json.loads(pattern["Pattern"])["eventName"] == ["INSERT"]
    functions = {k for k, v in resources.items() if v["Type"] == "AWS::Serverless::Function"}
    assert functions == set(FUNCTIONS)  # no function is left with Chalice's default policy


def test_the_packaged_data_resources_are_the_ones_the_emulator_runs(template: Any) -> None:
    """The tests run against infra/resources.yaml on the emulator; the package carries the
    same table and topics, and its data part creates on the emulator with the same outputs."""
    from moto import mock_aws

    built, _ = template
    source = load_template(PROJECT_DIR / "infra" / "resources.yaml")
    for name, resource in source["Resources"].items():
        assert built["Resources"][name] == resource, name
    table = built["Resources"]["Table"]["Properties"]
    assert table["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}
    data = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Parameters": {"Stage": built["Parameters"]["Stage"]},
        "Resources": {
            k: v
            for k, v in built["Resources"].items()
            if v["Type"] in ("AWS::DynamoDB::Table", "AWS::SNS::Topic")
        },
        "Outputs": {k: v for k, v in built["Outputs"].items() if k in source["Outputs"]},
    }
    with mock_aws():
        cloudformation = boto3.client("cloudformation", region_name=REGION)
        cloudformation.create_stack(StackName="packaged", TemplateBody=json.dumps(data))
        outputs = {
            o["OutputKey"]: o["OutputValue"]
            for o in cloudformation.describe_stacks(StackName="packaged")["Stacks"][0]["Outputs"]
        }
        stage = built["Parameters"]["Stage"]["Default"]
        assert outputs["TableName"] == f"samvad-{stage}"
        described = boto3.client("dynamodb", region_name=REGION).describe_table(
            TableName=outputs["TableName"]
        )["Table"]
        assert {i["IndexName"] for i in described["GlobalSecondaryIndexes"]} == {
            "by_campaign",
            "due",
        }
        assert described["DeletionProtectionEnabled"] is True
        topics = {
            t["TopicArn"].rsplit(":", 1)[1]
            for t in boto3.client("sns", region_name=REGION).list_topics()["Topics"]
        }
        assert {
            f"samvad-{stage}-{n}" for n in ("campaign-events", "followups", "inbound-sms", "alarms")
        } <= topics


def test_the_table_outlives_the_stack_and_refuses_deletion(template: Any) -> None:
    built, _ = template
    table = built["Resources"]["Table"]

    assert (table["DeletionPolicy"], table["UpdateReplacePolicy"]) == ("Retain", "Retain")
    assert table["Properties"]["DeletionProtectionEnabled"] is True
    assert table["Properties"]["PointInTimeRecoverySpecification"] == {
        "PointInTimeRecoveryEnabled": True
    }


def test_functions_have_the_memory_of_the_cost_table_and_stop_before_api_gateway(
    template: Any,
) -> None:
    built, _ = template
    resources = built["Resources"]
    readme = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")
    functions = {logical_id: resources[logical_id]["Properties"] for logical_id in FUNCTIONS}

    assert "arm64 Lambda with 512 MB" in readme  # the cost table's assumption
    assert {f["MemorySize"] for f in functions.values()} == {512}
    # API Gateway answers 504 after 29 s: the API's function must not run on unseen.
    assert functions["APIHandler"]["Timeout"] < 29
    assert functions["AdminKey"]["Timeout"] < 29
    # A sender publishes a claimed job only early in its lease, leaving time for a publish
    # under way (botocore: 3 s to connect, 10 s to read) before another runner may take it.
    from chalicelib.followups.runner import LEASE, PUBLISH_WITHIN

    assert (LEASE - PUBLISH_WITHIN).total_seconds() >= 3 + 10
    assert functions["SendDueFollowups"]["Timeout"] <= 60
    assert functions["SendNewFollowups"]["Timeout"] < 60


def test_the_senders_keep_concurrency_of_their_own_and_the_api_is_throttled(
    template: Any,
) -> None:
    built, _ = template
    resources = built["Resources"]

    for sender in ("SendDueFollowups", "SendNewFollowups", "InboundSms"):
        assert resources[sender]["Properties"]["ReservedConcurrentExecutions"] >= 1, sender
    assert "ReservedConcurrentExecutions" not in resources["APIHandler"]["Properties"]
    api = resources["RestAPI"]["Properties"]
    assert api["EndpointConfiguration"] == "REGIONAL"
    [settings] = api["MethodSettings"]
    assert (settings["ResourcePath"], settings["HttpMethod"]) == ("/*", "*")
    assert settings["ThrottlingRateLimit"] == {"Ref": "ApiRateLimit"}
    assert settings["ThrottlingBurstLimit"] == {"Ref": "ApiBurstLimit"}
    parameters = built["Parameters"]
    assert parameters["ApiRateLimit"]["Default"] == API_RATE_LIMIT
    assert parameters["ApiBurstLimit"]["Default"] == API_BURST_LIMIT >= API_RATE_LIMIT


def test_a_late_stream_and_every_alarm_reach_the_alarm_email(template: Any) -> None:
    built, _ = template
    resources = built["Resources"]
    age = resources["SendNewFollowupsIteratorAgeAlarm"]["Properties"]

    assert (age["Namespace"], age["MetricName"], age["Statistic"]) == (
        "AWS/Lambda",
        "IteratorAge",
        "Maximum",
    )
    assert age["Dimensions"] == [{"Name": "FunctionName", "Value": {"Ref": "SendNewFollowups"}}]
    assert 0 < age["Threshold"] <= 5 * 60 * 1000  # milliseconds
    server_errors = resources["ApiServerErrorsAlarm"]["Properties"]
    assert (server_errors["Namespace"], server_errors["MetricName"]) == (
        "AWS/ApiGateway",
        "5XXError",
    )
    api_name = resources["RestAPI"]["Properties"]["Name"]
    assert server_errors["Dimensions"] == [
        {"Name": "ApiName", "Value": api_name},
        {"Name": "Stage", "Value": resources["RestAPI"]["Properties"]["StageName"]},
    ]
    alarms = [r for r in resources.values() if r["Type"] == "AWS::CloudWatch::Alarm"]
    assert len(alarms) == 2 * len(FUNCTIONS) + 4
    assert all(a["Properties"]["AlarmActions"] == [{"Ref": "AlarmsTopic"}] for a in alarms)
    email = resources["AlarmsEmail"]
    assert email["Type"] == "AWS::SNS::Subscription"
    assert email["Condition"] == "HasAlarmEmail"
    assert email["Properties"] == {
        "TopicArn": {"Ref": "AlarmsTopic"},
        "Protocol": "email",
        "Endpoint": {"Ref": "AlarmEmail"},
    }
    assert built["Parameters"]["AlarmEmail"]["Default"] == ""  # optional
    assert built["Conditions"]["HasAlarmEmail"] == {
        "Fn::Not": [{"Fn::Equals": [{"Ref": "AlarmEmail"}, ""]}]
    }


def test_only_sms_of_this_account_may_publish_to_the_inbound_topic(template: Any) -> None:
    built, _ = template
    policy = built["Resources"]["InboundSmsTopicPolicy"]

    assert policy["Type"] == "AWS::SNS::TopicPolicy"
    assert policy["Properties"]["Topics"] == [{"Ref": "InboundSmsTopic"}]
    [statement] = policy["Properties"]["PolicyDocument"]["Statement"]
    assert statement["Effect"] == "Allow"
    assert statement["Principal"] == {"Service": "sms-voice.amazonaws.com"}
    assert statement["Action"] == "sns:Publish"
    assert statement["Resource"] == {"Ref": "InboundSmsTopic"}
    assert statement["Condition"] == {
        "StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}
    }


def test_the_stack_offers_a_regional_custom_domain_mapped_to_the_stage(template: Any) -> None:
    import re

    built, _ = template
    resources, parameters = built["Resources"], built["Parameters"]
    domain, mapping = resources["ApiDomain"], resources["ApiDomainMapping"]

    assert parameters["DomainName"]["Default"] == parameters["CertificateArn"]["Default"] == ""
    pattern = parameters["DomainName"]["AllowedPattern"]
    assert re.fullmatch(pattern, "offers.example.in")
    assert re.fullmatch(pattern, "")
    assert not re.fullmatch(pattern, "https://offers.example.in")
    certificate = (
        "arn:aws:acm:ap-south-1:123456789012:certificate/0a1b2c3d-aaaa-bbbb-cccc-0123456789ab"
    )
    assert re.fullmatch(parameters["CertificateArn"]["AllowedPattern"], certificate)
    assert domain["Condition"] == mapping["Condition"] == "HasCustomDomain"
    assert domain["Properties"]["EndpointConfiguration"] == {"Types": ["REGIONAL"]}
    assert domain["Properties"]["RegionalCertificateArn"] == {"Ref": "CertificateArn"}
    assert domain["Properties"]["SecurityPolicy"] == "TLS_1_2"
    assert mapping["Properties"] == {
        "DomainName": {"Ref": "ApiDomain"},
        "RestApiId": {"Ref": "RestAPI"},
        "Stage": {"Ref": "RestAPI.Stage"},  # at the root: no stage prefix in customers' links
    }
    target = built["Outputs"]["ApiDomainTarget"]
    assert target["Condition"] == "HasCustomDomain"
    assert target["Value"] == {"Fn::GetAtt": ["ApiDomain", "RegionalDomainName"]}
    assert built["Conditions"]["HasCustomDomain"]["Fn::And"] == [
        {"Fn::Not": [{"Fn::Equals": [{"Ref": "DomainName"}, ""]}]},
        {"Fn::Not": [{"Fn::Equals": [{"Ref": "CertificateArn"}, ""]}]},
    ]
