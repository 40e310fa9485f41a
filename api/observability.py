"""Operating Advocase: request ids, JSON logs, Prometheus metrics, health and readiness, database outages."""

from __future__ import annotations

import asyncio
import contextvars
import hmac
import logging
import os
import re
import time
import traceback
import uuid
from collections.abc import Iterator

import orjson
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from sqlalchemy import exc as sa_exc
from sqlalchemy import text
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from strawberry.extensions import SchemaExtension

from domain.config import Settings

log = logging.getLogger("advocase.http")
request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("advocase_request_id", default=None)

# ---------------------------------------------------------------- database outages


def is_unavailable(error: BaseException | None) -> bool:
    """True for a database that cannot be reached or went away (as opposed to a bug or bad data)."""
    if error is None:
        return False
    if isinstance(error, sa_exc.OperationalError) and "sqlite" in type(error.orig).__module__:
        # SQLite reports missing tables as OperationalError too: only a busy or unreadable file is an outage
        text_ = str(error.orig).lower()
        return any(w in text_ for w in ("locked", "unable to open", "disk i/o", "busy"))
    if isinstance(error, (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.DisconnectionError,
                          sa_exc.TimeoutError, ConnectionError)):
        return True
    return isinstance(error, sa_exc.DBAPIError) and bool(error.connection_invalidated)


UNAVAILABLE_MESSAGE = "The database is unavailable right now; try again in a moment."


def unavailable_response(request_id: str | None) -> JSONResponse:
    return JSONResponse({"errors": [{"message": UNAVAILABLE_MESSAGE,
                                     "extensions": {"code": "UNAVAILABLE", "requestId": request_id}}]},
                        status_code=503, headers={"Retry-After": "5"})


# ---------------------------------------------------------------- request ids and access log


def request_id_of(request: Request) -> str:
    rid = request.headers.get("x-request-id", "")
    return rid if 0 < len(rid) <= 64 and rid.replace("-", "").isalnum() else uuid.uuid4().hex


_ROUTES = {"/", "/graphql", "/healthz", "/readyz", "/metrics", "/accept-invite", "/reset-password"}


def _route_label(path: str) -> str:
    if path in _ROUTES:
        return path
    return "other"


class RequestIdMiddleware:
    """Gives every request an id (or keeps a sane one the client sent in X-Request-ID) and echoes it back;
    writes one JSON access-log line per request; counts requests for /metrics; answers 503 when the
    database is unreachable before any response was started."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        request = Request(scope)
        rid = request_id_of(request)
        scope.setdefault("state", {})["request_id"] = rid
        token = request_id_var.set(rid)
        started, status = time.perf_counter(), {"code": 500, "sent": False}

        async def send_with_id(message):
            if message["type"] == "http.response.start":
                message.setdefault("headers", []).append((b"x-request-id", rid.encode()))
                status["code"], status["sent"] = message["status"], True
            await send(message)
        try:
            await self.app(scope, receive, send_with_id)
        except Exception as e:
            if not is_unavailable(e) or status["sent"]:
                raise
            log.warning("database unavailable: %s", e)
            await unavailable_response(rid)(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            route = _route_label(scope.get("path", ""))
            HTTP_REQUESTS.labels(scope.get("method", ""), route, str(status["code"])).inc()
            HTTP_SECONDS.labels(route).observe(elapsed)
            log.info("request", extra={"request_id": rid, "method": scope.get("method"), "path": scope.get("path"),
                                       "status": status["code"], "duration_ms": round(elapsed * 1000, 1),
                                       "client": (scope.get("client") or ("", 0))[0]})
            request_id_var.reset(token)


# ---------------------------------------------------------------- JSON logs

_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "color_message"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id, any `extra` fields, the trace."""

    def format(self, record: logging.LogRecord) -> str:
        out = {"time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
               "level": record.levelname, "logger": record.name, "message": record.getMessage()}
        rid = getattr(record, "request_id", None) or request_id_var.get()
        if rid:
            out["request_id"] = rid
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in out:
                out[key] = value
        if record.exc_info:
            out["exception"] = "".join(traceback.format_exception(*record.exc_info))
        return orjson.dumps(out, default=str).decode()


JsonFormatter.converter = time.gmtime


def log_config(fmt: str = "json") -> dict:
    """A logging dictConfig for `advocase serve` (given to uvicorn, so every worker process uses it)."""
    formatter = ({"()": "api.observability.JsonFormatter"} if fmt == "json"
                 else {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"})
    return {
        "version": 1, "disable_existing_loggers": False,
        "formatters": {"default": formatter},
        "handlers": {"default": {"class": "logging.StreamHandler", "formatter": "default",
                                 "stream": "ext://sys.stderr"}},
        "root": {"handlers": ["default"], "level": "INFO"},
        "loggers": {"uvicorn": {"level": "INFO"}, "uvicorn.error": {"level": "INFO"},
                    "uvicorn.access": {"level": "WARNING"},  # our own access line carries the request id
                    "alembic": {"level": "WARNING"}},
    }


# ---------------------------------------------------------------- metrics

_MULTIPROCESS = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))
HTTP_REQUESTS = Counter("advocase_http_requests_total", "HTTP requests", ["method", "route", "status"])
HTTP_SECONDS = Histogram("advocase_http_request_seconds", "HTTP request latency", ["route"])
GRAPHQL_OPERATIONS = Counter("advocase_graphql_operations_total", "GraphQL operations",
                             ["operation", "type", "outcome"])
GRAPHQL_SECONDS = Histogram("advocase_graphql_operation_seconds", "GraphQL operation latency",
                            ["operation", "type"])
OUTBOX_BACKLOG = Gauge("advocase_outbox_backlog", "Outbox messages waiting to be sent",
                       multiprocess_mode="mostrecent")
DATABASE_UP = Gauge("advocase_database_up", "1 if the database answered the last readiness check or scrape",
                    multiprocess_mode="mostrecent")

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
_MAX_OPERATION_NAMES = 300
_seen_names: set[str] = set()


def _operation_label(name: str | None) -> str:
    """Client-chosen names, bounded: at most a few hundred distinct labels per process, then 'other'."""
    if not name:
        return "anonymous"
    if not _NAME.match(name):
        return "other"
    if name not in _seen_names:
        if len(_seen_names) >= _MAX_OPERATION_NAMES:
            return "other"
        _seen_names.add(name)
    return name


class GraphQLMetrics(SchemaExtension):
    """Counts and times every GraphQL operation by name, type and outcome (ok, or the first error code)."""

    def on_operation(self) -> Iterator[None]:
        started, outcome = time.perf_counter(), None
        try:
            yield
        except Exception as e:  # refused before execution (a limit, a syntax error): the answer is built later
            outcome = str((getattr(e, "extensions", None) or {}).get("code", "ERROR"))
            raise
        finally:
            ec = self.execution_context
            name = _operation_label(ec.operation_name)
            try:
                kind = ec.operation_type.value
            except Exception:  # unparsable documents have no type
                kind = "unknown"
            if outcome is None:
                errors = ec.result.errors if ec.result is not None else None
                outcome = str((errors[0].extensions or {}).get("code", "ERROR")) if errors else "ok"
            GRAPHQL_OPERATIONS.labels(name, kind, outcome[:40]).inc()
            GRAPHQL_SECONDS.labels(name, kind).observe(time.perf_counter() - started)


def _metrics_allowed(request: Request, settings: Settings) -> bool:
    if settings.metrics_token:
        given = request.headers.get("authorization", "")
        return hmac.compare_digest(given.encode(), f"Bearer {settings.metrics_token}".encode())
    host = request.client.host if request.client else ""
    return host in ("127.0.0.1", "::1", "localhost")


async def _outbox_backlog(db) -> int:
    from domain.outbox.worker import outbox_counts
    counts = await outbox_counts(db)  # every organization's (counts only)
    return counts.get("PENDING", 0) + counts.get("SENDING", 0)


async def metrics(request: Request) -> Response:
    settings: Settings = request.app.state.settings
    if not _metrics_allowed(request, settings):
        return JSONResponse({"error": "Metrics are served to loopback or with the metrics token only."},
                            status_code=403)
    try:
        OUTBOX_BACKLOG.set(await asyncio.wait_for(_outbox_backlog(request.app.state.db), timeout=5))
        DATABASE_UP.set(1)
    except Exception as e:  # the scrape still answers, with the database marked down
        log.warning("metrics: could not count the outbox: %s", e)
        DATABASE_UP.set(0)
    if _MULTIPROCESS:
        from prometheus_client import multiprocess
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


# ---------------------------------------------------------------- health and readiness


async def healthz(_: Request) -> Response:
    """Liveness: the process answers (no dependency checked)."""
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    """Readiness: the database answers a query within 3 seconds."""
    db = request.app.state.db
    try:
        async def ping():
            async with db.reader() as s:
                await s.execute(text("SELECT 1"))
        await asyncio.wait_for(ping(), timeout=3)
    except Exception as e:
        log.warning("readiness: database check failed: %s", e)
        DATABASE_UP.set(0)
        return JSONResponse({"status": "unavailable", "database": "unreachable"}, status_code=503,
                            headers={"Retry-After": "5"})
    DATABASE_UP.set(1)
    return JSONResponse({"status": "ready", "database": "ok"})
