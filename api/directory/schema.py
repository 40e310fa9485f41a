from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated

import strawberry

from api.context import Info
from api.directory.types import (
    DistrictClosureType, DistrictContactType, DistrictType, IssueArea, SchoolType,
)
from api.errors import UserError
from api.relay import Connection, decode, decode_opt
from api.resolve import attempt, given, query
from domain.directory import service
from domain.errors import DomainError, ErrorCode

if TYPE_CHECKING:
    from api.cases.types import CaseCategory


def _areas(values) -> list[str] | None:
    return None if values is None else [getattr(a, "name", a) for a in values]


# ---------------------------------------------------------------- inputs


@strawberry.input
class CreateDistrictInput:
    name: str = strawberry.field(description="Unique in the organization (case-insensitive).")
    state: str = strawberry.field(description="Two-letter state code, e.g. MA.")
    nces_id: str | None = None


@strawberry.input
class UpdateDistrictInput:
    id: strawberry.ID
    version: int = strawberry.field(description="The version you last saw (optimistic locking: CONFLICT if "
                                                "someone saved since).")
    name: str | None = strawberry.UNSET
    state: str | None = strawberry.UNSET
    nces_id: str | None = strawberry.UNSET


@strawberry.input
class CreateSchoolInput:
    district_id: strawberry.ID
    name: str = strawberry.field(description="Unique in the district (case-insensitive).")
    level: str = strawberry.field(default="K-12", description="Grades served, e.g. K-5, 6-8, 9-12.")


@strawberry.input
class UpdateSchoolInput:
    id: strawberry.ID
    version: int = strawberry.field(description="The version you last saw (optimistic locking: CONFLICT if "
                                                "someone saved since).")
    name: str | None = strawberry.UNSET
    level: str | None = strawberry.UNSET


CONTACT_FIELDS = {
    "name": "name", "title": "title", "office": "office", "email": "email", "phone": "phone",
    "issue_areas": "issue_areas", "ladder_level": "ladder_level", "school_id": "school_id", "active": "active",
}


def _contact_data(inp) -> dict:
    data = given(inp, CONTACT_FIELDS)
    if "issue_areas" in data:
        data["issue_areas"] = _areas(data["issue_areas"]) or []
    if "school_id" in data:
        data["school_id"] = decode_opt(data["school_id"], "School", "schoolId")
    return data


@strawberry.input
class CreateDistrictContactInput:
    district_id: strawberry.ID
    name: str
    ladder_level: int = strawberry.field(description="A level of the organization's escalation ladder.")
    school_id: strawberry.ID | None = strawberry.field(default=None, description="A school of the district.")
    title: str | None = None
    office: str | None = None
    email: str | None = strawberry.field(default=None, description="Unique among the district's contacts.")
    phone: str | None = None
    issue_areas: list[IssueArea] = strawberry.field(default_factory=list, description="Empty means all.")


@strawberry.input
class UpdateDistrictContactInput:
    id: strawberry.ID
    version: int = strawberry.field(description="The version you read; a stale one gets CONFLICT.")
    name: str | None = strawberry.UNSET
    ladder_level: int | None = strawberry.UNSET
    school_id: strawberry.ID | None = strawberry.UNSET
    title: str | None = strawberry.UNSET
    office: str | None = strawberry.UNSET
    email: str | None = strawberry.UNSET
    phone: str | None = strawberry.UNSET
    issue_areas: list[IssueArea] | None = strawberry.UNSET
    active: bool | None = strawberry.field(default=strawberry.UNSET,
                                           description="false deactivates: the contact stays on past escalations.")


@strawberry.input
class DeleteDistrictContactInput:
    id: strawberry.ID
    version: int | None = strawberry.field(default=None, description="If given, a stale one gets CONFLICT.")


@strawberry.input
class AddDistrictClosureInput:
    district_id: strawberry.ID
    name: str = strawberry.field(description="e.g. 'Thanksgiving', 'February vacation'.")
    starts_on: date
    ends_on: date | None = strawberry.field(default=None, description="Inclusive; default: the start day.")


@strawberry.input
class RemoveDistrictClosureInput:
    id: strawberry.ID


@strawberry.input
class ImportDirectoryInput:
    csv: str = strawberry.field(description="The CSV text; columns as in the README (district, school, "
                                            "school_level, contact_name, title, office, email, phone, "
                                            "issue_areas, ladder_level, state).")
    skip_invalid: bool = strawberry.field(default=False, description="Import the valid rows even if some are "
                                                                     "invalid (default: any invalid row stops all).")
    default_state: str | None = strawberry.field(default=None, description="State of new districts whose rows "
                                                                           "give none.")


# ---------------------------------------------------------------- payloads


@strawberry.type
class DistrictPayload:
    district: DistrictType | None
    errors: list[UserError]


@strawberry.type
class SchoolPayload:
    school: SchoolType | None
    errors: list[UserError]


@strawberry.type
class DistrictContactPayload:
    contact: DistrictContactType | None
    errors: list[UserError]


@strawberry.type
class DeleteDistrictContactPayload:
    deleted_id: strawberry.ID | None = strawberry.field(description="Set when the contact was deleted.")
    contact: DistrictContactType | None = strawberry.field(
        description="Set when escalations name the contact: it was deactivated instead of deleted.")
    errors: list[UserError]


@strawberry.type
class DistrictClosurePayload:
    closure: DistrictClosureType | None
    errors: list[UserError]


@strawberry.type
class RemoveDistrictClosurePayload:
    removed_id: strawberry.ID | None
    errors: list[UserError]


@strawberry.type
class DirectoryImportRowError:
    line: int = strawberry.field(description="The line of the CSV the row starts on (the header is line 1).")
    message: str


@strawberry.type(description="What an import did, or would have done: with `imported: false` nothing was written.")
class DirectoryImportReport:
    imported: bool
    rows_imported: int
    districts_created: int
    districts_updated: int
    schools_created: int
    schools_updated: int
    contacts_created: int
    contacts_updated: int
    row_errors: list[DirectoryImportRowError]

    @classmethod
    def of(cls, r: service.ImportReport) -> "DirectoryImportReport":
        return cls(imported=r.imported, rows_imported=r.rows_imported, districts_created=r.districts_created,
                   districts_updated=r.districts_updated, schools_created=r.schools_created,
                   schools_updated=r.schools_updated, contacts_created=r.contacts_created,
                   contacts_updated=r.contacts_updated,
                   row_errors=[DirectoryImportRowError(line=e.line, message=e.message) for e in r.errors])


@strawberry.type
class ImportDirectoryPayload:
    report: DirectoryImportReport | None = strawberry.field(
        description="Also when rows were invalid, listing them (`rowErrors`) with their line numbers.")
    errors: list[UserError]


# ---------------------------------------------------------------- queries and mutations


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

    @strawberry.field(description="District contacts by ladder level, then name. `issueArea` also matches "
                                  "contacts without issue areas (they handle all).")
    async def district_contacts(
        self, info: Info, district_id: strawberry.ID | None = None, level: int | None = None,
        issue_area: Annotated["CaseCategory", strawberry.lazy("api.cases.types")] | None = None,
        search: Annotated[str | None, strawberry.argument(description="Words in name, title, office or email.")
                          ] = None,
        include_inactive: bool = False, first: int | None = None, after: str | None = None,
    ) -> Connection[DistrictContactType]:
        ctx = info.context

        async def run():
            return await service.list_district_contacts(
                ctx.db, ctx.actor, district_id=decode_opt(district_id, "District", "districtId"), level=level,
                issue_area=issue_area.name if issue_area is not None else None, search=search,
                include_inactive=include_inactive, first=first, after=after)
        return Connection.of(await query(run), DistrictContactType.of)


@strawberry.type
class DirectoryMutation:
    @strawberry.mutation
    async def create_district(self, info: Info, input: CreateDistrictInput) -> DistrictPayload:
        ctx = info.context
        district, errors = await attempt(lambda: service.create_district(
            ctx.db, ctx.actor, {"name": input.name, "state": input.state, "nces_id": input.nces_id}))
        return DistrictPayload(district=district and DistrictType.of(district), errors=errors)

    @strawberry.mutation
    async def update_district(self, info: Info, input: UpdateDistrictInput) -> DistrictPayload:
        ctx = info.context
        district, errors = await attempt(lambda: service.update_district(
            ctx.db, ctx.actor, decode(input.id, "District"),
            given(input, {"name": "name", "state": "state", "nces_id": "nces_id"}), version=input.version))
        return DistrictPayload(district=district and DistrictType.of(district), errors=errors)

    @strawberry.mutation
    async def create_school(self, info: Info, input: CreateSchoolInput) -> SchoolPayload:
        ctx = info.context
        school, errors = await attempt(lambda: service.create_school(ctx.db, ctx.actor, {
            "district_id": decode(input.district_id, "District", "districtId"), "name": input.name,
            "level": input.level}))
        return SchoolPayload(school=school and SchoolType.of(school), errors=errors)

    @strawberry.mutation
    async def update_school(self, info: Info, input: UpdateSchoolInput) -> SchoolPayload:
        ctx = info.context
        school, errors = await attempt(lambda: service.update_school(
            ctx.db, ctx.actor, decode(input.id, "School"), given(input, {"name": "name", "level": "level"}),
            version=input.version))
        return SchoolPayload(school=school and SchoolType.of(school), errors=errors)

    @strawberry.mutation
    async def create_district_contact(self, info: Info, input: CreateDistrictContactInput) -> DistrictContactPayload:
        ctx = info.context

        async def run():
            data = _contact_data(input)
            data["district_id"] = decode(input.district_id, "District", "districtId")
            return await service.create_district_contact(ctx.db, ctx.actor, data)
        contact, errors = await attempt(run)
        return DistrictContactPayload(contact=contact and DistrictContactType.of(contact), errors=errors)

    @strawberry.mutation(description="Edit a contact; `active: false` deactivates it.")
    async def update_district_contact(self, info: Info, input: UpdateDistrictContactInput) -> DistrictContactPayload:
        ctx = info.context
        contact, errors = await attempt(lambda: service.update_district_contact(
            ctx.db, ctx.actor, decode(input.id, "DistrictContact"), input.version, _contact_data(input)))
        return DistrictContactPayload(contact=contact and DistrictContactType.of(contact), errors=errors)

    @strawberry.mutation(description="Delete a contact; one that escalations name is deactivated instead.")
    async def delete_district_contact(self, info: Info, input: DeleteDistrictContactInput
                                      ) -> DeleteDistrictContactPayload:
        ctx = info.context

        async def run():
            return await service.delete_district_contact(ctx.db, ctx.actor, decode(input.id, "DistrictContact"),
                                                         input.version)
        kept, errors = await attempt(run)
        if errors:
            return DeleteDistrictContactPayload(deleted_id=None, contact=None, errors=errors)
        return DeleteDistrictContactPayload(deleted_id=None if kept else input.id,
                                            contact=kept and DistrictContactType.of(kept), errors=[])

    @strawberry.mutation(description="Add a closure (holiday, vacation week) to a district's calendar.")
    async def add_district_closure(self, info: Info, input: AddDistrictClosureInput) -> DistrictClosurePayload:
        ctx = info.context

        async def run():
            return await service.add_district_closure(
                ctx.db, ctx.actor, decode(input.district_id, "District", "districtId"),
                {"name": input.name, "starts_on": input.starts_on, "ends_on": input.ends_on})
        closure, errors = await attempt(run)
        return DistrictClosurePayload(closure=closure and DistrictClosureType.of(closure), errors=errors)

    @strawberry.mutation
    async def remove_district_closure(self, info: Info,
                                      input: RemoveDistrictClosureInput) -> RemoveDistrictClosurePayload:
        ctx = info.context
        closure, errors = await attempt(lambda: service.remove_district_closure(
            ctx.db, ctx.actor, decode(input.id, "DistrictClosure")))
        return RemoveDistrictClosurePayload(removed_id=input.id if closure else None, errors=errors)

    @strawberry.mutation(description="Import districts, schools and contacts from CSV in one unit of work.")
    async def import_directory(self, info: Info, input: ImportDirectoryInput) -> ImportDirectoryPayload:
        ctx = info.context
        report, errors = await attempt(lambda: service.import_directory(
            ctx.db, ctx.actor, input.csv, skip_invalid=input.skip_invalid, default_state=input.default_state))
        if report is None:
            return ImportDirectoryPayload(report=None, errors=errors)
        if not report.imported:
            n = len(report.errors)
            errors = [UserError.of(DomainError(
                ErrorCode.VALIDATION, f"{n} row{'s' if n != 1 else ''} invalid; nothing was imported.", "csv"))]
        return ImportDirectoryPayload(report=DirectoryImportReport.of(report), errors=errors)
