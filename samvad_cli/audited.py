"""The table-direct backend of the campaign commands, writing the audit log as the admin API
does: who is ``cli:$USER``, what and to what (ids only; a customer's response or share by the
hash of its id, ``chalicelib/accounts/service.py: pseudonym``)."""

from __future__ import annotations

import os
from typing import Any

from chalicelib.accounts.service import pseudonym
from samvad_cli.backend import LocalBackend


class AuditedBackend:
    def __init__(self, inner: LocalBackend) -> None:
        self._inner = inner

    def _record(self, action: str, target: str) -> None:
        who = f"cli:{os.environ.get('USER', 'unknown')}"
        self._inner.services.accounts.record(who, action, target)

    def list(self) -> list[dict[str, Any]]:
        return self._inner.list()

    def show(self, slug: str) -> dict[str, Any]:
        return self._inner.show(slug)

    def deploy(self, text: str, file: str) -> dict[str, Any]:
        done = self._inner.deploy(text, file)
        self._record("deploy", f"{done['slug']} v{done['version']}")
        return done

    def publish(self, slug: str, version: int) -> dict[str, Any]:
        done = self._inner.publish(slug, version)
        self._record("publish", f"{slug} v{version}")
        return done

    def rollback(self, slug: str) -> dict[str, Any]:
        done = self._inner.rollback(slug)
        self._record("rollback", f"{slug} v{done['published']}")
        return done

    def responses(self, slug: str, limit: int, cursor: str | None) -> dict[str, Any]:
        return self._inner.responses(slug, limit, cursor)

    def stats(self, slug: str) -> dict[str, Any]:
        return self._inner.stats(slug)

    def moderation(self, slug: str, status: str) -> dict[str, Any]:
        return self._inner.moderation(slug, status)

    def moderate(self, slug: str, share_id: str, decision: str) -> dict[str, Any]:
        done = self._inner.moderate(slug, share_id, decision)
        self._record(f"moderate.{decision}", f"{slug} share {pseudonym(share_id)}")
        return done

    def reply(self, slug: str, response_id: str, text: str) -> dict[str, Any]:
        done = self._inner.reply(slug, response_id, text)
        self._record("reply", f"{slug} response {pseudonym(response_id)}")
        return done

    def thread(self, slug: str, response_id: str) -> dict[str, Any]:
        return self._inner.thread(slug, response_id)
