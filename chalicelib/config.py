"""Settings read from the environment, lazily: importing this module reads nothing."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Settings:
    stage: str
    table_name: str
    events_topic_arn: str
    campaigns_dir: Path
    region: str
    endpoint_url: str | None

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
        )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings.from_env()
