"""In-app notifications: created inside the unit of work of what caused them, read and marked by their recipient.

Kinds (domain/notifications/models.py): a case assigned to you (assignCase), an escalation on your case
answered (recordEscalationResponse), and from the periodic job (domain/notifications/jobs.py) an escalation
become overdue, a statutory deadline 5 school days away, a deadline missed. Each notification has a
dedupe key: the same event never notifies the same person twice, however often the job runs, and on
PostgreSQL however many workers run it (INSERT ... ON CONFLICT DO NOTHING on the unique key).

Notifications carry no family identity: the case reference and title (titles are written without names),
the escalation level, dates.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from domain.audit.service import record as audit

from domain.db import Database, new_id, utcnow
from domain.errors import not_found
from domain.identity.models import Membership
from domain.notifications.models import Notification, NotificationKind, NotificationSetting
from domain.paging import Page, keyset, make_page
from policies import Actor


def _insert(s: AsyncSession, model):
    return (pg_insert if s.get_bind().dialect.name == "postgresql" else sqlite_insert)(model)


async def notify(s: AsyncSession, *, organization_id: uuid.UUID, user_ids, kind: NotificationKind, dedupe_key: str,
                 data: dict, case_id: uuid.UUID | None = None, escalation_id: uuid.UUID | None = None,
                 deadline_id: uuid.UUID | None = None, due_on: date | None = None) -> int:
    """Add one notification per recipient (in the caller's unit of work); an existing (user, key) is skipped.
    Only active members of the organization are notified. Returns how many rows were new."""
    ids = {u for u in user_ids if u is not None}
    if not ids:
        return 0
    active = set(await s.scalars(select(Membership.user_id).where(
        Membership.organization_id == organization_id, Membership.active.is_(True), Membership.user_id.in_(ids))))
    if not active:
        return 0
    now = utcnow()
    rows = [{"id": new_id(), "organization_id": organization_id, "user_id": u, "kind": kind, "case_id": case_id,
             "escalation_id": escalation_id, "deadline_id": deadline_id, "data": data, "dedupe_key": dedupe_key,
             "due_on": due_on, "created_at": now} for u in sorted(active)]
    stmt = _insert(s, Notification).values(rows).on_conflict_do_nothing(
        index_elements=["organization_id", "user_id", "dedupe_key"])
    result = await s.execute(stmt)
    return result.rowcount or 0


# ---------------------------------------------------------------- the signed-in user's notifications


async def list_notifications(db: Database, actor: Actor, *, unread_only: bool = False, first: int | None = None,
                             after: str | None = None, with_total: bool = False) -> Page[Notification]:
    """The actor's own notifications in the organization they signed in to, newest first."""
    q = select(Notification).where(Notification.organization_id == actor.organization_id,
                                   Notification.user_id == actor.user_id)
    if unread_only:
        q = q.where(Notification.read_at.is_(None))
    base = q
    q, size = keyset(q, [Notification.created_at, Notification.id], True, first, after)
    async with db.reader() as s:
        rows = list(await s.scalars(q))
        total = await s.scalar(select(func.count()).select_from(base.subquery())) if with_total else None
    return make_page(rows, lambda n: (n.created_at, n.id), size, total)


async def unread_count(db: Database, actor: Actor) -> int:
    async with db.reader() as s:
        return await s.scalar(select(func.count()).select_from(Notification).where(
            Notification.organization_id == actor.organization_id, Notification.user_id == actor.user_id,
            Notification.read_at.is_(None))) or 0


async def mark_read(db: Database, actor: Actor, notification_id: uuid.UUID) -> Notification:
    """Someone else's notification reads as unknown."""
    async with db.transaction() as s:
        n = await s.scalar(select(Notification).where(
            Notification.id == notification_id, Notification.organization_id == actor.organization_id,
            Notification.user_id == actor.user_id))
        if n is None:
            raise not_found("notification")
        if n.read_at is None:
            n.read_at = utcnow()
            audit(s, actor, "notification.read", entity_type="notification", entity_id=n.id)
    return n


async def mark_all_read(db: Database, actor: Actor) -> int:
    async with db.transaction() as s:
        result = await s.execute(update(Notification).where(
            Notification.organization_id == actor.organization_id, Notification.user_id == actor.user_id,
            Notification.read_at.is_(None)).values(read_at=utcnow()).execution_options(synchronize_session=False))
        count = result.rowcount or 0
        audit(s, actor, "notification.read_all", entity_type="notification", detail={"count": count})
    return count


@dataclass
class Preferences:
    email_digest: bool


async def preferences(db: Database, actor: Actor) -> Preferences:
    async with db.reader() as s:
        row = await s.get(NotificationSetting, (actor.organization_id, actor.user_id))
    return Preferences(email_digest=row.email_digest if row else True)


async def set_preferences(db: Database, actor: Actor, *, email_digest: bool) -> Preferences:
    """The actor's own choice (per organization); everyone may make it for themselves."""
    async with db.transaction() as s:
        await s.execute(_insert(s, NotificationSetting).values(
            organization_id=actor.organization_id, user_id=actor.user_id, email_digest=True,
            updated_at=utcnow()).on_conflict_do_nothing(index_elements=["organization_id", "user_id"]))
        await s.execute(update(NotificationSetting).where(
            NotificationSetting.organization_id == actor.organization_id,
            NotificationSetting.user_id == actor.user_id).values(email_digest=bool(email_digest), updated_at=utcnow())
            .execution_options(synchronize_session=False))
        audit(s, actor, "notification.preferences", entity_type="user", entity_id=actor.user_id,
              detail={"email_digest": bool(email_digest)})
    return Preferences(email_digest=bool(email_digest))
