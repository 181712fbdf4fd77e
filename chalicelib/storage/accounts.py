"""Marketers' accounts in DynamoDB, beside everything else (same table, own keys).

Keys (see README, "Table design"):
- user:      ``ACCOUNTS`` / ``USER#<name>`` (one partition: a Query lists every user; there
             are tens of them, not millions);
- API key:   ``APIKEY#<sha256 of the key>`` / ``APIKEY`` → the user's name;
- session:   ``SESSION#<sha256 of the cookie's token>`` / ``SESSION``, deleted by TTL after
             its absolute expiry (sign-out marks it ended: the API function has no DeleteItem);
- attempts:  ``SIGNIN#<subject>`` / ``SIGNIN`` (failed sign-ins and a lock), deleted by TTL;
- audit:     ``AUDIT`` / ``<ISO time>#<entry id>``: one partition read newest first (admin
             actions are a few a minute at most), kept two years (TTL).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from chalicelib.accounts.model import Attempts, AuditEntry, Session, User
from chalicelib.accounts.roles import Role
from chalicelib.storage.errors import aws_failures, conditional
from chalicelib.storage.items import dump_item, expires_at, load_item, query_all

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

USERS = "ACCOUNTS"


def _time(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) and value else None


def _user(item: dict[str, Any]) -> User:
    return User(
        name=item["name"],
        role=Role(item["role"]),
        password_hash=item["password_hash"],
        created_at=datetime.fromisoformat(item["created_at"]),
        disabled=bool(item.get("disabled", False)),
    )


def _user_item(user: User) -> dict[str, Any]:
    return {
        "pk": USERS,
        "sk": f"USER#{user.name}",
        "type": "user",
        "name": user.name,
        "role": str(user.role),
        "password_hash": user.password_hash,
        "created_at": user.created_at.isoformat(),
        "disabled": user.disabled,
    }


class AccountStore:
    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self._client = client
        self._table = table_name

    def _get(self, pk: str, sk: str) -> dict[str, Any] | None:
        with aws_failures():
            item = self._client.get_item(
                TableName=self._table, Key=dump_item({"pk": pk, "sk": sk}), ConsistentRead=True
            ).get("Item")
        return load_item(item) if item else None

    def _put(self, item: dict[str, Any]) -> None:
        with aws_failures():
            self._client.put_item(TableName=self._table, Item=dump_item(item))

    def create_user(self, user: User) -> bool:
        written = conditional(
            self._client.put_item,
            TableName=self._table,
            Item=dump_item(_user_item(user)),
            ConditionExpression="attribute_not_exists(pk)",
        )
        return written is not None

    def save_user(self, user: User) -> None:
        self._put(_user_item(user))

    def user(self, name: str) -> User | None:
        item = self._get(USERS, f"USER#{name}")
        return _user(item) if item else None

    def users(self) -> list[User]:
        items = query_all(
            self._client,
            self._table,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :user)",
            ExpressionAttributeValues=dump_item({":pk": USERS, ":user": "USER#"}),
            ConsistentRead=True,
        )
        return [_user(item) for item in items]

    def add_key(self, key_hash: str, user: str, at: datetime) -> None:
        self._put(
            {
                "pk": f"APIKEY#{key_hash}",
                "sk": "APIKEY",
                "type": "api_key",
                "user": user,
                "created_at": at.isoformat(),
            }
        )

    def key_owner(self, key_hash: str) -> str | None:
        item = self._get(f"APIKEY#{key_hash}", "APIKEY")
        return str(item["user"]) if item else None

    def add_session(self, session: Session, expires: datetime) -> None:
        self.save_session(session, expires)

    def session(self, token_hash: str) -> Session | None:
        item = self._get(f"SESSION#{token_hash}", "SESSION")
        if item is None:
            return None
        return Session(
            token_hash=token_hash,
            user=item["user"],
            created_at=datetime.fromisoformat(item["created_at"]),
            last_seen=datetime.fromisoformat(item["last_seen"]),
            ended=bool(item.get("ended", False)),
        )

    def save_session(self, session: Session, expires: datetime) -> None:
        self._put(
            {
                "pk": f"SESSION#{session.token_hash}",
                "sk": "SESSION",
                "type": "session",
                "user": session.user,
                "created_at": session.created_at.isoformat(),
                "last_seen": session.last_seen.isoformat(),
                "ended": session.ended,
                "expires_at": int(expires.timestamp()),
            }
        )

    def attempts(self, subject: str) -> Attempts:
        item = self._get(f"SIGNIN#{subject}", "SIGNIN")
        if item is None:
            return Attempts()
        return Attempts(
            failures=int(item.get("failures", 0)),
            window_start=_time(item.get("window_start")),
            locked_until=_time(item.get("locked_until")),
        )

    def save_attempts(self, subject: str, attempts: Attempts, expires: datetime) -> None:
        self._put(
            {
                "pk": f"SIGNIN#{subject}",
                "sk": "SIGNIN",
                "type": "signin_attempts",
                "failures": attempts.failures,
                "window_start": attempts.window_start.isoformat() if attempts.window_start else "",
                "locked_until": attempts.locked_until.isoformat() if attempts.locked_until else "",
                "expires_at": int(expires.timestamp()),
            }
        )


class AuditStore:
    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self._client = client
        self._table = table_name

    def record(self, entry: AuditEntry) -> None:
        item = {
            "pk": "AUDIT",
            "sk": f"{entry.at.isoformat()}#{entry.entry_id}",
            "type": "audit",
            "at": entry.at.isoformat(),
            "who": entry.who,
            "action": entry.action,
            "target": entry.target,
            "outcome": entry.outcome,
            "entry_id": entry.entry_id,
            "expires_at": expires_at(entry.at),
        }
        with aws_failures():
            self._client.put_item(TableName=self._table, Item=dump_item(item))

    def recent(self, limit: int) -> list[AuditEntry]:
        with aws_failures():
            answer = self._client.query(
                TableName=self._table,
                KeyConditionExpression="pk = :pk",
                ExpressionAttributeValues=dump_item({":pk": "AUDIT"}),
                ScanIndexForward=False,
                Limit=limit,
            )
        return [
            AuditEntry(
                at=datetime.fromisoformat(item["at"]),
                who=item["who"],
                action=item["action"],
                target=item.get("target", ""),
                outcome=item.get("outcome", "ok"),
                entry_id=item.get("entry_id", ""),
            )
            for item in (load_item(raw) for raw in answer.get("Items", []))
        ]
