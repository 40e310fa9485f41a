from __future__ import annotations

import strawberry

from api.context import Info

from api.relay import Connection, Node, to_global_id
from domain.directory.models import District, School


@strawberry.type(name="District")
class DistrictType(Node):
    name: str
    state: str
    nces_id: str | None

    @classmethod
    def of(cls, d: District) -> "DistrictType":
        return cls(id=to_global_id("District", d.id), name=d.name, state=d.state, nces_id=d.nces_id)


@strawberry.type(name="School")
class SchoolType(Node):
    name: str
    level: str
    district_id_: strawberry.Private[object]

    @strawberry.field
    async def district(self, info: Info) -> DistrictType | None:
        d = await info.context.loaders.district.load(self.district_id_)
        return DistrictType.of(d) if d else None

    @classmethod
    def of(cls, s: School) -> "SchoolType":
        return cls(id=to_global_id("School", s.id), name=s.name, level=s.level, district_id_=s.district_id)


