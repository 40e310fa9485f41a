"""The Starlette application: /graphql, the front page, health checks."""

from __future__ import annotations

import asyncio
import dataclasses
import contextlib
import gc
import logging

import orjson

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route
from cross_web import HTTPException  # what strawberry raises for requests it refuses before GraphQL
from strawberry.asgi import GraphQL
from strawberry.http.ides import GraphQL_IDE

from api.context import Context
from api import web
from api.limits import BodySizeLimit
from api.observability import RequestIdMiddleware, healthz, metrics, readyz
from api.tenancy import TenantScopeMiddleware
from api.schema import schema_for
from api.session import COOKIE, cookie_authenticated, set_session_cookie, token_from
from domain.config import Settings
from domain.db import Database
from domain.identity.service import resolve_actor, rotate_session

log = logging.getLogger("advocase.http")


CSRF_HEADER = "x-advocase-csrf"


def csrf_refusal(request: Request) -> Response | None:
    """Cookie-authenticated requests must be JSON and carry X-Advocase-CSRF (a page of another site can send
    neither without a CORS preflight, which Advocase never grants). Bearer-token requests need neither."""
    if request.method in ("GET", "HEAD", "OPTIONS") or COOKIE not in request.cookies:
        return None
    if request.headers.get("authorization", "")[:7].lower() == "bearer ":
        return None
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type == "application/json" and request.headers.get(CSRF_HEADER, "").strip():
        return None
    return JSONResponse({"errors": [{
        "message": "Requests signed in with the session cookie must be application/json and carry the "
                   "X-Advocase-CSRF header.",
        "extensions": {"code": "CSRF_REQUIRED", "requestId": request.state.request_id}}]}, status_code=403)


def http_refusal(request: Request, status: int, reason: str) -> Response:
    """A request refused before it reached GraphQL, in the usual error shape with a stable code."""
    if status == 405 or request.method == "GET":
        code, reason = "METHOD_NOT_ALLOWED", "Send queries with POST (application/json)."
    elif "Batching" in reason:
        code, reason = "BATCHING_DISABLED", "Send one operation per request (batching is off)."
    elif "content type" in reason.lower():
        code, reason = "UNSUPPORTED_CONTENT_TYPE", "Send application/json (multipart requests are off)."
    else:
        code = "BAD_REQUEST"
    return JSONResponse({"errors": [{"message": reason, "extensions": {
        "code": code, "requestId": request.state.request_id}}]}, status_code=405 if code == "METHOD_NOT_ALLOWED"
        else status)


class AdvocaseGraphQL(GraphQL):
    def __init__(self, settings: Settings):
        ide: GraphQL_IDE | None = None if settings.production else "graphiql"
        # No queries over GET, no multipart, no batching (the schema has no batching_config).
        super().__init__(schema_for(settings.production), graphql_ide=ide, allow_queries_via_get=False,
                         multipart_uploads_enabled=False)
        self.settings = settings

    # Fast JSON both ways (orjson: several times faster than json on large results such as pivots and evidence;
    # its decode errors are json.JSONDecodeError, so a malformed body is still a 400).
    def decode_json(self, data: str | bytes) -> object:
        return orjson.loads(data)

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await super().__call__(scope, receive, send)
        request = Request(scope, receive)
        try:
            response = csrf_refusal(request)
            if response is None:
                try:
                    response = await self.run(request)
                except HTTPException as e:  # refused before GraphQL: batching, GET queries, multipart, bad JSON
                    response = http_refusal(request, e.status_code, e.reason)
            await response(scope, receive, send)
        finally:
            # the request's shared read transaction (DataLoader batches), if it opened one, ends here
            context = getattr(request.state, "advocase_context", None)
            if context is not None and "reads" in context.__dict__:
                await context.reads.close()

    async def render_graphql_ide(self, request: Request) -> Response:
        # GraphiQL (development only) sends the CSRF header, so that it works with the session cookie too.
        html = self.graphql_ide_html.replace("const defaultHeaders = {};",
                                             'const defaultHeaders = {"X-Advocase-CSRF": "1"};')
        return HTMLResponse(html)

    def create_response(self, response_data, sub_response: Response) -> Response:
        # A database outage is answered 503 (with the typed UNAVAILABLE error in the body).
        errors = response_data.get("errors") if isinstance(response_data, dict) else None
        if errors and any((e.get("extensions") or {}).get("code") == "UNAVAILABLE" for e in errors):
            sub_response.status_code = 503
            sub_response.headers["Retry-After"] = "5"
        return super().create_response(response_data, sub_response)

    async def get_context(self, request: Request, response: Response) -> Context:
        from datetime import timedelta

        db: Database = request.app.state.db
        request_id = request.state.request_id
        token = token_from(request)
        actor = None
        if token:
            actor = await resolve_actor(db, token, idle=timedelta(minutes=self.settings.session_idle_minutes),
                                        request_id=request_id)
        if actor is not None and actor.rotation_due and cookie_authenticated(request):
            # the member's roles changed: this browser session continues under a new id (new cookie)
            new_token, new_session = await rotate_session(
                db, actor, ttl=timedelta(hours=self.settings.session_ttl_hours))
            set_session_cookie(response, new_token, self.settings)
            actor = dataclasses.replace(actor, session_id=new_session.id, rotation_due=False)
        context = Context(request=request, response=response, db=db, settings=self.settings,
                          request_id=request_id, actor_or_none=actor)
        request.state.advocase_context = context  # __call__ ends its shared read transaction
        return context


async def index(_: Request) -> Response:
    return web.app_index()  # the browser app (web/dist), or the placeholder page before it is built


def _start_outbox_worker(db: Database, settings: Settings):
    """The embedded default sends its own mail: a background task (see Settings.run_inprocess_worker)."""
    if not settings.run_inprocess_worker:
        return None
    from domain.outbox.worker import run_worker
    stop = asyncio.Event()
    task = asyncio.create_task(run_worker(db, settings.mail, stop_event=stop, public_url=settings.public_url,
                                          time_zone=settings.time_zone, digest_hour=settings.digest_hour),
                               name="advocase-outbox-worker")
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
        # What startup built (schema, models, templates, policies) lives as long as the process: out of the
        # cyclic collector's sight, each collection scans only what requests allocate (issue 7: GC was ~15%
        # of a caseload request's CPU). A request allocates tens of thousands of short-lived objects, nearly all
        # freed by reference counting: a young-generation collection every 10,000 allocations instead of 700
        # (~800 -> ~7 collections per caseload page, 0.5 -> 0.1 ms).
        gc.collect()
        gc.freeze()
        gc.set_threshold(10_000, 10, 10)
        try:
            yield
        finally:
            if outbox:
                await _stop_outbox_worker(*outbox)
            if owned:
                await app.state.db.dispose()

    graphql = AdvocaseGraphQL(settings)
    web_assets, web_fallback = web.routes()
    app = Starlette(
        debug=False,
        routes=[
            Route("/", index),
            Route("/graphql", graphql, methods=["GET", "POST"]),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/metrics", metrics),
            *web_assets,
            *web_fallback,  # last: client routes of the browser app get its index.html
        ],
        lifespan=lifespan,
    )
    app.add_middleware(TenantScopeMiddleware)  # row-level security: no organization until the actor is known
    app.add_middleware(BodySizeLimit)  # inside the request id: a refusal is logged and carries its id
    app.add_middleware(RequestIdMiddleware)
    if db is not None:
        app.state.db, app.state.settings = db, settings
    return app
