"""The committed SDL and the migrations stay in step with the code."""

from __future__ import annotations

import sqlite3

import pytest

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from api.cli import SCHEMA_PATH
from api.schema import schema
from domain.cases.models import POSTGRESQL_ONLY_INDEXES
from domain.db import Base
from migrations import include_object, sync_url, upgrade


def test_committed_sdl_matches_the_code():
    assert SCHEMA_PATH.read_text() == schema.as_str() + "\n", "api/schema.graphql is stale: run `make schema`"


def test_migrations_create_exactly_the_models(db_url):
    engine = create_engine(sync_url(db_url))
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": False, "include_object": include_object})
        diff = compare_metadata(context, Base.metadata)
        if conn.dialect.name == "postgresql":  # ... which PostgreSQL has
            assert POSTGRESQL_ONLY_INDEXES <= {i["name"] for i in inspect(conn).get_indexes("cases")}
    engine.dispose()
    assert diff == [], f"models and migrations differ; add a migration: {diff}"


def test_upgrade_on_an_existing_database_keeps_its_data(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'existing.sqlite3'}"
    upgrade(url, "0001")
    with sqlite3.connect(tmp_path / "existing.sqlite3") as conn:
        conn.execute("INSERT INTO organizations (id, name, slug, policy_version, suppression_threshold, created_at) "
                     "VALUES ('0123456789abcdef0123456789abcdef', 'Kept', 'kept', 1, 10, '2026-01-01 00:00:00')")
    upgrade(url)
    upgrade(url)  # idempotent
    with sqlite3.connect(tmp_path / "existing.sqlite3") as conn:
        assert conn.execute("SELECT name FROM organizations").fetchall() == [("Kept",)]


def test_the_second_factor_secrets_of_an_existing_database_get_sealed(tmp_path, monkeypatch):
    from alembic import command

    from domain.config import Settings
    from migrations import config
    url = f"sqlite+aiosqlite:///{tmp_path / 'existing.sqlite3'}"
    upgrade(url, "0011")
    with sqlite3.connect(tmp_path / "existing.sqlite3") as conn:
        conn.execute("INSERT INTO users (id, email, display_name, preferred_language, active, created_at, totp_secret) "
                     "VALUES ('0123456789abcdef0123456789abcdef', 'ana@example.org', 'Ana', 'en', 1, "
                     "'2026-01-01 00:00:00', 'JBSWY3DPEHPK3PXP')")
    # run without the deployment's key (the public development default) and no explicit development environment:
    # refused, rather than sealing with a key everyone knows
    monkeypatch.delenv("ADVOCASE_SECRET_KEY", raising=False)
    monkeypatch.delenv("ADVOCASE_ENV", raising=False)
    with pytest.raises(RuntimeError, match="ADVOCASE_SECRET_KEY"):
        upgrade(url)
    with sqlite3.connect(tmp_path / "existing.sqlite3") as conn:
        assert conn.execute("SELECT totp_secret FROM users").fetchone() == ("JBSWY3DPEHPK3PXP",)
    monkeypatch.setenv("ADVOCASE_SECRET_KEY", "the deployment's secret key, 32+ characters")
    upgrade(url)
    with sqlite3.connect(tmp_path / "existing.sqlite3") as conn:
        (stored,) = conn.execute("SELECT totp_secret FROM users").fetchone()
    assert stored != "JBSWY3DPEHPK3PXP" and Settings.from_env().sealer("totp").open(stored) == "JBSWY3DPEHPK3PXP"
    command.downgrade(config(url), "0011")
    with sqlite3.connect(tmp_path / "existing.sqlite3") as conn:
        assert conn.execute("SELECT totp_secret FROM users").fetchone() == ("JBSWY3DPEHPK3PXP",)
