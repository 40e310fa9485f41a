"""Audit retention: the operator's purge of audit events older than a retention period (`advocase purge-audit`).

The audit log is append-only for everyone, the application's database role included (no UPDATE or DELETE
privilege; triggers of migrations 0004 and 0013 refuse them whoever asks). The one exception is this purge, run by
the operator through the owner's connection (ADVOCASE_MIGRATION_DATABASE_URL, as migrations are), never by the
application: on PostgreSQL it names its cutoff in a transaction-local setting and the trigger lets through only
deletes of rows older than it; on SQLite (no settings) the delete trigger is dropped and created again inside the
purge's own transaction. Nothing younger than MIN_RETENTION_DAYS is ever purged, and each organization whose rows
were purged gets an `audit.purge` event saying up to when and how many.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, text

from domain.audit.models import AuditEvent
from domain.audit.service import record as audit
from domain.db import Database, utcnow
from domain.errors import invalid

MIN_RETENTION_DAYS = 365
PURGE_SETTING = "advocase.audit_purge_before"  # read by audit_events_append_only() (migration 0013)
SQLITE_DELETE_TRIGGER = ("CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events "
                         "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only; DELETE refused'); END")


async def purge_audit(db: Database, *, older_than_days: int, now: datetime | None = None,
                      dry_run: bool = False) -> dict[uuid.UUID | None, int]:
    """Deletes the audit events older than `older_than_days` (at least MIN_RETENTION_DAYS), in one transaction;
    returns how many per organization (None: failed sign-ins with an unknown email). `db` must connect as the
    tables' owner. `dry_run`: only count."""
    if older_than_days < MIN_RETENTION_DAYS:
        raise invalid(f"Audit events are kept at least {MIN_RETENTION_DAYS} days.", "olderThanDays")
    before = (now or utcnow()) - timedelta(days=older_than_days)
    async with db.transaction() as s:
        counts = {org: n for org, n in await s.execute(
            select(AuditEvent.organization_id, func.count()).where(AuditEvent.at < before)
            .group_by(AuditEvent.organization_id))}
        if dry_run or not counts:
            return counts
        if db.is_sqlite:
            await s.execute(text("DROP TRIGGER audit_events_no_delete"))
            await s.execute(delete(AuditEvent).where(AuditEvent.at < before))
            await s.execute(text(SQLITE_DELETE_TRIGGER))
        else:
            await s.execute(select(func.set_config(PURGE_SETTING, before.isoformat(), True)))
            await s.execute(delete(AuditEvent).where(AuditEvent.at < before))
        for org, n in counts.items():
            if org is not None:
                audit(s, None, "audit.purge", organization_id=org, entity_type="audit",
                      detail={"before": before.isoformat(), "deleted": n, "retention_days": older_than_days})
    return counts
