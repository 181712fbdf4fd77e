"""The operators' command line, in-process."""

from __future__ import annotations

from pathlib import Path

import pytest

from samvad_cli.main import main
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
    assert "promo.yaml:2: default_locale: 5 is not of type 'string'" in err


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
        f"wishlist.yaml:{line}: locales: 'si' cannot be served: no UI translation "
        "(locales/si/LC_MESSAGES/messages.po, compiled by make i18n)"
    )

    for command in ("validate", "deploy"):
        assert main([command, str(path)]) == 1
        assert refused in capsys.readouterr().err
