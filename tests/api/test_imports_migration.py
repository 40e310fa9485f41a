"""Migration 0005 on a database with data: existing organizations' roles get case:import / case:export as the
default policy grants them, the policy version moves, external ids are empty; and back."""

from __future__ import annotations

import uuid

from alembic import command
from sqlalchemy import create_engine, make_url, text

from migrations import config, sync_url, upgrade
from policies.enforcer import default_grants

ORG = uuid.uuid4()


def _roundtrip(url: str) -> None:
    sqlite = url.startswith("sqlite")
    org = ORG.hex if sqlite else ORG
    upgrade(url, "0004")
    engine = create_engine(sync_url(url))
    try:
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO organizations (id, name, slug, policy_version, suppression_threshold, "
                              "created_at, deadline_profile) VALUES (:id, 'Kept', :slug, 3, 10, "
                              "'2026-01-01 00:00:00+00', 'FEDERAL_IDEA')"), {"id": org, "slug": f"k-{ORG.hex[:8]}"})
        upgrade(url, "0005")
        with engine.begin() as conn:
            grants = {tuple(r) for r in conn.execute(text(
                "SELECT v0, v2, v3 FROM policy_rules WHERE organization_id = :o AND ptype = 'p'"), {"o": org})}
            expected = {g for g in default_grants() if g[1:] in (("case", "import"), ("case", "export"))}
            assert grants == expected == {("admin", "case", "import"), ("admin", "case", "export"),
                                          ("advocate", "case", "export")}
            assert conn.scalar(text("SELECT policy_version FROM organizations WHERE id = :o"), {"o": org}) == 4
            assert conn.scalar(text("SELECT count(*) FROM families WHERE external_id IS NOT NULL")) == 0
        command.downgrade(config(url), "0004")
        with engine.begin() as conn:
            assert conn.scalar(text("SELECT count(*) FROM policy_rules WHERE v2 = 'case' AND v3 IN "
                                    "('import', 'export')")) == 0
        upgrade(url, "0005")
    finally:
        engine.dispose()


def test_0005_on_existing_data_sqlite(tmp_path):
    _roundtrip(f"sqlite+aiosqlite:///{tmp_path / 'm.sqlite3'}")


def test_0005_on_existing_data_postgres(pg_url):
    """In a database of its own (the shared test database keeps its schema)."""
    name = f"advocase_mig5_{uuid.uuid4().hex[:10]}"
    admin = create_engine(sync_url(pg_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        _roundtrip(make_url(pg_url).set(database=name).render_as_string(hide_password=False))
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()
