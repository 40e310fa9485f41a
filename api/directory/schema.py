from __future__ import annotations

import strawberry

from api.context import Info
from api.directory.types import DistrictType, SchoolType
from api.relay import Connection, decode_opt
from api.resolve import query
from domain.directory import service


@strawberry.type
class DirectoryQuery:
    @strawberry.field(description="The organization's school districts, by name.")
    async def districts(self, info: Info, search: str | None = None, first: int | None = None,
                        after: str | None = None) -> Connection[DistrictType]:
        ctx = info.context
        page = await query(lambda: service.list_districts(ctx.db, ctx.actor, search=search, first=first,
                                                          after=after))
        return Connection.of(page, DistrictType.of)

    @strawberry.field(description="The organization's schools, by name, optionally in one district.")
    async def schools(self, info: Info, district_id: strawberry.ID | None = None, search: str | None = None,
                      first: int | None = None, after: str | None = None) -> Connection[SchoolType]:
        ctx = info.context

        async def run():
            return await service.list_schools(ctx.db, ctx.actor, search=search, first=first, after=after,
                                              district_id=decode_opt(district_id, "District", "districtId"))
        return Connection.of(await query(run), SchoolType.of)
