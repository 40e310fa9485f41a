"""PostgreSQL row-level security: the second line behind the service layer (migration 0006).

The app connects as a role that owns nothing and cannot bypass row-level security; every table with an
organization_id shows it only the rows of the organization its transaction names, none without one, and
the audit table is append-only for it. These tests talk to the database directly as that role (raw SQL),
so they hold whatever the service layer does. PostgreSQL only: SQLite has no roles or policies.
"""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from domain.db import Database, tenant, utcnow
from domain.identity.service import token_digest
from migrations import sync_url, upgrade
from tests.conftest import make_world, app_role_url

SETTING = "advocase.organization_id"


@pytest.fixture(scope="module")
def owner_url(pg_url) -> str:
    upgrade(pg_url)
    return pg_url


@pytest.fixture(scope="module")
def app_url(owner_url) -> str:
    return app_role_url(owner_url)


@pytest.fixture
async def owner_db(owner_url):
    database = Database(owner_url)
    yield database
    await database.dispose()


@pytest.fixture
def raw(app_url):
    """A plain connection of the application role: no help from the app, only SQL."""
    engine = create_engine(sync_url(app_url))
    conn = engine.connect()
    yield conn
    conn.rollback()
    conn.close()
    engine.dispose()


def tenant_tables(conn) -> list[str]:
    return list(conn.execute(text(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'organization_id' AND NOT a.attisdropped "
        "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') ORDER BY 1")).scalars())


def scoped(conn, org_id: uuid.UUID | None) -> None:
    conn.execute(text("SELECT set_config(:k, :v, true)"), {"k": SETTING, "v": str(org_id) if org_id else ""})


def test_every_tenant_table_has_row_level_security_enabled_forced_and_a_policy(owner_url):
    engine = create_engine(sync_url(owner_url))
    with engine.connect() as conn:
        tables = tenant_tables(conn)
        # not vacuous: the tenant tables of every area are there
        assert {"cases", "families", "students", "consents", "escalations", "districts", "audit_events",
                "outbox_messages", "sessions", "memberships", "campaigns"} <= set(tables)
        rows = {name: (rls, force) for name, rls, force in conn.execute(text(
            "SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class WHERE relname = ANY(:t) "
            "AND relnamespace = current_schema()::regnamespace"), {"t": tables})}
        policies = set(conn.execute(text(
            "SELECT tablename FROM pg_policies WHERE schemaname = current_schema()")).scalars())
    engine.dispose()
    missing = [t for t in tables if rows.get(t) != (True, True) or t not in policies]
    assert missing == [], f"tables with an organization_id but no (forced) row-level security policy: {missing}; " \
                          "give them one in a migration (see migrations/versions/0006_security.py)"


def test_the_app_role_owns_nothing_and_cannot_bypass(raw):
    me = raw.execute(text("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")).one()
    assert tuple(me) == (False, False)
    inherited = raw.execute(text(
        "SELECT bool_or(r.rolsuper OR r.rolbypassrls) FROM pg_roles r "
        "WHERE pg_has_role(current_user, r.oid, 'MEMBER')")).scalar()
    assert inherited is False
    owned = raw.execute(text(
        "SELECT count(*) FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace "
        "AND pg_has_role(current_user, c.relowner, 'USAGE')")).scalar()
    assert owned == 0
    with pytest.raises(DBAPIError, match="permission denied|must be owner"):
        raw.execute(text("ALTER TABLE cases DISABLE ROW LEVEL SECURITY"))


async def test_without_the_setting_no_tenant_row_is_visible(owner_db, raw):
    await make_world(owner_db)
    tables = tenant_tables(raw)
    counted = {t: raw.execute(text(f'SELECT count(*) FROM "{t}"')).scalar() for t in tables}
    assert counted == {t: 0 for t in tables}
    scoped(raw, None)  # explicitly empty: the same
    assert raw.execute(text("SELECT count(*) FROM memberships")).scalar() == 0
    # and nothing can be written without an organization
    with pytest.raises(DBAPIError, match="row-level security"):
        raw.execute(text("INSERT INTO chapters (id, organization_id, name, created_at) "
                         "VALUES (:id, (SELECT id FROM organizations LIMIT 1), 'Sneaky', now())"),
                    {"id": uuid.uuid4()})


async def test_the_session_lookup_answers_only_the_live_session_of_the_digest_it_is_given(owner_db, raw):
    """advocase_live_session() (migration 0015) reads past row-level security, before the organization is known:
    it answers a live session's own row, member and chapters to whoever holds the token, and nothing else."""
    mine, theirs = await make_world(owner_db, "Mine"), await make_world(owner_db, "Theirs")
    lookup = text("SELECT organization_id, user_id, chapter_id FROM advocase_live_session(:h, now(), "
                  "now() - interval '30 minutes')")
    rows = raw.execute(lookup, {"h": token_digest(mine.tokens["advocate"])}).all()
    assert {(r[0], r[1]) for r in rows} == {(mine.org_id, mine.users["advocate"])}
    assert {r[2] for r in rows} == {mine.chapters["North"]}
    for unknown in ("", "0" * 64, theirs.tokens["advocate"]):  # a guess, or a token instead of its digest
        assert raw.execute(lookup, {"h": unknown}).all() == []
    # the session it answers for is still invisible to plain SQL without the organization
    assert raw.execute(text("SELECT count(*) FROM sessions")).scalar() == 0
    # ended sessions answer nothing: revoked, expired, or idle since before the cutoff
    async with owner_db.transaction() as s:
        await s.execute(text("UPDATE sessions SET revoked_at = now() WHERE token_hash = :h"),
                        {"h": token_digest(mine.tokens["advocate"])})
        await s.execute(text("UPDATE sessions SET expires_at = now() - interval '1 second' WHERE token_hash = :h"),
                        {"h": token_digest(mine.tokens["admin"])})
    assert raw.execute(lookup, {"h": token_digest(mine.tokens["advocate"])}).all() == []
    assert raw.execute(lookup, {"h": token_digest(mine.tokens["admin"])}).all() == []
    idle = text("SELECT count(*) FROM advocase_live_session(:h, now(), now() + interval '1 minute')")
    assert raw.execute(idle, {"h": token_digest(theirs.tokens["admin"])}).scalar() == 0
    # only the application role may ask
    assert not raw.execute(text("SELECT has_function_privilege('public', 'advocase_live_session(text, timestamptz, "
                                "timestamptz)', 'EXECUTE')")).scalar()


async def test_raw_sql_cannot_read_or_change_another_organizations_rows(owner_db, raw):
    mine, theirs = await make_world(owner_db, "Mine"), await make_world(owner_db, "Theirs")
    scoped(raw, mine.org_id)
    assert raw.execute(text("SELECT count(*) FROM districts WHERE organization_id = :o"),
                       {"o": mine.org_id}).scalar() == 1
    for table in ("districts", "schools", "chapters", "memberships", "policy_rules", "sessions", "audit_events"):
        assert raw.execute(text(f"SELECT count(*) FROM {table} WHERE organization_id = :o"),
                           {"o": theirs.org_id}).scalar() == 0, table
    # guessing their ids does not help either
    assert raw.execute(text("SELECT count(*) FROM districts WHERE id = :d"), {"d": theirs.district_id}).scalar() == 0
    assert raw.execute(text("UPDATE districts SET name = 'Taken' WHERE id = :d"),
                       {"d": theirs.district_id}).rowcount == 0
    assert raw.execute(text("DELETE FROM schools WHERE organization_id = :o"), {"o": theirs.org_id}).rowcount == 0
    with pytest.raises(DBAPIError, match="row-level security"):
        raw.execute(text("INSERT INTO chapters (id, organization_id, name, created_at) VALUES (:id, :o, 'Planted', now())"),
                    {"id": uuid.uuid4(), "o": theirs.org_id})
    raw.rollback()
    # moving one of my rows into their organization is refused too
    scoped(raw, mine.org_id)
    with pytest.raises(DBAPIError, match="row-level security"):
        raw.execute(text("UPDATE districts SET organization_id = :o WHERE id = :d"),
                    {"o": theirs.org_id, "d": mine.district_id})
    raw.rollback()
    async with owner_db.reader() as s:  # nothing of theirs changed
        name = (await s.execute(text("SELECT name FROM districts WHERE id = :d"), {"d": theirs.district_id})).scalar()
        schools = (await s.execute(text("SELECT count(*) FROM schools WHERE organization_id = :o"),
                                   {"o": theirs.org_id})).scalar()
    assert name.startswith("Riverton") and schools == 2


async def test_the_audit_log_is_append_only_for_the_app(owner_db, raw):
    world = await make_world(owner_db)
    scoped(raw, world.org_id)
    before = raw.execute(text("SELECT count(*) FROM audit_events")).scalar()
    assert before > 0  # organization.create, user.create, login.success ...
    for statement in ("UPDATE audit_events SET action = 'nothing happened'", "DELETE FROM audit_events",
                      "TRUNCATE audit_events"):
        with pytest.raises(DBAPIError, match="permission denied"):
            raw.execute(text(statement))
        raw.rollback()
        scoped(raw, world.org_id)
    # the retention purge's setting (domain/audit/retention.py) opens the trigger, not the app's missing privilege
    raw.execute(text("SELECT set_config('advocase.audit_purge_before', '2999-01-01', true)"))
    with pytest.raises(DBAPIError, match="permission denied"):
        raw.execute(text("DELETE FROM audit_events"))
    raw.rollback()
    scoped(raw, world.org_id)
    raw.execute(text("INSERT INTO audit_events (id, organization_id, action, entity_type, at, detail) "
                     "VALUES (:id, :o, 'test.append', 'test', now(), '{}')"), {"id": uuid.uuid4(), "o": world.org_id})
    assert raw.execute(text("SELECT count(*) FROM audit_events")).scalar() == before + 1


async def test_the_app_database_sets_the_organization_per_transaction(owner_db, app_url):
    """domain.db.tenant -> each transaction of the app's engine is scoped; the setting never outlives it."""
    mine, theirs = await make_world(owner_db, "Mine"), await make_world(owner_db, "Theirs")
    app_db = Database(app_url)
    try:
        q = text("SELECT organization_id FROM districts")
        async with app_db.reader() as s:
            assert (await s.execute(q)).all() == []
        with tenant(mine.org_id):
            async with app_db.reader() as s:
                assert {r[0] for r in await s.execute(q)} == {mine.org_id}
            with tenant(theirs.org_id):
                async with app_db.transaction() as s:
                    assert {r[0] for r in await s.execute(q)} == {theirs.org_id}
            async with app_db.reader() as s:  # pooled connections carry nothing over
                assert {r[0] for r in await s.execute(q)} == {mine.org_id}
        async with app_db.reader() as s:
            assert (await s.execute(q)).all() == []
            assert (await s.execute(text(f"SELECT current_setting('{SETTING}', true)"))).scalar() in ("", None)
    finally:
        await app_db.dispose()


async def test_outbox_worker_delivers_every_organizations_mail_once_after_smtp_was_down(owner_db, app_url):
    """The worker runs as the app role across organizations (each one's mail inside it): with SMTP down for a
    while nothing is lost, and once it is back every queued letter arrives exactly once."""
    from domain.outbox.worker import backoff, deliver_all_due
    from tests.api.test_outbox import FAR_FUTURE, SmtpServer, queue_letter

    app_db = Database(app_url)
    sink = SmtpServer().start()  # send what earlier tests left due, to a throwaway server
    try:
        await deliver_all_due(app_db, sink.settings, now=utcnow() + FAR_FUTURE * 2)
    finally:
        sink.stop()
    worlds = [await make_world(owner_db, "Mail A"), await make_world(owner_db, "Mail B")]
    tag = uuid.uuid4().hex[:8]
    smtp = SmtpServer()  # down: nothing listens on its port yet
    try:
        for w in worlds:
            with tenant(w.org_id):
                for _ in range(3):
                    await queue_letter(app_db, w.org_id, tag)
        t0 = utcnow()
        assert await deliver_all_due(app_db, smtp.settings, now=t0) == 0
        assert await deliver_all_due(app_db, smtp.settings, now=t0 + backoff(1) / 2) == 0  # not due again yet
        smtp.start()
        assert await deliver_all_due(app_db, smtp.settings, now=t0 + backoff(1) * 2) == 6
        assert await deliver_all_due(app_db, smtp.settings, now=t0 + FAR_FUTURE) == 0
        received = smtp.inbox.to(tag)
        assert len(received) == 6 and len({m["Message-ID"] for _, m in received}) == 6
        async with owner_db.reader() as s:
            statuses = (await s.execute(text(
                "SELECT organization_id, status, count(*) FROM outbox_messages WHERE organization_id = ANY(:o) "
                "GROUP BY 1, 2"), {"o": [w.org_id for w in worlds]})).all()
        assert sorted((o, st, n) for o, st, n in statuses) == sorted((w.org_id, "SENT", 3) for w in worlds)
    finally:
        smtp.stop()
        await app_db.dispose()


async def test_app_connections_run_without_jit(app_url):
    """The app's connections start with JIT off (see domain.db.make_engine): also after a rolled-back
    transaction and when the pool hands the connection out again."""
    database = Database(app_url)
    try:
        async with database.engine.connect() as conn:
            assert (await conn.execute(text("SHOW jit"))).scalar() == "off"
            await conn.rollback()
            assert (await conn.execute(text("SHOW jit"))).scalar() == "off"
        async with database.engine.connect() as conn:
            assert (await conn.execute(text("SHOW jit"))).scalar() == "off"
    finally:
        await database.dispose()
