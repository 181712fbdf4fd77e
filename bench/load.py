"""``make bench``: a bounded load test of the local stack with locust, headless.

``python -m bench.load [--duration 60] [--users 20]`` starts the local stack in this process
(its own emulator, answering one request at a time, on free ports; generous rate limits; no
scheduler), runs locust in a subprocess against it (this file is also the locustfile), and
prints requests per second and p50/p99 latency per request and in total. Many customers at
once view the sample campaign in Hindi, English and Urdu (directly and through the short link
that picks the language) and answer it in Hindi: about 7 page views for 3 answers.

Then it checks three things and exits 1 if one fails: no request failed (any status other
than the expected one, a wrong language, a transport error); the number of answers the
campaign's stats count (admin API) equals the number of answers the customers saw accepted
(each ``303``; every user writes its form tokens to a file); and every answer's immediate
follow-ups (the response event, and the thank-you SMS of those who gave a phone) were sent by
the table stream's sender, none left open. The last line says it:
``accepted N stored N errors 0``.

The figures come from locust's own statistics, written by this file when locust quits (its
``--csv`` files are snapshots taken every second and can miss the last answers).

The tasks are tagged ``view`` and ``answer``: against a stack of your own,
``locust -f bench/load.py --host URL --exclude-tags answer`` loads the pages alone.

Locust imports gevent, which monkey-patches the standard library: the users below are defined
only inside locust's own process, and ``main()`` never imports locust.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import logging
import os
import random
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import requests

PROJECT_DIR = Path(__file__).resolve().parents[1]
SLUG = "wishlist"
PRODUCTS = ("pressure-cooker", "mixer-grinder", "tawa", "air-fryer")
REASONS = (
    "रोज़ रोटी बनाती हूँ, अच्छा तवा चाहिए।",
    "हमारा पुराना कुकर अब सीटी नहीं देता।",
    "चटनी और मसाले पीसने के लिए मिक्सर चाहिए।",
    "कम तेल में पकौड़े बनाना चाहते हैं।",
    "",  # the reason is optional
)
ANSWER = f"POST /hi/c/{SLUG} (answer)"
# Where each locust user appends the form token of every answer that got its 303.
ACCEPTED_FILE_ENV = "SAMVAD_LOAD_ACCEPTED_FILE"
SUMMARY_FILE_ENV = "SAMVAD_LOAD_SUMMARY_FILE"
CSRF_FIELD = re.compile(r'name="csrf" value="([0-9a-f]+)"')
GENEROUS_LIMITS = {"SAMVAD_RATE_PER_CLIENT": "1000000/60", "SAMVAD_RATE_PER_PHONE": "1000000/60"}
# Request lines of Chalice's local server: `"GET /path HTTP/1.1" 500 -`.
SERVER_STATUS = re.compile(r'"[A-Z]+ \S+ HTTP/[\d.]+" (\d{3}) ')


if "locust" in sys.modules:  # imported by locust as its locustfile
    from locust import HttpUser, between, events, tag, task

    _phones = itertools.count()
    _run: dict[str, Any] = {"max_cpu": 0.0}

    @events.init.add_listener
    def _keep_environment(environment: Any, **_: Any) -> None:
        _run["environment"] = environment

    @events.cpu_warning.add_listener
    def _note_cpu(cpu_usage: float, **_: Any) -> None:
        _run["max_cpu"] = max(_run["max_cpu"], cpu_usage)

    @events.quit.add_listener
    def _write_summary(**_: Any) -> None:
        """The final figures, after the last user stopped (locust's --csv files are snapshots
        written every second, so they can miss the last answers)."""
        path = os.environ.get(SUMMARY_FILE_ENV)
        if not path or "environment" not in _run:
            return
        stats = _run["environment"].stats

        def entry(e: Any) -> dict[str, Any]:
            return {
                "method": e.method,
                "name": e.name,
                "requests": e.num_requests,
                "failures": e.num_failures,
                "rps": e.total_rps,
                "p50": e.get_response_time_percentile(0.5),
                "p99": e.get_response_time_percentile(0.99),
            }

        summary = {
            "entries": [entry(e) for e in stats.entries.values()],
            "total": entry(stats.total),
            "errors": [
                {"method": e.method, "name": e.name, "error": str(e.error), "count": e.occurrences}
                for e in stats.errors.values()
            ],
            "max_cpu_warning": _run["max_cpu"],
        }
        Path(path).write_text(json.dumps(summary), encoding="utf-8")

    class Customer(HttpUser):
        """A customer on the sample campaign: mostly reading it, sometimes answering."""

        wait_time = between(0.05, 0.5)

        def on_start(self) -> None:
            n = next(_phones)
            self.phone = f"98765{n:05d}"  # an Indian mobile number of this customer's own
            self.csrf = ""
            self.view("hi")  # the first page sets the CSRF cookie; its form carries the token

        def view(self, locale: str, name: str | None = None, **kwargs: Any) -> None:
            path = f"/{locale}/c/{SLUG}"
            with self.client.get(
                kwargs.pop("url", path), name=name or path, catch_response=True, **kwargs
            ) as response:
                if response.status_code != 200:
                    response.failure(f"status {response.status_code}")
                elif not response.url.endswith(path):
                    response.failure(f"landed on {response.url}, not {path}")
                elif f'<html lang="{locale}"' not in response.text:
                    response.failure(f"not the {locale} page")
                elif found := CSRF_FIELD.search(response.text):
                    self.csrf = found.group(1)

        @task(2)
        @tag("view")
        def view_hindi(self) -> None:
            self.view("hi")

        @task(2)
        @tag("view")
        def view_english(self) -> None:
            self.view("en")

        @task(1)
        @tag("view")
        def view_urdu(self) -> None:
            self.view("ur")

        @task(1)
        @tag("view")
        def short_link_hindi(self) -> None:
            """A new visitor's browser asks for Hindi (India): the short link goes to Hindi."""
            self.client.cookies.pop("samvad_locale", None)  # no remembered choice
            headers = {"Accept-Language": "hi-IN,hi;q=0.9,en;q=0.8"}
            self.view("hi", f"/c/{SLUG} [hi-IN]", url=f"/c/{SLUG}", headers=headers)

        @task(1)
        @tag("view")
        def short_link_english(self) -> None:
            self.client.cookies.pop("samvad_locale", None)
            self.view("en", f"/c/{SLUG} [en]", url=f"/c/{SLUG}", headers={"Accept-Language": "en"})

        @task(3)
        @tag("answer")
        def answer(self) -> None:
            token = uuid.uuid4().hex
            form = {
                "csrf": self.csrf,
                "form_token": token,
                "product": random.choice(PRODUCTS),
                "reason": random.choice(REASONS),
            }
            if random.random() < 0.5:
                form.update(phone=self.phone, consent="yes")
            with self.client.post(
                f"/hi/c/{SLUG}",
                data=form,
                name=ANSWER,
                allow_redirects=False,
                catch_response=True,
            ) as response:
                location = response.headers.get("Location", "")
                if response.status_code != 303:
                    response.failure(f"status {response.status_code}")
                elif not location.endswith(f"/hi/c/{SLUG}/thanks"):
                    response.failure(f"303 to {location}")
                else:
                    response.success()
                    accepted = os.environ.get(ACCEPTED_FILE_ENV)
                    if accepted:
                        with open(accepted, "a", encoding="ascii") as out:
                            out.write(token + "\n")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run_locust(base: str, users: int, spawn_rate: float, duration: int, tmp: Path) -> int:
    """locust --headless in its own process (gevent stays there); its output goes to a file."""
    command = [
        *(sys.executable, "-m", "locust", "-f", str(Path(__file__).resolve())),
        *("--headless", "--host", base, "-u", str(users), "-r", str(spawn_rate)),
        *("-t", f"{duration}s"),
        # At the time limit users finish the answer they are sending, so that every answer
        # the stack stored was also seen accepted (or failed) by its customer.
        *("--stop-timeout", "30"),
        *("--only-summary", "--loglevel", "WARNING"),
    ]
    env = {
        **os.environ,
        ACCEPTED_FILE_ENV: str(tmp / "accepted.txt"),
        SUMMARY_FILE_ENV: str(tmp / "summary.json"),
        "PYTHONUNBUFFERED": "1",
    }
    with (tmp / "locust.log").open("wb") as log:
        return subprocess.run(
            command,
            cwd=PROJECT_DIR,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            timeout=duration + 120,
            check=False,
        ).returncode


def stored_responses(base: str, key: str) -> tuple[int, int]:
    """(the campaign's response counter, the responses listed page by page) from the admin API."""
    headers = {"Authorization": f"Bearer {key}"}
    api = f"{base}/admin/api/v1/campaigns/{SLUG}"
    stats = requests.get(f"{api}/stats", headers=headers, timeout=60)
    stats.raise_for_status()
    listed, cursor = 0, None
    while True:
        params = {"limit": "100", **({"cursor": cursor} if cursor else {})}
        page = requests.get(f"{api}/responses", headers=headers, params=params, timeout=60)
        page.raise_for_status()
        body = page.json()
        listed += len(body["items"])
        cursor = body.get("next")
        if not cursor:
            return int(stats.json()["responses"]), listed


IMMEDIATE = ("response_event", "thank_you_sms")  # the steps due at once, sent via the stream
OPEN = ("pending", "sending")


def immediate_followups(base: str, wait: float = 60.0) -> Counter[str]:
    """The immediate follow-ups of the answers by status, once none is open any more (the
    stream's sender works after the requests return; the scheduler is off in this test)."""
    deadline = time.monotonic() + wait
    while True:
        jobs = requests.get(f"{base}/_local/outbox?format=jobs", timeout=60).json()
        found = Counter(f"{j['step']}:{j['status']}" for j in jobs if j["step"] in IMMEDIATE)
        if not any(k.endswith(OPEN) for k in found) or time.monotonic() > deadline:
            return found
        time.sleep(0.5)


def report(summary: dict[str, Any], server_5xx: int) -> None:
    print(f"{'request':<34}{'count':>8}{'fails':>7}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}")
    rows = sorted(summary["entries"], key=lambda e: e["name"])
    for e in [*rows, {**summary["total"], "method": "", "name": "total"}]:
        name = e["name"] if e["name"].startswith(e["method"]) else f"{e['method']} {e['name']}"
        print(
            f"{name.strip():<34}{e['requests']:>8}{e['failures']:>7}{e['rps']:>9.1f}"
            f"{e['p50']:>9}{e['p99']:>9}"
        )
    print("(latency percentiles as locust buckets them: two significant digits above 100 ms)")
    for error in summary["errors"]:
        name = error["name"]
        name = name if name.startswith(error["method"]) else f"{error['method']} {name}"
        print(f"failed {error['count']}x: {name}: {error['error']}")
    if summary["max_cpu_warning"]:
        print(
            f"note: locust itself reached {summary['max_cpu_warning']:.0f}% CPU; "
            "the figures are partly the load generator's"
        )
    print(f"5xx answers in the stack's request log: {server_5xx}")


def main(argv: list[str] | None = None) -> int:
    first_line = (__doc__ or "").split("\n")[0]
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=first_line)
    parser.add_argument("--duration", type=int, default=60, help="seconds of load (60)")
    parser.add_argument("--users", type=int, default=20, help="concurrent customers (20)")
    parser.add_argument("--spawn-rate", type=float, help="users started per second (all in 1 s)")
    parser.add_argument(
        "--logs", type=Path, help="keep the stack's and locust's logs here (default: removed)"
    )
    args = parser.parse_args(argv)

    os.environ["SAMVAD_SCHEDULER_SECONDS"] = "0"
    os.environ.update(GENEROUS_LIMITS)
    key = os.environ["SAMVAD_ADMIN_KEY"] = secrets.token_urlsafe(24)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    from chalicelib.local.stack import LocalStack

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    print(
        f"Load: {args.users} customers for {args.duration} s against the local stack "
        "(Chalice's local server and a moto emulator, in one process)",
        flush=True,
    )
    with tempfile.TemporaryDirectory(prefix="samvad-load-") as name:
        tmp = args.logs or Path(name)
        tmp.mkdir(parents=True, exist_ok=True)
        for old in ("accepted.txt", "summary.json"):
            (tmp / old).unlink(missing_ok=True)
        emulator_port = free_port()
        from chalicelib.local.emulator import serialized_emulator

        emulator = serialized_emulator(emulator_port)
        os.environ["AWS_ENDPOINT_URL"] = f"http://127.0.0.1:{emulator_port}"
        stack = LocalStack(port, emulator_port)  # on AWS_ENDPOINT_URL: starts no emulator
        # Chalice's local server announces itself and logs every request: into a file, read
        # afterwards for 5xx answers.
        with (
            (tmp / "stack.log").open("w", encoding="utf-8") as stack_log,
            contextlib.redirect_stdout(stack_log),
            contextlib.redirect_stderr(stack_log),
        ):
            emulator.start()
            try:
                stack.start()
                status = run_locust(
                    base, args.users, args.spawn_rate or args.users, args.duration, tmp
                )
                counted, listed = stored_responses(base, key)
                followups = immediate_followups(base)
            finally:
                stack.stop()
                emulator.stop()
        log = (tmp / "stack.log").read_text(encoding="utf-8", errors="replace")
        server_5xx = sum(m.group(1).startswith("5") for m in SERVER_STATUS.finditer(log))
        summary_file, accepted_file = tmp / "summary.json", tmp / "accepted.txt"
        if not summary_file.exists():
            print((tmp / "locust.log").read_text(encoding="utf-8", errors="replace")[-5000:])
            print(f"locust wrote no summary (exit status {status})")
            return 1
        summary = json.loads(summary_file.read_text(encoding="utf-8"))
        tokens = accepted_file.read_text().split() if accepted_file.exists() else []
        report(summary, server_5xx)
        emulator_errors = log.count("Error on request")  # werkzeug's words for a moto crash
        print(f"emulator errors (moto's 500s; botocore retries them): {emulator_errors}")
        if "Traceback" in log:
            print("the stack's first traceback:")
            print(log[log.index("Traceback") :][:3000])

    errors = int(summary["total"]["failures"])
    answered = sum(e["requests"] - e["failures"] for e in summary["entries"] if e["name"] == ANSWER)
    accepted = len(set(tokens))
    if not accepted == answered == len(tokens):
        print(f"the users wrote {len(tokens)} tokens ({accepted} distinct), locust saw {answered}")
    if counted != listed:
        print(f"the stats count {counted} responses, the admin API lists {listed}")
    events = followups["response_event:sent"]
    unsent = sum(n for k, n in followups.items() if not k.endswith((":sent", ":cancelled")))
    print(
        f"immediate follow-ups from the stream: {dict(sorted(followups.items()))}; "
        f"response events sent {events} of {counted}, not sent {unsent}"
    )
    ok = errors == 0 and server_5xx == 0 and 0 < accepted == answered == counted == listed
    ok = ok and events == counted and unsent == 0
    print(f"accepted {accepted} stored {counted} errors {errors}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
