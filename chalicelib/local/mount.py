"""The local server under a path prefix, as API Gateway serves a stage (``/api/...``).

``SAMVAD_LOCAL_STAGE_PATH=/api make run`` serves every route under ``/api`` and answers
anything else as API Gateway does (403 "Missing Authentication Token"), with the Lambda
event API Gateway builds: ``path`` without the stage, ``requestContext.path`` with it. So
links and redirects are tested as they work without a custom domain.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from chalice.local import (
    ChaliceRequestHandler,
    CustomLocalChalice,
    LambdaEventConverter,
    LocalChalice,
    LocalDevServer,
    LocalGateway,
)

STAGE_PATH = re.compile(r"(/[A-Za-z0-9._~-]+)+")


class _MountedEvents:
    """Chalice's converter for the path below the mount, then API Gateway's stage fields."""

    def __init__(self, inner: LambdaEventConverter, mount: str) -> None:
        self._inner = inner
        self._mount = mount

    def create_lambda_event(
        self, method: str, path: str, headers: dict[str, str], body: bytes | None = None
    ) -> dict[str, Any]:
        asked, _, _ = path.partition("?")
        if asked != self._mount and not asked.startswith(self._mount + "/"):
            raise ValueError(path)  # LocalGateway answers it "Missing Authentication Token"
        event: dict[str, Any] = self._inner.create_lambda_event(
            method, path[len(self._mount) :] or "/", headers, body
        )
        event["path"] = asked[len(self._mount) :] or "/"
        host = str(event["headers"].get("host", "")).partition(":")[0]
        event["requestContext"].update(path=asked, stage=self._mount.strip("/"), domainName=host)
        return event


class _MountedHandler(ChaliceRequestHandler):
    def __init__(
        self,
        request: Any,
        client_address: Any,
        server: Any,
        app_object: Any,
        config: Any,
        mount: str,
    ) -> None:
        # ChaliceRequestHandler makes its gateway and then handles the request, both in
        # __init__: the gateway is made here instead, with the mounted converter.
        self.local_gateway = LocalGateway(app_object, config)
        converter = self.local_gateway.event_converter
        self.local_gateway.event_converter = _MountedEvents(converter, mount)  # type: ignore[assignment]
        super(ChaliceRequestHandler, self).__init__(request, client_address, server)


def mounted_server(
    app: Any, config: Any, host: str, port: int, mount: str, server_cls: Any
) -> LocalDevServer:
    """``chalice.local.create_local_server``, serving the app under ``mount`` (e.g. ``/api``)."""
    if not STAGE_PATH.fullmatch(mount):
        raise ValueError(f"SAMVAD_LOCAL_STAGE_PATH: {mount!r} is not a path like /api")
    if not isinstance(app, LocalChalice):  # as create_local_server: one request per thread
        CustomLocalChalice.__bases__ = (LocalChalice, app.__class__)
        app.__class__ = CustomLocalChalice
    handler = functools.partial(_MountedHandler, mount=mount)
    return LocalDevServer(app, config, host, port, handler_cls=handler, server_cls=server_cls)
