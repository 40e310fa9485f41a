"""Engine, sessions and the unit of work. One AsyncSession per unit of work, never shared."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar
from datetime import datetime, timezone

from sqlalchemy import DateTime, MetaData, event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC timestamps on PostgreSQL and SQLite alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def new_id() -> uuid.UUID:
    return uuid.uuid4()


# ---------------------------------------------------------------- tenant scope (PostgreSQL row-level security)

# The organization whose rows the database shows this task: every PostgreSQL transaction begins with
# `set_config('advocase.organization_id', <this>, true)` (a SET LOCAL), and the row-level security policies
# of migration 0006 hide every row of every other organization; unset, no tenant row is visible at all.
# It is set when the actor is resolved (domain.identity.service.resolve_actor) and, for work that starts
# before an organization is known (sign-in, mailed links, the outbox worker, create-org), by domain.tenancy.
TENANT_SETTING = "advocase.organization_id"
_tenant: ContextVar[uuid.UUID | None] = ContextVar("advocase_tenant", default=None)


def current_tenant() -> uuid.UUID | None:
    return _tenant.get()


def set_tenant(organization_id: uuid.UUID | None):
    """Scope the rest of this task (request) to one organization; returns the token to reset it."""
    return _tenant.set(organization_id)


def reset_tenant(token) -> None:
    _tenant.reset(token)


@contextmanager
def tenant(organization_id: uuid.UUID | None):
    """Transactions begun inside the block see (and may write) only this organization's rows."""
    token = _tenant.set(organization_id)
    try:
        yield
    finally:
        _tenant.reset(token)


def make_engine(url: str) -> AsyncEngine:
    if url.startswith("sqlite"):
        engine = create_async_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # pragma: no cover - trivial
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()
            # Let SQLAlchemy, not pysqlite, emit BEGIN, so that writers can BEGIN IMMEDIATE.
            dbapi_conn.isolation_level = None

        @event.listens_for(engine.sync_engine, "begin")
        def _sqlite_begin(conn):  # pragma: no cover - trivial
            immediate = conn.get_execution_options().get("advocase_write", False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine
    engine = create_async_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)

    @event.listens_for(engine.sync_engine, "begin")
    def _tenant_scope(conn):  # every transaction: the current organization, or none (no tenant row visible)
        org = _tenant.get()
        conn.exec_driver_sql(f"SELECT set_config('{TENANT_SETTING}', %s, true)", (str(org) if org else "",))

    return engine


class Database:
    """Owns the engine; hands out short-lived sessions and units of work."""

    def __init__(self, url: str):
        self.url = url
        self.engine = make_engine(url)
        self._sessions = async_sessionmaker(self.engine, expire_on_commit=False, autoflush=False)

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """One unit of work: commits when the block ends, rolls everything back on any error."""
        async with self._sessions() as session:
            async with session.begin():
                # On SQLite, take the write lock up front (BEGIN IMMEDIATE) so that
                # read-then-write units of work queue up instead of failing on upgrade.
                await session.connection(execution_options={"advocase_write": True})
                yield session

    @asynccontextmanager
    async def reader(self) -> AsyncIterator[AsyncSession]:
        """A short read-only session (DataLoaders, list resolvers)."""
        async with self._sessions() as session:
            yield session  # closing the session ends its transaction; loaded objects stay usable

    async def dispose(self) -> None:
        await self.engine.dispose()
