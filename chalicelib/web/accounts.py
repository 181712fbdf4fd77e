"""The admin API's users and audit routes (``/admin/api/v1/users``, ``/audit``).

``POST /users`` is the one route the stage's bootstrap key may use, and only while no enabled
admin exists: it creates the first admin and answers with that admin's API key (shown once).
"""

from __future__ import annotations

from typing import Any

from chalicelib.accounts.model import Principal, User
from chalicelib.accounts.roles import Action, parse_role
from chalicelib.bootstrap import Services
from chalicelib.web.admin import body_of, guarded
from chalicelib.web.http import BadRequest, WebRequest, WebResponse


def _user(user: User) -> dict[str, Any]:
    return {
        "name": user.name,
        "role": str(user.role),
        "disabled": user.disabled,
        "created_at": user.created_at.isoformat(),
    }


def _text(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str):
        raise BadRequest(f"bad_{name}")
    return value


def _role(body: dict[str, Any]) -> Any:
    role = parse_role(_text(body, "role"))
    if role is None:
        raise BadRequest("bad_role")
    return role


def add_user(services: Services, request: WebRequest) -> WebResponse:
    def action(who: Principal) -> WebResponse:
        body = body_of(request)
        name, role, password = _text(body, "name"), _role(body), _text(body, "password")
        user = services.accounts.add_user(who, name, role, password)
        answer = _user(user)
        if who.is_bootstrap or body.get("issue_key") is True:
            answer["key"] = services.accounts.issue_key(who, user.name)
        return WebResponse.json(answer, 201)

    return guarded(services, request, Action.MANAGE_USERS, action, bootstrap=True)


def list_users(services: Services, request: WebRequest) -> WebResponse:
    return guarded(
        services,
        request,
        Action.MANAGE_USERS,
        lambda _: WebResponse.json({"users": [_user(u) for u in services.accounts.users()]}),
    )


def set_role(services: Services, name: str, request: WebRequest) -> WebResponse:
    def action(who: Principal) -> WebResponse:
        user = services.accounts.set_role(who, name, _role(body_of(request)))
        return WebResponse.json(_user(user))

    return guarded(services, request, Action.MANAGE_USERS, action)


def disable(services: Services, name: str, request: WebRequest) -> WebResponse:
    return guarded(
        services,
        request,
        Action.MANAGE_USERS,
        lambda who: WebResponse.json(_user(services.accounts.disable(who, name))),
    )


def issue_key(services: Services, name: str, request: WebRequest) -> WebResponse:
    return guarded(
        services,
        request,
        Action.MANAGE_USERS,
        lambda who: WebResponse.json(
            {"name": name, "key": services.accounts.issue_key(who, name)}, 201
        ),
    )


def audit(services: Services, request: WebRequest) -> WebResponse:
    def action(_: Principal) -> WebResponse:
        limit = request.query.get("limit", "100")
        if not limit.isdigit() or len(limit) > 4:
            raise BadRequest("bad_limit")
        entries = services.accounts.audit(int(limit))
        return WebResponse.json(
            {
                "entries": [
                    {
                        "at": e.at.isoformat(),
                        "who": e.who,
                        "action": e.action,
                        "target": e.target,
                        "outcome": e.outcome,
                    }
                    for e in entries
                ]
            }
        )

    return guarded(services, request, Action.READ_AUDIT, action)
