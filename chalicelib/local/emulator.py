"""The embedded AWS emulator: a moto server that answers one request at a time."""

from __future__ import annotations

import copy
from typing import Any


def cheap_stream_copies() -> None:
    """moto copies a whole table, with every stream record it ever wrote, in each
    ``TransactWriteItems`` (to roll it back); with a stream on the table that makes each answer
    slower than the one before. Stream records never change once written, so a copy of the
    stream needs only a new list of them (what a rollback restores is the same). Idempotent."""
    from moto.dynamodb.models.table import StreamShard

    def copy_stream(self: StreamShard, memo: dict[int, Any]) -> StreamShard:
        clone = copy.copy(self)
        clone.items = list(self.items)
        clone.table = memo.get(id(self.table), self.table)  # the table being copied
        memo[id(self)] = clone
        return clone

    StreamShard.__deepcopy__ = copy_stream  # type: ignore[attr-defined]


def serialized_emulator(port: int, host: str = "127.0.0.1") -> Any:
    """A moto server that answers one DynamoDB request at a time.

    moto is not thread-safe: ``TransactWriteItems`` deep-copies the whole table (to roll it
    back), and a write from another thread meanwhile fails it with "dictionary changed size
    during iteration" (an HTTP 500, then a 503 to the customer once botocore's retries run
    out), or its rollback could undo that other write. DynamoDB applies each request
    atomically; one request at a time is the emulator's way to do the same.
    """
    import threading

    from moto.moto_server.threaded_moto_server import ThreadedMotoServer

    cheap_stream_copies()
    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )
    from werkzeug.serving import make_server

    class SerializedMotoServer(ThreadedMotoServer):
        def _server_entry(self) -> None:
            app = DomainDispatcherApplication(create_backend_app)
            lock = threading.Lock()

            def one_at_a_time(environ: Any, start_response: Any) -> list[bytes]:
                # Only DynamoDB needs it; SNS must stay free, because moto delivers a topic's
                # HTTP subscriptions inside Publish, and the subscriber calls DynamoDB.
                if not environ.get("HTTP_X_AMZ_TARGET", "").startswith("DynamoDB"):
                    return list(app(environ, start_response))
                with lock:
                    return list(app(environ, start_response))

            self._server = make_server(
                self._ip_address,
                self._port,
                one_at_a_time,
                True,
                request_handler=MotoRequestHandler,
            )
            self._server_ready_event.set()
            self._server.serve_forever()

    return SerializedMotoServer(ip_address=host, port=port, verbose=False)
