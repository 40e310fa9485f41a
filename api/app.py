"""The Starlette application: /graphql, the front page, health checks."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route
from strawberry.asgi import GraphQL
from strawberry.http.ides import GraphQL_IDE

from api.campaigns import routes as campaign_routes
from api.context import Context
from api.schema import schema
from api.session import token_from
from domain.config import Settings
from domain.db import Database
from domain.identity.service import resolve_actor

STATIC = Path(__file__).resolve().parent / "static"
log = logging.getLogger("advocase.http")


def request_id_of(request: Request) -> str:
    rid = request.headers.get("x-request-id", "")
    return rid if 0 < len(rid) <= 64 and rid.replace("-", "").isalnum() else uuid.uuid4().hex


class AdvocaseGraphQL(GraphQL):
    def __init__(self, settings: Settings):
        ide: GraphQL_IDE | None = None if settings.production else "graphiql"
        super().__init__(schema, graphql_ide=ide, allow_queries_via_get=False, multipart_uploads_enabled=False)
        self.settings = settings

    async def get_context(self, request: Request, response: Response) -> Context:
        from datetime import timedelta

        db: Database = request.app.state.db
        request_id = request.state.request_id
        token = token_from(request)
        actor = None
        if token:
            actor = await resolve_actor(db, token, idle=timedelta(minutes=self.settings.session_idle_minutes),
                                        request_id=request_id)
        return Context(request=request, response=response, db=db, settings=self.settings,
                       request_id=request_id, actor_or_none=actor)


class RequestIdMiddleware:
    """Gives every request an id (or keeps a sane one the client sent) and echoes it in X-Request-Id."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        request = Request(scope)
        rid = request_id_of(request)
        scope.setdefault("state", {})["request_id"] = rid

        async def send_with_id(message):
            if message["type"] == "http.response.start":
                message.setdefault("headers", []).append((b"x-request-id", rid.encode()))
            await send(message)
        await self.app(scope, receive, send_with_id)


async def index(_: Request) -> Response:
    return FileResponse(STATIC / "index.html")


def _link_page(name: str):
    """The pages mailed links open (the token is in the query string: never cached, never sent on as Referer)."""
    async def page(_: Request) -> Response:
        return FileResponse(STATIC / name, headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"})
    return page


async def healthz(_: Request) -> Response:
    return JSONResponse({"status": "ok"})


def _start_outbox_worker(db: Database, settings: Settings):
    """The embedded default sends its own mail: a background task (see Settings.run_inprocess_worker)."""
    if not settings.run_inprocess_worker:
        return None
    from domain.outbox.worker import run_worker
    stop = asyncio.Event()
    task = asyncio.create_task(run_worker(db, settings.mail, stop_event=stop), name="advocase-outbox-worker")
    return stop, task, settings.mail.timeout_seconds


async def _stop_outbox_worker(stop: asyncio.Event, task: asyncio.Task, timeout: float) -> None:
    stop.set()  # a send in progress finishes (at most the SMTP timeout); anything else is picked up later
    try:
        await asyncio.wait_for(task, timeout=timeout + 5)
    except TimeoutError:
        log.warning("outbox worker did not stop in time; its claim will expire and be retried")
    except Exception:
        log.exception("outbox worker failed")


def create_app(settings: Settings | None = None, db: Database | None = None) -> Starlette:
    settings = settings or Settings.from_env()
    settings.validate()
    owned = db is None

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        app.state.db = db or Database(settings.database_url)
        app.state.settings = settings
        outbox = _start_outbox_worker(app.state.db, settings)
        try:
            yield
        finally:
            if outbox:
                await _stop_outbox_worker(*outbox)
            if owned:
                await app.state.db.dispose()

    graphql = AdvocaseGraphQL(settings)
    app = Starlette(
        debug=False,
        routes=[
            Route("/", index),
            Route("/graphql", graphql, methods=["GET", "POST"]),
            Route("/healthz", healthz),
            Route("/campaigns/{campaign_id}/brief", campaign_routes.brief),
            Route("/campaigns/{campaign_id}/evidence.csv", campaign_routes.evidence_csv),
            Route("/campaigns/{campaign_id}/evidence.json", campaign_routes.evidence_json),
            Route("/accept-invite", _link_page("accept-invite.html")),
            Route("/reset-password", _link_page("reset-password.html")),
        ],
        lifespan=lifespan,
    )
    app.add_middleware(RequestIdMiddleware)
    if db is not None:
        app.state.db, app.state.settings = db, settings
    return app
