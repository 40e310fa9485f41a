"""Appending to the audit log, inside the caller's unit of work."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from domain.audit.models import AuditEvent
from policies import Actor


def record(
    session: AsyncSession,
    actor: Actor | None,
    action: str,
    *,
    entity_type: str | None = None,
    entity_id: uuid.UUID | None = None,
    organization_id: uuid.UUID | None = None,
    user_id: uuid.UUID | None = None,
    request_id: str | None = None,
    purpose: str | None = None,
    detail: dict | None = None,
) -> AuditEvent:
    event = AuditEvent(
        organization_id=organization_id or (actor.organization_id if actor else None),
        actor_user_id=user_id or (actor.user_id if actor else None),
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        request_id=request_id or (actor.request_id if actor else None),
        purpose=purpose,
        detail=detail or {},
    )
    session.add(event)
    return event


def read_detail(records, **extra) -> dict:
    """The detail of a list read's audit row: how many records were shown and which (so that who saw a given
    child's record can be answered from the log, not only that someone listed some)."""
    return {"count": len(records), "ids": [str(r.id) for r in records], **extra}
