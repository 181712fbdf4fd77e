"""``samvad deploy-stack`` against stubbed AWS clients (real AWS is not reachable here): each
path of a change set deploy, as ``aws cloudformation deploy`` takes them, and a little more."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import ANY, Stubber

from samvad_cli.deploy import CAPABILITIES, DeployFailed, apply, parameters, upload

TEMPLATE: dict[str, Any] = {"Resources": {"Table": {"Type": "AWS::DynamoDB::Table"}}}
STACK = "samvad-prod"
PARAMETERS = [
    {"ParameterKey": "Stage", "ParameterValue": "prod"},
    {"ParameterKey": "PublicUrl", "ParameterValue": "https://samvad.example"},
]
NO_CHANGES = (
    "The submitted information didn't contain changes. "
    "Submit different information to create a change set."
)


def client(service: str) -> Any:
    return boto3.client(
        service, region_name="ap-south-1", aws_access_key_id="x", aws_secret_access_key="x"
    )


def stack(status: str, **more: Any) -> dict[str, Any]:
    described = {"StackName": STACK, "CreationTime": "2026-11-25T00:00:00Z", "StackStatus": status}
    return {"Stacks": [{**described, **more}]}


def change_set(stub: Stubber, kind: str) -> None:
    stub.add_response(
        "create_change_set",
        {"Id": "cs-1", "StackId": "stack-1"},
        {
            "StackName": STACK,
            "ChangeSetName": ANY,
            "ChangeSetType": kind,
            "Capabilities": CAPABILITIES,
            "Parameters": PARAMETERS,
            "TemplateBody": ANY,
        },
    )


def executed(stub: Stubber, final: str) -> None:
    """The change set is ready, shown, executed, and the stack reaches ``final``."""
    ready = {"Status": "CREATE_COMPLETE", "Changes": []}
    stub.add_response("describe_change_set", ready, {"StackName": STACK, "ChangeSetName": ANY})
    stub.add_response(
        "describe_change_set",
        {
            **ready,
            "Changes": [
                {
                    "Type": "Resource",
                    "ResourceChange": {
                        "Action": "Modify",
                        "LogicalResourceId": "Table",
                        "ResourceType": "AWS::DynamoDB::Table",
                        "Replacement": "False",
                    },
                }
            ],
        },
        {"StackName": STACK, "ChangeSetName": ANY},
    )
    stub.add_response("execute_change_set", {}, {"StackName": STACK, "ChangeSetName": ANY})
    outputs = [{"OutputKey": "TableName", "OutputValue": "samvad-prod"}]
    stub.add_response("describe_stacks", stack(final, Outputs=outputs), {"StackName": STACK})


def run(cloudformation: Any) -> dict[str, str]:
    return apply(cloudformation, STACK, TEMPLATE, "bucket", "prod", PARAMETERS)


def no_stack(stub: Stubber) -> None:
    stub.add_client_error(
        "describe_stacks", "ValidationError", f"Stack with id {STACK} does not exist"
    )


def stubbed(status: str | None) -> tuple[Any, Stubber]:
    """A CloudFormation client whose first answer is the stack in ``status`` (None: there is
    no such stack)."""
    cloudformation = client("cloudformation")
    stub = Stubber(cloudformation)
    if status is None:
        no_stack(stub)
    else:
        stub.add_response("describe_stacks", stack(status))
    return cloudformation, stub


@contextmanager
def answering(*stubs: Stubber) -> Iterator[None]:
    """The stubbed clients answer inside; after, every answer given them was asked for."""
    with ExitStack() as active:
        for stub in stubs:
            active.enter_context(stub)
        yield
    for stub in stubs:
        stub.assert_no_pending_responses()


def test_a_new_stack_is_created_through_a_change_set_and_its_outputs_returned(
    capsys: pytest.CaptureFixture[str],
) -> None:
    cloudformation, stub = stubbed(None)
    change_set(stub, "CREATE")
    executed(stub, "CREATE_COMPLETE")
    stub.add_response(
        "describe_stacks",
        stack(
            "CREATE_COMPLETE", Outputs=[{"OutputKey": "TableName", "OutputValue": "samvad-prod"}]
        ),
    )

    with answering(stub):
        outputs = run(cloudformation)

    assert outputs == {"TableName": "samvad-prod"}
    assert "Modify Table (AWS::DynamoDB::Table)" in capsys.readouterr().out


def test_an_existing_stack_is_updated() -> None:
    cloudformation, stub = stubbed("UPDATE_COMPLETE")
    change_set(stub, "UPDATE")
    executed(stub, "UPDATE_COMPLETE")
    stub.add_response("describe_stacks", stack("UPDATE_COMPLETE"))

    with answering(stub):
        run(cloudformation)


def test_a_deploy_with_nothing_changed_succeeds_says_so_and_leaves_no_failed_change_set(
    capsys: pytest.CaptureFixture[str],
) -> None:
    cloudformation, stub = stubbed("UPDATE_COMPLETE")
    change_set(stub, "UPDATE")
    stub.add_response("describe_change_set", {"Status": "FAILED", "StatusReason": NO_CHANGES})
    stub.add_response("delete_change_set", {}, {"StackName": STACK, "ChangeSetName": ANY})
    outputs = [{"OutputKey": "TableName", "OutputValue": "samvad-prod"}]
    stub.add_response("describe_stacks", stack("UPDATE_COMPLETE", Outputs=outputs))

    with answering(stub):  # the FAILED change set is deleted, nothing executed
        answer = run(cloudformation)

    assert answer == {"TableName": "samvad-prod"}
    assert "no changes: samvad-prod is up to date" in capsys.readouterr().out


def test_a_stack_whose_change_set_was_never_executed_is_created_again() -> None:
    cloudformation, stub = stubbed("REVIEW_IN_PROGRESS")
    change_set(stub, "CREATE")  # an UPDATE of a stack in review fails
    executed(stub, "CREATE_COMPLETE")
    stub.add_response("describe_stacks", stack("CREATE_COMPLETE"))

    with answering(stub):
        run(cloudformation)


def no_table(dynamodb: Any) -> Stubber:
    tables = Stubber(dynamodb)
    tables.add_client_error(
        "describe_table",
        "ResourceNotFoundException",
        "not found",
        expected_params={"TableName": STACK},
    )
    return tables


def test_a_failed_first_create_is_deleted_waited_for_and_created_anew(
    capsys: pytest.CaptureFixture[str],
) -> None:
    (cloudformation, stub), dynamodb = stubbed("ROLLBACK_COMPLETE"), client("dynamodb")
    stub.add_response("delete_stack", {}, {"StackName": STACK})
    stub.add_response("describe_stacks", stack("DELETE_IN_PROGRESS"), {"StackName": STACK})
    no_stack(stub)
    change_set(stub, "CREATE")
    executed(stub, "CREATE_COMPLETE")
    stub.add_response("describe_stacks", stack("CREATE_COMPLETE"))

    with answering(stub, no_table(dynamodb)):
        apply(cloudformation, STACK, TEMPLATE, "bucket", "prod", PARAMETERS, dynamodb=dynamodb)

    assert "deleting it" in capsys.readouterr().out


def test_a_create_stops_on_a_table_left_from_before_and_never_deletes_it() -> None:
    (cloudformation, stub), dynamodb = stubbed(None), client("dynamodb")
    tables = Stubber(dynamodb)
    tables.add_response("describe_table", {"Table": {"TableName": STACK}}, {"TableName": STACK})

    # Nothing more is stubbed: no change set, no delete.
    with (
        answering(stub, tables),
        pytest.raises(DeployFailed, match="exists outside the stack"),
    ):
        apply(cloudformation, STACK, TEMPLATE, "bucket", "prod", PARAMETERS, dynamodb=dynamodb)


def events(*rows: tuple[str, str, str, str]) -> dict[str, Any]:
    return {
        "StackEvents": [
            {
                "StackId": "stack-1",
                "EventId": f"e{n}",
                "StackName": STACK,
                "LogicalResourceId": logical,
                "ResourceType": kind,
                "Timestamp": "2026-11-25T00:00:00Z",
                "ResourceStatus": status,
                "ResourceStatusReason": reason,
            }
            for n, (logical, kind, status, reason) in enumerate(rows)
        ]
    }


def test_a_failed_update_prints_this_attempts_failed_events_newest_first_and_exits(
    capsys: pytest.CaptureFixture[str],
) -> None:
    cloudformation, stub = stubbed("UPDATE_COMPLETE")
    change_set(stub, "UPDATE")
    executed(stub, "UPDATE_ROLLBACK_COMPLETE")
    stack_type = "AWS::CloudFormation::Stack"
    stub.add_response(
        "describe_stack_events",
        events(
            (STACK, stack_type, "UPDATE_ROLLBACK_COMPLETE", ""),
            (STACK, stack_type, "UPDATE_ROLLBACK_IN_PROGRESS", "resources failed: [ApiDomain]"),
            ("ApiDomain", "AWS::ApiGateway::DomainName", "CREATE_FAILED", "certificate not found"),
            ("Table", "AWS::DynamoDB::Table", "UPDATE_FAILED", "Resource update cancelled"),
            (STACK, stack_type, "UPDATE_IN_PROGRESS", "User Initiated"),
            ("OldThing", "AWS::SNS::Topic", "CREATE_FAILED", "an earlier deploy's failure"),
        ),
        {"StackName": STACK},
    )
    stub.add_response("describe_stacks", stack("UPDATE_ROLLBACK_COMPLETE"))

    with answering(stub), pytest.raises(DeployFailed) as failed:
        run(cloudformation)

    printed = capsys.readouterr().out.splitlines()
    assert printed[-2:] == [
        "ApiDomain (AWS::ApiGateway::DomainName) CREATE_FAILED: certificate not found",
        "Table (AWS::DynamoDB::Table) UPDATE_FAILED: Resource update cancelled",
    ]
    assert str(failed.value) == (
        "could not update samvad-prod (now UPDATE_ROLLBACK_COMPLETE): see the events above"
    )
    assert failed.value.code != 0


def test_a_change_set_that_fails_for_a_reason_stops_the_deploy_with_it() -> None:
    cloudformation, stub = stubbed("UPDATE_COMPLETE")
    change_set(stub, "UPDATE")
    reason = "Template format error: Unresolved resource dependencies [Tabel]"
    stub.add_response("describe_change_set", {"Status": "FAILED", "StatusReason": reason})

    with answering(stub), pytest.raises(DeployFailed, match="Unresolved resource dependencies"):
        run(cloudformation)


def test_optional_parameters_left_empty_keep_their_defaults() -> None:
    template = {
        "Parameters": {
            "Stage": {"Type": "String"},
            "PublicUrl": {"Type": "String"},
            "AlarmEmail": {"Type": "String", "Default": ""},
            "DomainName": {"Type": "String", "Default": ""},
        }
    }
    values = {"Stage": "prod", "PublicUrl": "", "AlarmEmail": "ops@example.in", "DomainName": ""}

    assert parameters(template, values) == [
        {"ParameterKey": "Stage", "ParameterValue": "prod"},
        {"ParameterKey": "PublicUrl", "ParameterValue": ""},  # required: CloudFormation says so
        {"ParameterKey": "AlarmEmail", "ParameterValue": "ops@example.in"},
    ]


def test_the_package_is_uploaded_under_its_content_hash(tmp_path: Path) -> None:
    archive = tmp_path / "samvad.zip"
    archive.write_bytes(b"PK\x03\x04 not really a zip")
    s3 = client("s3")
    stub = Stubber(s3)
    stub.add_response(
        "put_object",
        {},
        {"Bucket": "artefacts", "Key": ANY, "Body": ANY, "ChecksumAlgorithm": ANY},
    )

    with answering(stub):
        key = upload(s3, "artefacts", archive, "prod")

    digest = hashlib.sha256(archive.read_bytes()).hexdigest()[:16]
    assert key == f"samvad/prod/samvad-{digest}.zip"  # a new package never overwrites one


def test_a_custom_domain_without_its_certificate_is_refused_before_anything_is_sent(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import argparse

    from samvad_cli.deploy import deploy

    monkeypatch.setenv("SAMVAD_DEPLOY_BUCKET", "artefacts")
    monkeypatch.setenv("SAMVAD_PUBLIC_URL", "https://offers.example.in")
    monkeypatch.setenv("SAMVAD_DOMAIN_NAME", "offers.example.in")
    monkeypatch.delenv("SAMVAD_CERTIFICATE_ARN", raising=False)

    with pytest.raises(SystemExit, match="needs both SAMVAD_DOMAIN_NAME and SAMVAD_CERTIFICATE"):
        deploy(argparse.Namespace(stage="prod"))
