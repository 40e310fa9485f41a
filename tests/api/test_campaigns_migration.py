"""Migration 0003 on a database with an organization: it gets the campaign grants (policy version bumped); and back."""

from __future__ import annotations

import uuid

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect, make_url, text

from migrations import config, sync_url, upgrade
from policies.enforcer import default_grants

CAMPAIGN_RESOURCES = ("campaign", "story", "stats", "evidence", "network")


def _grants(conn, org) -> set[tuple[str, str, str]]:
    return {tuple(r) for r in conn.execute(text(
        "SELECT v0, v2, v3 FROM policy_rules WHERE organization_id = :o AND ptype = 'p'"), {"o": org})}


def _roundtrip(url: str) -> None:
    dialect = "sqlite" if url.startswith("sqlite") else "postgresql"
    org_id = uuid.uuid4()
    org = org_id.hex if dialect == "sqlite" else org_id
    upgrade(url, "0002")
    engine = create_engine(sync_url(url))
    try:
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO organizations (id, name, slug, policy_version, suppression_threshold, "
                              "created_at, deadline_profile) VALUES (:id, 'Kept', :slug, 7, 10, "
                              "'2026-01-01 00:00:00+00', 'FEDERAL_IDEA')"), {"id": org, "slug": f"kept-{org_id.hex}"})
        upgrade(url, "0003")
        expected = {g for g in default_grants() if g[1] in CAMPAIGN_RESOURCES or g[1:] == ("case", "link")}
        with engine.begin() as conn:
            assert _grants(conn, org) == expected
            assert ("advocate", "story", "draft") in expected and ("campaign_lead", "story", "approve") in expected
            assert conn.scalar(text("SELECT policy_version FROM organizations WHERE id = :o"), {"o": org}) == 8
        assert {"campaigns", "campaign_cases", "stories", "networks", "network_members", "network_leads"} <= set(
            inspect(engine).get_table_names())
        command.downgrade(config(url), "0002")
        with engine.begin() as conn:
            assert _grants(conn, org) == set()
            assert conn.scalar(text("SELECT policy_version FROM organizations WHERE id = :o"), {"o": org}) == 9
        assert "campaigns" not in set(inspect(engine).get_table_names())
        upgrade(url)
        with engine.begin() as conn:
            assert expected <= _grants(conn, org)
    finally:
        engine.dispose()


def test_0003_on_existing_data_sqlite(tmp_path):
    _roundtrip(f"sqlite+aiosqlite:///{tmp_path / 'm.sqlite3'}")


def test_0003_on_existing_data_postgres(pg_url):
    """In a database of its own (the shared test database keeps its schema)."""
    name = f"advocase_mig3_{uuid.uuid4().hex[:10]}"
    admin = create_engine(sync_url(pg_url), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as e:  # an ADVOCASE_TEST_DATABASE_URL role without CREATEDB
        admin.dispose()
        pytest.skip(f"cannot create a scratch database: {e}")
    try:
        _roundtrip(make_url(pg_url).set(database=name).render_as_string(hide_password=False))
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()
