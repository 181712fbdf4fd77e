"""The console's versions of a campaign (``/console/c/{slug}/versions``): the list, a diff
between two of them (of the YAML each was deployed from), and publishing or rolling back,
each behind a confirmation page (a form, no script): a GET shows what will happen, the POST
does it (publisher and admin only) and is written to the audit log.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping

from chalicelib.accounts.model import Principal
from chalicelib.accounts.roles import Action
from chalicelib.bootstrap import Services
from chalicelib.web.console_campaign import View, back_to, campaign_view, posted
from chalicelib.web.console_render import page
from chalicelib.web.http import BadRequest, WebRequest, WebResponse

MAX_DIFF_LINES = 2000


def _number(text: str | None) -> int:
    if not text or not text.isdigit() or len(text) > 9:
        raise BadRequest("bad_version")
    return int(text)


def diff_lines(old: str, new: str, old_name: str, new_name: str) -> list[tuple[str, str]]:
    """(kind, line) of a unified diff: kind is ``added``, ``removed``, ``hunk`` or ``same``.

    >>> diff_lines("a: 1\\nb: 2\\n", "a: 1\\nb: 3\\n", "v1", "v2")[-2:]
    [('removed', '-b: 2'), ('added', '+b: 3')]
    """
    found = []
    lines = difflib.unified_diff(
        old.splitlines(), new.splitlines(), old_name, new_name, lineterm=""
    )
    for line in lines:
        if line.startswith(("---", "+++")):
            continue
        kind = {"+": "added", "-": "removed", "@": "hunk"}.get(line[:1], "same")
        found.append((kind, line))
    return found[:MAX_DIFF_LINES]


def versions(services: Services, slug: str, request: WebRequest) -> WebResponse:
    def view(who: Principal, token: str, cookies: tuple[str, ...]) -> WebResponse:
        shown = services.admin.show_campaign(slug)
        numbers = [v["version"] for v in shown["versions"]]
        diff, old, new = None, request.query.get("from"), request.query.get("to")
        if old and new:
            a, b = _number(old), _number(new)
            diff = diff_lines(
                services.admin.version_source(slug, a),
                services.admin.version_source(slug, b),
                f"v{a}",
                f"v{b}",
            )
        done = request.query.get("done")
        return page(
            request,
            "versions.html",
            200,
            cookies,
            who=who,
            form_token=token,
            slug=slug,
            campaign=shown,
            numbers=numbers,
            diff=diff,
            old=old,
            new=new,
            done=done if done in ("publish", "rollback") else None,
        )

    return campaign_view(services, request, Action.READ_CAMPAIGNS, view)


def _confirmation(
    services: Services,
    slug: str,
    request: WebRequest,
    what: str,
    version: int | None,
    action: str,
) -> View:
    """The page asking a marketer to confirm ``what`` (publish or rollback) before it posts."""

    def view(who: Principal, token: str, cookies: tuple[str, ...]) -> WebResponse:
        shown = services.admin.show_campaign(slug)
        if version is not None:
            services.admin.version_source(slug, version)  # VersionProblem for an unknown one
        return page(
            request,
            "confirm.html",
            200,
            cookies,
            who=who,
            form_token=token,
            slug=slug,
            what=what,
            version=version,
            published=shown["published"],
            action=action,
        )

    return view


def confirm_publish(
    services: Services, slug: str, version: str, request: WebRequest
) -> WebResponse:
    def view(who: Principal, token: str, cookies: tuple[str, ...]) -> WebResponse:
        number = _number(version)
        action = f"/console/c/{slug}/versions/{number}/publish"
        confirm = _confirmation(services, slug, request, "publish", number, action)
        return confirm(who, token, cookies)

    return campaign_view(services, request, Action.PUBLISH, view)


def publish(services: Services, slug: str, version: str, request: WebRequest) -> WebResponse:
    def action(who: Principal, fields: Mapping[str, str]) -> WebResponse:
        number = _number(version)
        services.admin.publish(slug, number)
        services.accounts.record(who.name, "publish", f"{slug} v{number}")
        return back_to(request, f"/console/c/{slug}/versions", "publish")

    return posted(services, request, Action.PUBLISH, action)


def confirm_rollback(services: Services, slug: str, request: WebRequest) -> WebResponse:
    action = f"/console/c/{slug}/rollback"
    view = _confirmation(services, slug, request, "rollback", None, action)
    return campaign_view(services, request, Action.ROLLBACK, view)


def rollback(services: Services, slug: str, request: WebRequest) -> WebResponse:
    def action(who: Principal, fields: Mapping[str, str]) -> WebResponse:
        done = services.admin.rollback(slug)
        services.accounts.record(who.name, "rollback", f"{slug} v{done['published']}")
        return back_to(request, f"/console/c/{slug}/versions", "rollback")

    return posted(services, request, Action.ROLLBACK, action)
