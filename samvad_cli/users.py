"""``samvad users``: marketers' accounts (add, list, role, disable, key).

Without ``--api`` the commands use the stage's table directly, as the other commands do: whoever
holds credentials for the table is trusted as an admin, and is named ``cli:<$USER>`` in the
audit log. With ``--api URL`` they call the admin API with the key in ``SAMVAD_ADMIN_KEY`` (an
admin's key; or the stage's bootstrap key, which may only add the first admin).
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from typing import Any

from chalicelib.accounts.model import Principal
from chalicelib.accounts.roles import Role
from chalicelib.errors import SamvadError
from samvad_cli.context import services

ROLES = [str(role) for role in Role]


def _cli() -> Principal:
    return Principal(f"cli:{os.environ.get('USER', 'unknown')}", Role.ADMIN)


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass(f"password for {args.name}: ")
    if getpass.getpass("again: ") != first:
        raise SamvadError("the two passwords differ")
    return first


def _api(args: argparse.Namespace, method: str, path: str, body: Any = None) -> Any:
    import requests

    key = os.environ.get("SAMVAD_ADMIN_KEY")
    if not key:
        raise SamvadError("--api needs an admin's API key in SAMVAD_ADMIN_KEY")
    answer = requests.request(
        method,
        args.api.rstrip("/") + "/admin/api/v1" + path,
        headers={"Authorization": f"Bearer {key}"},
        json=body if body is not None else ({} if method == "POST" else None),
        timeout=30,
    )
    if answer.status_code >= 400:
        try:
            message = answer.json()["error"]["message"]
        except (ValueError, KeyError, TypeError):
            message = answer.text[:200]
        raise SamvadError(f"{answer.status_code}: {message}")
    return answer.json()


def add(args: argparse.Namespace) -> int:
    password = _password(args)
    if args.api:
        body = {"name": args.name, "role": args.role, "password": password}
        done = _api(args, "POST", "/users", body)
        print(f"added {done['name']} ({done['role']})")
        if "key" in done:
            print(f"API key (shown once): {done['key']}")
        return 0
    user = services().accounts.add_user(_cli(), args.name, Role(args.role), password)
    print(f"added {user.name} ({user.role})")
    return 0


def list_users(args: argparse.Namespace) -> int:
    if args.api:
        users = [
            (u["name"], u["role"], u["disabled"]) for u in _api(args, "GET", "/users")["users"]
        ]
    else:
        users = [(u.name, str(u.role), u.disabled) for u in services().accounts.users()]
    print(f"{'NAME':24}  {'ROLE':9}  STATUS")
    for name, role, disabled in users:
        print(f"{name:24}  {role:9}  {'disabled' if disabled else 'active'}")
    return 0


def role(args: argparse.Namespace) -> int:
    if args.api:
        _api(args, "POST", f"/users/{args.name}/role", {"role": args.role})
    else:
        services().accounts.set_role(_cli(), args.name, Role(args.role))
    print(f"{args.name} is now {args.role}")
    return 0


def disable(args: argparse.Namespace) -> int:
    if args.api:
        _api(args, "POST", f"/users/{args.name}/disable")
    else:
        services().accounts.disable(_cli(), args.name)
    print(f"{args.name} is disabled: their keys and console sessions no longer work")
    return 0


def key(args: argparse.Namespace) -> int:
    if args.api:
        new = _api(args, "POST", f"/users/{args.name}/keys")["key"]
    else:
        new = services().accounts.issue_key(_cli(), args.name)
    print(f"API key for {args.name} (shown once, stored hashed): {new}")
    return 0


def _guarded(command: Any) -> Any:
    def run(args: argparse.Namespace) -> int:
        try:
            result: int = command(args)
        except SamvadError as exc:
            print(f"samvad users: {exc}", file=sys.stderr)
            return 1
        return result

    return run


def register(commands: Any) -> None:
    users = commands.add_parser("users", help="marketers' accounts and roles")
    users.add_argument("--api", default=None, help="a deployed admin API instead of the table")
    sub = users.add_subparsers(dest="command", required=True)
    adding = sub.add_parser("add", help="add a user (asks for the password)")
    adding.add_argument("name")
    adding.add_argument("--role", choices=ROLES, required=True)
    adding.add_argument("--password-stdin", action="store_true", help="read it from stdin")
    adding.set_defaults(func=_guarded(add))
    sub.add_parser("list", help="every user").set_defaults(func=_guarded(list_users))
    changing = sub.add_parser("role", help="change a user's role")
    changing.add_argument("name")
    changing.add_argument("role", choices=ROLES)
    changing.set_defaults(func=_guarded(role))
    disabling = sub.add_parser("disable", help="disable a user (keys and sessions stop)")
    disabling.add_argument("name")
    disabling.set_defaults(func=_guarded(disable))
    keying = sub.add_parser("key", help="a new API key for a user (shown once)")
    keying.add_argument("name")
    keying.set_defaults(func=_guarded(key))
