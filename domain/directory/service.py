"""Reading the directory (districts and schools). Management comes with escalations."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select

from domain.db import Database
from domain.directory.models import District, School
from domain.errors import require
from domain.paging import Page, keyset, make_page
from policies import Actor


async def list_districts(db: Database, actor: Actor, *, search: str | None, first: int | None,
                         after: str | None) -> Page[District]:
    require(actor, "directory", "read")
    q = select(District).where(District.organization_id == actor.organization_id)
    if search:
        q = q.where(func.lower(District.name).like(f"%{search.strip().lower()}%"))
    q, size = keyset(q, [District.name, District.id], False, first, after)
    async with db.reader() as s:
        rows = list(await s.scalars(q))
    return make_page(rows, lambda d: (d.name, d.id), size)


async def list_schools(db: Database, actor: Actor, *, district_id: uuid.UUID | None, search: str | None,
                       first: int | None, after: str | None) -> Page[School]:
    require(actor, "directory", "read")
    q = select(School).where(School.organization_id == actor.organization_id)
    if district_id:
        q = q.where(School.district_id == district_id)
    if search:
        q = q.where(func.lower(School.name).like(f"%{search.strip().lower()}%"))
    q, size = keyset(q, [School.name, School.id], False, first, after)
    async with db.reader() as s:
        rows = list(await s.scalars(q))
    return make_page(rows, lambda d: (d.name, d.id), size)


async def get(db: Database, actor: Actor, model, obj_id: uuid.UUID):
    if not actor.can("directory", "read"):
        return None
    async with db.reader() as s:
        return await s.scalar(select(model).where(model.id == obj_id, model.organization_id == actor.organization_id))


async def by_ids(db: Database, model, org_id: uuid.UUID, ids: list[uuid.UUID]) -> dict:
    async with db.reader() as s:
        rows = await s.scalars(select(model).where(model.organization_id == org_id, model.id.in_(ids)))
        return {r.id: r for r in rows}
