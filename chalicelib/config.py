"""Settings read from the environment, lazily: importing this module reads nothing."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from chalicelib.errors import Misconfigured

PACKAGE_DIR = Path(__file__).resolve().parent
LOCAL = "local"
SMS_PER_HOUR = 500  # the stage's default hourly SMS budget (SAMVAD_SMS_PER_HOUR)
LOCAL_SECRET_ID = "samvad/local"  # noqa: S105 (the name of the local stack's secret)
# Without these a deployed function refuses to serve: none of them has a safe default.
REQUIRED = (
    "SAMVAD_TABLE",
    "SAMVAD_EVENTS_TOPIC_ARN",
    "SAMVAD_FOLLOWUPS_TOPIC_ARN",
    "SAMVAD_PUBLIC_URL",
    "SAMVAD_SECRET_ID",
)


class MissingSetting(Misconfigured):
    """A deployed stage lacks settings it cannot run without (``missing`` names them)."""

    def __init__(self, missing: tuple[str, ...], stage: str | None) -> None:
        where = f"stage {stage}" if stage else "no stage"
        super().__init__(f"cannot serve ({where}): missing {', '.join(missing)}")
        self.missing = missing
        self.stage = stage


@dataclass(frozen=True)
class Settings:
    stage: str
    table_name: str
    events_topic_arn: str
    campaigns_dir: Path
    region: str
    endpoint_url: str | None
    public_url: str = "http://127.0.0.1:8000"
    campaign_ttl_seconds: float = 30.0
    view_flush_seconds: float = 30.0
    followups_topic_arn: str = ""
    secret_id: str = LOCAL_SECRET_ID
    """The Secrets Manager secret holding the stage's keys (chalicelib/consent/keys.py)."""
    rate_per_client: tuple[int, int] = (30, 600)
    """At most this many answers per client address per that many seconds."""
    rate_per_phone: tuple[int, int] = (5, 3600)
    """At most this many answers naming the same phone number per that many seconds."""
    sms_per_hour: int = SMS_PER_HOUR
    """At most this many SMS a clock hour on the whole stage; the rest wait for the next hour."""

    @property
    def is_local(self) -> bool:
        return self.stage == LOCAL

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """The settings in ``env``. ``SAMVAD_STAGE`` is always required (only the local stack
        sets it to ``local``, explicitly); a deployed stage also needs every ``REQUIRED``
        setting, and never borrows the local stack's defaults.

        >>> try:
        ...     Settings.from_env({"SAMVAD_STAGE": "prod", "SAMVAD_TABLE": "samvad-prod"})
        ... except MissingSetting as problem:
        ...     print(*problem.missing)
        SAMVAD_EVENTS_TOPIC_ARN SAMVAD_FOLLOWUPS_TOPIC_ARN SAMVAD_PUBLIC_URL SAMVAD_SECRET_ID
        """
        env = os.environ if env is None else env
        stage = env.get("SAMVAD_STAGE", "").strip()
        local = stage == LOCAL
        missing = () if local else tuple(n for n in REQUIRED if not env.get(n, "").strip())
        if not stage or missing:
            raise MissingSetting(("SAMVAD_STAGE", *missing) if not stage else missing, stage)
        return cls(
            stage=stage,
            table_name=env.get("SAMVAD_TABLE", "samvad-local"),
            events_topic_arn=env.get("SAMVAD_EVENTS_TOPIC_ARN", ""),
            campaigns_dir=Path(
                env.get("SAMVAD_CAMPAIGNS_DIR", str(PACKAGE_DIR / "campaigns" / "definitions"))
            ),
            region=env.get("AWS_REGION", env.get("AWS_DEFAULT_REGION", "ap-south-1")),
            endpoint_url=env.get("AWS_ENDPOINT_URL") or None,
            public_url=env.get("SAMVAD_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/"),
            followups_topic_arn=env.get("SAMVAD_FOLLOWUPS_TOPIC_ARN", ""),
            secret_id=env.get("SAMVAD_SECRET_ID", LOCAL_SECRET_ID),
            rate_per_client=_rate(env.get("SAMVAD_RATE_PER_CLIENT", "30/600")),
            rate_per_phone=_rate(env.get("SAMVAD_RATE_PER_PHONE", "5/3600")),
            sms_per_hour=_positive(env.get("SAMVAD_SMS_PER_HOUR", str(SMS_PER_HOUR))),
            # How long a Lambda counts page views before writing them; locally each at once.
            view_flush_seconds=float(env.get("SAMVAD_VIEW_FLUSH_SECONDS", "0" if local else "30")),
            # How long a Lambda keeps the published pointer; locally a publish shows at once.
            campaign_ttl_seconds=float(
                env.get("SAMVAD_CAMPAIGN_TTL_SECONDS", "0" if local else "30")
            ),
        )


def _positive(value: str) -> int:
    """A count of at least one: a budget of 0 or less would hold every SMS back for good.

    >>> _positive("250")
    250
    """
    count = int(value)
    if count < 1:
        raise ValueError(f"expected a positive count, got {value!r}")
    return count


def _rate(value: str) -> tuple[int, int]:
    """``"30/600"``: 30 events per 600 seconds.

    >>> _rate("5/3600")
    (5, 3600)
    """
    count, _, seconds = value.partition("/")
    return int(count), int(seconds)


@lru_cache(maxsize=1)
def _loaded() -> Settings | MissingSetting:
    try:
        return Settings.from_env()
    except MissingSetting as problem:
        from chalicelib.logs import get_logger

        # Once per container: every request then gets 503 without a traceback of its own.
        get_logger().error(
            str(problem), extra={"event": "config.missing", "missing": list(problem.missing)}
        )
        return problem


def get_settings() -> Settings:
    """The settings of this process, read once; ``MissingSetting`` (logged once) if the stage
    cannot run."""
    loaded = _loaded()
    if isinstance(loaded, MissingSetting):
        raise MissingSetting(loaded.missing, loaded.stage)
    return loaded


def forget_settings() -> None:
    """Read the environment again on next use (tests, and the local stack after it sets it)."""
    _loaded.cache_clear()
