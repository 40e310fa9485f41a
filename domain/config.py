"""Configuration from the environment (ADVOCASE_*)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SECRET = "dev-insecure-secret-change-me"


def _default_database_url() -> str:
    var = PROJECT_ROOT / "var"
    return f"sqlite+aiosqlite:///{var / 'advocase.sqlite3'}"


def _bool(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    database_url: str = field(default_factory=_default_database_url)
    secret_key: str = DEFAULT_SECRET
    env: str = "development"
    session_ttl_hours: int = 12
    session_idle_minutes: int = 120
    demo_on_first_start: bool = True

    @property
    def production(self) -> bool:
        return self.env == "production"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides) -> "Settings":
        e = os.environ if environ is None else environ
        env = e.get("ADVOCASE_ENV", "development")
        values = dict(
            database_url=e.get("ADVOCASE_DATABASE_URL") or _default_database_url(),
            secret_key=e.get("ADVOCASE_SECRET_KEY") or DEFAULT_SECRET,
            env=env,
            session_ttl_hours=int(e.get("ADVOCASE_SESSION_TTL_HOURS", "12")),
            session_idle_minutes=int(e.get("ADVOCASE_SESSION_IDLE_MINUTES", "120")),
            demo_on_first_start=_bool(e.get("ADVOCASE_DEMO_ON_FIRST_START"), env != "production"),
        )
        values.update(overrides)
        return cls(**values)

    def validate(self) -> None:
        if self.env not in {"development", "test", "production"}:
            raise ValueError(f"ADVOCASE_ENV must be development, test or production, not {self.env!r}")
        if self.production and (self.secret_key == DEFAULT_SECRET or len(self.secret_key) < 32):
            raise ValueError("ADVOCASE_SECRET_KEY must be set to a random value of 32+ characters in production")
