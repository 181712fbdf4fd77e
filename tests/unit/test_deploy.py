"""``samvad deploy-stack`` against stubbed AWS clients (real AWS is not reachable here)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import boto3
from botocore.stub import ANY, Stubber

from samvad_cli.deploy import CAPABILITIES, apply, upload

TEMPLATE: dict[str, Any] = {"Resources": {"Table": {"Type": "AWS::DynamoDB::Table"}}}


def client(service: str) -> Any:
    return boto3.client(
        service, region_name="ap-south-1", aws_access_key_id="x", aws_secret_access_key="x"
    )


def test_a_new_stack_is_created_through_a_change_set_and_its_outputs_returned() -> None:
    cloudformation = client("cloudformation")
    stub = Stubber(cloudformation)
    stub.add_client_error("describe_stacks", "ValidationError", "Stack does not exist")
    stub.add_response(
        "create_change_set",
        {"Id": "cs-1", "StackId": "stack-1"},
        {
            "StackName": "samvad-prod",
            "ChangeSetName": ANY,
            "ChangeSetType": "CREATE",
            "Capabilities": CAPABILITIES,
            "Parameters": [
                {"ParameterKey": "Stage", "ParameterValue": "prod"},
                {"ParameterKey": "PublicUrl", "ParameterValue": "https://samvad.example"},
            ],
            "TemplateBody": ANY,
        },
    )
    stub.add_response("describe_change_set", {"Status": "CREATE_COMPLETE"}, None)
    stub.add_response("execute_change_set", {}, None)
    created = {
        "StackName": "samvad-prod",
        "CreationTime": "2026-11-25T00:00:00Z",
        "StackStatus": "CREATE_COMPLETE",
        "Outputs": [{"OutputKey": "TableName", "OutputValue": "samvad-prod"}],
    }
    stub.add_response("describe_stacks", {"Stacks": [created]}, None)
    stub.add_response("describe_stacks", {"Stacks": [created]}, None)

    with stub:
        outputs = apply(
            cloudformation, "samvad-prod", TEMPLATE, "bucket", "prod", "https://samvad.example"
        )

    assert outputs == {"TableName": "samvad-prod"}
    stub.assert_no_pending_responses()


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

    with stub:
        key = upload(s3, "artefacts", archive, "prod")

    digest = hashlib.sha256(archive.read_bytes()).hexdigest()[:16]
    assert key == f"samvad/prod/samvad-{digest}.zip"  # a new package never overwrites one
    stub.assert_no_pending_responses()
