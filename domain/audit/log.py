"""Reading the audit log (audit:read): filtered, newest first, keyset-paged, and exported as CSV.

Nothing here (nor anywhere in the API) changes or deletes an audit row; on PostgreSQL a trigger refuses
UPDATE, DELETE and TRUNCATE on audit_events whoever asks (migration 0004). Reading and exporting the log are
audited themselves (`audit.read`, `audit.export`).
"""

from __future__ import annotations

import csv
import io
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone

import orjson
from sqlalchemy import func, or_, select

from domain.audit.models import AuditEvent
from domain.audit.service import record as audit
from domain.db import Database
from domain.errors import invalid, require
from domain.identity.models import User
from domain.paging import Page, keyset, make_page
from domain.tabular import safe_cell
from policies import Actor

EXPORT_LIMIT = 50_000  # rows per export, newest first; narrow the dates for more
_CSV_COLUMNS = ("at", "action", "actor_id", "actor_email", "entity_type", "entity_id", "request_id", "purpose",
                "detail")


@dataclass
class AuditFilter:
    actor_id: uuid.UUID | None = None
    actions: list[str] | None = None  # exact names, or a prefix ending in ".*" ("user.*")
    entity_type: str | None = None
    entity_id: uuid.UUID | None = None
    since: datetime | None = None  # inclusive
    until: datetime | None = None  # exclusive

    def summary(self) -> dict:
        return {k: (str(v) if isinstance(v, (uuid.UUID, datetime)) else v) for k, v in self.__dict__.items()
                if v not in (None, [])}


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value


def _where(actor: Actor, f: AuditFilter) -> list:
    clauses = [AuditEvent.organization_id == actor.organization_id]
    if f.actor_id is not None:
        clauses.append(AuditEvent.actor_user_id == f.actor_id)
    if f.actions:
        alts = []
        for a in f.actions:
            a = (a or "").strip()
            if not a or len(a) > 60:
                raise invalid("Name an action such as case.read, or a family of them such as user.*.",
                              "filter.action")
            alts.append(AuditEvent.action.startswith(a[:-1], autoescape=True) if a.endswith(".*")
                        else AuditEvent.action == a)
        clauses.append(or_(*alts))
    if f.entity_type:
        clauses.append(AuditEvent.entity_type == f.entity_type.strip())
    if f.entity_id is not None:
        clauses.append(AuditEvent.entity_id == f.entity_id)
    since, until = _utc(f.since), _utc(f.until)
    if since and until and since >= until:
        raise invalid("`since` must be before `until`.", "filter.until")
    if since:
        clauses.append(AuditEvent.at >= since)
    if until:
        clauses.append(AuditEvent.at < until)
    return clauses


async def list_events(db: Database, actor: Actor, f: AuditFilter | None = None, *, first: int | None = None,
                      after: str | None = None, with_total: bool = False) -> Page[AuditEvent]:
    require(actor, "audit", "read")
    f = f or AuditFilter()
    base = select(AuditEvent).where(*_where(actor, f))
    q, size = keyset(base, [AuditEvent.at, AuditEvent.id], True, first, after)
    async with db.transaction() as s:
        total = await s.scalar(select(func.count()).select_from(base.subquery())) if with_total else None
        rows = list(await s.scalars(q))
        audit(s, actor, "audit.read", entity_type="audit_log",
              detail={"filter": f.summary(), "count": min(len(rows), size)})
    return make_page(rows, lambda e: (e.at, e.id), size, total)


_cell = safe_cell  # a CSV cell a spreadsheet will not run as a formula (domain/tabular.py)


@dataclass
class AuditExport:
    csv: str
    rows: int
    truncated: bool


async def export_events(db: Database, actor: Actor, f: AuditFilter | None = None, *,
                        limit: int = EXPORT_LIMIT) -> AuditExport:
    """The filtered log as CSV (newest first, at most `limit` rows); the export is audited."""
    require(actor, "audit", "read")
    f = f or AuditFilter()
    q = (select(AuditEvent, User.email).outerjoin(User, User.id == AuditEvent.actor_user_id)
         .where(*_where(actor, f)).order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit + 1))
    async with db.transaction() as s:
        rows = (await s.execute(q)).all()
        truncated = len(rows) > limit
        rows = rows[:limit]
        out = io.StringIO()
        w = csv.writer(out, lineterminator="\r\n")
        w.writerow(_CSV_COLUMNS)
        for e, email in rows:
            w.writerow([_cell(x) for x in (
                e.at.isoformat(), e.action, e.actor_user_id, email, e.entity_type, e.entity_id, e.request_id,
                e.purpose, orjson.dumps(e.detail or {}, option=orjson.OPT_SORT_KEYS).decode())])
        audit(s, actor, "audit.export", entity_type="audit_log",
              detail={"filter": f.summary(), "rows": len(rows), "truncated": truncated})
    return AuditExport(csv=out.getvalue(), rows=len(rows), truncated=truncated)
