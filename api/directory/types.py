from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from api.context import Info

from api.relay import Node, to_global_id
from domain.directory.models import District, DistrictContact, School
from domain.escalations.models import DistrictClosure

if TYPE_CHECKING:
    from api.cases.types import CaseCategory

# api.cases.types imports this module, so the taxonomy enum is referenced lazily.
IssueArea = Annotated["CaseCategory", strawberry.lazy("api.cases.types")]


@strawberry.type(name="DistrictClosure", description="Days the district's schools are closed (inclusive): a "
                                                      "holiday or a vacation week. Weekends are always closed.")
class DistrictClosureType(Node):
    name: str
    starts_on: date
    ends_on: date
    district_id_: strawberry.Private[uuid.UUID]

    @strawberry.field
    async def district(self, info: Info) -> DistrictType | None:
        d = await info.context.loaders.district.load(self.district_id_)
        return DistrictType.of(d) if d else None

    @classmethod
    def of(cls, c: DistrictClosure) -> "DistrictClosureType":
        return cls(id=to_global_id("DistrictClosure", c.id), name=c.name, starts_on=c.starts_on, ends_on=c.ends_on,
                   district_id_=c.district_id)


@strawberry.type(name="District")
class DistrictType(Node):
    name: str
    state: str
    nces_id: str | None
    version: int
    district_id_: strawberry.Private[uuid.UUID]

    @strawberry.field(description="The district's schools, by name.")
    async def schools(self, info: Info) -> list[SchoolType]:
        rows = await info.context.loaders.schools_of_district.load(self.district_id_)
        return [SchoolType.of(s) for s in rows]

    @strawberry.field(description="The district's contacts (district office and schools), by ladder level and name.")
    async def contacts(self, info: Info, include_inactive: bool = False) -> list[DistrictContactType]:
        rows = await info.context.loaders.contacts_of_district.load(self.district_id_)
        return [DistrictContactType.of(c) for c in rows if include_inactive or c.active]

    @strawberry.field(description="The district's calendar: its closures, by start date.")
    async def closures(self, info: Info, ending_on_or_after: date | None = None) -> list[DistrictClosureType]:
        rows = await info.context.loaders.closures_of_district.load(self.district_id_)
        return [DistrictClosureType.of(c) for c in rows if ending_on_or_after is None or c.ends_on >= ending_on_or_after]

    @classmethod
    def of(cls, d: District) -> "DistrictType":
        return cls(id=to_global_id("District", d.id), name=d.name, state=d.state, nces_id=d.nces_id,
                   version=d.version, district_id_=d.id)


@strawberry.type(name="School")
class SchoolType(Node):
    name: str
    level: str
    version: int
    district_id_: strawberry.Private[object]

    @strawberry.field
    async def district(self, info: Info) -> DistrictType | None:
        d = await info.context.loaders.district.load(self.district_id_)
        return DistrictType.of(d) if d else None

    @classmethod
    def of(cls, s: School) -> "SchoolType":
        return cls(id=to_global_id("School", s.id), name=s.name, level=s.level, version=s.version,
                   district_id_=s.district_id)


@strawberry.type(name="DistrictContact", description="Someone at a school, district office, state or federal "
                                                     "agency whom advocates escalate to.")
class DistrictContactType(Node):
    name: str
    title: str | None
    office: str | None
    email: str | None
    phone: str | None
    issue_areas: list[IssueArea] = strawberry.field(
        description="Case categories this contact handles; empty means all.")
    ladder_level: int = strawberry.field(description="The rung of the organization's escalation ladder.")
    active: bool
    version: int
    updated_at: datetime
    district_id_: strawberry.Private[uuid.UUID]
    school_id_: strawberry.Private[uuid.UUID | None]

    @strawberry.field
    async def district(self, info: Info) -> DistrictType | None:
        d = await info.context.loaders.district.load(self.district_id_)
        return DistrictType.of(d) if d else None

    @strawberry.field(description="Set when the contact is at one school of the district.")
    async def school(self, info: Info) -> SchoolType | None:
        s = self.school_id_ and await info.context.loaders.school.load(self.school_id_)
        return SchoolType.of(s) if s else None

    @classmethod
    def of(cls, c: DistrictContact) -> "DistrictContactType":
        from api.cases.types import CaseCategory
        return cls(id=to_global_id("DistrictContact", c.id), name=c.name, title=c.title, office=c.office,
                   email=c.email, phone=c.phone, issue_areas=[CaseCategory[a] for a in c.issue_areas],
                   ladder_level=c.ladder_level, active=c.active, version=c.version, updated_at=c.updated_at,
                   district_id_=c.district_id, school_id_=c.school_id)
