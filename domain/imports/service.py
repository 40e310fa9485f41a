"""Import families, students and cases from a CSV or Excel file, and the column mappings organizations save.

One row of the file is about one family and, optionally, one of its students and one case (several rows
may name the same family through `family_external_id`). Every field goes through the same rules as the
forms (domain.people.service.family_values / student_values, domain.cases.service.case_values); every
problem is reported with its row and column. A dry run stops there; an import writes everything in one
transaction, in batches (bulk INSERT/UPDATE, no per-record round trips), or nothing at all.

Records with an external id are matched by it (unique per organization) and updated: importing the same
file again changes nothing. Rows without external ids always create new records. On an update, an empty
cell leaves the field as it is; the status and outcome of an existing case are left to the workflow
(transitionCase).
"""

from __future__ import annotations

import base64
import binascii
import enum
import gc
import os
import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import orjson
from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain import validate as v
from domain.audit.service import record as audit
from domain.cases import taxonomy
from domain.cases.models import Case, CaseAssignee, CaseEvent, CaseEventKind
from domain.cases.service import case_values
from domain.cases.workflow import CaseOutcome, CaseStatus
from domain.db import Database, utcnow
from domain.directory.models import District, School
from domain.errors import DomainError, ErrorCode, conflict, invalid, not_found, require
from domain.identity.models import Chapter, Membership, Organization, User
from domain.imports.fields import BY_NAME, CONVERT, FIELDS, IDENTIFIERS, CellError, text
from domain.imports.models import ImportMapping
from domain.people.models import EnglishLearnerStatus, Family, SpecialEducationStatus, Student
from domain.people.service import family_values, student_values
from domain.tabular import FORMATS, Table, TableError, detect_format, header_name, key, read_table
from policies import Actor

MAX_API_BYTES = 20_000_000     # what the GraphQL mutation accepts (decoded); the CLI reads any size
MAX_ROWS = 500_000
MAX_PROBLEMS = 10_000          # problems listed in a report (problem_count has them all)
BATCH = 2_000                  # rows per INSERT/UPDATE statement batch
MAX_MAPPINGS = 50


# ---------------------------------------------------------------- mappings


def check_columns(columns: dict[str, str]) -> dict[str, str]:
    """A mapping: known field -> header of the file (non-empty); it must say how a family is identified."""
    if not isinstance(columns, dict) or not columns:
        raise invalid("Map at least one column.", "columns")
    out = {}
    for f, header in columns.items():
        if f not in BY_NAME:
            raise invalid(f"Unknown field {f!r} (see importFields).", "columns")
        h = v.text(header, "columns", max_len=200)
        if not h:
            raise invalid(f"Name the column that feeds {f}.", "columns")
        out[f] = h
    if not any(f in out for f in IDENTIFIERS):
        raise invalid("Map family_external_id or family_name: every row is about a family.", "columns")
    return out


async def list_mappings(db: Database, actor: Actor) -> list[ImportMapping]:
    require(actor, "case", "import")
    async with db.reader() as s:
        return list(await s.scalars(select(ImportMapping).where(
            ImportMapping.organization_id == actor.organization_id).order_by(ImportMapping.name)))


async def _name_free(s: AsyncSession, org_id: uuid.UUID, name: str, exclude: uuid.UUID | None) -> None:
    q = select(ImportMapping.id).where(ImportMapping.organization_id == org_id, ImportMapping.name == name)
    if exclude:
        q = q.where(ImportMapping.id != exclude)
    if await s.scalar(q) is not None:
        raise DomainError(ErrorCode.CONFLICT, f"A mapping named {name!r} exists already.", "name")


async def create_mapping(db: Database, actor: Actor, *, name: str, columns: dict[str, str]) -> ImportMapping:
    require(actor, "case", "import")
    name = v.text(name, "name", required=True, max_len=100)
    columns = check_columns(columns)
    async with db.transaction() as s:
        await _name_free(s, actor.organization_id, name, None)
        count = len(list(await s.scalars(select(ImportMapping.id).where(
            ImportMapping.organization_id == actor.organization_id))))
        if count >= MAX_MAPPINGS:
            raise invalid(f"At most {MAX_MAPPINGS} mappings per organization.", "name")
        m = ImportMapping(organization_id=actor.organization_id, name=name, columns=columns,
                          created_by_id=actor.user_id)
        s.add(m)
        await s.flush()
        audit(s, actor, "import_mapping.create", entity_type="import_mapping", entity_id=m.id,
              detail={"name": name})
    return m


async def update_mapping(db: Database, actor: Actor, mapping_id: uuid.UUID, *, version: int,
                         name: str | None = None, columns: dict[str, str] | None = None) -> ImportMapping:
    """Optimistic locking: `version` is the one the editor read; a newer one is a CONFLICT and changes nothing."""
    require(actor, "case", "import")
    if name is not None:
        name = v.text(name, "name", required=True, max_len=100)
    if columns is not None:
        columns = check_columns(columns)
    async with db.transaction() as s:
        m = await s.scalar(select(ImportMapping).where(ImportMapping.id == mapping_id,
                                                       ImportMapping.organization_id == actor.organization_id))
        if m is None:
            raise not_found("mapping")
        if m.version != version:
            raise conflict("mapping", m.version)
        if name is not None:
            await _name_free(s, actor.organization_id, name, m.id)
            m.name = name
        if columns is not None:
            m.columns = columns
        m.updated_at = utcnow()
        await s.flush()
        audit(s, actor, "import_mapping.update", entity_type="import_mapping", entity_id=m.id,
              detail={"name": m.name})
    return m


async def _mapping_columns(s: AsyncSession, org_id: uuid.UUID, *, mapping_id: uuid.UUID | None,
                           mapping_name: str | None) -> dict[str, str]:
    q = select(ImportMapping).where(ImportMapping.organization_id == org_id)
    if mapping_id is not None:
        q = q.where(ImportMapping.id == mapping_id)
    else:
        q = q.where(ImportMapping.name == mapping_name)
    m = await s.scalar(q)
    if m is None:
        raise not_found("mapping", "mappingId" if mapping_id else "mapping")
    return dict(m.columns)


# ---------------------------------------------------------------- reports


@dataclass(frozen=True)
class Problem:
    row: int
    column: str | None  # the header of the file's column (None: the row or file as a whole)
    field: str | None   # the import field (family_name, ...)
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", column {self.column!r}" if self.column else "")
        return f"{where}: {self.message}"


@dataclass
class ImportReport:
    dry_run: bool = True
    imported: bool = False
    rows: int = 0
    families_created: int = 0
    families_updated: int = 0
    students_created: int = 0
    students_updated: int = 0
    cases_created: int = 0
    cases_updated: int = 0
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    unmapped_columns: list[str] = field(default_factory=list)

    def problem(self, row: int, column: str | None, fld: str | None, message: str) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(row, column, fld, message))

    def summary(self) -> str:
        return (f"families: {self.families_created} created, {self.families_updated} updated; "
                f"students: {self.students_created} created, {self.students_updated} updated; "
                f"cases: {self.cases_created} created, {self.cases_updated} updated")


def decode_content(*, text_content: str | None, base64_content: str | None, limit: int = MAX_API_BYTES) -> bytes:
    """The file sent through the API: as text (CSV) or base64 (CSV or .xlsx), at most `limit` bytes."""
    if (text_content is None) == (base64_content is None):
        raise invalid("Send the file either as text or as base64.", "contentBase64")
    if text_content is not None:
        data = text_content.encode("utf-8")
    else:
        if len(base64_content) > limit * 4 // 3 + 8:
            raise invalid(f"The file is larger than {limit // 1_000_000} MB; split it or use the command line.",
                          "contentBase64")
        try:
            data = base64.b64decode(base64_content, validate=True)
        except (binascii.Error, ValueError):
            raise invalid("Not valid base64.", "contentBase64") from None
    if len(data) > limit:
        raise invalid(f"The file is larger than {limit // 1_000_000} MB; split it or use the command line.",
                      "text" if text_content is not None else "contentBase64")
    return data


# ---------------------------------------------------------------- the organization in memory


def _rows_by_external_id(rows) -> dict[str, dict]:
    return {r["external_id"]: dict(r) for r in rows}


@dataclass
class _Org:
    id: uuid.UUID
    chapters: dict[str, uuid.UUID]
    districts: dict[str, uuid.UUID]
    schools: dict[str, list[tuple[uuid.UUID, uuid.UUID]]]  # key(name) -> [(school id, district id)]
    members: dict[str, uuid.UUID]                          # email -> user id (active members)
    assignees: dict[uuid.UUID, set[uuid.UUID]]             # case id (cases with an external id) -> users
    families: dict[str, dict]                              # external id -> row
    students: dict[str, dict]
    cases: dict[str, dict]


async def _load(s: AsyncSession, org_id: uuid.UUID) -> _Org:
    chapters = {key(n): i for i, n in await s.execute(select(Chapter.id, Chapter.name).where(
        Chapter.organization_id == org_id))}
    districts = {key(n): i for i, n in await s.execute(select(District.id, District.name).where(
        District.organization_id == org_id))}
    schools: dict[str, list] = {}
    for i, n, d in await s.execute(select(School.id, School.name, School.district_id).where(
            School.organization_id == org_id)):
        schools.setdefault(key(n), []).append((i, d))
    members = {e.lower(): u for u, e in await s.execute(
        select(User.id, User.email).join(Membership, Membership.user_id == User.id).where(
            Membership.organization_id == org_id, Membership.active.is_(True)))}
    assignees: dict[uuid.UUID, set] = {}
    for case_id, user_id in await s.execute(
            select(CaseAssignee.case_id, CaseAssignee.user_id).join(Case, Case.id == CaseAssignee.case_id).where(
                CaseAssignee.organization_id == org_id, Case.external_id.is_not(None))):
        assignees.setdefault(case_id, set()).add(user_id)
    out = []
    for model, cols in ((Family, FAMILY_COLUMNS), (Student, STUDENT_COLUMNS),
                        (Case, (*CASE_COLUMNS, "family_id"))):
        t = model.__table__
        rows = (await s.execute(select(t.c.id, t.c.external_id, *[t.c[c] for c in cols]).where(
            t.c.organization_id == org_id, t.c.external_id.is_not(None)))).mappings()
        out.append(_rows_by_external_id(rows))
    return _Org(org_id, chapters, districts, schools, members, assignees, *out)


# ---------------------------------------------------------------- checking rows

# domain field (what the services name in errors) -> import field
_FAMILY_KEYS = {"family_name": "display_name", "family_phone": "phone", "family_email": "email",
                "family_language": "preferred_language", "family_interpreter_needed": "interpreter_needed",
                "family_address_area": "address_area", "family_contact_channels": "contact_channels"}
_STUDENT_KEYS = {"student_first_name": "first_name", "student_last_name": "last_name", "student_grade": "grade",
                 "student_special_education": "special_education", "student_english_learner": "english_learner"}
_CASE_ERROR_FIELDS = {"category": "case_category", "subcategory": "case_subcategory", "title": "case_title",
                      "narrative": "case_narrative", "openedOn": "case_opened_on", "incidentOn": "case_incident_on",
                      "tags": "case_tags"}
_CASE_KEYS = {"case_category": "category", "case_subcategory": "subcategory", "case_title": "title",
              "case_narrative": "narrative", "case_priority": "priority", "case_opened_on": "opened_on",
              "case_incident_on": "incident_on", "case_next_action_due_on": "next_action_due_on",
              "case_tags": "tags"}
_GOOD_CASE = {"category": "DISCIPLINE", "subcategory": "EXPULSION", "title": "x"}
FAMILY_COLUMNS = ("chapter_id", "display_name", "guardians", "phone", "email", "address_area", "preferred_language",
                  "interpreter_needed", "contact_channels")
STUDENT_COLUMNS = ("family_id", "first_name", "last_name", "school_id", "grade", "special_education",
                   "english_learner")
CASE_COLUMNS = ("student_id", "school_id", "district_id", "category", "subcategory", "title", "narrative", "priority",
                "priority_rank", "opened_on", "incident_on", "next_action_due_on", "tags")


class _Ids:
    """Random (version 4) UUIDs from one os.urandom call per 4096 ids instead of one per id."""

    def __init__(self):
        self._buf, self._pos = b"", 0

    def __call__(self) -> uuid.UUID:
        if self._pos >= len(self._buf):
            self._buf, self._pos = os.urandom(16 * 4096), 0
        b = bytearray(self._buf[self._pos:self._pos + 16])
        self._pos += 16
        b[6] = (b[6] & 0x0F) | 0x40  # version 4
        b[8] = (b[8] & 0x3F) | 0x80  # RFC 4122 variant
        return uuid.UUID(bytes=bytes(b))


@dataclass
class _Pending:
    """A record the import will create (id assigned now) or update (the existing row merged with the new values)."""
    id: uuid.UUID
    row: int
    values: dict[str, Any]
    new: bool
    changed: bool = False


class _Checker:
    def __init__(self, org: _Org, header: list[str], columns: dict[str, int], report: ImportReport, today: date):
        self.org, self.header, self.columns, self.report, self.today = org, header, columns, report, today
        self.entity = {f: BY_NAME[f].entity for f in columns}
        self.new_id = _Ids()
        self.families: dict[str, _Pending] = {}   # by external id (file or database)
        self.students: dict[str, _Pending] = {}
        self.cases: dict[str, _Pending] = {}
        self.new_families: list[_Pending] = []
        self.new_students: list[_Pending] = []
        self.new_cases: list[_Pending] = []
        self.assignees: dict[uuid.UUID, list[uuid.UUID]] = {}   # case id -> users (created or replaced)
        self.reassigned: set[uuid.UUID] = set()                 # existing cases whose assignees change
        self.first_row: dict[tuple[str, str], tuple[int, dict]] = {}  # (kind, external id) -> first row, values
        self.failed: set[str] = set()

    def col(self, f: str) -> str:
        return self.header[self.columns[f]]

    def bad(self, n: int, f: str | None, message: str) -> None:
        self.report.problem(n, self.col(f) if f in self.columns else None, f, message)

    # -- one row

    def row(self, n: int, cells: list) -> None:
        raw: dict[str, Any] = {}
        for f, i in self.columns.items():
            if i < len(cells):
                val = cells[i]
                if not isinstance(val, str) or val.strip():
                    raw[f] = val
        vals: dict[str, Any] = {}
        self.failed = set()  # fields whose cell could not be read (no "required" on top of that)
        for f, val in raw.items():
            conv = CONVERT.get(f)
            if not isinstance(val, str) and not f.endswith("_on"):
                val = text(val)  # an Excel date or number in a text field
            try:
                vals[f] = conv(val) if conv else text(val)
            except CellError as e:
                self.bad(n, f, str(e))
                self.failed.add(f)
        for f in ("family_external_id", "student_external_id", "case_external_id"):
            if f in vals and len(vals[f]) > 100:
                self.bad(n, f, "At most 100 characters.")
        present = {self.entity[f] for f in vals}
        family = self.family(n, vals)
        student = self.student(n, vals, family) if "student" in present else None
        if "case" in present:
            self.case(n, vals, family, student)

    def _domain(self, n: int, fn, pairs: dict[str, tuple[str, Any]]) -> dict[str, Any]:
        """The fields through the service's rules; on a failure, each field on its own so that every problem is
        reported."""
        try:
            return fn({k: val for k, val in pairs.values()})
        except DomainError:
            pass
        out: dict[str, Any] = {}
        for f, (k, val) in pairs.items():
            try:
                out.update(fn({k: val}))
            except DomainError as e:
                self.bad(n, f, e.message)
        return out

    def _same_as_first(self, n: int, kind: str, ext: str, vals: dict, fields) -> None:
        """A later row about the same record must not contradict the first one (it would silently win)."""
        seen = self.first_row.get((kind, ext))
        if seen is None:
            self.first_row[(kind, ext)] = (n, {f: vals[f] for f in fields})
            return
        first_n, first = seen
        for f in fields:
            if f not in first:
                first[f] = vals[f]
            elif first[f] != vals[f]:
                self.bad(n, f, f"differs from row {first_n} for the same {kind} ({ext})")

    def _school(self, n: int, vals: dict, school_f: str, district_f: str) -> tuple[uuid.UUID, uuid.UUID] | None:
        district_id = None
        if district_f in vals:
            district_id = self.org.districts.get(key(vals[district_f]))
            if district_id is None:
                self.bad(n, district_f, f"no district named {vals[district_f]!r} in your directory")
                return None
        if school_f not in vals:
            return (None, district_id) if district_id else None
        found = [x for x in self.org.schools.get(key(vals[school_f]), []) if district_id in (None, x[1])]
        if not found:
            self.bad(n, school_f, f"no school named {vals[school_f]!r} in your directory"
                     + (" in that district" if district_id else ""))
            return None
        if len(found) > 1:
            self.bad(n, school_f, f"more than one district has a school named {vals[school_f]!r}; "
                     f"fill {district_f} to say which")
            return None
        return found[0]

    def family(self, n: int, vals: dict) -> _Pending | None:
        ext = vals.get("family_external_id")
        fam_fields = [f for f in vals if self.entity[f] == "family" and f != "family_external_id"]
        if ext:
            self._same_as_first(n, "family", ext, vals, fam_fields)
            if ext in self.families:
                return self.families[ext]
        pairs = {f: (_FAMILY_KEYS[f], vals[f]) for f in fam_fields if f in _FAMILY_KEYS}
        values = self._domain(n, family_values, pairs)
        if any(f in vals for f in ("guardian_name", "guardian_relationship", "guardian_phone")):
            if "guardian_name" not in vals:
                self.bad(n, "guardian_name" if "guardian_name" in self.columns else None,
                         "guardian_name is required when another guardian column is filled")
            else:
                g = {"name": vals["guardian_name"], "relationship": vals.get("guardian_relationship"),
                     "phone": vals.get("guardian_phone")}
                try:
                    values.update(family_values({"guardians": [g]}))
                except DomainError as e:
                    part = (e.field or "").rsplit(".", 1)[-1]
                    self.bad(n, {"relationship": "guardian_relationship", "phone": "guardian_phone"}.get(
                        part, "guardian_name"), e.message)
        if "family_chapter" in vals:
            chapter = self.org.chapters.get(key(vals["family_chapter"]))
            if chapter is None:
                self.bad(n, "family_chapter", f"no chapter named {vals['family_chapter']!r}")
            values["chapter_id"] = chapter
        existing = self.org.families.get(ext) if ext else None
        if existing is not None:
            merged = {c: existing[c] for c in FAMILY_COLUMNS}
            if "guardians" in values and existing["guardians"]:
                # the file's guardian replaces the first one; others stay
                values["guardians"] = values["guardians"] + list(existing["guardians"][1:])
            merged.update(values)
            p = _Pending(existing["id"], n, merged, new=False,
                         changed=any(merged[c] != existing[c] for c in FAMILY_COLUMNS))
        else:
            if "family_name" not in vals and "family_name" not in self.failed:
                self.bad(n, "family_name" if "family_name" in self.columns else None,
                         "family_name is required for a new family")
            base = {"chapter_id": None, "guardians": [], "phone": None, "email": None, "address_area": None,
                    "preferred_language": "en", "interpreter_needed": False, "contact_channels": [],
                    "display_name": None}
            p = _Pending(self.new_id(), n, {**base, **values, "external_id": ext}, new=True)
            self.new_families.append(p)
        if ext:
            self.families[ext] = p
        return p

    def student(self, n: int, vals: dict, family: _Pending | None) -> _Pending | None:
        ext = vals.get("student_external_id")
        fields = [f for f in vals if self.entity[f] == "student" and f != "student_external_id"]
        if ext:
            self._same_as_first(n, "student", ext, vals, fields)
            if ext in self.students:
                p = self.students[ext]
                if family is not None and p.values["family_id"] != family.id:
                    self.bad(n, "student_external_id", "this student is in another family on an earlier row")
                return p
        values = self._domain(n, student_values, {f: (_STUDENT_KEYS[f], vals[f]) for f in fields
                                                  if f in _STUDENT_KEYS})
        school = self._school(n, vals, "student_school", "student_district")
        if school and school[0]:
            values["school_id"] = school[0]
        existing = self.org.students.get(ext) if ext else None
        if existing is not None:
            if family is not None and existing["family_id"] != family.id:
                self.bad(n, "student_external_id", "this student belongs to another family")
            merged = {c: existing[c] for c in STUDENT_COLUMNS}
            merged.update(values)
            p = _Pending(existing["id"], n, merged, new=False,
                         changed=any(merged[c] != existing[c] for c in STUDENT_COLUMNS))
        else:
            for f in ("student_first_name", "student_last_name"):
                if f not in vals and f not in self.failed:
                    self.bad(n, f if f in self.columns else None, f"{f} is required for a new student")
            base = {"school_id": None, "grade": None, "special_education": SpecialEducationStatus.UNKNOWN,
                    "english_learner": EnglishLearnerStatus.UNKNOWN}
            p = _Pending(self.new_id(), n, {**base, **values, "family_id": family.id if family else None,
                                       "external_id": ext}, new=True)
            self.new_students.append(p)
        if ext:
            self.students[ext] = p
        return p

    def _case_problems(self, n: int, data: dict) -> dict | None:
        """The case through case_values; on a failure, each field on its own (every problem), then all together
        (cross-field rules)."""
        try:
            return case_values(data, today=self.today)
        except DomainError:
            pass
        ok = True
        for f, k in _CASE_KEYS.items():
            if f not in data["_given"] or k in ("category", "subcategory"):
                continue
            try:
                case_values({**_GOOD_CASE, k: data[k]}, today=self.today)
            except DomainError as e:
                self.bad(n, _CASE_ERROR_FIELDS.get(e.field, f), e.message)
                ok = False
        if ok:
            try:
                return case_values(data, today=self.today)
            except DomainError as e:
                self.bad(n, _CASE_ERROR_FIELDS.get(e.field), e.message)
        return None

    def case(self, n: int, vals: dict, family: _Pending | None, student: _Pending | None) -> None:
        ext = vals.get("case_external_id")
        fields = [f for f in vals if self.entity[f] == "case" and f != "case_external_id"]
        if ext:
            self._same_as_first(n, "case", ext, vals, fields)
            if ext in self.cases:
                self.bad(n, "case_external_id", f"the same case as row {self.cases[ext].row}")
                return
        if "case_subcategory" in vals and "case_category" not in vals:
            vals["case_category"] = taxonomy.CATEGORY_OF[vals["case_subcategory"]]
        existing = self.org.cases.get(ext) if ext else None
        given = {f for f in fields}
        if existing is not None:
            data = {k: existing[k] for k in ("category", "subcategory", "title", "narrative", "opened_on",
                                             "incident_on", "next_action_due_on", "tags")}
            data["priority"] = existing["priority"].value if hasattr(existing["priority"], "value") \
                else existing["priority"]
        else:
            data = {}
            for f in ("case_subcategory", "case_title"):
                if f not in vals and f not in self.failed:
                    self.bad(n, f if f in self.columns else None, f"{f} is required for a new case")
        data.update({k: vals[f] for f, k in _CASE_KEYS.items() if f in vals})
        data["_given"] = given
        values = self._case_problems(n, data) if ("subcategory" in data and "title" in data) else None
        data.pop("_given")
        where: dict[str, Any] = {}
        school = self._school(n, vals, "case_school", "case_district")
        if school:
            where["school_id"], where["district_id"] = school
        elif "case_school" not in vals and "case_district" not in vals and student is not None \
                and student.values.get("school_id") and existing is None:
            where["school_id"] = student.values["school_id"]
            where["district_id"] = next((d for lst in self.org.schools.values() for sid, d in lst
                                         if sid == where["school_id"]), None)
        assignees = None
        if "case_assignees" in vals:
            assignees = []
            for email in vals["case_assignees"]:
                uid = self.org.members.get(email)
                if uid is None:
                    self.bad(n, "case_assignees", f"{email} is not an active member of your organization")
                elif uid not in assignees:
                    assignees.append(uid)
            if len(assignees) > 10:
                self.bad(n, "case_assignees", "At most 10 assignees.")
            if existing is not None and set(assignees) == self.org.assignees.get(existing["id"], set()):
                assignees = None  # as they are
        status, outcome, closed_on = CaseStatus.INTAKE, None, None
        if existing is None:
            status = CaseStatus(vals.get("case_status", "INTAKE"))
            outcome = CaseOutcome(vals["case_outcome"]) if "case_outcome" in vals else None
            if status is CaseStatus.RESOLVED and outcome is None:
                self.bad(n, "case_outcome" if "case_outcome" in self.columns else "case_status",
                         "a RESOLVED case needs an outcome")
            if outcome is not None and status not in (CaseStatus.RESOLVED, CaseStatus.CLOSED):
                self.bad(n, "case_outcome", f"an outcome only goes with RESOLVED or CLOSED, not {status.value}")
            if "case_closed_on" in vals:
                if status not in (CaseStatus.RESOLVED, CaseStatus.CLOSED):
                    self.bad(n, "case_closed_on", "only a RESOLVED or CLOSED case has a closing date")
                elif vals["case_closed_on"] > self.today:
                    self.bad(n, "case_closed_on", "This date cannot be in the future.")
                closed_on = vals["case_closed_on"]
        if values is None:
            return
        if existing is not None:
            if family is not None and existing["family_id"] != family.id:
                self.bad(n, "case_external_id", "this case belongs to another family")
                return
            if student is not None and existing["student_id"] not in (None, student.id):
                self.bad(n, "student_external_id", "the case is about another student")
                return
            merged = {c: existing[c] for c in CASE_COLUMNS}
            merged.update(values)
            merged.update(where)
            if student is not None:
                merged["student_id"] = student.id
            changed = any(merged[c] != existing[c] for c in CASE_COLUMNS)
            p = _Pending(existing["id"], n, merged, new=False, changed=changed)
            if assignees is not None:
                self.assignees[p.id] = assignees
                self.reassigned.add(p.id)
        else:
            opened = values["opened_on"]
            p = _Pending(self.new_id(), n, {
                **values, "school_id": None, "district_id": None, **where,
                "student_id": student.id if student else None, "family_id": family.id if family else None,
                "chapter_id": family.values.get("chapter_id") if family else None, "status": status,
                "outcome": outcome, "external_id": ext,
                "resolved_on": (closed_on or opened) if status in (CaseStatus.RESOLVED, CaseStatus.CLOSED)
                and outcome else None,
                "closed_on": (closed_on or opened) if status is CaseStatus.CLOSED else None}, new=True)
            self.new_cases.append(p)
            self.assignees[p.id] = assignees or []
        if ext:
            self.cases[ext] = p


def _resolve_columns(table: Table, columns: dict[str, str] | None, report: ImportReport) -> dict[str, int]:
    """field -> index of the file's column."""
    header = table.header
    seen: dict[str, int] = {}
    for i, h in enumerate(header):
        if h and key(h) in seen:
            report.problem(1, h, None, f"the column {h!r} appears more than once")
        seen.setdefault(key(h), i)
    out: dict[str, int] = {}
    if columns is None:
        for i, h in enumerate(header):
            name = header_name(h)
            if name in BY_NAME:
                out[name] = i
            elif h:
                report.unmapped_columns.append(h)
        if not any(f in out for f in IDENTIFIERS):
            report.problem(1, None, None, "no column is named family_external_id or family_name; name one so, "
                                          "or give a mapping")
        return out
    for f, h in columns.items():
        i = seen.get(key(h))
        if i is None:
            report.problem(1, h, f, f"the file has no column {h!r} (mapped to {f})")
        else:
            out[f] = i
    used = set(out.values())
    report.unmapped_columns = [h for i, h in enumerate(header) if h and i not in used]
    return out


# ---------------------------------------------------------------- writing


async def _insert(s: AsyncSession, model, rows: list[dict]) -> None:
    """Batched INSERTs: on PostgreSQL one INSERT ... SELECT FROM unnest(one array per column) per 10,000 rows
    (one statement, one plan; COPY is not allowed under row-level security), on SQLite executemany."""
    if not rows:
        return
    if s.get_bind().dialect.name == "postgresql":
        await _insert_unnest(s, model.__table__, rows)
        return
    for i in range(0, len(rows), BATCH):
        await s.execute(insert(model.__table__), rows[i:i + BATCH])


def _pg_value(v):
    if isinstance(v, enum.Enum):
        return v.value
    if isinstance(v, (dict, list)):
        return orjson.dumps(v).decode()
    return v


async def _insert_unnest(s: AsyncSession, table, rows: list[dict]) -> None:
    from sqlalchemy.dialects import postgresql
    dialect = postgresql.dialect()
    columns = list(rows[0])
    casts = []
    for c in columns:
        sql_type = table.c[c].type.compile(dialect=dialect)
        casts.append("%s::text[]::json[]" if sql_type in ("JSON", "JSONB") else f"%s::{sql_type}[]")
    names = ", ".join(f'"{c}"' for c in columns)
    # Table, column and type names come from our own models (never from the file); the values are parameters.
    sql = f'INSERT INTO "{table.name}" ({names}) SELECT * FROM unnest({", ".join(casts)})'  # nosec B608
    # the unit of work's own connection (its transaction and tenant setting)
    raw = (await (await s.connection()).get_raw_connection()).driver_connection
    for i in range(0, len(rows), BATCH * 5):
        chunk = rows[i:i + BATCH * 5]
        await raw.execute(sql, [[_pg_value(r[c]) for r in chunk] for c in columns])


async def _update(s: AsyncSession, model, columns: tuple[str, ...], pending: list[_Pending]) -> None:
    t = model.__table__
    stmt = (update(t).where(t.c.id == bindparam("b_id"))
            .values(**{c: bindparam(c) for c in columns}, version=t.c.version + 1, updated_at=bindparam("b_now")))
    now = utcnow()
    rows = [{"b_id": p.id, "b_now": now, **{c: p.values[c] for c in columns}} for p in pending]
    for i in range(0, len(rows), BATCH):
        await s.execute(stmt, rows[i:i + BATCH])


async def _write(s: AsyncSession, c: _Checker, org_id: uuid.UUID, actor: Actor | None) -> None:
    now, by, ids = utcnow(), actor.user_id if actor else None, c.new_id
    common = {"organization_id": org_id, "version": 1, "created_at": now, "updated_at": now}
    await _insert(s, Family, [{**common, "id": p.id, "created_by_id": by, "contact_notes": None,
                               **{k: p.values[k] for k in (*FAMILY_COLUMNS, "external_id")}}
                              for p in c.new_families])
    await _update(s, Family, FAMILY_COLUMNS, [p for p in c.families.values() if not p.new and p.changed])
    await _insert(s, Student, [{**common, "id": p.id, "race_ethnicity": None, "gender": None,
                                **{k: p.values[k] for k in (*STUDENT_COLUMNS, "external_id")}}
                               for p in c.new_students])
    await _update(s, Student, STUDENT_COLUMNS, [p for p in c.students.values() if not p.new and p.changed])
    await _insert(s, Case, [{**common, "id": p.id, "created_by_id": by, "outcome_notes": None,
                             **{k: p.values[k] for k in (*CASE_COLUMNS, "family_id", "chapter_id", "status",
                                                         "outcome", "external_id", "resolved_on", "closed_on")}}
                            for p in c.new_cases])
    await _update(s, Case, CASE_COLUMNS, [p for p in c.cases.values() if not p.new and p.changed])
    replaced = list(c.reassigned)
    for i in range(0, len(replaced), BATCH):
        await s.execute(delete(CaseAssignee).where(CaseAssignee.organization_id == org_id,
                                                   CaseAssignee.case_id.in_(replaced[i:i + BATCH])))
    await _insert(s, CaseAssignee, [{"organization_id": org_id, "case_id": cid, "user_id": u, "assigned_at": now}
                                    for cid, users in c.assignees.items() for u in users])
    await _insert(s, CaseEvent, [{"id": ids(), "organization_id": org_id, "case_id": p.id,
                                  "kind": CaseEventKind.STATUS_CHANGE, "body": "Case imported",
                                  "occurred_at": now, "created_at": now, "author_id": by,
                                  "data": {"to": p.values["status"].value, "via": "import", "row": p.row}}
                                 for p in c.new_cases])


# ---------------------------------------------------------------- the import


async def _run(db: Database, org_id: uuid.UUID, actor: Actor | None, data: bytes, *, file_name: str | None,
               fmt: str | None, columns: dict[str, str] | None, mapping_id: uuid.UUID | None,
               mapping_name: str | None, dry_run: bool, today: date) -> ImportReport:
    report = ImportReport(dry_run=dry_run)
    if fmt is not None and fmt not in FORMATS:
        raise invalid(f"Format is one of {', '.join(FORMATS)}.", "format")
    fmt = fmt or detect_format(file_name, data)
    if columns is not None:
        columns = check_columns(columns)

    async def check(s: AsyncSession) -> _Checker | None:
        nonlocal columns
        if columns is None and (mapping_id is not None or mapping_name is not None):
            columns = await _mapping_columns(s, org_id, mapping_id=mapping_id, mapping_name=mapping_name)
        try:
            table = read_table(data, fmt)
        except TableError as e:
            report.problem(e.row, None, None, str(e))
            return None
        idx = _resolve_columns(table, columns, report)
        if report.problem_count:
            return None
        checker = _Checker(await _load(s, org_id), table.header, idx, report, today)
        try:
            for n, cells in table.rows:
                if not any(isinstance(x, str) and x.strip() or not isinstance(x, str) and x is not None
                           for x in cells):
                    continue  # blank rows are allowed
                report.rows += 1
                if report.rows > MAX_ROWS:
                    report.problem(n, None, None, f"more than {MAX_ROWS} rows; split the file")
                    break
                if any(isinstance(x, str) and "\x00" in x for x in cells):
                    report.problem(n, None, None, "contains a NUL character")
                    continue
                checker.row(n, cells)
        except TableError as e:
            report.problem(e.row, None, None, str(e))
        if not report.rows and not report.problem_count:
            report.problem(2, None, None, "no rows under the header")
        report.problems.sort(key=lambda p: (p.row, p.column or ""))
        report.families_created = len(checker.new_families)
        report.families_updated = sum(1 for p in checker.families.values() if not p.new and p.changed)
        report.students_created = len(checker.new_students)
        report.students_updated = sum(1 for p in checker.students.values() if not p.new and p.changed)
        report.cases_created = len(checker.new_cases)
        report.cases_updated = len({p.id for p in checker.cases.values() if not p.new and p.changed}
                                   | checker.reassigned)
        return checker

    detail = lambda: {"file": (file_name or "")[:200], "format": fmt, "rows": report.rows,  # noqa: E731
                      "problems": report.problem_count, "dry_run": dry_run, "via": "api" if actor else "cli",
                      "families_created": report.families_created, "families_updated": report.families_updated,
                      "students_created": report.students_created, "students_updated": report.students_updated,
                      "cases_created": report.cases_created, "cases_updated": report.cases_updated}
    # Hundreds of thousands of small objects that all live until the end: the cyclic garbage collector would
    # rescan them over and over (most of the time of a large import); nothing here makes cycles.
    gc.disable()
    try:
        return await _check_and_write(db, org_id, actor, check, detail, report, dry_run=dry_run)
    finally:
        gc.enable()


async def _check_and_write(db: Database, org_id: uuid.UUID, actor: Actor | None, check, detail, report: ImportReport,
                           *, dry_run: bool) -> ImportReport:
    if dry_run:
        async with db.transaction() as s:  # reads a consistent picture; writes only the audit row
            await check(s)
            audit(s, actor, "import.check", entity_type="import", organization_id=org_id, detail=detail())
        return report
    try:
        async with db.transaction() as s:
            checker = await check(s)
            if checker is None or report.problem_count:
                raise _Rollback
            await _write(s, checker, org_id, actor)
            audit(s, actor, "import.run", entity_type="import", organization_id=org_id, detail=detail())
    except _Rollback:
        return report
    except IntegrityError:
        raise DomainError(ErrorCode.CONFLICT, "Another import or edit changed the same records; nothing was "
                          "imported. Run the import again.", None) from None
    report.imported = True
    return report


class _Rollback(Exception):
    pass


async def import_records(db: Database, actor: Actor, data: bytes, *, file_name: str | None = None,
                         fmt: str | None = None, columns: dict[str, str] | None = None,
                         mapping_id: uuid.UUID | None = None, dry_run: bool = False, today: date) -> ImportReport:
    """Check (and unless `dry_run`, import) a file for the actor's organization. Imports reach the whole
    organization, so they need case:import and case:read_all."""
    require(actor, "case", "import")
    require(actor, "case", "read_all")
    return await _run(db, actor.organization_id, actor, data, file_name=file_name, fmt=fmt, columns=columns,
                      mapping_id=mapping_id, mapping_name=None, dry_run=dry_run, today=today)


async def import_records_for_organization(db: Database, organization_id: uuid.UUID, data: bytes, *,
                                          file_name: str | None = None, fmt: str | None = None,
                                          mapping_name: str | None = None, columns: dict[str, str] | None = None,
                                          dry_run: bool = False, today: date) -> ImportReport:
    """The same import run by an operator (`advocase import`), not by a signed-in user: a saved mapping by
    name, or `columns`, or none (headers named like the fields)."""
    async with db.reader() as s:
        if await s.get(Organization, organization_id) is None:
            raise not_found("organization", "org")
    return await _run(db, organization_id, None, data, file_name=file_name, fmt=fmt, columns=columns,
                      mapping_id=None, mapping_name=mapping_name, dry_run=dry_run, today=today)


def field_catalog() -> tuple:
    return FIELDS
