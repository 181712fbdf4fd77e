"""Who may do what: the one table of roles and their actions, used by every admin route and
console page (``web/admin.py``, ``web/accounts.py``, ``web/console.py``).

Roles are cumulative: each may do what the one before it may, and more.

- ``viewer`` reads the campaigns and their funnel counts. No customer's answer: answers,
  exports and threads hold what customers wrote (and exports are how data leaves).
- ``editor`` also reads answers (and exports them), deploys new versions, moderates shares and
  replies to customers.
- ``publisher`` also makes a version live and rolls back.
- ``admin`` also erases a contact's data, manages the users and reads the audit log.

>>> allows(Role.VIEWER, Action.PUBLISH), allows(Role.PUBLISHER, Action.PUBLISH)
(False, True)
>>> allows(Role.EDITOR, Action.ERASE), allows(Role.ADMIN, Action.ERASE)
(False, True)
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    VIEWER = "viewer"
    EDITOR = "editor"
    PUBLISHER = "publisher"
    ADMIN = "admin"


class Action(StrEnum):
    READ_CAMPAIGNS = "read_campaigns"  # list, show, stats
    READ_ANSWERS = "read_answers"  # responses, export, threads, the moderation queue
    DEPLOY = "deploy"
    MODERATE = "moderate"
    REPLY = "reply"
    PUBLISH = "publish"
    ROLLBACK = "rollback"
    ERASE = "erase"
    MANAGE_USERS = "manage_users"
    READ_AUDIT = "read_audit"


_VIEWER = frozenset({Action.READ_CAMPAIGNS})
_EDITOR = _VIEWER | {Action.READ_ANSWERS, Action.DEPLOY, Action.MODERATE, Action.REPLY}
_PUBLISHER = _EDITOR | {Action.PUBLISH, Action.ROLLBACK}
_ADMIN = _PUBLISHER | {Action.ERASE, Action.MANAGE_USERS, Action.READ_AUDIT}

ALLOWED: dict[Role, frozenset[Action]] = {
    Role.VIEWER: _VIEWER,
    Role.EDITOR: _EDITOR,
    Role.PUBLISHER: _PUBLISHER,
    Role.ADMIN: _ADMIN,
}
"""Role → the actions it may take."""


def allows(role: Role, action: Action) -> bool:
    return action in ALLOWED[role]


def parse_role(text: str) -> Role | None:
    """The role named ``text``, or None.

    >>> parse_role("editor"), parse_role("root")
    (<Role.EDITOR: 'editor'>, None)
    """
    try:
        return Role(text)
    except ValueError:
        return None
