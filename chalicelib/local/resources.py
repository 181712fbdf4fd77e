"""Create the stage's resources on the emulator from the same template that AWS deploys, and
the stage's secret with development keys (on AWS the operator creates it: README, Deploying)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

TEMPLATE = Path(__file__).resolve().parents[2] / "infra" / "resources.yaml"
# Public, development-only keys: the local stack reads them through Secrets Manager like a
# deployed stage, so `make run` and the tests take the same code path.
DEVELOPMENT_CONTACT_KEY = b"samvad-local-development-contact-key-not-a-secret"
DEVELOPMENT_LINK_KEY = b"samvad-local-development-link-key-not-a-secret"


def ensure_stack(cloudformation: Any, stage: str, timeout: float = 60.0) -> dict[str, str]:
    """Create (or find) the stack ``samvad-<stage>`` and return its outputs."""
    name = f"samvad-{stage}"
    try:
        cloudformation.create_stack(
            StackName=name,
            TemplateBody=TEMPLATE.read_text(encoding="utf-8"),
            Parameters=[{"ParameterKey": "Stage", "ParameterValue": stage}],
        )
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") != "AlreadyExistsException":
            raise
    deadline = time.monotonic() + timeout
    while True:
        stack = cloudformation.describe_stacks(StackName=name)["Stacks"][0]
        status = stack["StackStatus"]
        if status.endswith("_COMPLETE") and "ROLLBACK" not in status:
            return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
        if "FAILED" in status or "ROLLBACK" in status or time.monotonic() > deadline:
            raise RuntimeError(f"stack {name} is {status}: {stack.get('StackStatusReason', '')}")
        time.sleep(0.2)


def ensure_secret(
    secretsmanager: Any, stage: str, admin_key_sha256: str, keep_existing: bool = False
) -> str:
    """Create the secret ``samvad/<stage>`` with the development keys and this admin key's
    hash (or set them, unless ``keep_existing``); returns its ARN (``SAMVAD_SECRET_ID``)."""
    name = f"samvad/{stage}"
    value = json.dumps(
        {
            "contact_key": DEVELOPMENT_CONTACT_KEY.decode(),
            "link_key": DEVELOPMENT_LINK_KEY.decode(),
            "admin_key_sha256": admin_key_sha256,
        }
    )
    try:
        arn: str = secretsmanager.create_secret(Name=name, SecretString=value)["ARN"]
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") != "ResourceExistsException":
            raise
        if keep_existing:
            arn = secretsmanager.describe_secret(SecretId=name)["ARN"]
        else:
            arn = secretsmanager.put_secret_value(SecretId=name, SecretString=value)["ARN"]
    return arn


def stage_settings(outputs: dict[str, str], secret_arn: str) -> dict[str, str]:
    """The functions' settings for the stack's resources, as the packaged template sets them."""
    return {
        "SAMVAD_TABLE": outputs["TableName"],
        "SAMVAD_EVENTS_TOPIC_ARN": outputs["EventsTopicArn"],
        "SAMVAD_FOLLOWUPS_TOPIC_ARN": outputs["FollowupsTopicArn"],
        "SAMVAD_SECRET_ID": secret_arn,
    }


def provision(client: Callable[[str], Any], stage: str, admin_key_sha256: str) -> dict[str, str]:
    """The stage's resources and secret on the emulator; returns the functions' settings."""
    outputs = ensure_stack(client("cloudformation"), stage)
    return stage_settings(outputs, ensure_secret(client("secretsmanager"), stage, admin_key_sha256))
