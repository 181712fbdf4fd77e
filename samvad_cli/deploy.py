"""``samvad deploy-stack --stage prod``: upload the package and apply the template with a change
set, the way ``aws cloudformation deploy`` does (awscli's ``customizations/cloudformation/
deployer.py``), and a little more:

- nothing changed: the empty change set CloudFormation leaves ``FAILED`` is deleted and the
  deploy succeeds, saying so;
- a stack ``REVIEW_IN_PROGRESS`` (a change set created, never executed) is created again;
  ``ROLLBACK_COMPLETE`` (a failed first create, which can only be deleted) is deleted, waited
  for, and created anew;
- on failure the stack's failed events of this attempt are printed, newest first, with their
  reasons, and the command exits non-zero with one clear line.

Needs AWS credentials (the standard variables or profile), ``SAMVAD_DEPLOY_BUCKET`` (an S3
bucket for artefacts, in the stack's region) and ``SAMVAD_PUBLIC_URL`` (the https address
customers use); optional ``SAMVAD_ALARM_EMAIL``, ``SAMVAD_DOMAIN_NAME`` and
``SAMVAD_CERTIFICATE_ARN``; and the secret ``samvad/<stage>`` in Secrets Manager, created once:
a JSON object with ``contact_key`` (never changed), ``link_key``, optional
``previous_link_key`` (rotation) and ``admin_key_sha256`` (chalicelib/consent/keys.py). The
functions read it at run time; the template names it in ``SAMVAD_SECRET_ID``. The permissions
it needs are listed in the README.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from samvad_cli.template import FUNCTIONS, PROJECT

CAPABILITIES = ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"]
# The template's optional parameters and where `make deploy` reads them.
OPTIONAL_PARAMETERS = {
    "AlarmEmail": "SAMVAD_ALARM_EMAIL",
    "DomainName": "SAMVAD_DOMAIN_NAME",
    "CertificateArn": "SAMVAD_CERTIFICATE_ARN",
}
# What CloudFormation says of a change set with nothing in it (awscli's deployer.py).
NO_CHANGES = ("The submitted information didn't contain changes", "No updates are to be performed")


class DeployFailed(SystemExit):
    """One line for the person deploying; the events have been printed before it."""


def deploy(args: argparse.Namespace) -> int:
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    bucket = os.environ.get("SAMVAD_DEPLOY_BUCKET")
    public_url = os.environ.get("SAMVAD_PUBLIC_URL")
    if not bucket or not public_url:
        raise SystemExit("set SAMVAD_DEPLOY_BUCKET and SAMVAD_PUBLIC_URL (see README, Deploying)")
    if bool(os.environ.get("SAMVAD_DOMAIN_NAME")) != bool(os.environ.get("SAMVAD_CERTIFICATE_ARN")):
        raise SystemExit("a custom domain needs both SAMVAD_DOMAIN_NAME and SAMVAD_CERTIFICATE_ARN")
    out = PROJECT / "build" / args.stage
    template_path, archive = out / "template.json", out / "samvad.zip"
    if not template_path.exists() or not archive.exists():
        raise SystemExit(f"run `make package STAGE={args.stage}` first")
    template = json.loads(template_path.read_text(encoding="utf-8"))
    stack = f"samvad-{args.stage}"
    try:
        key = upload(boto3.client("s3"), bucket, archive, args.stage)
        for logical_id in FUNCTIONS:
            template["Resources"][logical_id]["Properties"]["CodeUri"] = {
                "Bucket": bucket,
                "Key": key,
            }
        values = {"Stage": args.stage, "PublicUrl": public_url}
        values |= {name: os.environ.get(env, "") for name, env in OPTIONAL_PARAMETERS.items()}
        outputs = apply(
            boto3.client("cloudformation"),
            stack,
            template,
            bucket,
            args.stage,
            parameters(template, values),
            s3=boto3.client("s3"),
            dynamodb=boto3.client("dynamodb"),
        )
    except (ClientError, BotoCoreError) as exc:
        raise DeployFailed(f"deploy of {stack} failed: {exc}") from None
    for name, value in sorted(outputs.items()):
        print(f"{name}: {value}")
    return 0


def parameters(template: dict[str, Any], values: Mapping[str, str]) -> list[dict[str, str]]:
    """The values the template declares a parameter for (an optional one left empty keeps
    its default: no custom domain, no alarm e-mail)."""
    declared = template.get("Parameters", {})
    return [
        {"ParameterKey": name, "ParameterValue": value}
        for name, value in values.items()
        if name in declared and (value or "Default" not in declared[name])
    ]


def upload(s3: Any, bucket: str, archive: Path, stage: str) -> str:
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()[:16]
    key = f"samvad/{stage}/samvad-{digest}.zip"
    s3.upload_file(str(archive), bucket, key)
    print(f"uploaded s3://{bucket}/{key}")
    return key


def apply(
    cloudformation: Any,
    stack: str,
    template: dict[str, Any],
    bucket: str,
    stage: str,
    parameters: list[dict[str, str]],
    s3: Any = None,
    dynamodb: Any = None,
) -> dict[str, str]:
    """Create or update the stack through a change set, wait, and return its outputs.

    With ``dynamodb``, a create first checks that no table of the stack's name is left from
    before: the table is retained when a stack is deleted or its first create fails, and a
    create would then fail on it. That table may hold customers' data, so it is never deleted
    here."""
    body = json.dumps(template)
    exists = _stack_exists(cloudformation, stack, dynamodb)
    name = f"samvad-{hashlib.sha256(body.encode()).hexdigest()[:12]}-{uuid.uuid4().hex[:8]}"
    params: dict[str, Any] = {
        "StackName": stack,
        "ChangeSetName": name,
        "ChangeSetType": "UPDATE" if exists else "CREATE",
        "Capabilities": CAPABILITIES,
        "Parameters": parameters,
        **_template_source(
            cloudformation, body, bucket, f"samvad/{stage}/template-{name}.json", s3
        ),
    }
    cloudformation.create_change_set(**params)
    if not _change_set_ready(cloudformation, stack, name):
        print(f"no changes: {stack} is up to date")
        return _outputs(cloudformation, stack)
    _describe_changes(cloudformation, stack, name)
    cloudformation.execute_change_set(StackName=stack, ChangeSetName=name)
    done = "stack_update_complete" if exists else "stack_create_complete"
    _wait(cloudformation, done, stack, "update" if exists else "create")
    print(f"{stack}: {'updated' if exists else 'created'}")
    return _outputs(cloudformation, stack)


def _stack_exists(cloudformation: Any, stack: str, dynamodb: Any) -> bool:
    """Whether a change set updates ``stack`` (else creates it); a stack whose first create
    failed is deleted first, and a create refused when the stack's table was left behind."""
    status = _status(cloudformation, stack)
    if status == "ROLLBACK_COMPLETE":
        print(f"{stack} is ROLLBACK_COMPLETE (its first create failed): deleting it")
        cloudformation.delete_stack(StackName=stack)
        _wait(cloudformation, "stack_delete_complete", stack, "delete the failed stack")
        status = None
    # A stack that only ever had a change set created (never executed) does not exist yet.
    exists = status not in (None, "REVIEW_IN_PROGRESS")
    if not exists and dynamodb is not None and _table_exists(dynamodb, stack):
        raise DeployFailed(
            f"the table {stack} exists outside the stack (kept when a stack was deleted or its"
            " first create failed): delete it if it holds nothing (deletion protection off"
            " first), or import it into the stack; see README, Deploying"
        )
    return exists


def _template_source(
    cloudformation: Any, body: str, bucket: str, key: str, s3: Any
) -> dict[str, str]:
    """The change set's template: inline, or from S3 when CloudFormation takes it only so."""
    if len(body) <= 51_200:
        return {"TemplateBody": body}
    if s3 is None:
        import boto3

        s3 = boto3.client("s3")
    s3.put_object(Bucket=bucket, Key=key, Body=body.encode())
    region = cloudformation.meta.region_name
    return {"TemplateURL": f"https://{bucket}.s3.{region}.amazonaws.com/{key}"}


def _change_set_ready(cloudformation: Any, stack: str, name: str) -> bool:
    """Wait for the change set; False (and it deleted) when it would change nothing."""
    from botocore.exceptions import WaiterError

    try:
        cloudformation.get_waiter("change_set_create_complete").wait(
            StackName=stack, ChangeSetName=name, WaiterConfig={"Delay": 5}
        )
    except WaiterError as exc:
        described = exc.last_response or {}
        reason = str(described.get("StatusReason", ""))
        if described.get("Status") == "FAILED" and any(n in reason for n in NO_CHANGES):
            cloudformation.delete_change_set(StackName=stack, ChangeSetName=name)
            return False
        raise DeployFailed(f"the change set for {stack} failed: {reason or exc}") from None
    return True


def _wait(cloudformation: Any, waiter: str, stack: str, what: str) -> None:
    from botocore.exceptions import WaiterError

    try:
        # Up to an hour, as `aws cloudformation deploy` waits (a table's indexes take minutes).
        cloudformation.get_waiter(waiter).wait(
            StackName=stack, WaiterConfig={"Delay": 10, "MaxAttempts": 360}
        )
    except WaiterError:
        for line in failed_events(cloudformation, stack):
            print(line)
        status = _status(cloudformation, stack) or "gone"
        raise DeployFailed(
            f"could not {what} {stack} (now {status}): see the events above"
        ) from None


def failed_events(cloudformation: Any, stack: str) -> list[str]:
    """The failed events of the stack's latest operation, newest first, with their reasons.

    CloudFormation lists events newest first; the operation began with the stack's own
    ``*_IN_PROGRESS`` event ("User Initiated"), where reading stops."""
    lines = []
    for page in cloudformation.get_paginator("describe_stack_events").paginate(StackName=stack):
        for event in page["StackEvents"]:
            status = str(event.get("ResourceStatus", ""))
            if status.endswith("FAILED"):
                lines.append(
                    f"{event['LogicalResourceId']} ({event.get('ResourceType', '')}) {status}: "
                    f"{event.get('ResourceStatusReason', '')}"
                )
            started = event.get("ResourceStatusReason") == "User Initiated"
            if event.get("LogicalResourceId") == stack and started:
                return lines
    return lines


def _describe_changes(cloudformation: Any, stack: str, name: str) -> None:
    described = cloudformation.describe_change_set(StackName=stack, ChangeSetName=name)
    for change in described.get("Changes", []):
        resource = change.get("ResourceChange", {})
        print(
            f"  {resource.get('Action', '?')} {resource.get('LogicalResourceId', '?')}"
            f" ({resource.get('ResourceType', '')})"
            + (" REPLACEMENT" if resource.get("Replacement") == "True" else "")
        )


def _table_exists(dynamodb: Any, name: str) -> bool:
    try:
        dynamodb.describe_table(TableName=name)
    except dynamodb.exceptions.ResourceNotFoundException:
        return False
    return True


def _status(cloudformation: Any, stack: str) -> str | None:
    """The stack's status; None when it does not exist (or was deleted)."""
    from botocore.exceptions import ClientError

    try:
        found = cloudformation.describe_stacks(StackName=stack)["Stacks"]
    except ClientError as exc:
        if "does not exist" in str(exc):
            return None
        raise
    if not found or found[0]["StackStatus"] == "DELETE_COMPLETE":
        return None
    return str(found[0]["StackStatus"])


def _outputs(cloudformation: Any, stack: str) -> dict[str, str]:
    described = cloudformation.describe_stacks(StackName=stack)["Stacks"][0]
    return {o["OutputKey"]: o["OutputValue"] for o in described.get("Outputs", [])}


def register(commands: Any) -> None:
    ship = commands.add_parser("deploy-stack", help="deploy the packaged stage to AWS")
    ship.add_argument("--stage", default="dev", choices=["dev", "prod"])
    ship.set_defaults(func=deploy)
