"""The operators' command line, in-process."""

from __future__ import annotations

from pathlib import Path

import pytest

from samvad_cli.main import main


def test_campaigns_check_reports_sms_encoding_and_segments_per_locale(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["validate"]) == 0

    out = capsys.readouterr().out
    assert "wishlist (version 1): OK" in out
    assert "SMS thank_you_sms.en: GSM-7" in out
    assert "SMS thank_you_sms.hi: UCS-2" in out
    assert "SMS offer.hi.one: UCS-2" in out


def test_campaigns_check_names_file_line_and_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "promo.yaml").write_text("slug: promo\nversion: one\n", encoding="utf-8")

    assert main(["validate", str(tmp_path)]) == 1

    err = capsys.readouterr().err
    assert "promo.yaml:2: version:" in err
