"""Where campaign commands act: DynamoDB directly (with the app's code), or a deployed admin
API (``--api URL``). Both return the same plain data, so the commands print the same."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from chalicelib.errors import SamvadError

if TYPE_CHECKING:
    from chalicelib.bootstrap import Services


class CommandFailed(SamvadError):
    """What the user asked cannot be done; the message says why."""


class Backend(Protocol):
    def list(self) -> list[dict[str, Any]]: ...
    def show(self, slug: str) -> dict[str, Any]: ...
    def deploy(self, text: str, file: str) -> dict[str, Any]: ...
    def publish(self, slug: str, version: int) -> dict[str, Any]: ...
    def rollback(self, slug: str) -> dict[str, Any]: ...
    def responses(self, slug: str, limit: int, cursor: str | None) -> dict[str, Any]: ...
    def stats(self, slug: str) -> dict[str, Any]: ...
    def moderation(self, slug: str, status: str) -> dict[str, Any]: ...
    def moderate(self, slug: str, share_id: str, decision: str) -> dict[str, Any]: ...
    def reply(self, slug: str, response_id: str, text: str) -> dict[str, Any]: ...
    def thread(self, slug: str, response_id: str) -> dict[str, Any]: ...


class LocalBackend:
    """The app's own code against the table (the local stack's, or AWS with credentials)."""

    def __init__(self, services: Callable[[], Services]) -> None:
        self._services = services
        self._cached: Services | None = None

    @property
    def services(self) -> Services:
        if self._cached is None:
            self._cached = self._services()
        return self._cached

    def list(self) -> list[dict[str, Any]]:
        return self.services.admin.list_campaigns()

    def show(self, slug: str) -> dict[str, Any]:
        return self.services.admin.show_campaign(slug)

    def deploy(self, text: str, file: str) -> dict[str, Any]:
        by = os.environ.get("USER", "samvad-cli")
        return self.services.admin.deploy(text, file, by)

    def publish(self, slug: str, version: int) -> dict[str, Any]:
        return self.services.admin.publish(slug, version)

    def rollback(self, slug: str) -> dict[str, Any]:
        return self.services.admin.rollback(slug)

    def responses(self, slug: str, limit: int, cursor: str | None) -> dict[str, Any]:
        return self.services.admin.responses(slug, limit, cursor)

    def stats(self, slug: str) -> dict[str, Any]:
        return self.services.admin.stats(slug)

    def moderation(self, slug: str, status: str) -> dict[str, Any]:
        return self.services.admin.moderation_queue(slug, status)

    def moderate(self, slug: str, share_id: str, decision: str) -> dict[str, Any]:
        by = os.environ.get("USER", "samvad-cli")
        return self.services.admin.moderate(slug, share_id, decision, by)

    def reply(self, slug: str, response_id: str, text: str) -> dict[str, Any]:
        by = os.environ.get("USER", "samvad-cli")
        return self.services.admin.reply(slug, response_id, text, by)

    def thread(self, slug: str, response_id: str) -> dict[str, Any]:
        return self.services.admin.thread(slug, response_id)


def _problem_line(problem: Any) -> str:
    """A problem the admin API found in a definition, as ``samvad validate`` prints it."""
    if not isinstance(problem, dict):
        return f"  {problem}"
    where = ":".join(str(problem[k]) for k in ("file", "line", "column") if problem.get(k))
    return f"{where}: {problem.get('field')}: {problem.get('message')}"


class ApiBackend:
    """The admin API of a deployed stage; the key comes from ``SAMVAD_ADMIN_KEY``."""

    def __init__(self, base_url: str, key: str | None) -> None:
        if not key:
            raise CommandFailed("--api needs the admin key in SAMVAD_ADMIN_KEY")
        self._base = base_url.rstrip("/") + "/admin/api/v1"
        self._headers = {"Authorization": f"Bearer {key}"}

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        import requests

        answer = requests.request(
            method, self._base + path, headers=self._headers, timeout=30, **kwargs
        )
        if answer.status_code >= 400:
            try:
                error = answer.json().get("error", {})
                detail = error.get("message") or answer.text
                problems = error.get("problems") or []
            except ValueError:
                detail, problems = answer.text, []
            lines = [f"{answer.status_code}: {detail}", *(_problem_line(p) for p in problems)]
            raise CommandFailed("\n".join(lines))
        return answer.json()

    def list(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self._call("GET", "/campaigns")["campaigns"]
        return found

    def show(self, slug: str) -> dict[str, Any]:
        found: dict[str, Any] = self._call("GET", f"/campaigns/{slug}")
        return found

    def deploy(self, text: str, file: str) -> dict[str, Any]:
        body = {"file": file, "source": text}
        found: dict[str, Any] = self._call("POST", "/campaigns", json=body)
        return found

    def publish(self, slug: str, version: int) -> dict[str, Any]:
        found: dict[str, Any] = self._call(
            "POST", f"/campaigns/{slug}/publish", json={"version": version}
        )
        return found

    def rollback(self, slug: str) -> dict[str, Any]:
        found: dict[str, Any] = self._call("POST", f"/campaigns/{slug}/rollback", json={})
        return found

    def responses(self, slug: str, limit: int, cursor: str | None) -> dict[str, Any]:
        params: dict[str, Any] = {"limit": limit}
        if cursor:
            params["cursor"] = cursor
        found: dict[str, Any] = self._call("GET", f"/campaigns/{slug}/responses", params=params)
        return found

    def stats(self, slug: str) -> dict[str, Any]:
        found: dict[str, Any] = self._call("GET", f"/campaigns/{slug}/stats")
        return found

    def moderation(self, slug: str, status: str) -> dict[str, Any]:
        found: dict[str, Any] = self._call(
            "GET", f"/campaigns/{slug}/moderation", params={"status": status}
        )
        return found

    def moderate(self, slug: str, share_id: str, decision: str) -> dict[str, Any]:
        found: dict[str, Any] = self._call(
            "POST", f"/campaigns/{slug}/moderation/{share_id}", json={"decision": decision}
        )
        return found

    def reply(self, slug: str, response_id: str, text: str) -> dict[str, Any]:
        found: dict[str, Any] = self._call(
            "POST", f"/campaigns/{slug}/responses/{response_id}/replies", json={"text": text}
        )
        return found

    def thread(self, slug: str, response_id: str) -> dict[str, Any]:
        found: dict[str, Any] = self._call(
            "GET", f"/campaigns/{slug}/responses/{response_id}/thread"
        )
        return found
