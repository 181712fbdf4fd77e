"""The stage's keys: read from Secrets Manager at run time, kept per container for minutes.

The secret (``SAMVAD_SECRET_ID``, ``samvad/<stage>`` on AWS) is one JSON object::

    {"contact_key": "...", "link_key": "...", "previous_link_key": "...",
     "admin_key_sha256": "<SHA-256 hex of the admin API key>"}

- ``contact_key`` derives contact ids (and salts the rate limiter's hashes of numbers and
  addresses). It is never rotated: opt-outs, referrals and erasure find a contact by its id,
  so a new contact key would forget every opt-out.
- ``link_key`` signs unsubscribe links and form (CSRF) tokens. It may be rotated: the old
  value becomes ``previous_link_key`` and a new ``link_key`` is set. New links are signed with
  ``link_key``; a link signed with either key verifies, so an SMS sent before the rotation
  keeps working. A link signed with an older key no longer does, but every later SMS brings a
  fresh link: rotate no more often than an SMS's unsubscribe link should keep working.
- ``previous_link_key`` is optional (absent before the first rotation).

Each container reads the secret once and again after ``MAX_AGE_SECONDS``, so a rotation
reaches every container within minutes without a redeploy.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from chalicelib.errors import Misconfigured

if TYPE_CHECKING:
    from mypy_boto3_secretsmanager import SecretsManagerClient

MIN_KEY_BYTES = 32
MAX_AGE_SECONDS = 300.0
RETRY_SECONDS = 10.0
_SHA256_HEX = re.compile(r"[0-9a-f]{64}\Z")


class SecretUnavailable(Misconfigured):
    """The secret cannot be read, or does not hold usable keys (the message names the field
    or the AWS error code, never a value)."""


@dataclass(frozen=True)
class Keys:
    contact: bytes
    link: bytes
    previous_link: bytes | None = None
    admin_key_sha256: str = ""

    @property
    def link_keys(self) -> tuple[bytes, ...]:
        """Every key a valid link may be signed with, the current one first."""
        return (self.link,) if self.previous_link is None else (self.link, self.previous_link)

    def current(self) -> Keys:
        """A fixed set of keys is its own source (previews, unit tests)."""
        return self

    @classmethod
    def from_secret(cls, text: str) -> Keys:
        """The keys in the secret's JSON.

        >>> keys = Keys.from_secret(json.dumps({"contact_key": "c" * 32, "link_key": "l" * 32,
        ...     "admin_key_sha256": "0" * 64}))
        >>> keys.link_keys == (b"l" * 32,), keys.previous_link
        (True, None)
        >>> Keys.from_secret('{"contact_key": "short"}')
        Traceback (most recent call last):
        ...
        chalicelib.consent.keys.SecretUnavailable: secret: contact_key must be 32 bytes or more
        """
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        if not isinstance(data, dict):
            raise SecretUnavailable("secret: not a JSON object")
        contact, link = _key(data, "contact_key"), _key(data, "link_key")
        previous = _key(data, "previous_link_key") if data.get("previous_link_key") else None
        admin = data.get("admin_key_sha256")
        if not isinstance(admin, str) or not _SHA256_HEX.fullmatch(admin.strip().lower()):
            raise SecretUnavailable("secret: admin_key_sha256 must be 64 hex digits")
        return cls(contact, link, previous, admin.strip().lower())


def _key(data: dict[str, Any], name: str) -> bytes:
    value = data.get(name)
    if not isinstance(value, str) or len(value.encode("utf-8")) < MIN_KEY_BYTES:
        raise SecretUnavailable(f"secret: {name} must be {MIN_KEY_BYTES} bytes or more")
    return value.encode("utf-8")


class KeySource(Protocol):
    def current(self) -> Keys: ...


def read_secret(client: SecretsManagerClient, secret_id: str) -> str:
    """The secret's current value (``GetSecretValue``); errors name only their code."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        return client.get_secret_value(SecretId=secret_id)["SecretString"]
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "ClientError")
        raise SecretUnavailable(f"secret {secret_id}: {code}") from exc
    except (BotoCoreError, KeyError) as exc:
        raise SecretUnavailable(f"secret {secret_id}: {type(exc).__name__}") from exc


class CachedKeys:
    """The keys of one secret, read at most once per ``max_age`` seconds in this container.

    A failed read is logged (one line) and not tried again for ``retry_after`` seconds:
    until the keys were read once, requests that need them get ``SecretUnavailable``; after
    that, the last good keys are kept, since a brief outage of Secrets Manager should not take
    the site down.
    """

    def __init__(
        self,
        read: Callable[[], str],
        monotonic: Callable[[], float],
        max_age: float = MAX_AGE_SECONDS,
        retry_after: float = RETRY_SECONDS,
    ) -> None:
        self._read = read
        self._monotonic = monotonic
        self._max_age = max_age
        self._retry_after = retry_after
        self._lock = threading.Lock()
        self._keys: Keys | None = None
        self._problem: str | None = None
        self._next_read = 0.0

    def current(self) -> Keys:
        with self._lock:
            now = self._monotonic()
            if now < self._next_read:
                if self._keys is not None:
                    return self._keys
                raise SecretUnavailable(self._problem or "secret unavailable")
            try:
                self._keys = Keys.from_secret(self._read())
            except SecretUnavailable as exc:
                self._problem = str(exc)
                self._next_read = now + self._retry_after
                _log_problem(self._problem, keeping=self._keys is not None)
                if self._keys is None:
                    raise
                return self._keys
            self._problem = None
            self._next_read = now + self._max_age
            return self._keys


def _log_problem(problem: str, keeping: bool) -> None:
    from chalicelib.logs import get_logger

    get_logger().error(
        f"cannot use the stage's secret: {problem}",
        extra={"event": "config.secret_unavailable", "problem": problem, "keeping_old": keeping},
    )
