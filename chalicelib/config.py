"""Settings read from the environment, lazily: importing this module reads nothing."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
LOCAL_LINK_SECRET = b"samvad-local-development-only-not-a-secret"


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
    admin_key_sha256: str = ""
    rate_per_client: tuple[int, int] = (30, 600)
    """At most this many answers per client address per that many seconds."""
    rate_per_phone: tuple[int, int] = (5, 3600)
    """At most this many answers naming the same phone number per that many seconds."""
    link_secret: bytes = b""

    @property
    def is_local(self) -> bool:
        return self.stage == "local"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        return cls(
            stage=env.get("SAMVAD_STAGE", "local"),
            table_name=env.get("SAMVAD_TABLE", "samvad-local"),
            events_topic_arn=env.get("SAMVAD_EVENTS_TOPIC_ARN", ""),
            campaigns_dir=Path(
                env.get("SAMVAD_CAMPAIGNS_DIR", str(PACKAGE_DIR / "campaigns" / "definitions"))
            ),
            region=env.get("AWS_REGION", env.get("AWS_DEFAULT_REGION", "ap-south-1")),
            endpoint_url=env.get("AWS_ENDPOINT_URL") or None,
            public_url=env.get("SAMVAD_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/"),
            link_secret=_link_secret(env),
            followups_topic_arn=env.get("SAMVAD_FOLLOWUPS_TOPIC_ARN", ""),
            admin_key_sha256=env.get("SAMVAD_ADMIN_KEY_SHA256", "").strip().lower(),
            rate_per_client=_rate(env.get("SAMVAD_RATE_PER_CLIENT", "30/600")),
            rate_per_phone=_rate(env.get("SAMVAD_RATE_PER_PHONE", "5/3600")),
            # How long a Lambda keeps the published pointer; locally a publish shows at once.
            view_flush_seconds=float(
                env.get("SAMVAD_VIEW_FLUSH_SECONDS", "0" if _local(env) else "30")
            ),
            campaign_ttl_seconds=float(
                env.get("SAMVAD_CAMPAIGN_TTL_SECONDS", "0" if _local(env) else "30")
            ),
        )


def _rate(value: str) -> tuple[int, int]:
    """``"30/600"``: 30 events per 600 seconds.

    >>> _rate("5/3600")
    (5, 3600)
    """
    count, _, seconds = value.partition("/")
    return int(count), int(seconds)


def _local(env: Mapping[str, str]) -> bool:
    return env.get("SAMVAD_STAGE", "local") == "local"


def _link_secret(env: Mapping[str, str]) -> bytes:
    """The key that signs unsubscribe links and derives contact ids. Deployed stages must set
    ``SAMVAD_LINK_SECRET``; only the local stage has a fixed, public development key."""
    secret = env.get("SAMVAD_LINK_SECRET", "")
    if secret:
        return secret.encode("utf-8")
    if _local(env):
        return LOCAL_LINK_SECRET
    raise MissingSetting("SAMVAD_LINK_SECRET must be set outside the local stage")


class MissingSetting(RuntimeError):
    """A deployed stage lacks a setting it cannot run without."""


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings.from_env()
