"""Create the stage's resources on the emulator from the same template that AWS deploys."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

TEMPLATE = Path(__file__).resolve().parents[2] / "infra" / "resources.yaml"


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
