"""``samvad deploy --stage prod``: upload the package and apply the template with a change set.

Needs AWS credentials (the standard variables or profile), ``SAMVAD_DEPLOY_BUCKET`` (an S3
bucket for artefacts, in the stack's region), ``SAMVAD_PUBLIC_URL`` (the https address customers
use), and the secret ``samvad/<stage>`` in Secrets Manager, created once: a JSON object with
``contact_key`` (never changed), ``link_key``, optional ``previous_link_key`` (rotation) and
``admin_key_sha256`` (chalicelib/consent/keys.py). The functions read it at run time; the
template names it in ``SAMVAD_SECRET_ID``. The permissions it needs are listed in the README.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from samvad_cli.template import FUNCTIONS, PROJECT

CAPABILITIES = ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"]


def deploy(args: argparse.Namespace) -> int:
    import boto3

    out = PROJECT / "build" / args.stage
    template_path, archive = out / "template.json", out / "samvad.zip"
    if not template_path.exists() or not archive.exists():
        raise SystemExit(f"run `make package STAGE={args.stage}` first")
    bucket = os.environ.get("SAMVAD_DEPLOY_BUCKET")
    public_url = os.environ.get("SAMVAD_PUBLIC_URL")
    if not bucket or not public_url:
        raise SystemExit("set SAMVAD_DEPLOY_BUCKET and SAMVAD_PUBLIC_URL (see README, Deploying)")
    template = json.loads(template_path.read_text(encoding="utf-8"))
    key = upload(boto3.client("s3"), bucket, archive, args.stage)
    for logical_id in FUNCTIONS:
        template["Resources"][logical_id]["Properties"]["CodeUri"] = {"Bucket": bucket, "Key": key}
    stack = f"samvad-{args.stage}"
    cloudformation = boto3.client("cloudformation")
    outputs = apply(cloudformation, stack, template, bucket, args.stage, public_url)
    for name, value in sorted(outputs.items()):
        print(f"{name}: {value}")
    return 0


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
    public_url: str,
) -> dict[str, str]:
    """Create or update the stack through a change set, wait, and return its outputs."""
    body = json.dumps(template)
    exists = bool(_stacks(cloudformation, stack))
    params = {
        "StackName": stack,
        "ChangeSetName": f"samvad-{hashlib.sha256(body.encode()).hexdigest()[:12]}",
        "ChangeSetType": "UPDATE" if exists else "CREATE",
        "Capabilities": CAPABILITIES,
        "Parameters": [
            {"ParameterKey": "Stage", "ParameterValue": stage},
            {"ParameterKey": "PublicUrl", "ParameterValue": public_url},
        ],
    }
    if len(body) > 51_200:  # CloudFormation takes larger templates only from S3
        key = f"samvad/{stage}/template-{params['ChangeSetName']}.json"
        import boto3

        boto3.client("s3").put_object(Bucket=bucket, Key=key, Body=body.encode())
        params["TemplateURL"] = f"https://{bucket}.s3.amazonaws.com/{key}"
    else:
        params["TemplateBody"] = body
    cloudformation.create_change_set(**params)
    waiter = cloudformation.get_waiter("change_set_create_complete")
    waiter.wait(StackName=stack, ChangeSetName=params["ChangeSetName"])
    cloudformation.execute_change_set(StackName=stack, ChangeSetName=params["ChangeSetName"])
    done = "stack_update_complete" if exists else "stack_create_complete"
    cloudformation.get_waiter(done).wait(StackName=stack)
    described = _stacks(cloudformation, stack)[0]
    return {o["OutputKey"]: o["OutputValue"] for o in described.get("Outputs", [])}


def _stacks(cloudformation: Any, stack: str) -> list[dict[str, Any]]:
    try:
        found: list[dict[str, Any]] = cloudformation.describe_stacks(StackName=stack)["Stacks"]
    except cloudformation.exceptions.ClientError:
        return []
    return found


def register(commands: Any) -> None:
    ship = commands.add_parser("deploy-stack", help="deploy the packaged stage to AWS")
    ship.add_argument("--stage", default="dev", choices=["dev", "prod"])
    ship.set_defaults(func=deploy)
