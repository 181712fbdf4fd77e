"""The local stack's (and the tests') admin user: on AWS the first admin is created with the
stage's bootstrap key (README, Accounts); locally the stack creates ``local-admin`` at start,
with the API key the CLI and the tests send (``SAMVAD_ADMIN_KEY``) and a console password."""

from __future__ import annotations

from datetime import datetime

from chalicelib.accounts.model import User
from chalicelib.accounts.passwords import hash_password
from chalicelib.accounts.ports import AccountStore
from chalicelib.accounts.roles import Role
from chalicelib.accounts.service import sha256

LOCAL_ADMIN = "local-admin"


def ensure_admin(
    store: AccountStore, key: str, password: str, now: datetime, name: str = LOCAL_ADMIN
) -> None:
    """``name`` is an enabled admin with this API key and password (created or reset)."""
    user = User(name, Role.ADMIN, hash_password(password), now)
    if not store.create_user(user):
        store.save_user(user)
    store.add_key(sha256(key), name, now)
