"""The directory: districts, schools, district contacts and district calendars (closures).

Reading needs `directory:read`, every change `directory:manage`. Everything is kept per organization: an id of
another organization is answered like an unknown one.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import Text, cast, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain import validate as v
from domain.audit.service import record as audit
from domain.cases import taxonomy
from domain.db import Database, among, new_id, utcnow
from domain.directory.importer import DirectoryRow, RowError, key, parse_directory_csv
from domain.directory.models import District, DistrictContact, School
from domain.errors import DomainError, ErrorCode, conflict, invalid, not_found, require
from domain.escalations.models import DistrictClosure, Escalation, EscalationLevel
from domain.identity.models import Organization
from domain.paging import Page, keyset, make_page
from policies import Actor

STATE_RE = re.compile(r"^[A-Z]{2}$")
MAX_CLOSURE_DAYS = 366


async def list_districts(db: Database, actor: Actor, *, search: str | None, first: int | None,
                         after: str | None) -> Page[District]:
    require(actor, "directory", "read")
    q = select(District).where(District.organization_id == actor.organization_id)
    if search:
        q = q.where(func.lower(District.name).contains(search.strip().lower(), autoescape=True))
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
        q = q.where(func.lower(School.name).contains(search.strip().lower(), autoescape=True))
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
        rows = await s.scalars(select(model).where(model.organization_id == org_id, among(db.is_sqlite, model.id, ids)))
        return {r.id: r for r in rows}


async def list_district_contacts(
    db: Database, actor: Actor, *, district_id: uuid.UUID | None = None, level: int | None = None,
    issue_area: str | None = None, search: str | None = None, include_inactive: bool = False,
    first: int | None = None, after: str | None = None,
) -> Page[DistrictContact]:
    """Contacts by ladder level, then name. An issue area also matches contacts with none (they handle all)."""
    require(actor, "directory", "read")
    q = select(DistrictContact).where(DistrictContact.organization_id == actor.organization_id)
    if district_id:
        q = q.where(DistrictContact.district_id == district_id)
    if level is not None:
        q = q.where(DistrictContact.ladder_level == level)
    if issue_area is not None:
        v.one_of(issue_area, taxonomy.TAXONOMY, "issueArea")
        # JSON arrays differ by backend; a contact lists few areas, so match on the serialized list.
        areas = cast(DistrictContact.issue_areas, Text)
        q = q.where(or_(areas.like(f'%"{issue_area}"%'), areas == "[]"))
    if not include_inactive:
        q = q.where(DistrictContact.active.is_(True))
    term = v.text(search, "search", max_len=200)
    if term:
        q = q.where(or_(*(func.lower(c).contains(term.lower(), autoescape=True) for c in (
            DistrictContact.name, DistrictContact.title, DistrictContact.office, DistrictContact.email))))
    columns = [DistrictContact.ladder_level, DistrictContact.name, DistrictContact.id]
    q, size = keyset(q, columns, False, first, after)
    async with db.reader() as s:
        rows = list(await s.scalars(q))
    return make_page(rows, lambda c: (c.ladder_level, c.name, c.id), size)


async def _children(db: Database, model, org_id: uuid.UUID, ids: list[uuid.UUID], order) -> dict[uuid.UUID, list]:
    async with db.reader() as s:
        rows = await s.scalars(select(model).where(model.organization_id == org_id,
                                                   among(db.is_sqlite, model.district_id, ids))
                               .order_by(*order))
        out: dict[uuid.UUID, list] = {i: [] for i in ids}
        for r in rows:
            out[r.district_id].append(r)
        return out


async def schools_by_district(db: Database, org_id: uuid.UUID, ids: list[uuid.UUID]) -> dict[uuid.UUID, list[School]]:
    return await _children(db, School, org_id, ids, (School.name, School.id))


async def contacts_by_district(db: Database, org_id: uuid.UUID,
                               ids: list[uuid.UUID]) -> dict[uuid.UUID, list[DistrictContact]]:
    return await _children(db, DistrictContact, org_id, ids,
                           (DistrictContact.ladder_level, DistrictContact.name, DistrictContact.id))


async def closures_by_district(db: Database, org_id: uuid.UUID,
                               ids: list[uuid.UUID]) -> dict[uuid.UUID, list[DistrictClosure]]:
    return await _children(db, DistrictClosure, org_id, ids, (DistrictClosure.starts_on, DistrictClosure.id))


# ---------------------------------------------------------------- districts and schools


def _name(value: str | None, field: str, *, max_len: int = 200) -> str:
    name = v.text(value, field, required=True, max_len=max_len)
    return " ".join(name.split())


def _state(value: str | None, field: str = "state") -> str:
    state = (v.text(value, field, required=True, max_len=2) or "").upper()
    if not STATE_RE.match(state):
        raise invalid("A two-letter state code, e.g. MA.", field)
    return state


async def _district_for_write(s: AsyncSession, actor: Actor, district_id: uuid.UUID, field: str = "id") -> District:
    d = await s.scalar(select(District).where(District.id == district_id,
                                              District.organization_id == actor.organization_id))
    if d is None:
        raise not_found("district", field)
    return d


async def _check_district_name(s: AsyncSession, org_id: uuid.UUID, name: str, exclude: uuid.UUID | None) -> None:
    # Names are few per organization; compare in Python so that the rule is the importer's (case, spaces).
    for other_id, other in await s.execute(select(District.id, District.name).where(District.organization_id == org_id)):
        if other_id != exclude and key(other) == key(name):
            raise DomainError(ErrorCode.CONFLICT, f"Your organization already has a district named {other!r}.", "name")


async def _check_school_name(s: AsyncSession, org_id: uuid.UUID, district_id: uuid.UUID, name: str,
                             exclude: uuid.UUID | None) -> None:
    for other_id, other in await s.execute(select(School.id, School.name).where(
            School.organization_id == org_id, School.district_id == district_id)):
        if other_id != exclude and key(other) == key(name):
            raise DomainError(ErrorCode.CONFLICT, f"This district already has a school named {other!r}.", "name")


def _district_fields(data: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "name" in data:
        out["name"] = _name(data["name"], "name")
    if "state" in data:
        out["state"] = _state(data["state"])
    if "nces_id" in data:
        out["nces_id"] = v.text(data["nces_id"], "ncesId", max_len=20)
    return out


async def create_district(db: Database, actor: Actor, data: dict[str, Any]) -> District:
    require(actor, "directory", "manage")
    fields = _district_fields({"name": data.get("name"), "state": data.get("state"), **data})
    async with db.transaction() as s:
        await _check_district_name(s, actor.organization_id, fields["name"], None)
        district = District(organization_id=actor.organization_id, **fields)
        s.add(district)
        await s.flush()
        audit(s, actor, "district.create", entity_type="district", entity_id=district.id)
    return district


async def update_district(db: Database, actor: Actor, district_id: uuid.UUID, data: dict[str, Any], *,
                          version: int) -> District:
    """Optimistic locking: `version` is the one the editor saw; a newer one is a CONFLICT and changes nothing."""
    require(actor, "directory", "manage")
    fields = _district_fields(data)
    async with db.transaction() as s:
        district = await _district_for_write(s, actor, district_id)
        if district.version != version:
            raise conflict("district", district.version)
        if "name" in fields:
            await _check_district_name(s, actor.organization_id, fields["name"], district.id)
        for k, val in fields.items():
            setattr(district, k, val)
        await s.flush()
        audit(s, actor, "district.update", entity_type="district", entity_id=district.id,
              detail={"fields": sorted(fields)})
    return district


def _school_fields(data: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "name" in data:
        out["name"] = _name(data["name"], "name")
    if "level" in data:
        out["level"] = v.text(data["level"], "level", required=True, max_len=20)
    return out


async def create_school(db: Database, actor: Actor, data: dict[str, Any]) -> School:
    require(actor, "directory", "manage")
    fields = _school_fields({"name": data.get("name"), "level": data.get("level") or "K-12", **data})
    async with db.transaction() as s:
        district = await _district_for_write(s, actor, data["district_id"], "districtId")
        await _check_school_name(s, actor.organization_id, district.id, fields["name"], None)
        school = School(organization_id=actor.organization_id, district_id=district.id, **fields)
        s.add(school)
        await s.flush()
        audit(s, actor, "school.create", entity_type="school", entity_id=school.id,
              detail={"district_id": str(district.id)})
    return school


async def update_school(db: Database, actor: Actor, school_id: uuid.UUID, data: dict[str, Any], *,
                        version: int) -> School:
    """A school stays in its district. Optimistic locking as for districts."""
    require(actor, "directory", "manage")
    fields = _school_fields(data)
    async with db.transaction() as s:
        school = await s.scalar(select(School).where(School.id == school_id,
                                                     School.organization_id == actor.organization_id))
        if school is None:
            raise not_found("school")
        if school.version != version:
            raise conflict("school", school.version)
        if "name" in fields:
            await _check_school_name(s, actor.organization_id, school.district_id, fields["name"], school.id)
        for k, val in fields.items():
            setattr(school, k, val)
        await s.flush()
        audit(s, actor, "school.update", entity_type="school", entity_id=school.id, detail={"fields": sorted(fields)})
    return school


# ---------------------------------------------------------------- district contacts


async def ladder_levels(s: AsyncSession, org_id: uuid.UUID) -> list[int]:
    return list(await s.scalars(select(EscalationLevel.level).where(EscalationLevel.organization_id == org_id)
                                .order_by(EscalationLevel.level)))


def _issue_areas(value: list[str] | None) -> list[str]:
    for area in value or []:
        if area not in taxonomy.TAXONOMY:
            raise invalid(f"Not a case category: {area!r}.", "issueAreas")
    return [c for c in taxonomy.CATEGORIES if c in set(value or [])]


async def _contact_fields(s: AsyncSession, actor: Actor, district_id: uuid.UUID, data: dict[str, Any],
                          exclude: uuid.UUID | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    org = actor.organization_id
    if "name" in data:
        out["name"] = _name(data["name"], "name")
    for k in ("title", "office"):
        if k in data:
            out[k] = v.text(data[k], k, max_len=200)
    if "phone" in data:
        out["phone"] = v.text(data["phone"], "phone", max_len=40)  # free text: "617-555-0100 ext. 12"
    if "email" in data:
        out["email"] = v.email(data["email"])
        if out["email"]:
            q = select(DistrictContact.name).where(
                DistrictContact.organization_id == org, DistrictContact.district_id == district_id,
                func.lower(DistrictContact.email) == out["email"])
            if exclude:
                q = q.where(DistrictContact.id != exclude)
            taken = await s.scalar(q.limit(1))
            if taken is not None:
                raise DomainError(ErrorCode.CONFLICT, f"{taken} of this district already has this email.", "email")
    if "issue_areas" in data:
        out["issue_areas"] = _issue_areas(data["issue_areas"])
    if "ladder_level" in data:
        levels = await ladder_levels(s, org)
        if data["ladder_level"] not in levels:
            raise invalid(f"Not a level of your escalation ladder ({', '.join(map(str, levels))}).", "ladderLevel")
        out["ladder_level"] = data["ladder_level"]
    if "school_id" in data:
        school = await v.in_org(s, School, data["school_id"], org, "schoolId")
        if school is not None and school.district_id != district_id:
            raise invalid("The school is not in the contact's district.", "schoolId")
        out["school_id"] = data["school_id"]
    if "active" in data:
        if data["active"] is None:
            raise invalid("This field is required.", "active")
        out["active"] = bool(data["active"])
    return out


async def create_district_contact(db: Database, actor: Actor, data: dict[str, Any]) -> DistrictContact:
    require(actor, "directory", "manage")
    async with db.transaction() as s:
        district = await _district_for_write(s, actor, data["district_id"], "districtId")
        fields = await _contact_fields(
            s, actor, district.id, {"name": None, "ladder_level": None, "issue_areas": [], **data}, None)
        contact = DistrictContact(organization_id=actor.organization_id, district_id=district.id,
                                  **{"active": True, **fields})
        s.add(contact)
        await s.flush()
        audit(s, actor, "district_contact.create", entity_type="district_contact", entity_id=contact.id,
              detail={"district_id": str(district.id)})
    return contact


async def _contact_for_write(s: AsyncSession, actor: Actor, contact_id: uuid.UUID,
                             version: int | None) -> DistrictContact:
    contact = await s.scalar(select(DistrictContact).where(
        DistrictContact.id == contact_id, DistrictContact.organization_id == actor.organization_id))
    if contact is None:
        raise not_found("district contact")
    if version is not None and contact.version != version:
        raise conflict("contact", contact.version)
    return contact


async def update_district_contact(db: Database, actor: Actor, contact_id: uuid.UUID, version: int,
                                  data: dict[str, Any]) -> DistrictContact:
    """Any field, including `active` (deactivate / reactivate); the district stays."""
    require(actor, "directory", "manage")
    async with db.transaction() as s:
        contact = await _contact_for_write(s, actor, contact_id, version)
        fields = await _contact_fields(s, actor, contact.district_id, data, contact.id)
        for k, val in fields.items():
            setattr(contact, k, val)
        if contact.active and contact.ladder_level not in await ladder_levels(s, actor.organization_id):
            # e.g. reactivating a contact whose level was removed from the ladder meanwhile
            raise invalid(f"Level {contact.ladder_level} is not on your escalation ladder; pick another.",
                          "ladderLevel")
        contact.updated_at = utcnow()  # a save always moves the version
        await s.flush()
        audit(s, actor, "district_contact.update", entity_type="district_contact", entity_id=contact.id,
              detail={"fields": sorted(fields)})
    return contact


async def delete_district_contact(db: Database, actor: Actor, contact_id: uuid.UUID,
                                  version: int | None) -> DistrictContact | None:
    """Deletes the contact, or deactivates it (and returns it) when escalations name it: they keep their record."""
    require(actor, "directory", "manage")
    async with db.transaction() as s:
        contact = await _contact_for_write(s, actor, contact_id, version)
        referenced = await s.scalar(select(Escalation.id).where(
            Escalation.organization_id == actor.organization_id, Escalation.contact_id == contact.id).limit(1))
        if referenced is None:
            await s.delete(contact)
            audit(s, actor, "district_contact.delete", entity_type="district_contact", entity_id=contact_id)
            return None
        contact.active = False
        contact.updated_at = utcnow()
        await s.flush()
        audit(s, actor, "district_contact.deactivate", entity_type="district_contact", entity_id=contact.id,
              detail={"reason": "referenced by escalations"})
    return contact


# ---------------------------------------------------------------- district calendars


async def add_district_closure(db: Database, actor: Actor, district_id: uuid.UUID,
                               data: dict[str, Any]) -> DistrictClosure:
    """A day or a span of days (inclusive) the district's schools are closed: a holiday, a vacation week."""
    require(actor, "directory", "manage")
    name = _name(data.get("name"), "name", max_len=120)
    starts_on = data.get("starts_on")
    if starts_on is None:
        raise invalid("This field is required.", "startsOn")
    ends_on = data.get("ends_on") or starts_on
    if ends_on < starts_on:
        raise invalid("A closure cannot end before it starts.", "endsOn")
    if ends_on - starts_on > timedelta(days=MAX_CLOSURE_DAYS):
        raise invalid("A closure spans at most a year.", "endsOn")
    async with db.transaction() as s:
        district = await _district_for_write(s, actor, district_id, "districtId")
        same = await s.scalar(select(DistrictClosure.name).where(
            DistrictClosure.organization_id == actor.organization_id, DistrictClosure.district_id == district.id,
            DistrictClosure.starts_on == starts_on, DistrictClosure.ends_on == ends_on).limit(1))
        if same is not None:
            raise DomainError(ErrorCode.CONFLICT, f"The district already has this closure ({same}).", "startsOn")
        closure = DistrictClosure(organization_id=actor.organization_id, district_id=district.id, name=name,
                                  starts_on=starts_on, ends_on=ends_on)
        s.add(closure)
        await s.flush()
        audit(s, actor, "district_closure.add", entity_type="district_closure", entity_id=closure.id,
              detail={"district_id": str(district.id), "starts_on": starts_on.isoformat(),
                      "ends_on": ends_on.isoformat()})
    return closure


async def remove_district_closure(db: Database, actor: Actor, closure_id: uuid.UUID) -> DistrictClosure:
    require(actor, "directory", "manage")
    async with db.transaction() as s:
        closure = await s.scalar(select(DistrictClosure).where(
            DistrictClosure.id == closure_id, DistrictClosure.organization_id == actor.organization_id))
        if closure is None:
            raise not_found("closure")
        await s.delete(closure)
        audit(s, actor, "district_closure.remove", entity_type="district_closure", entity_id=closure.id,
              detail={"district_id": str(closure.district_id), "starts_on": closure.starts_on.isoformat(),
                      "ends_on": closure.ends_on.isoformat()})
    return closure


async def closures_of(db: Database, org_id: uuid.UUID, district_id: uuid.UUID) -> list[DistrictClosure]:
    """A district's calendar, for school-day arithmetic (see domain/escalations/calendar.py)."""
    return (await closures_by_district(db, org_id, [district_id]))[district_id]


# ---------------------------------------------------------------- CSV import


@dataclass
class ImportReport:
    """What an import did. `imported` is false when errors stopped it: then nothing was written."""

    imported: bool = False
    rows_imported: int = 0
    districts_created: int = 0
    districts_updated: int = 0
    schools_created: int = 0
    schools_updated: int = 0
    contacts_created: int = 0
    contacts_updated: int = 0
    errors: list[RowError] = field(default_factory=list)

    def summary(self) -> str:
        return (f"districts: {self.districts_created} created, {self.districts_updated} updated; "
                f"schools: {self.schools_created} created, {self.schools_updated} updated; "
                f"contacts: {self.contacts_created} created, {self.contacts_updated} updated")


class _Rollback(Exception):
    pass


class _Directory:
    """The organization's directory in memory, matched the way the importer documents."""

    def __init__(self, org_id: uuid.UUID, districts, schools, contacts, levels):
        self.org_id = org_id
        self.levels = set(levels)
        self.districts = {key(d.name): d for d in districts}
        self.schools = {(sc.district_id, key(sc.name)): sc for sc in schools}
        self.by_email: dict[tuple, DistrictContact] = {}
        self.by_name: dict[tuple, list[DistrictContact]] = {}
        for c in contacts:
            self.index(c)

    def index(self, c: DistrictContact) -> None:
        if c.email:
            self.by_email[(c.district_id, c.email.lower())] = c
        self.by_name.setdefault((c.district_id, key(c.name)), []).append(c)

    def unindex(self, c: DistrictContact) -> None:
        if c.email:
            self.by_email.pop((c.district_id, c.email.lower()), None)
        self.by_name.get((c.district_id, key(c.name)), []).remove(c)

    def match(self, district_id: uuid.UUID, row: DirectoryRow) -> list[DistrictContact]:
        email = row.contact.email
        if email and (district_id, email) in self.by_email:
            return [self.by_email[(district_id, email)]]
        return list(self.by_name.get((district_id, key(row.contact.name)), []))


def _row_problems(d: _Directory, row: DirectoryRow, state: str | None) -> list[str]:
    problems = []
    district = d.districts.get(row.district_key)
    if district is None and not state:
        problems.append(f"state is required to create the district {row.district!r} "
                        "(fill the state column or give a default state)")
    if row.contact:
        if row.contact.ladder_level not in d.levels:
            problems.append(f"ladder_level {row.contact.ladder_level} is not a level of your escalation ladder "
                            f"({', '.join(map(str, sorted(d.levels)))})")
        if district is not None and len(d.match(district.id, row)) > 1:
            problems.append(f"more than one contact of {district.name} is named {row.contact.name!r}; "
                            "give the email to say which")
    return problems


def _apply_row(s: AsyncSession, d: _Directory, row: DirectoryRow, state: str | None, columns: set[str],
               actor: Actor | None, report: ImportReport, touched: set, new: dict[type, list]) -> None:
    """Changes existing rows in place; new ones go to `new`, inserted parents first (no ORM relationships)."""
    def log(action: str, entity_type: str, entity_id: uuid.UUID, **detail) -> None:
        audit(s, actor, action, entity_type=entity_type, entity_id=entity_id, organization_id=d.org_id,
              detail={"via": "import", "line": row.line, **detail})

    district = d.districts.get(row.district_key)
    if district is None:
        district = District(id=new_id(), organization_id=d.org_id, name=row.district, state=state)
        new[District].append(district)
        d.districts[row.district_key] = district
        report.districts_created += 1
        touched.add(district.id)
        log("district.create", "district", district.id)
    elif row.state and row.state != district.state:
        district.state = row.state
        if district.id not in touched:
            report.districts_updated += 1
            touched.add(district.id)
        log("district.update", "district", district.id, fields=["state"])

    school = None
    if row.school:
        school = d.schools.get((district.id, key(row.school)))
        if school is None:
            school = School(id=new_id(), organization_id=d.org_id, district_id=district.id, name=row.school,
                            level=row.school_level or "K-12")
            new[School].append(school)
            d.schools[(district.id, key(row.school))] = school
            report.schools_created += 1
            touched.add(school.id)
            log("school.create", "school", school.id, district_id=str(district.id))
        elif row.school_level and row.school_level != school.level:
            school.level = row.school_level
            if school.id not in touched:
                report.schools_updated += 1
                touched.add(school.id)
            log("school.update", "school", school.id, fields=["level"])

    if row.contact is None:
        return
    values: dict[str, Any] = {"name": row.contact.name, "ladder_level": row.contact.ladder_level,
                              **row.contact.fields}
    if "school" in columns:
        values["school_id"] = school.id if school else None
    found = d.match(district.id, row)
    if not found:
        contact = DistrictContact(id=new_id(), organization_id=d.org_id, district_id=district.id, active=True,
                                  **{"issue_areas": [], **values})
        new[DistrictContact].append(contact)
        d.index(contact)
        report.contacts_created += 1
        touched.add(contact.id)
        log("district_contact.create", "district_contact", contact.id, district_id=str(district.id))
        return
    contact = found[0]
    changed = sorted(k for k, val in values.items() if getattr(contact, k) != val)
    if not changed:
        return
    d.unindex(contact)
    for k in changed:
        setattr(contact, k, values[k])
    contact.updated_at = utcnow()
    d.index(contact)
    if contact.id not in touched:
        report.contacts_updated += 1
        touched.add(contact.id)
    log("district_contact.update", "district_contact", contact.id, fields=changed)


async def _import(db: Database, org_id: uuid.UUID, actor: Actor | None, text: str, *, skip_invalid: bool,
                  default_state: str | None) -> ImportReport:
    if default_state is not None:
        default_state = _state(default_state, "defaultState")
    parsed = parse_directory_csv(text)
    report = ImportReport(errors=list(parsed.errors))
    # The state a new district gets: from any row of the district that gives one, else the default.
    states: dict[str, str] = {}
    for row in parsed.rows:
        if row.state:
            states.setdefault(row.district_key, row.state)
    columns = set(parsed.columns)
    try:
        async with db.transaction() as s:
            d = _Directory(
                org_id,
                await s.scalars(select(District).where(District.organization_id == org_id)),
                await s.scalars(select(School).where(School.organization_id == org_id)),
                await s.scalars(select(DistrictContact).where(DistrictContact.organization_id == org_id)),
                await ladder_levels(s, org_id))
            touched: set[uuid.UUID] = set()
            new: dict[type, list] = {District: [], School: [], DistrictContact: []}
            for row in parsed.rows:
                state = states.get(row.district_key, default_state)
                problems = _row_problems(d, row, state)
                if problems:
                    report.errors.append(RowError(row.line, "; ".join(problems)))
                    continue
                _apply_row(s, d, row, state, columns, actor, report, touched, new)
                report.rows_imported += 1
            report.errors.sort(key=lambda e: e.line)
            if report.errors and (not skip_invalid or report.rows_imported == 0):
                raise _Rollback
            for rows in new.values():
                s.add_all(rows)
                await s.flush()
            audit(s, actor, "directory.import", entity_type="directory", organization_id=org_id, detail={
                "rows": report.rows_imported, "invalid_rows": len(report.errors),
                "districts_created": report.districts_created, "districts_updated": report.districts_updated,
                "schools_created": report.schools_created, "schools_updated": report.schools_updated,
                "contacts_created": report.contacts_created, "contacts_updated": report.contacts_updated,
                "via": "api" if actor else "cli"})
    except _Rollback:
        return ImportReport(imported=False, errors=report.errors)
    report.imported = True
    return report


async def import_directory(db: Database, actor: Actor, text: str, *, skip_invalid: bool = False,
                           default_state: str | None = None) -> ImportReport:
    """Import a directory CSV (format: domain/directory/importer.py) in one unit of work.

    With any invalid row nothing is written unless `skip_invalid`, which imports the valid rows. Every
    invalid row is in `errors` with its line number either way.
    """
    require(actor, "directory", "manage")
    return await _import(db, actor.organization_id, actor, text, skip_invalid=skip_invalid,
                         default_state=default_state)


async def import_directory_for_organization(db: Database, organization_id: uuid.UUID, text: str, *,
                                            skip_invalid: bool = False,
                                            default_state: str | None = None) -> ImportReport:
    """The same import run by an operator (the `advocase import-directory` command), not by a signed-in user."""
    async with db.reader() as s:
        if await s.get(Organization, organization_id) is None:
            raise not_found("organization", "org")
    return await _import(db, organization_id, None, text, skip_invalid=skip_invalid, default_state=default_state)
