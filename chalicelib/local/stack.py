"""``make run``: the whole Samvad stack on one machine.

An embedded AWS emulator (moto server) unless ``AWS_ENDPOINT_URL`` is set, the stage's
resources created on it from ``infra/resources.yaml``, the Chalice app served over HTTP, and
what AWS would trigger: the table's stream and the scheduler, each polled by a thread.
Ctrl-C (or SIGTERM) stops everything.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import secrets
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from chalicelib.errors import InvalidCampaignDefinition

PROJECT_DIR = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
STOP_SECONDS = 3.0  # `make run` ends within this (plus a moment) of Ctrl-C or SIGTERM
LOCAL_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
    "AWS_REGION": "ap-south-1",
    "AWS_DEFAULT_REGION": "ap-south-1",
}


def stage_environment(stage: str) -> dict[str, str]:
    config = json.loads((PROJECT_DIR / ".chalice" / "config.json").read_text(encoding="utf-8"))
    env = dict(config.get("environment_variables", {}))
    env.update(config["stages"][stage].get("environment_variables", {}))
    return env


def attach_to_local_stack() -> None:
    """Point this process at a running local stack (for the CLI): its emulator, its public
    URL and its outbox, from the state file the stack wrote (``chalicelib.local.state``;
    variables set in the environment win), its stage settings, and the topic it created."""
    from chalicelib.local.state import read_state

    for name, value in LOCAL_CREDENTIALS.items():
        os.environ.setdefault(name, value)
    state = read_state()
    if state is not None and os.environ.get("AWS_ENDPOINT_URL", state.emulator_url) == (
        state.emulator_url
    ):
        os.environ["AWS_ENDPOINT_URL"] = state.emulator_url
        os.environ.setdefault("SAMVAD_PUBLIC_URL", state.public_url)
        from chalicelib import bootstrap
        from chalicelib.local.outbox import OUTBOX

        if state.outbox:  # what this process sends shows in the stack's outbox
            OUTBOX.share(state.outbox)
            bootstrap.on_sns_client(OUTBOX.attach)
    port = os.environ.get("EMULATOR_PORT", "4566")
    os.environ.setdefault("AWS_ENDPOINT_URL", f"http://{HOST}:{port}")
    for name, value in stage_environment("local").items():
        os.environ.setdefault(name, value)
    if not os.environ.get("SAMVAD_EVENTS_TOPIC_ARN"):
        from chalicelib import bootstrap
        from chalicelib.config import get_settings
        from chalicelib.local.resources import ensure_secret, ensure_stack, stage_settings

        bootstrap.reset()
        settings = get_settings()
        outputs = ensure_stack(bootstrap.aws_client("cloudformation", settings), "local")
        # The running stack's secret (and its admin key) stays; without one, nobody's key works.
        unknown_key = hashlib.sha256(secrets.token_bytes(32)).hexdigest()
        sm = bootstrap.aws_client("secretsmanager", settings)
        arn = ensure_secret(sm, "local", unknown_key, keep_existing=True)
        os.environ.update(stage_settings(outputs, arn))


class LocalStack:
    def __init__(self, port: int, emulator_port: int, stage: str = "local") -> None:
        self.port = port
        self.emulator_port = emulator_port
        self.stage = stage
        # SAMVAD_LOCAL_STAGE_PATH=/api: served under a stage's path, as API Gateway does.
        self.mount = os.environ.get("SAMVAD_LOCAL_STAGE_PATH", "").rstrip("/")
        self._stops: list[Callable[[], None]] = []

    def start(self) -> dict[str, str]:
        try:
            return self._start()
        except BaseException:
            self.stop()  # never leave an emulator or server thread behind
            raise

    def _start(self) -> dict[str, str]:
        for name, value in LOCAL_CREDENTIALS.items():
            os.environ.setdefault(name, value)
        if not os.environ.get("AWS_ENDPOINT_URL"):
            from chalicelib.local.emulator import serialized_emulator

            emulator = serialized_emulator(self.emulator_port, HOST)
            emulator.start()
            self._stops.append(emulator.stop)
            os.environ["AWS_ENDPOINT_URL"] = f"http://{HOST}:{self.emulator_port}"
        os.environ.update(stage_environment(self.stage))
        os.environ.setdefault("SAMVAD_PUBLIC_URL", f"http://{HOST}:{self.port}{self.mount}")
        # The local admin's API key and console password: yours (SAMVAD_ADMIN_KEY,
        # SAMVAD_ADMIN_PASSWORD) or new ones each start. The stage's bootstrap key (its hash in
        # the secret, read at run time as on AWS) is a new unknown one: an admin exists.
        key = os.environ.setdefault("SAMVAD_ADMIN_KEY", secrets.token_urlsafe(24))
        password = os.environ.setdefault("SAMVAD_ADMIN_PASSWORD", secrets.token_urlsafe(12))

        from chalicelib import bootstrap
        from chalicelib.campaigns.deployment import sync_definitions
        from chalicelib.config import get_settings
        from chalicelib.local.outbox import OUTBOX
        from chalicelib.local.resources import ensure_secret, ensure_stack, stage_settings

        bootstrap.on_sns_client(OUTBOX.attach)
        bootstrap.reset()
        settings = get_settings()
        outputs = ensure_stack(bootstrap.aws_client("cloudformation", settings), self.stage)
        admin_hash = hashlib.sha256(secrets.token_bytes(32)).hexdigest()
        sm = bootstrap.aws_client("secretsmanager", settings)
        os.environ.update(stage_settings(outputs, ensure_secret(sm, self.stage, admin_hash)))
        bootstrap.reset()
        services = bootstrap.get_services()
        # A broken definition stops the stack here, loudly; changed files become new versions.
        synced = sync_definitions(
            services.adapters.campaign_store, settings.campaigns_dir, services.clock()
        )
        campaigns = [c.campaign.slug for c in synced] or ["(unchanged)"]
        from chalicelib.local.accounts import ensure_admin

        ensure_admin(services.adapters.accounts, key, password, services.clock())

        self._serve_app()
        self._follow_stream(services, float(os.environ.get("SAMVAD_STREAM_POLL_SECONDS", "0.2")))
        self._subscribe_inbound(bootstrap.aws_client("sns", settings), outputs)
        self._schedule(float(os.environ.get("SAMVAD_SCHEDULER_SECONDS", "5")))
        return {"endpoint": os.environ["AWS_ENDPOINT_URL"], "campaigns": ",".join(campaigns)}

    def _serve_app(self) -> None:
        from chalice import local
        from chalice.cli import factory

        from chalicelib.local.routes import register_local_routes

        class _BackloggedServer(local.ThreadedHTTPServer):
            # socketserver queues 5 connections: the sixth customer at once got a reset.
            request_queue_size = 128

        sys.path.insert(0, str(PROJECT_DIR))
        cli = factory.CLIFactory(str(PROJECT_DIR))
        config = cli.create_config_obj(chalice_stage_name=self.stage)
        app = config.chalice_app
        register_local_routes(app)
        if self.mount:
            from chalicelib.local.mount import mounted_server

            server = mounted_server(app, config, HOST, self.port, self.mount, _BackloggedServer)
        else:  # what chalice.local.create_local_server does, with a longer queue
            local.CustomLocalChalice.__bases__ = (local.LocalChalice, app.__class__)
            app.__class__ = local.CustomLocalChalice
            server = local.LocalDevServer(
                app, config, HOST, self.port, server_cls=_BackloggedServer
            )
        thread = threading.Thread(target=server.serve_forever, name="chalice-local", daemon=True)
        thread.start()
        self._stops.insert(0, server.shutdown)

    def _follow_stream(self, services: Any, every: float) -> None:
        """What the event source mapping does on AWS: the table's new items go to the app's
        ``send_new_followups`` (the thank-you SMS within a moment of the answer)."""
        import importlib

        from chalicelib.local.streams import table_stream

        pump = table_stream(services, importlib.import_module("app").send_new_followups)
        self._every(every, "table-stream", pump.pump)

    def _subscribe_inbound(self, sns: Any, outputs: dict[str, str]) -> None:
        """Customers' SMS answers reach the app over HTTP, as SNS delivers to Lambda on AWS."""
        topic = outputs.get("InboundSmsTopicArn")
        if topic:
            endpoint = f"http://{HOST}:{self.port}{self.mount}/_local/sns/inbound"
            sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=endpoint)

    def _schedule(self, every: float) -> None:
        """What EventBridge does on AWS: run the follow-up scheduler every few seconds."""
        if every <= 0:
            return
        from chalicelib.bootstrap import get_services

        self._every(every, "followup-scheduler", lambda: get_services().runner.run_due())

    def _every(self, seconds: float, name: str, work: Callable[[], object]) -> None:
        """Run ``work`` in a thread every ``seconds`` until the stack stops; a run that fails
        is logged and tried again on the next tick, as AWS triggers it again."""
        stopped = threading.Event()

        def loop() -> None:
            while not stopped.wait(seconds):
                try:
                    work()
                except Exception:
                    logging.getLogger(__name__).exception("%s failed", name)

        thread = threading.Thread(target=loop, name=name, daemon=True)
        thread.start()

        def stop() -> None:
            stopped.set()
            thread.join(timeout=STOP_SECONDS)

        self._stops.insert(0, stop)

    def stop(self) -> None:
        for stop in self._stops:
            stop()
        self._stops.clear()


def _share_outbox() -> Path | None:
    """The outbox file beside the state file, started empty; None where it cannot be written
    (then the outbox stays in this process)."""
    from chalicelib.local.outbox import OUTBOX
    from chalicelib.local.state import state_file

    outbox = state_file().with_suffix(".outbox.jsonl")
    try:
        OUTBOX.share(outbox, empty=True)  # `samvad followups run-due` adds to it
    except OSError as exc:
        print(f"(the outbox stays in this process: {exc})", file=sys.stderr)
        return None
    return outbox


def _write_state(base: str, emulator: str, outbox: Path | None) -> Path | None:
    """Tell `samvad` and `make run-due` where this stack is; None where that cannot be."""
    from chalicelib.local.state import StackState, write_state

    public = os.environ["SAMVAD_PUBLIC_URL"]
    try:
        return write_state(StackState(os.getpid(), base, public, emulator, str(outbox or "")))
    except OSError as exc:
        print(f"(no state file, samvad needs AWS_ENDPOINT_URL: {exc})", file=sys.stderr)
        return None


def _print_addresses(base: str, endpoint: str, where: Path | None) -> None:
    """Where each part of the running stack answers, and how to sign in."""
    from chalicelib.bootstrap import get_services

    print(f"Samvad local stack is up (AWS emulator: {endpoint})")
    for campaign in get_services().registry.all_published():
        for locale in campaign.locales:
            print(f"  {campaign.slug} ({locale}): {base}/{locale}/c/{campaign.slug}")
    print(f"  language negotiation: {base}/c/wishlist")
    print(f"  outbox (what SNS was asked to send): {base}/_local/outbox")
    print(f"  admin API: {base}/admin/api/v1/openapi.json")
    print(f"    key of local-admin: {os.environ['SAMVAD_ADMIN_KEY']} (SAMVAD_ADMIN_KEY chooses it)")
    print(
        f"  console: {base}/console (local-admin, password {os.environ['SAMVAD_ADMIN_PASSWORD']};"
    )
    print("    SAMVAD_ADMIN_PASSWORD chooses it)")
    if where is not None:
        print(f"  state (read by samvad and make run-due): {where}")


def main() -> None:
    from chalicelib.local.state import remove_state

    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    port = int(os.environ.get("PORT", "8000"))
    emulator_port = int(os.environ.get("EMULATOR_PORT", "4566"))
    stack = LocalStack(port, emulator_port)
    outbox = _share_outbox()
    try:
        info = stack.start()
    except InvalidCampaignDefinition as exc:
        print("Cannot start: the campaign definitions have problems:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        if outbox is not None:
            outbox.unlink(missing_ok=True)
        sys.exit(2)

    stopped = threading.Event()  # handlers first: "Press Ctrl-C" must be true when printed

    def on_signal(signum: int, frame: Any) -> None:
        stopped.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    base = f"http://{HOST}:{port}{stack.mount}"
    where = _write_state(base, info["endpoint"], outbox)
    _print_addresses(base, info["endpoint"], where)
    print("Press Ctrl-C to stop.", flush=True)

    # A signal may reach any thread; Python runs the handler in the main thread only when it
    # wakes, and a wait with no timeout may never wake: poll.
    while not stopped.wait(0.2):
        pass
    if where is not None:
        remove_state(os.getpid(), where)
    # Stopping is bounded: a server thread in the middle of a request, or a scheduler pass,
    # must not hold the terminal; the emulator keeps nothing on disk, so there is nothing to
    # finalize (tearing down a large in-memory emulator took minutes at 100% CPU).
    stopping = threading.Thread(target=stack.stop, name="stopping", daemon=True)
    stopping.start()
    stopping.join(STOP_SECONDS)
    print("Stopped." if not stopping.is_alive() else "Stopped (some threads abandoned).")
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
