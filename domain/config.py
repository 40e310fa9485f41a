"""Configuration from the environment (ADVOCASE_*)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError
from pathlib import Path

from domain.security.sealing import Sealer

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SECRET = "dev-insecure-secret-change-me"


def _default_database_url() -> str:
    var = PROJECT_ROOT / "var"
    return f"sqlite+aiosqlite:///{var / 'advocase.sqlite3'}"


def _bool(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}



def date_in(zone: str, at: datetime | None = None) -> date:
    """The date in the IANA time zone `zone` at the moment `at` (aware; default: now)."""
    return (at.astimezone(ZoneInfo(zone)) if at else datetime.now(ZoneInfo(zone))).date()

@dataclass(frozen=True)
class MailSettings:
    """Outgoing mail (SMTP). Without a host nothing is sent: messages wait in the outbox as unsent."""

    host: str | None = None
    port: int = 25
    username: str | None = None
    password: str | None = None
    starttls: bool | None = None   # True: required; False: never; None: when the server offers it
    tls: bool = False              # implicit TLS (SMTPS, usually port 465)
    mail_from: str = "Advocase <advocase@localhost>"
    timeout_seconds: float = 30.0
    poll_seconds: float = 5.0

    @property
    def configured(self) -> bool:
        return bool(self.host)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> "MailSettings":
        e = os.environ if environ is None else environ
        tls = _bool(e.get("ADVOCASE_SMTP_TLS"), False)
        raw_starttls = (e.get("ADVOCASE_SMTP_STARTTLS") or "auto").strip().lower()
        starttls = None if raw_starttls == "auto" or tls else _bool(raw_starttls, False)
        default_port = 465 if tls else 587 if starttls else 25
        return cls(
            host=e.get("ADVOCASE_SMTP_HOST") or None,
            port=int(e.get("ADVOCASE_SMTP_PORT") or default_port),
            username=e.get("ADVOCASE_SMTP_USERNAME") or None,
            password=e.get("ADVOCASE_SMTP_PASSWORD") or None,
            starttls=starttls,
            tls=tls,
            mail_from=e.get("ADVOCASE_MAIL_FROM") or cls.mail_from,
            timeout_seconds=float(e.get("ADVOCASE_SMTP_TIMEOUT_SECONDS") or 30),
            poll_seconds=float(e.get("ADVOCASE_WORKER_POLL_SECONDS") or 5),
        )


@dataclass(frozen=True)
class Settings:
    database_url: str = field(default_factory=_default_database_url)
    # PostgreSQL: the owner role that runs migrations (ADVOCASE_MIGRATION_DATABASE_URL); the app itself
    # connects as a role without ownership or BYPASSRLS (README: "Data protection and reliability")
    migration_database_url: str | None = None
    secret_key: str = DEFAULT_SECRET
    # keys replaced by secret_key that still open what they sealed (domain/security/sealing.py: rotation)
    previous_secret_keys: tuple[str, ...] = ()
    env: str = "development"
    session_ttl_hours: int = 12
    session_idle_minutes: int = 120
    demo_on_first_start: bool = True
    mail: MailSettings = field(default_factory=MailSettings)
    inprocess_worker: bool | None = None  # None: on for SQLite, off otherwise
    public_url: str = "http://127.0.0.1:8000"  # where links in mail point (invitations, password resets)
    invitation_ttl_hours: int = 168
    password_reset_ttl_minutes: int = 60
    # security (README "Security"): sign-in throttling and the metrics endpoint
    login_free_failures: int = 3          # failures (per account) before delays start
    login_lockout_failures: int = 10      # failures (per account) that lock it for login_lockout_minutes
    login_address_free_failures: int = 20
    login_address_lockout_failures: int = 100
    login_lockout_minutes: int = 15       # also the window over which failures are counted
    metrics_token: str | None = None      # /metrics: with a token, `Authorization: Bearer <token>`; else loopback
    # The organizations' local time (IANA name): what "today" is for opened-on defaults, "not in the future",
    # answers and deadlines. A server clock in UTC is a day ahead of US evenings.
    time_zone: str = "America/New_York"
    # the hour (0-23, on each organization's clock) from which the day's notification digests go out
    digest_hour: int = 7

    def today(self, zone: str | None = None) -> date:
        """Today's date where the organization works (its own zone, else time_zone), not on the server's clock."""
        return date_in(zone or self.time_zone)

    def sealer(self, purpose: str) -> Sealer:
        """Seals and opens secrets of one purpose ("totp", "device") with secret_key (and the previous keys)."""
        return Sealer(self.secret_key, purpose, self.previous_secret_keys)

    @property
    def run_inprocess_worker(self) -> bool:
        """`serve` runs the worker itself (a background task) when this is on: the periodic notification jobs
        always, and the outbox delivery when SMTP is configured."""
        return self.is_sqlite if self.inprocess_worker is None else self.inprocess_worker

    @property
    def production(self) -> bool:
        return self.env == "production"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def migrations_url(self) -> str:
        """Where `advocase db upgrade` (and serve's upgrade outside production) migrates: the owner role."""
        return self.migration_database_url or self.database_url

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides) -> "Settings":
        e = os.environ if environ is None else environ
        env = e.get("ADVOCASE_ENV", "development")
        values = dict(
            database_url=e.get("ADVOCASE_DATABASE_URL") or _default_database_url(),
            migration_database_url=e.get("ADVOCASE_MIGRATION_DATABASE_URL") or None,
            secret_key=e.get("ADVOCASE_SECRET_KEY") or DEFAULT_SECRET,
            previous_secret_keys=tuple(k.strip() for k in (e.get("ADVOCASE_PREVIOUS_SECRET_KEYS") or "").split(",")
                                       if k.strip()),
            env=env,
            session_ttl_hours=int(e.get("ADVOCASE_SESSION_TTL_HOURS", "12")),
            session_idle_minutes=int(e.get("ADVOCASE_SESSION_IDLE_MINUTES", "120")),
            demo_on_first_start=_bool(e.get("ADVOCASE_DEMO_ON_FIRST_START"), env != "production"),
            mail=MailSettings.from_env(e),
            inprocess_worker=(_bool(e["ADVOCASE_INPROCESS_WORKER"], False)
                              if e.get("ADVOCASE_INPROCESS_WORKER") else None),
            public_url=(e.get("ADVOCASE_PUBLIC_URL") or cls.public_url).rstrip("/"),
            invitation_ttl_hours=int(e.get("ADVOCASE_INVITATION_TTL_HOURS") or 168),
            password_reset_ttl_minutes=int(e.get("ADVOCASE_PASSWORD_RESET_TTL_MINUTES") or 60),
            login_free_failures=int(e.get("ADVOCASE_LOGIN_FREE_FAILURES") or 3),
            login_lockout_failures=int(e.get("ADVOCASE_LOGIN_LOCKOUT_FAILURES") or 10),
            login_address_free_failures=int(e.get("ADVOCASE_LOGIN_ADDRESS_FREE_FAILURES") or 20),
            login_address_lockout_failures=int(e.get("ADVOCASE_LOGIN_ADDRESS_LOCKOUT_FAILURES") or 100),
            login_lockout_minutes=int(e.get("ADVOCASE_LOGIN_LOCKOUT_MINUTES") or 15),
            metrics_token=e.get("ADVOCASE_METRICS_TOKEN") or None,
            time_zone=e.get("ADVOCASE_TIME_ZONE") or cls.time_zone,
            digest_hour=int(e.get("ADVOCASE_DIGEST_HOUR") or cls.digest_hour),
        )
        if e.get("ADVOCASE_DIGEST_HOUR_UTC"):
            raise ValueError("ADVOCASE_DIGEST_HOUR_UTC was replaced by ADVOCASE_DIGEST_HOUR, an hour on each "
                             "organization's own clock (its time zone, else ADVOCASE_TIME_ZONE): set that instead")
        values.update(overrides)
        return cls(**values)

    def validate(self) -> None:
        try:
            ZoneInfo(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"ADVOCASE_TIME_ZONE must be an IANA time zone such as America/Chicago, "
                             f"not {self.time_zone!r}") from None
        if self.env not in {"development", "test", "production"}:
            raise ValueError(f"ADVOCASE_ENV must be development, test or production, not {self.env!r}")
        if not self.public_url.startswith(("http://", "https://")):
            raise ValueError(f"ADVOCASE_PUBLIC_URL must start with http:// or https://, not {self.public_url!r}")
        if self.production and (self.secret_key == DEFAULT_SECRET or len(self.secret_key) < 32):
            raise ValueError("ADVOCASE_SECRET_KEY must be set to a random value of 32+ characters in production "
                             "(it is missing or still the development default); e.g. "
                             "python -c 'import secrets; print(secrets.token_urlsafe(48))'")
        if not 0 <= self.digest_hour <= 23:
            raise ValueError(f"ADVOCASE_DIGEST_HOUR must be an hour from 0 to 23, not {self.digest_hour}")
        if self.session_idle_minutes < 1 or self.session_ttl_hours < 1:
            raise ValueError("ADVOCASE_SESSION_IDLE_MINUTES and ADVOCASE_SESSION_TTL_HOURS must be at least 1")
        if not 0 <= self.login_free_failures < self.login_lockout_failures or \
                not 0 <= self.login_address_free_failures < self.login_address_lockout_failures:
            raise ValueError("ADVOCASE_LOGIN_*_FREE_FAILURES must be below the matching *_LOCKOUT_FAILURES")
        if self.production and self.mail.configured and self.mail.mail_from == MailSettings.mail_from:
            raise ValueError("ADVOCASE_MAIL_FROM must be set when ADVOCASE_SMTP_HOST is set in production")
