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

from samvad_cli.template import FUNCTIONS, chalice_package, finish_template, load_template
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
        [str(Path(sys.executable).with_name("cfn-lint")), str(path)],
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
    stage = built["Parameters"]["Stage"]["Default"]
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
        assert secret["Fn::Sub"].endswith(f":secret:samvad/{stage}-??????")  # that secret only
        variables = function["Environment"]["Variables"]
        assert variables["SAMVAD_TABLE"] == {"Ref": "Table"}
        assert variables["SAMVAD_SECRET_ID"] == f"samvad/{stage}"  # its name, never its values
        assert not any("secret" in name.lower() for name in set(variables) - {"SAMVAD_SECRET_ID"})
        assert "resolve:secretsmanager" not in json.dumps(variables)
        assert resources[f"{logical_id}ErrorsAlarm"]["Type"] == "AWS::CloudWatch::Alarm"
        assert resources[f"{logical_id}ThrottlesAlarm"]["Type"] == "AWS::CloudWatch::Alarm"
    assert resources["FailedFollowUpsAlarm"]["Properties"]["MetricName"] == "FollowUpsFailed"
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
        topics = {
            t["TopicArn"].rsplit(":", 1)[1]
            for t in boto3.client("sns", region_name=REGION).list_topics()["Topics"]
        }
        assert {
            f"samvad-{stage}-{n}" for n in ("campaign-events", "followups", "inbound-sms", "alarms")
        } <= topics


def test_the_code_package_is_for_arm64_with_312_bytecode_and_trimmed_babel(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from samvad_cli.build import build_code

    archive = build_code(tmp_path)

    import zipfile

    names = zipfile.ZipFile(archive).namelist()
    assert "app.py" in names
    assert not any(n.startswith(("boto3/", "botocore/")) for n in names)  # Lambda provides them
    assert any(n.startswith("chalicelib/__pycache__/") and ".cpython-312." in n for n in names)
    natives = [n for n in names if n.endswith(".so")]
    assert natives
    assert all("x86_64" not in n for n in natives)
    assert any("aarch64" in n for n in natives)
    locale_data = [n for n in names if n.startswith("babel/locale-data/")]
    assert "babel/locale-data/hi.dat" in locale_data
    assert "babel/locale-data/ur.dat" in locale_data
    assert "babel/locale-data/fr.dat" not in locale_data
    assert "MB zipped" in capsys.readouterr().out
