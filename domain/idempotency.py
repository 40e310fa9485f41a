"""Idempotency keys for mutations with an outside effect (mail), beside escalateCase's own (escalations table).

A client that may retry (a lost answer, a double tap) sends the same `idempotencyKey` with the same request:
the first call does the work and remembers its result; a repeat, even a concurrent one, does nothing again and
answers with that result. The same key for a different request is a VALIDATION error on `idempotencyKey`.
Keys belong to one organization and operation.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, Uuid, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from domain import validate as v
from domain.db import Base, new_id, utcnow
from domain.errors import invalid
from domain.types import created_at, org_fk, pk
from policies import Actor


class IdempotencyKey(Base):
    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("organization_id", "operation", "key"),
                      Index("ix_idempotency_keys_org_created", "organization_id", "created_at"))

    id: Mapped[uuid.UUID] = pk()
    organization_id: Mapped[uuid.UUID] = org_fk()
    operation: Mapped[str] = mapped_column(String(60), nullable=False)
    key: Mapped[str] = mapped_column(String(100), nullable=False)
    request_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("users.id", ondelete="SET NULL"))
    result_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    created_at: Mapped[datetime] = created_at()


class Replay:
    """A key seen before: `result_id` is what the first call produced."""

    def __init__(self, result_id: uuid.UUID | None):
        self.result_id = result_id


async def claim(s: AsyncSession, actor: Actor, operation: str, key: str | None, request: object) -> Replay | None:
    """None: go ahead (no key, or this call holds it now; call `complete` in the same unit of work).
    Replay: done before. A concurrent holder of the key is waited for (unique index), then replayed."""
    key = v.text(key, "idempotencyKey", max_len=100)
    if not key:
        return None
    digest = hashlib.sha256(repr(request).encode()).hexdigest()
    insert = (pg_insert if s.get_bind().dialect.name == "postgresql" else sqlite_insert)(IdempotencyKey)
    inserted = await s.execute(insert.values(
        id=new_id(), organization_id=actor.organization_id, operation=operation, key=key, request_hash=digest,
        user_id=actor.user_id, created_at=utcnow()).on_conflict_do_nothing(
        index_elements=["organization_id", "operation", "key"]).returning(IdempotencyKey.id))
    if inserted.scalar() is not None:
        return None
    row = await s.scalar(select(IdempotencyKey).where(
        IdempotencyKey.organization_id == actor.organization_id, IdempotencyKey.operation == operation,
        IdempotencyKey.key == key))
    if row.request_hash != digest:
        raise invalid("This idempotency key was already used for a different request.", "idempotencyKey")
    return Replay(row.result_id)


async def complete(s: AsyncSession, actor: Actor, operation: str, key: str | None, result_id: uuid.UUID) -> None:
    key = v.text(key, "idempotencyKey", max_len=100)
    if not key:
        return
    row = await s.scalar(select(IdempotencyKey).where(
        IdempotencyKey.organization_id == actor.organization_id, IdempotencyKey.operation == operation,
        IdempotencyKey.key == key))
    row.result_id = result_id
