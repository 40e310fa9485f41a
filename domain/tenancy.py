"""Tenant scope for work that starts before its organization is known.

On PostgreSQL the application role sees only the rows of the organization named by the transaction's
`advocase.organization_id` setting (row-level security, migration 0006; see domain.db.tenant). A few flows
must first find out which organization they act in: ending a previous session, sign-in by email, a mailed
invitation or password-reset link, the outbox worker and joining a network by its code. Each asks one narrow
SECURITY DEFINER function (created by migration 0006) for organization ids only, never rows, and then
continues inside that organization. On SQLite (no row-level security) the same questions are plain queries.
The one exception answers rows: a request's session lookup, advocase_live_session() of migration 0015, returns
the live session of the token digest it is given, with its member and chapters (what the token grants anyway;
domain.identity.service.resolve_actor).
"""

from __future__ import annotations

import uuid
from contextlib import asynccontextmanager
from datetime import datetime

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from domain.db import TENANT_SETTING, current_tenant, set_tenant


def _pg(s: AsyncSession) -> bool:
    return s.bind.dialect.name == "postgresql"


async def enter_tenant(s: AsyncSession, organization_id: uuid.UUID | None, *, whole_task: bool = False) -> None:
    """From here on, this transaction acts in `organization_id` (pending rows are written first, under the
    scope they were added in). With `whole_task`, later transactions of this task (request) do too."""
    if whole_task:
        set_tenant(organization_id)
    await s.flush()
    if _pg(s):
        await s.execute(select(func.set_config(TENANT_SETTING, str(organization_id) if organization_id else "", True)))
    s.info["advocase_tenant"] = organization_id


@asynccontextmanager
async def within_tenant(s: AsyncSession, organization_id: uuid.UUID):
    """Act in another organization inside this transaction for a moment, then return to the current one."""
    before = s.info["advocase_tenant"] if "advocase_tenant" in s.info else current_tenant()
    await enter_tenant(s, organization_id)
    try:
        yield
    finally:
        await enter_tenant(s, before)


async def organization_of_session_token(s: AsyncSession, token_hash: str) -> uuid.UUID | None:
    if _pg(s):
        return await s.scalar(text("SELECT advocase_session_organization(:h)"), {"h": token_hash})
    from domain.identity.models import Session
    return await s.scalar(select(Session.organization_id).where(Session.token_hash == token_hash))


async def organization_of_user_token(s: AsyncSession, token_hash: str) -> uuid.UUID | None:
    if _pg(s):
        return await s.scalar(text("SELECT advocase_user_token_organization(:h)"), {"h": token_hash})
    from domain.identity.models import UserToken
    return await s.scalar(select(UserToken.organization_id).where(UserToken.token_hash == token_hash))


async def organizations_of_user(s: AsyncSession, user_id: uuid.UUID) -> list[tuple[uuid.UUID, bool]]:
    """(organization id, membership active) for every membership of the user, oldest first."""
    if _pg(s):
        rows = await s.execute(text("SELECT organization_id, active FROM advocase_user_organizations(:u)"),
                               {"u": user_id})
    else:
        from domain.identity.models import Membership
        rows = await s.execute(select(Membership.organization_id, Membership.active)
                               .where(Membership.user_id == user_id).order_by(Membership.created_at, Membership.id))
    return [(r[0], bool(r[1])) for r in rows]


async def network_of_join_code(s: AsyncSession, code: str) -> uuid.UUID | None:
    if _pg(s):
        return await s.scalar(text("SELECT advocase_network_by_join_code(:c)"), {"c": code})
    from domain.campaigns.models import Network
    return await s.scalar(select(Network.id).where(Network.join_code == code))


async def outbox_due_organizations(s: AsyncSession, now: datetime) -> list[uuid.UUID]:
    """The organizations with outbox messages due at `now` (the worker then claims inside each)."""
    if _pg(s):
        return list(await s.scalars(text("SELECT advocase_outbox_due_organizations(:now)"), {"now": now}))
    from domain.outbox.models import OutboxMessage
    from domain.outbox.worker import _due
    return list(await s.scalars(select(OutboxMessage.organization_id).where(_due(now)).distinct()))


async def outbox_status_counts(s: AsyncSession) -> list[tuple[str, int]]:
    """(status, count) over every organization: the backlog, never a message."""
    if _pg(s):
        rows = await s.execute(text("SELECT status, n FROM advocase_outbox_counts()"))
    else:
        from domain.outbox.models import OutboxMessage
        rows = await s.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status))
    return [(getattr(st, "value", st), int(n)) for st, n in rows]


async def job_scopes(db) -> list[uuid.UUID | None]:
    """The organizations a job over all of them runs in, one at a time (`with tenant(org)`): every organization
    when row-level security is in effect; otherwise (SQLite, an owner connection) one pass over all: [None]."""
    async with db.reader() as s:
        if not _pg(s) or await s.scalar(text(
                "SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user")):
            return [None]
        from domain.identity.models import Organization
        return list(await s.scalars(select(Organization.id).order_by(Organization.id)))
