"""Migration 0004 on a database with data: admins get the new permissions, members count as joined; and back."""

from __future__ import annotations

import uuid

import pytest
from alembic import command
from sqlalchemy import create_engine, make_url, text

from migrations import config, sync_url, upgrade

ORG = uuid.uuid4()
USERS = (uuid.uuid4(), uuid.uuid4())


def _seed(conn, dialect: str) -> None:
    def uid(u: uuid.UUID):
        return u.hex if dialect == "sqlite" else u
    conn.execute(text("INSERT INTO organizations (id, name, slug, policy_version, suppression_threshold, created_at, "
                      "deadline_profile) VALUES (:id, 'Kept', :slug, 3, 10, '2026-01-01 00:00:00+00', "
                      "'FEDERAL_IDEA')"), {"id": uid(ORG), "slug": f"kept-{ORG.hex[:6]}"})
    for i, (user, active) in enumerate(zip(USERS, (True, False))):
        conn.execute(text("INSERT INTO users (id, email, display_name, preferred_language, active, created_at) "
                          "VALUES (:id, :email, 'U', 'en', true, '2026-01-01 00:00:00+00')"),
                     {"id": uid(user), "email": f"u{i}-{ORG.hex[:6]}@example.org"})
        conn.execute(text("INSERT INTO memberships (id, organization_id, user_id, active, created_at) "
                          "VALUES (:id, :org, :user, :active, '2026-01-02 00:00:00+00')"),
                     {"id": uid(uuid.uuid4()), "org": uid(ORG), "user": uid(user), "active": active})


def _check_upgraded(conn, dialect: str) -> None:
    org = ORG.hex if dialect == "sqlite" else ORG
    grants = {tuple(r) for r in conn.execute(text(
        "SELECT v0, v2, v3 FROM policy_rules WHERE organization_id = :o AND ptype = 'p'"), {"o": org})}
    assert grants == {("admin", "user", "manage"), ("admin", "role", "manage"), ("admin", "audit", "read")}
    version, languages = conn.execute(text("SELECT policy_version, languages FROM organizations WHERE id = :o"),
                                      {"o": org}).one()
    assert version == 4
    assert (languages if isinstance(languages, list) else __import__("json").loads(languages)) == ["en", "es"]
    rows = conn.execute(text("SELECT active, joined_at IS NOT NULL, deactivated_at IS NOT NULL FROM memberships "
                             "WHERE organization_id = :o ORDER BY active DESC"), {"o": org}).all()
    assert [tuple(bool(x) for x in r) for r in rows] == [(True, True, False), (False, True, True)]


def _sqlite_audit_triggers(conn) -> set[str]:
    return set(conn.scalars(text("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                                 "AND tbl_name = 'audit_events'")))


def _roundtrip(url: str) -> None:
    dialect = "sqlite" if url.startswith("sqlite") else "postgresql"
    upgrade(url, "0003")
    engine = create_engine(sync_url(url))
    try:
        with engine.begin() as conn:
            _seed(conn, dialect)
        upgrade(url, "0004")  # later migrations grant more (0005: case:import, case:export)
        with engine.begin() as conn:
            _check_upgraded(conn, dialect)
            if dialect == "postgresql":
                triggers = set(conn.scalars(text(
                    "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_events'::regclass AND NOT tgisinternal")))
                assert triggers == {"audit_events_no_update_delete", "audit_events_no_truncate"}
            else:
                assert _sqlite_audit_triggers(conn) == {"audit_events_no_update", "audit_events_no_delete"}
        command.downgrade(config(url), "0003")
        with engine.begin() as conn:
            assert conn.scalar(text("SELECT count(*) FROM policy_rules WHERE v2 IN ('user', 'role', 'audit')")) == 0
            if dialect == "postgresql":
                assert conn.scalar(text("SELECT count(*) FROM pg_trigger WHERE tgrelid = 'audit_events'::regclass "
                                        "AND NOT tgisinternal")) == 0
            else:
                assert _sqlite_audit_triggers(conn) == set()
        upgrade(url)
        with engine.begin() as conn:
            assert conn.scalar(text("SELECT count(*) FROM policy_rules WHERE v2 = 'audit'")) == 1
    finally:
        engine.dispose()


def test_0004_on_existing_data_sqlite(tmp_path):
    _roundtrip(f"sqlite+aiosqlite:///{tmp_path / 'm.sqlite3'}")


def test_0004_on_existing_data_postgres(pg_url):
    """In a database of its own (the shared test database keeps its schema)."""
    name = f"advocase_mig_{uuid.uuid4().hex[:10]}"
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
