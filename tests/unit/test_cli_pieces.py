"""The pieces of ``samvad`` that need no stack: the campaign table, the local stack's state
file and shared outbox, the self-contained preview, and what each failure says."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import botocore.exceptions as aws
import pytest

from chalicelib.errors import DefinitionProblem, InvalidCampaignDefinition
from chalicelib.local.outbox import Outbox
from chalicelib.local.state import StackState, read_state, remove_state, write_state
from samvad_cli.backend import CommandFailed
from samvad_cli.campaigns import campaign_table
from samvad_cli.main import failure
from samvad_cli.preview import self_contained


def test_the_campaign_table_has_a_header_and_aligned_columns() -> None:
    lines = campaign_table(
        [
            {"slug": "wishlist", "published": 12, "latest": 130},
            {"slug": "diwali-sweets-2026", "published": None, "latest": 1},
        ]
    )

    assert lines == [
        "CAMPAIGN            PUBLISHED  LATEST",
        "wishlist                   12     130",
        "diwali-sweets-2026          -       1",
    ]


def test_an_empty_table_says_there_are_no_campaigns() -> None:
    assert campaign_table([])[0].startswith("no campaigns")


def state(pid: int, tmp_path: Path) -> StackState:
    return StackState(
        pid, "http://127.0.0.1:8123", "http://127.0.0.1:8123", "http://127.0.0.1:4599",
        str(tmp_path / "outbox.jsonl"),
    )  # fmt: skip


def test_the_state_of_a_running_stack_is_read_back(tmp_path: Path) -> None:
    path = write_state(state(os.getpid(), tmp_path), tmp_path / "build" / "stack.json")

    assert read_state(path) == state(os.getpid(), tmp_path)


def test_a_state_file_whose_stack_is_gone_is_ignored(tmp_path: Path) -> None:
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], check=True,
                          capture_output=True, text=True)  # fmt: skip
    path = write_state(state(int(gone.stdout), tmp_path), tmp_path / "stack.json")

    assert read_state(path) is None
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    assert read_state(tmp_path / "broken.json") is None
    assert read_state(tmp_path / "missing.json") is None


def test_a_stack_removes_only_its_own_state(tmp_path: Path) -> None:
    path = write_state(state(os.getpid(), tmp_path), tmp_path / "stack.json")

    remove_state(os.getpid() + 1, path)  # another stack's stop: a newer stack's file stays
    assert path.exists()
    remove_state(os.getpid(), path)
    assert not path.exists()


def test_an_outbox_shared_through_a_file_shows_what_another_process_sent(tmp_path: Path) -> None:
    import boto3
    from botocore.stub import Stubber

    stack, other = Outbox(), Outbox()
    stack.share(tmp_path / "outbox.jsonl", empty=True)
    other.share(tmp_path / "outbox.jsonl")
    sns = boto3.client(
        "sns", region_name="ap-south-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    other.attach(sns)  # as `samvad followups run-due` does in its own process
    kind = {"AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Promotional"}}

    with Stubber(sns) as stub:
        for _ in range(2):
            stub.add_response("publish", {"MessageId": "m"})
        sns.publish(PhoneNumber="+919800000001", Message="पहला")
        sns.publish(PhoneNumber="+919800000002", Message="दूसरा", MessageAttributes=kind)

    seen = stack.newest_first()
    assert [(m.to, m.message) for m in seen] == [
        ("+919800000002", "दूसरा"),
        ("+919800000001", "पहला"),
    ]
    assert seen[0].attributes == {"AWS.SNS.SMS.SMSType": "Promotional"}
    assert Outbox().newest_first() == []  # not shared: its own memory only


def test_the_preview_page_carries_its_stylesheet_script_and_images(tmp_path: Path) -> None:
    (tmp_path / "a.css").write_text("body{color:red}/* </style> */", encoding="utf-8")
    (tmp_path / "b.js").write_text("let x = 1;", encoding="utf-8")
    (tmp_path / "c.png").write_bytes(b"\x89PNG")
    page = (
        '<head><link rel="stylesheet" href="/static/a.css"></head><body>'
        '<img alt="" src="/static/c.png"><script src="/static/b.js" defer></script></body>'
    )

    html = self_contained(page, tmp_path)

    assert "/static/" not in html
    assert "<style>\nbody{color:red}/* <\\/style> */</style>" in html
    assert "<script>\nlet x = 1;</script>" in html
    assert 'src="data:image/png;base64,iVBORw=="' in html


def test_each_failure_is_one_line_that_says_what_to_do(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAMVAD_STAGE", "local")
    unreachable = aws.EndpointConnectionError(endpoint_url="http://127.0.0.1:4566/")
    refused = aws.ClientError(
        {"Error": {"Code": "AccessDenied", "Message": "not allowed\nat all"}}, "Query"
    )
    missing = FileNotFoundError(2, "No such file or directory", "promo.yaml")

    assert failure(unreachable) == [
        "samvad: cannot reach the local stack at http://127.0.0.1:4566/; start it with `make run`"
    ]
    assert failure(refused) == ["samvad: AWS refused Query: AccessDenied: not allowed at all"]
    assert failure(missing) == ["samvad: promo.yaml: No such file or directory"]
    assert failure(RuntimeError("odd\nthing")) == [
        "samvad: unexpected RuntimeError: odd thing (SAMVAD_DEBUG=1 shows where)"
    ]


def test_a_definitions_problems_and_the_apis_are_a_line_each() -> None:
    problems = [
        DefinitionProblem("a.yaml", 2, "slug", "x", 7),
        DefinitionProblem("a.yaml", 3, "y", "z"),
    ]

    assert failure(InvalidCampaignDefinition(problems)) == ["a.yaml:2:7: slug: x", "a.yaml:3: y: z"]
    assert failure(CommandFailed("422: bad\na.yaml:2:7: slug: x")) == [
        "samvad: 422: bad",
        "a.yaml:2:7: slug: x",
    ]
