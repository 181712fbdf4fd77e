"""Password hashing with scrypt (``hashlib.scrypt``, memory-hard, in the standard library).

Parameters: N = 2**15, r = 8, p = 1 (32 MiB and about 50-100 ms per hash on a Lambda core:
OWASP's recommended minimum for scrypt is N = 2**17 with r = 8, p = 1 *or* an equivalent
cost; 2**15 keeps a sign-in within the API function's memory and time, and sign-in is also
rate-limited and locked after repeated failures), a random 16-byte salt per password, a 32-byte
key. The stored text names its parameters, so they can be raised later: old hashes still
verify with theirs. Comparison is constant-time (``hmac.compare_digest``).

>>> stored = hash_password("correct horse", cost=2**10)
>>> stored.startswith("scrypt$1024$8$1$")
True
>>> verify_password("correct horse", stored), verify_password("Correct horse", stored)
(True, False)
>>> verify_password("anything", "not-a-hash")
False
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

COST = 2**15  # N
BLOCK_SIZE = 8  # r
PARALLELISM = 1  # p
KEY_BYTES = 32
SALT_BYTES = 16
MAX_MEMORY = 64 * 1024 * 1024  # OpenSSL's default cap (32 MiB) is exactly N=2**15, r=8
MIN_PASSWORD_CHARS = 10
MAX_PASSWORD_CHARS = 1024


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _derive(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=MAX_MEMORY, dklen=KEY_BYTES
    )


def hash_password(password: str, cost: int = COST) -> str:
    """``scrypt$N$r$p$<salt>$<key>`` (base64), with a new salt."""
    salt = secrets.token_bytes(SALT_BYTES)
    key = _derive(password, salt, cost, BLOCK_SIZE, PARALLELISM)
    return f"scrypt${cost}${BLOCK_SIZE}${PARALLELISM}${_b64(salt)}${_b64(key)}"


def verify_password(password: str, stored: str) -> bool:
    """Whether ``password`` is the one ``stored`` was made from (False for a malformed hash)."""
    parts = stored.split("$")
    if len(parts) != 6 or parts[0] != "scrypt":
        return False
    try:
        n, r, p = int(parts[1]), int(parts[2]), int(parts[3])
        salt, expected = base64.b64decode(parts[4]), base64.b64decode(parts[5])
        if not (2 <= n <= 2**20 and 1 <= r <= 16 and 1 <= p <= 4):
            return False
        given = _derive(password[:MAX_PASSWORD_CHARS], salt, n, r, p)
    except ValueError:
        return False
    return hmac.compare_digest(given, expected)


def password_problem(password: str) -> str | None:
    """Why ``password`` may not be set, or None.

    >>> password_problem("short"), password_problem("long enough, really")
    ('a password needs 10 characters or more', None)
    """
    if len(password) < MIN_PASSWORD_CHARS:
        return f"a password needs {MIN_PASSWORD_CHARS} characters or more"
    if len(password) > MAX_PASSWORD_CHARS:
        return f"a password may have {MAX_PASSWORD_CHARS} characters at most"
    return None


DUMMY_HASH = (
    "scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
)
"""Verified against when the user does not exist, so that a sign-in takes as long either way."""
