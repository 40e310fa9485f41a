"""The production app, as `advocase serve` builds it, plus two things only the benchmark needs.

    uvicorn --factory bench.server:app --workers 2      (the runner starts it; see bench/run.py)

- `X-SQL-Statements`: every response says how many SQL statements it ran (a counter on the engine's
  `before_cursor_execute` event, per request through a context variable), and `X-Bench-Worker` which worker
  process answered. Only in this bench wrapper: the app `advocase serve` runs has no such headers.
- `GET /bench/baseline/caseload?first=50`: the physical-limit baseline. A minimal Starlette endpoint that
  answers the same caseload page as the GraphQL scenario (same session check, same record scope, same
  fields: case, family, student, school, assignees) with ONE hand-written SQL query and orjson, through a
  small pool of plain psycopg connections. No GraphQL, no ORM, no audit row.
"""

from __future__ import annotations

import asyncio
import contextvars
import hashlib
import os

import orjson
import psycopg
from sqlalchemy import event
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from api.app import create_app
from domain.config import Settings
from domain.db import Database

_statements: contextvars.ContextVar[list[int] | None] = contextvars.ContextVar("bench_sql", default=None)


_PID = str(os.getpid()).encode()


class CountStatements:
    """ASGI middleware: a fresh counter per request, reported in the X-SQL-Statements response header; and which
    worker process answered (X-Bench-Worker: its pid), so that the runner can spread its connections."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        counter = [0]
        token = _statements.set(counter)

        async def send_counted(message):
            if message["type"] == "http.response.start":
                message.setdefault("headers", []).extend(
                    [(b"x-sql-statements", str(counter[0]).encode()), (b"x-bench-worker", _PID)])
            await send(message)
        try:
            await self.app(scope, receive, send_counted)
        finally:
            _statements.reset(token)


def count_statements_of(engine) -> None:
    log = os.environ.get("ADVOCASE_BENCH_SQL_LOG")  # a file: every statement, with its request's counter id

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def _count(conn, cursor, statement, parameters, context, executemany):
        counter = _statements.get()
        if counter is not None:
            counter[0] += 1
            if log:
                with open(log, "a") as f:
                    f.write(f"{id(counter)} {counter[0]} {' '.join(statement.split())[:160]}\n")


BASELINE_SQL = """
WITH me AS MATERIALIZED (
    SELECT s.user_id, s.organization_id FROM sessions s
    WHERE s.token_hash = %(token)s AND s.revoked_at IS NULL AND s.expires_at > now()
), page AS (
    SELECT c.* FROM cases c
    WHERE c.organization_id = (SELECT organization_id FROM me)
      AND (c.chapter_id = ANY (ARRAY(SELECT mc.chapter_id FROM membership_chapters mc, me
                                     WHERE mc.organization_id = me.organization_id AND mc.user_id = me.user_id))
           OR c.created_by_id = (SELECT user_id FROM me)
           OR EXISTS (SELECT 1 FROM case_assignees a WHERE a.organization_id = (SELECT organization_id FROM me)
                      AND a.case_id = c.id AND a.user_id = (SELECT user_id FROM me) OFFSET 0))
    ORDER BY c.opened_on DESC, c.id DESC
    LIMIT %(limit)s
)
SELECT p.id, p.title, p.category, p.subcategory, p.priority, p.status, p.opened_on, p.next_action_due_on,
       p.version, f.id, f.display_name, f.preferred_language, st.id, st.first_name, st.last_name, st.grade,
       sc.id, sc.name,
       (SELECT coalesce(json_agg(json_build_object('id', u.id, 'displayName', u.display_name)
                                 ORDER BY a.assigned_at, a.user_id), '[]')
        FROM case_assignees a JOIN users u ON u.id = a.user_id
        WHERE a.organization_id = p.organization_id AND a.case_id = p.id)
FROM page p
JOIN families f ON f.id = p.family_id
LEFT JOIN students st ON st.id = p.student_id
LEFT JOIN schools sc ON sc.id = p.school_id
ORDER BY p.opened_on DESC, p.id DESC
"""


class Pool:
    """A few plain async psycopg connections (the baseline's whole data layer)."""

    def __init__(self, url: str, size: int):
        self.url, self.size = url, size
        self.queue: asyncio.Queue | None = None

    async def get(self) -> psycopg.AsyncConnection:
        if self.queue is None:
            self.queue = asyncio.Queue()
            for _ in range(self.size):
                self.queue.put_nowait(await psycopg.AsyncConnection.connect(self.url, autocommit=True))
        return await self.queue.get()

    def put(self, conn) -> None:
        self.queue.put_nowait(conn)


def baseline_endpoint(url: str):
    pool = Pool(url.replace("postgresql+psycopg://", "postgresql://", 1), size=10)

    async def caseload(request: Request) -> Response:
        auth = request.headers.get("authorization", "")
        token = auth[7:].strip() if auth[:7].lower() == "bearer " else ""
        first = min(100, max(1, int(request.query_params.get("first", "50"))))
        conn = await pool.get()
        try:
            cur = await conn.execute(BASELINE_SQL, {"token": hashlib.sha256(token.encode()).hexdigest(),
                                                    "limit": first + 1}, prepare=True)
            rows = await cur.fetchall()
        finally:
            pool.put(conn)
        edges = [{"node": {
            "id": str(r[0]), "title": r[1], "category": r[2], "subcategory": r[3], "priority": r[4], "status": r[5],
            "openedOn": r[6], "nextActionDueOn": r[7], "version": r[8],
            "family": {"id": str(r[9]), "displayName": r[10], "preferredLanguage": r[11]},
            "student": None if r[12] is None else {"id": str(r[12]), "firstName": r[13], "lastName": r[14],
                                                   "grade": r[15]},
            "school": None if r[16] is None else {"id": str(r[16]), "name": r[17]},
            "assignees": r[18]}} for r in rows[:first]]
        body = {"data": {"cases": {"edges": edges, "pageInfo": {"hasNextPage": len(rows) > first}}}}
        return Response(orjson.dumps(body), media_type="application/json")
    return caseload


def app():
    settings = Settings.from_env()
    db = Database(settings.database_url)
    count_statements_of(db.engine)
    application = create_app(settings, db=db)
    application.router.routes.insert(0, Route("/bench/baseline/caseload", baseline_endpoint(settings.database_url)))
    application.add_middleware(CountStatements)
    return application

