"""The operators' command line, in-process."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from samvad_cli.main import main
from tests.conftest import PROJECT_DIR, dead_port
from tests.samples import definition, inline_text


def test_campaigns_check_reports_sms_encoding_and_segments_per_locale(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["validate"]) == 0

    out = capsys.readouterr().out
    assert "wishlist: OK" in out
    assert "SMS thank_you_sms.en: GSM-7" in out
    assert "SMS thank_you_sms.hi: UCS-2" in out
    assert "SMS offer.hi.one: UCS-2" in out


def test_campaigns_check_names_file_line_and_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "promo.yaml").write_text("slug: promo\ndefault_locale: 5\n", encoding="utf-8")

    assert main(["validate", str(tmp_path)]) == 1

    err = capsys.readouterr().err
    assert "promo.yaml:2:17: default_locale: 5 is not of type 'string'" in err


def test_validate_prints_sms_cost_per_thousand_recipients(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["validate", "--price-per-segment", "0.01"]) == 0

    out = capsys.readouterr().out
    # The Hindi thank-you is UCS-2 and needs 2 segments: 2 x 0.01 x 1000
    assert "SMS thank_you_sms.hi: UCS-2, 100 units, 2 segment(s), about $20.00 per 1,000" in out


def test_validate_names_a_missing_hindi_string(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = inline_text("wishlist")
    (tmp_path / "wishlist.yaml").write_text(
        text.replace("  hi: हम आपकी रसोई के लिए आगे क्या बनाएँ?\n", "", 1), encoding="utf-8"
    )

    assert main(["validate", str(tmp_path / "wishlist.yaml")]) == 1

    err = capsys.readouterr().err
    assert "wishlist.yaml:" in err
    assert ": title: missing the 'hi' text" in err


INTRO = "intro:\n  en: >-\n"
PAST_END = (f'ends_at: "{definition()["ends_at"]}"', 'ends_at: "2026-01-31T23:59:00+05:30"')


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (INTRO, INTRO + "    See http://kavyahome.example/kitchen.\n", "links must use https"),
        (*PAST_END, "is in the past"),
    ],
)
def test_validate_checks_links_and_dates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], old: str, new: str, message: str
) -> None:
    text = inline_text("wishlist")
    assert old in text
    (tmp_path / "wishlist.yaml").write_text(text.replace(old, new, 1), encoding="utf-8")

    assert main(["validate", str(tmp_path)]) == 1

    assert message in capsys.readouterr().err


def test_preview_renders_the_page_and_follow_ups_in_a_locale(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_file = tmp_path / "page.html"

    assert main(["preview", "wishlist", "--locale", "hi", "--out", str(out_file)]) == 0

    html = out_file.read_text(encoding="utf-8")
    assert '<html lang="hi" dir="ltr">' in html
    assert "₹12,34,567.50" in html
    out = capsys.readouterr().out
    assert "--- thank_you_sms (sms, Transactional" in out
    assert "AWS.MM.SMS.TemplateId=1107161234567890124" in out
    assert "दिन बाकी" in out  # the offer, rendered with its plural form
    assert main(["preview", "wishlist", "--locale", "fr"]) == 1


def test_a_campaign_in_a_locale_the_code_cannot_serve_is_refused_by_validate_and_deploy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = inline_text("wishlist")
    path = tmp_path / "wishlist.yaml"
    path.write_text(text.replace("locales: [en, hi, ur]", "locales: [en, hi, ur, si]"), "utf-8")
    line = text[: text.index("locales: [")].count("\n") + 1
    refused = (
        f"wishlist.yaml:{line}:10: locales: 'si' cannot be served: no UI translation "
        "(locales/si/LC_MESSAGES/messages.po, compiled by make i18n)"
    )

    for command in ("validate", "deploy"):
        assert main([command, str(path)]) == 1
        assert refused in capsys.readouterr().err


def test_preview_takes_a_slug_in_the_current_folder_or_a_path_and_writes_one_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = inline_text("wishlist").replace("slug: wishlist", "slug: diwali-sweets", 1)
    (tmp_path / "diwali-sweets.yaml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)

    assert main(["preview", "diwali-sweets", "--locale", "hi", "--out", "by-slug.html"]) == 0
    assert main(["preview", "diwali-sweets.yaml", "--locale", "hi", "--out", "by-path.html"]) == 0
    assert (
        main(["preview", "diwali-sweets", "--dir", ".", "--locale", "ur", "--out", "ur.html"]) == 0
    )

    by_slug = (tmp_path / "by-slug.html").read_text(encoding="utf-8")
    by_path = (tmp_path / "by-path.html").read_text(encoding="utf-8")
    token = re.compile(r'value="[0-9a-f]{32}"')  # each render is a new form
    assert token.sub("", by_slug) == token.sub("", by_path)
    css = (PROJECT_DIR / "chalicelib" / "web" / "static" / "samvad.css").read_text("utf-8")
    assert f"<style>\n{css}</style>" in by_slug  # opens styled from disk
    assert 'href="/static/' not in by_slug
    assert 'src="/static/' not in by_slug
    assert '<html lang="ur" dir="rtl">' in (tmp_path / "ur.html").read_text(encoding="utf-8")
    capsys.readouterr()

    assert main(["preview", "sweets", "--locale", "hi"]) == 1
    assert main(["preview", "diwali-sweets.yml", "--locale", "hi"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("samvad: no sweets.yaml in ")
    assert err[1] == "samvad: diwali-sweets.yml: no such file"


def test_preview_documents_its_dir_option(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["preview", "--help"])

    assert done.value.code == 0
    usage = " ".join(capsys.readouterr().out.split())
    assert "--dir FOLDER where a slug's <slug>.yaml is" in usage
    assert "FILE|SLUG a campaign file (promo.yaml) or a slug (promo)" in usage


def samvad(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """A command as a marketer runs it, in its own process, with no stack reachable unless
    ``env`` says where."""
    clean = {k: v for k, v in os.environ.items() if k not in ("AWS_ENDPOINT_URL", "SAMVAD_DEBUG")}
    return subprocess.run(
        [sys.executable, "-m", "samvad_cli", *args],
        cwd=PROJECT_DIR,
        env={**clean, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_no_traceback_reaches_a_marketer(tmp_path: Path) -> None:
    with dead_port() as port:
        each_failure_is_one_line(tmp_path, f"127.0.0.1:{port}")


def each_failure_is_one_line(tmp_path: Path, dead: str) -> None:
    nowhere = {"EMULATOR_PORT": dead.split(":")[1], "SAMVAD_STACK_STATE": str(tmp_path / "none")}
    (tmp_path / "bad.yaml").write_text("slug: bad\ntitle:\n  en: a\n   hi: b\n", encoding="utf-8")
    unreachable = (
        f"samvad: cannot reach the local stack at http://{dead}/; start it with `make run`"
    )
    cases = [
        (["list"], unreachable),
        (["followups", "run-due"], unreachable),
        (["stats", "wishlist"], unreachable),
        (["deploy", str(tmp_path / "missing.yaml")], f"{tmp_path}/missing.yaml: (file): No such"),
        (["preview", str(tmp_path / "bad.yaml"), "--locale", "en"], "bad.yaml:4:6: (top): not"),
        (["show", "wishlist", "--api", f"http://{dead}"], "samvad: cannot reach http://"),
    ]

    for command, said in cases:
        done = samvad(*command, env={**nowhere, "SAMVAD_ADMIN_KEY": "k"})
        assert done.returncode == 1, (command, done.stderr)
        assert "Traceback" not in done.stderr, command
        assert len(done.stderr.splitlines()) == 1, (command, done.stderr)
        assert done.stderr.startswith(said), (command, done.stderr)


def test_ctrl_c_ends_a_command_quietly_with_status_130(tmp_path: Path) -> None:
    import signal
    import socket

    with socket.socket() as silent:  # accepts the connection, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        silent.settimeout(60)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        command = [sys.executable, "-m", "samvad_cli", "list", "--api", url]
        env = {**os.environ, "SAMVAD_ADMIN_KEY": "k"}
        process = subprocess.Popen(
            command, cwd=PROJECT_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        connection, _ = silent.accept()  # the command waits for an answer now
        with connection:
            process.send_signal(signal.SIGINT)
            _, err = process.communicate(timeout=30)

    assert process.returncode == 130
    assert err == b""
