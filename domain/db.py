"""Engine, sessions and the unit of work. One AsyncSession per unit of work, never shared (a request's
DataLoader batches share one read-only session between them: RequestReads)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar
from datetime import datetime, timezone

import orjson
from sqlalchemy import ColumnElement, DateTime, MetaData, any_, bindparam, event
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import make_url
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


def among(sqlite: bool, column, values=None, *, param: str | None = None) -> ColumnElement[bool]:
    """`column IN values` for the batch loaders (or IN the list bound later to the parameter `param`, for a
    statement built once). On PostgreSQL one array parameter (`column = ANY(:values)`), so the statement's text
    is the same for any number of values: psycopg parses it once (it does not cache statements of more than 50
    parameters: a page of 50 ids re-parsed every long ORM statement on every request) and PostgreSQL reuses its
    prepared plan. SQLite has no arrays: an expanding IN."""
    if sqlite:
        return column.in_(bindparam(param, expanding=True) if param else values)
    array = _ARRAYS.get(column.type)
    if array is None:
        array = _ARRAYS[column.type] = ARRAY(column.type)
    return column == any_(bindparam(param, type_=array) if param else bindparam(None, list(values), type_=array))


_ARRAYS: dict = {}  # column type -> ARRAY of it, built once


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


CONNECT_TIMEOUT = 5  # seconds


def make_engine(url: str) -> AsyncEngine:
    if url.startswith("sqlite"):
        engine = create_async_engine(url, connect_args={"timeout": 30}, json_deserializer=orjson.loads)

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
    # No JIT compilation (a startup option of each connection, so no statement of ours and nothing a reset can
    # undo): PostgreSQL compiles a query's expressions again at every execution once its estimated cost passes
    # jit_above_cost, 15-40 ms that only queries of seconds earn back. The campaign evidence at 1M cases took
    # ~210 ms with it and ~165 ms without; a misestimated page paid 16 ms on top of its plan. (PgBouncer needs
    # `ignore_startup_parameters = options`.)
    # A connection attempt gives up after CONNECT_TIMEOUT seconds (unless the URL names its own connect_timeout):
    # psycopg's default is 130 s, and an attempt caught by a database crash could hang a request that long
    # instead of answering UNAVAILABLE (tests/api/test_database_faults.py).
    connect_args = {"options": "-c jit=off"}
    if "connect_timeout" not in make_url(url).query:
        connect_args["connect_timeout"] = CONNECT_TIMEOUT
    engine = create_async_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10,
                                 connect_args=connect_args,
                                 json_deserializer=orjson.loads)  # JSON columns (tags, guardians, timeline data)

    @event.listens_for(engine.sync_engine, "begin")
    def _tenant_scope(conn):  # every transaction: the current organization, or none (no tenant row visible)
        if conn.get_execution_options().get("isolation_level") == "AUTOCOMMIT":
            return  # no transaction for a SET LOCAL to live in (the session lookup, domain.identity.service)
        org = _tenant.get()
        conn.exec_driver_sql(f"SELECT set_config('{TENANT_SETTING}', %s, true)", (str(org) if org else "",))

    return engine


class Database:
    """Owns the engine; hands out short-lived sessions and units of work."""

    def __init__(self, url: str):
        self.url = url
        self.writes = 0  # units of work committed through this handle (see RequestReads)
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
        self.writes += 1  # committed: a request's shared read transaction begun before it ends (RequestReads)

    @asynccontextmanager
    async def reader(self) -> AsyncIterator[AsyncSession]:
        """A short read-only session (DataLoaders, list resolvers)."""
        async with self._sessions() as session:
            yield session
            await end_read(session)  # loaded objects stay usable

    async def dispose(self) -> None:
        await self.engine.dispose()


async def end_read(session: AsyncSession) -> None:
    """Ends a read-only session's transaction with COMMIT rather than ROLLBACK. A ROLLBACK makes psycopg forget
    every statement it prepared on the connection (it cannot tell what the transaction undid), so with reads
    rolled back no statement was ever prepared: each was parsed and planned again on every request. Nothing is
    written: the session is emptied first, so there is nothing to flush (objects loaded stay usable, detached)."""
    session.expunge_all()
    if session.in_transaction():
        await session.commit()


class RequestReads:
    """One request's DataLoader batches share one read-only session and transaction, instead of a session,
    a connection checkout (with its pre-ping), a transaction and a tenant `set_config` per batch.

    Passed where a `Database` is expected by the loaders' read functions: `reader()` yields the shared session,
    `transaction()` is the database's own. Batches dispatched together (a page's family, student, school and
    assignee batches) take turns on it (a lock: an AsyncSession is not for concurrent use) in one transaction;
    when no batch is waiting the transaction ends and the connection goes back to the pool (never held idle
    while the request waits for another connection). After each batch the loaded objects are detached, as when
    a short reader closes, so no identity map carries over. The transaction is also ended and a new one begun
    when the task's tenant changed since it began, or when any unit of work committed through the database
    since then (a read after this request's own write sees it, also under SQLite's snapshot reads). `close()`
    ends whatever is left when the request is answered.
    """

    def __init__(self, db: Database):
        self.db = db
        self.url = db.url
        self.engine = db.engine
        self._lock = asyncio.Lock()
        self._session: AsyncSession | None = None
        self._tenant: uuid.UUID | None = None
        self._writes = 0
        self._queued = 0  # batches waiting for the session

    @property
    def is_sqlite(self) -> bool:
        return self.db.is_sqlite

    def transaction(self):
        return self.db.transaction()

    async def _end(self, *, failed: bool = False) -> None:
        session, self._session = self._session, None
        if session is not None:
            if not failed:
                await end_read(session)
            await session.close()  # returns the connection (a failed read's transaction is rolled back)

    @asynccontextmanager
    async def reader(self) -> AsyncIterator[AsyncSession]:
        self._queued += 1
        async with self._lock:
            self._queued -= 1
            now = _tenant.get()
            if self._session is not None and (
                    self._writes != self.db.writes or self._tenant != now
                    or self._session.info.get("advocase_tenant", now) != now):
                await self._end()
            if self._session is None:
                self._session = self.db._sessions()
                self._tenant, self._writes = now, self.db.writes
            session = self._session
            try:
                yield session
            except BaseException:
                await self._end(failed=True)
                raise
            session.expunge_all()
            if not self._queued:
                # No batch waiting: give the connection back now, so that this request never holds one idle
                # while it waits for another (its units of work), which could exhaust the pool.
                await self._end()

    async def close(self) -> None:
        async with self._lock:
            await self._end()
