"""Settings fail closed: a deployed stage runs only with every setting it needs, and nothing
but the local stack (which says so with ``SAMVAD_STAGE=local``) gets the local defaults."""

from __future__ import annotations

import pytest

from chalicelib.config import LOCAL_SECRET_ID, REQUIRED, MissingSetting, Settings

PROD = {
    "SAMVAD_STAGE": "prod",
    "SAMVAD_TABLE": "samvad-prod",
    "SAMVAD_EVENTS_TOPIC_ARN": "arn:aws:sns:ap-south-1:123456789012:samvad-prod-campaign-events",
    "SAMVAD_FOLLOWUPS_TOPIC_ARN": "arn:aws:sns:ap-south-1:123456789012:samvad-prod-followups",
    "SAMVAD_PUBLIC_URL": "https://samvad.example/",
    "SAMVAD_SECRET_ID": "samvad/prod",
    "AWS_REGION": "ap-south-1",
}


def test_a_deployed_stage_with_every_setting_runs_with_those_settings() -> None:
    settings = Settings.from_env(PROD)

    assert settings.is_local is False
    assert (settings.table_name, settings.secret_id) == ("samvad-prod", "samvad/prod")
    assert settings.public_url == "https://samvad.example"
    assert settings.followups_topic_arn.endswith(":samvad-prod-followups")
    assert (settings.campaign_ttl_seconds, settings.view_flush_seconds) == (30.0, 30.0)


@pytest.mark.parametrize("name", REQUIRED)
@pytest.mark.parametrize("value", [None, "", "  "])
def test_a_deployed_stage_missing_one_setting_refuses_and_names_it(
    name: str, value: str | None
) -> None:
    env = {k: v for k, v in PROD.items() if k != name}
    if value is not None:
        env[name] = value

    with pytest.raises(MissingSetting) as refused:
        Settings.from_env(env)

    assert refused.value.missing == (name,)
    assert name in str(refused.value)
    assert "prod" in str(refused.value)


def test_every_missing_setting_is_named_at_once() -> None:
    with pytest.raises(MissingSetting) as refused:
        Settings.from_env({"SAMVAD_STAGE": "prod"})

    assert refused.value.missing == REQUIRED


@pytest.mark.parametrize("stage", [None, "", " "])
def test_without_a_stage_nothing_runs_not_even_with_local_defaults(stage: str | None) -> None:
    env = {k: v for k, v in PROD.items() if k != "SAMVAD_STAGE"}
    if stage is not None:
        env["SAMVAD_STAGE"] = stage

    with pytest.raises(MissingSetting) as refused:
        Settings.from_env(env)
    with pytest.raises(MissingSetting) as bare:
        Settings.from_env({})

    assert refused.value.missing == ("SAMVAD_STAGE",)
    assert bare.value.missing == ("SAMVAD_STAGE", *REQUIRED)


def test_the_values_of_settings_never_appear_in_the_refusal() -> None:
    env = {k: v for k, v in PROD.items() if k != "SAMVAD_PUBLIC_URL"}

    with pytest.raises(MissingSetting) as refused:
        Settings.from_env(env)

    assert not any(value in str(refused.value) for value in env.values() if value != "prod")


def test_only_the_local_stage_has_defaults() -> None:
    settings = Settings.from_env({"SAMVAD_STAGE": "local"})

    assert settings.is_local
    assert (settings.table_name, settings.secret_id) == ("samvad-local", LOCAL_SECRET_ID)
    assert settings.public_url == "http://127.0.0.1:8000"
    assert (settings.campaign_ttl_seconds, settings.view_flush_seconds) == (0.0, 0.0)


def test_the_hourly_sms_budget_is_read_and_must_be_positive() -> None:
    assert Settings.from_env({"SAMVAD_STAGE": "local"}).sms_per_hour == 500
    budget = Settings.from_env({"SAMVAD_STAGE": "local", "SAMVAD_SMS_PER_HOUR": "40"})
    assert budget.sms_per_hour == 40
    with pytest.raises(ValueError, match="positive"):
        Settings.from_env({"SAMVAD_STAGE": "local", "SAMVAD_SMS_PER_HOUR": "0"})
