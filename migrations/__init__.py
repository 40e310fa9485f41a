"""Alembic migrations: the only way a database schema is created or changed."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

HERE = Path(__file__).resolve().parent


def sync_url(url: str) -> str:
    """Migrations run on a plain synchronous driver: aiosqlite -> sqlite, psycopg stays psycopg."""
    return url.replace("sqlite+aiosqlite", "sqlite", 1)


def include_object(obj, name, kind, reflected, compare_to) -> bool:
    """For comparing the models with a database (autogenerate, the migrations test): PostgreSQL-only indexes that
    migrations create but the shared metadata cannot declare are not differences."""
    from domain.cases.models import POSTGRESQL_ONLY_INDEXES
    return not (kind == "index" and reflected and name in POSTGRESQL_ONLY_INDEXES)


def config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    cfg.set_main_option("sqlalchemy.url", sync_url(url).replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(config(url), revision)
