"""The IAM evaluator of tests/permissions.py, which the permissions test trusts: it must deny
what IAM denies, or that test proves nothing."""

from __future__ import annotations

from typing import Any

from tests.permissions import Account, Call, Resolver, Role

ACCOUNT = Account("ap-south-1", "123456789012")
TABLE = "arn:aws:dynamodb:ap-south-1:123456789012:table/samvad-dev"


def allowed(statements: list[dict[str, Any]], call: Call) -> bool:
    role = Role(call.function, statements)
    return all(role.decide(action, resource)[0] for action, resource in ACCOUNT.requests(call))


def allow(actions: list[str], resources: Any, **more: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": actions, "Resource": resources, **more}


def test_a_call_to_a_service_the_role_never_mentions_is_denied() -> None:
    secret = Call("AdminKey", "secretsmanager", "GetSecretValue", {"SecretId": "samvad/dev"})
    other = Call("AdminKey", "kms", "Decrypt", {"CiphertextBlob": b"x"})
    scoped = "arn:aws:secretsmanager:ap-south-1:123456789012:secret:samvad/dev-??????"

    assert not allowed([allow(["dynamodb:GetItem"], [TABLE])], secret)
    assert allowed([allow(["secretsmanager:GetSecretValue"], [scoped])], secret)
    assert not allowed([allow(["secretsmanager:GetSecretValue"], [scoped + "x"])], secret)
    assert not allowed([allow(["kms:Decrypt"], ["arn:aws:kms:*:*:key/abc"])], other)
    assert allowed([allow(["kms:Decrypt"], "*")], other)


def test_each_item_of_a_transaction_needs_its_own_action() -> None:
    transaction = Call(
        "APIHandler",
        "dynamodb",
        "TransactWriteItems",
        {
            "TransactItems": [
                {"Put": {"TableName": "samvad-dev", "Item": {}}},
                {"Update": {"TableName": "samvad-dev", "Key": {}}},
            ]
        },
    )

    assert not allowed([allow(["dynamodb:PutItem"], [TABLE])], transaction)
    assert allowed([allow(["dynamodb:PutItem", "dynamodb:UpdateItem"], [TABLE])], transaction)


def test_a_query_of_an_index_needs_the_index() -> None:
    query = Call("APIHandler", "dynamodb", "Query", {"TableName": "samvad-dev", "IndexName": "due"})

    assert not allowed([allow(["dynamodb:Query"], [TABLE])], query)
    assert allowed([allow(["dynamodb:Query"], [TABLE + "/index/due"])], query)
    assert not allowed([allow(["dynamodb:Query"], [TABLE + "/index/by_campaign"])], query)


def test_sms_to_a_number_is_not_a_topic_and_a_topic_is_not_a_number() -> None:
    sms = Call("SendDueFollowups", "sns", "Publish", {"PhoneNumber": "+919876500001"})
    topic = "arn:aws:sns:ap-south-1:123456789012:samvad-dev-campaign-events"
    event = Call("SendDueFollowups", "sns", "PublishBatch", {"TopicArn": topic})
    phones = {"Effect": "Allow", "Action": ["sns:Publish"], "NotResource": "arn:aws:sns:*:*:*"}

    assert allowed([phones], sms)
    assert not allowed([phones], event)
    assert allowed([allow(["sns:Publish"], [topic])], event)


def test_an_explicit_deny_wins_and_a_condition_is_never_assumed_to_hold() -> None:
    get = Call("APIHandler", "dynamodb", "GetItem", {"TableName": "samvad-dev"})
    deny = {"Effect": "Deny", "Action": ["dynamodb:*"], "Resource": "*"}
    conditional = allow(["dynamodb:GetItem"], [TABLE], Condition={"Bool": {"aws:x": "true"}})

    assert not allowed([allow(["dynamodb:GetItem"], [TABLE]), deny], get)
    assert not allowed([conditional], get)
    assert allowed([allow(["DynamoDB:Get*"], ["arn:aws:dynamodb:*:*:table/samvad-*"])], get)


def test_the_templates_references_resolve_to_the_emulators_resources() -> None:
    resolve = Resolver(
        {"Table": "samvad-local", "EventsTopic": "arn:aws:sns:ap-south-1:123456789012:t"},
        {"Table.Arn": TABLE},
        ACCOUNT,
    )

    assert resolve({"Fn::GetAtt": ["Table", "Arn"]}) == TABLE
    assert resolve({"Fn::Sub": "${Table.Arn}/index/due"}) == TABLE + "/index/due"
    assert resolve([{"Ref": "EventsTopic"}]) == ["arn:aws:sns:ap-south-1:123456789012:t"]
    assert (
        resolve(
            {"Fn::Sub": "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:x"}
        )
        == "arn:aws:logs:ap-south-1:123456789012:log-group:x"
    )
