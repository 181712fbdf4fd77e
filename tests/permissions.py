"""What each Lambda function asks of AWS, checked against its role in the packaged template.

``CallRecorder`` hears every AWS call made by any botocore client created while it listens
(its hook rides in ``botocore.handlers.BUILTIN_HANDLERS``, which every new session registers),
of any service, and attributes it to the function of ``app.py`` that was running: the
outermost ``app.py`` frame on the stack names it (the authorizer ``admin_key``, the event
handlers, else a route of the API). Calls made outside ``app.py`` (the tests themselves, the
stand-in for the stream's event source mapping) are not the functions' and are left out.

``Role`` evaluates a role's policy statements as IAM does for identity policies: an explicit
Deny wins, else any Allow, else denied; ``Action``/``NotAction`` and ``Resource``/
``NotResource`` with IAM's ``*`` and ``?`` wildcards. A statement with a ``Condition`` is not
evaluated: it never allows here (and always denies), so a grant that depends on one fails
loudly rather than passing unproven.
"""

from __future__ import annotations

import copy
import json
import re
import sys
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from samvad_cli.template import FUNCTIONS, chalice_package, finish_template

REGION = "ap-south-1"  # the emulator's, as tests/conftest.py sets it

# app.py's entry points other than the API's routes, and their functions in the template.
ENTRY_POINTS = {
    "admin_key": "AdminKey",
    "send_due_followups": "SendDueFollowups",
    "send_new_followups": "SendNewFollowups",
    "inbound_sms": "InboundSms",
}
API = "APIHandler"
# DynamoDB checks a transaction's items with the actions of their kinds (there is no
# TransactWriteItems action in IAM).
TRANSACT_KINDS = {
    "Put": "PutItem",
    "Update": "UpdateItem",
    "Delete": "DeleteItem",
    "ConditionCheck": "ConditionCheckItem",
    "Get": "GetItem",
}


@dataclass(frozen=True)
class Call:
    function: str
    service: str  # IAM's prefix (the signing name): dynamodb, sns, secretsmanager ...
    operation: str
    params: dict[str, Any] = field(hash=False, compare=False)

    def __str__(self) -> str:
        return f"{self.function}: {self.service}.{self.operation}"


class CallRecorder:
    def __init__(self, app_file: str) -> None:
        self.app_file = str(Path(app_file).resolve())
        self.calls: list[Call] = []

    def __call__(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        function = self.running_function()
        if function is not None:
            service = model.service_model.signing_name
            self.calls.append(Call(function, service, model.name, copy.deepcopy(params)))

    def running_function(self) -> str | None:
        outermost = None
        frame = sys._getframe(1)
        while frame is not None:
            if frame.f_code.co_filename == self.app_file:
                outermost = frame.f_code.co_name
            frame = frame.f_back  # type: ignore[assignment]
        if outermost is None:
            return None
        return ENTRY_POINTS.get(outermost, API)


@dataclass(frozen=True)
class Account:
    region: str
    account_id: str

    def requests(self, call: Call) -> list[tuple[str, str]]:
        """The (action, resource) pairs IAM authorizes for ``call``."""
        params, operation = call.params, call.operation
        if call.service == "dynamodb":
            if operation in ("TransactWriteItems", "TransactGetItems"):
                return [
                    (f"dynamodb:{TRANSACT_KINDS[kind]}", self.table(item["TableName"]))
                    for entry in params["TransactItems"]
                    for kind, item in entry.items()
                ]
            if operation in ("BatchWriteItem", "BatchGetItem"):
                return [(f"dynamodb:{operation}", self.table(t)) for t in params["RequestItems"]]
            if "TableName" in params:
                resource = self.table(params["TableName"])
                if "IndexName" in params:
                    resource += f"/index/{params['IndexName']}"
                return [(f"dynamodb:{operation}", resource)]
            if "StreamArn" in params:
                return [(f"dynamodb:{operation}", params["StreamArn"])]
        if call.service == "sns":
            if operation in ("Publish", "PublishBatch"):  # one action for both
                target = params.get("TopicArn") or params.get("TargetArn")
                return [("sns:Publish", target or params["PhoneNumber"])]  # a number: no ARN
            if operation == "CheckIfPhoneNumberIsOptedOut":
                return [("sns:CheckIfPhoneNumberIsOptedOut", "*")]
        if call.service == "secretsmanager" and "SecretId" in params:
            secret = params["SecretId"]
            if not secret.startswith("arn:"):  # a name: AWS appends six random characters
                secret = (
                    f"arn:aws:secretsmanager:{self.region}:{self.account_id}:secret:{secret}-AbCdEf"
                )
            return [(f"secretsmanager:{operation}", secret)]
        # Any other call is checked too; with no known resource only a grant on "*" allows it
        # (teach this function the call's resource to check a narrower grant).
        return [(f"{call.service}:{operation}", f"(no resource known for {call.service})")]

    def table(self, name: str) -> str:
        if name.startswith("arn:"):
            return name
        return f"arn:aws:dynamodb:{self.region}:{self.account_id}:table/{name}"


def _pattern(text: str, ignore_case: bool) -> re.Pattern[str]:
    regex = "".join(".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in text)
    return re.compile(regex, re.IGNORECASE if ignore_case else 0)


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def matches(pattern: str, value: str, ignore_case: bool = False) -> bool:
    """IAM's wildcards: ``*`` any characters, ``?`` one."""
    return _pattern(pattern, ignore_case).fullmatch(value) is not None


def _any_match(patterns: Any, value: str, ignore_case: bool = False) -> bool:
    return any(matches(p, value, ignore_case) for p in _listed(patterns))


def statement_matches(statement: dict[str, Any], action: str, resource: str) -> bool:
    if "Action" in statement:
        acts = _any_match(statement["Action"], action, ignore_case=True)
    else:
        acts = not _any_match(statement["NotAction"], action, ignore_case=True)
    if "Resource" in statement:
        on = _any_match(statement["Resource"], resource)
    else:
        on = not _any_match(statement["NotResource"], resource)
    return acts and on


@dataclass
class Role:
    function: str
    statements: list[dict[str, Any]]

    def decide(self, action: str, resource: str) -> tuple[bool, list[dict[str, Any]]]:
        """Allowed or not, and the Allow statements that allowed it."""
        allowing = []
        for statement in self.statements:
            if not statement_matches(statement, action, resource):
                continue
            if statement["Effect"] == "Deny":
                return False, []
            if "Condition" not in statement:
                allowing.append(statement)
        return bool(allowing), allowing


class Resolver:
    """The template's ``Ref``, ``Fn::GetAtt``, ``Fn::Sub`` and ``Fn::Join`` with the
    emulator's physical resources in place of the template's logical ones."""

    def __init__(self, physical: dict[str, str], attributes: dict[str, str], account: Account):
        self.values = {
            **physical,
            **attributes,
            "AWS::Partition": "aws",
            "AWS::Region": account.region,
            "AWS::AccountId": account.account_id,
            "AWS::URLSuffix": "amazonaws.com",
        }

    def __call__(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self(v) for v in value]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            [(key, argument)] = value.items()
            if key == "Ref":
                return self.values[argument]
            if key == "Fn::GetAtt":
                return self.values[".".join(argument)]
            if key == "Fn::Sub":
                text, extra = (argument, {}) if isinstance(argument, str) else argument
                names = {**self.values, **{k: self(v) for k, v in extra.items()}}
                return re.sub(r"\$\{([^}!]+)\}", lambda m: names[m.group(1)], text)
            if key == "Fn::Join":
                separator, parts = argument
                return separator.join(self(parts))
        return {k: self(v) for k, v in value.items()}


def roles(template: dict[str, Any], functions: list[str], resolve: Resolver) -> dict[str, Role]:
    """Each function's role in the template, its statements resolved."""
    resources = template["Resources"]
    found = {}
    for function in functions:
        role = resources[resources[function]["Properties"]["Role"]["Fn::GetAtt"][0]]
        statements = [
            statement
            for policy in role["Properties"].get("Policies", [])
            for statement in _listed(resolve(policy["PolicyDocument"]["Statement"]))
        ]
        found[function] = Role(function, statements)
    return found


@contextmanager
def listening() -> Iterator[CallRecorder]:
    """A recorder hearing every client created meanwhile. ``BUILTIN_HANDLERS`` is changed in
    place: moto adds its own hook to that list when it is first imported."""
    import botocore.handlers

    import app

    recorder = CallRecorder(app.__file__)
    hook = ("provide-client-params", recorder)
    botocore.handlers.BUILTIN_HANDLERS.append(hook)
    try:
        yield recorder
    finally:
        botocore.handlers.BUILTIN_HANDLERS.remove(hook)


@lru_cache(maxsize=1)
def packaged_template() -> dict[str, Any]:
    """The dev stage's packaged template (built once: ``chalice package`` takes seconds)."""
    with tempfile.TemporaryDirectory() as out:
        return finish_template(chalice_package("dev", Path(out)), "dev")


def emulator_account() -> Account:
    from moto.core import DEFAULT_ACCOUNT_ID

    return Account(REGION, DEFAULT_ACCOUNT_ID)


def emulator_roles(template: dict[str, Any], aws: Any) -> dict[str, Role]:
    """Each function's statements with the emulator's table, index and topic ARNs."""
    import boto3

    account = emulator_account()
    cloudformation = boto3.client("cloudformation", region_name=REGION)
    stack = f"samvad-{aws.settings.stage}"
    physical = {
        r["LogicalResourceId"]: r["PhysicalResourceId"]
        for r in cloudformation.describe_stack_resources(StackName=stack)["StackResources"]
    }
    table = aws.adapters.dynamodb.describe_table(TableName=physical["Table"])["Table"]
    attributes = {"Table.Arn": table["TableArn"], "Table.StreamArn": table["LatestStreamArn"]}
    for logical_id, value in physical.items():
        if value.startswith("arn:"):
            attributes.setdefault(f"{logical_id}.Arn", value)
    # The template's Stage parameter is the emulator's stage (names like samvad/${Stage}).
    physical["Stage"] = aws.settings.stage
    return roles(template, list(FUNCTIONS), Resolver(physical, attributes, account))


def judge(
    calls: list[Call], function_roles: dict[str, Role]
) -> tuple[list[str], dict[str, set[str]], dict[str, set[str]]]:
    """The denied calls; per function the actions used; per function what its Allow
    statements grant that no call used ("action on resource")."""
    account = emulator_account()
    denied: list[str] = []
    used: dict[str, set[str]] = defaultdict(set)
    grants_used: set[tuple[str, int, str, str]] = set()
    for call in calls:
        role = function_roles[call.function]
        for action, resource in account.requests(call):
            allowed, allowing = role.decide(action, resource)
            if not allowed:
                denied.append(f"{call}: {action} on {resource}")
                continue
            used[call.function].add(action)
            for statement in allowing:
                index = role.statements.index(statement)
                for granted_action, granted in grants(statement):
                    if matches(granted_action, action, ignore_case=True) and (
                        granted.startswith("NotResource") or matches(granted, resource)
                    ):
                        grants_used.add((call.function, index, granted_action, granted))
    unused: dict[str, set[str]] = defaultdict(set)
    for function, role in function_roles.items():
        for index, statement in enumerate(role.statements):
            for granted_action, granted in grants(statement):
                if (function, index, granted_action, granted) not in grants_used:
                    unused[function].add(f"{granted_action} on {granted}")
    return denied, used, unused


def grants(statement: dict[str, Any]) -> list[tuple[str, str]]:
    """What an Allow statement grants: each action on each resource."""
    if statement["Effect"] != "Allow":
        return []
    actions = statement["Action"]
    if "NotResource" in statement:
        resources = ["NotResource " + json.dumps(statement["NotResource"])]
    else:
        listed = statement["Resource"]
        resources = listed if isinstance(listed, list) else [listed]
    return [
        (a, r) for a in (actions if isinstance(actions, list) else [actions]) for r in resources
    ]
