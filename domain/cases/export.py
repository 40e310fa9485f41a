"""The caseload as a spreadsheet (CSV or Excel): the cases `cases` would list with the same filter.

Needs case:read and case:export; the record scope applies as in the list. Family and student names are
filled only for those who may see family identity; narratives and notes are never exported. Every export
is audited (`case.export`, with the filter and the row count).
"""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from domain.audit.service import record as audit
from domain.cases import taxonomy
from domain.cases.models import Case, CaseAssignee
from domain.cases.service import CaseFilter, _filtered
from domain.cases.workflow import ACTIVE
from domain.db import Database
from domain.directory.models import District, School
from domain.errors import invalid, require
from domain.cases.models import case_reference
from domain.identity.models import Chapter, User
from domain.people.models import Family, Student
from domain.tabular import CONTENT_TYPES, CSV, EXTENSIONS, FORMATS, XLSX, write_csv, write_xlsx
from policies import Actor

EXPORT_LIMIT = 100_000
CHUNK = 5_000
COLUMNS = ["reference", "external_id", "title", "status", "category", "subcategory", "priority", "opened_on",
           "incident_on", "next_action_due_on", "overdue", "resolved_on", "closed_on", "outcome", "chapter",
           "district", "school", "family", "family_external_id", "student", "assignees", "tags"]


@dataclass
class CaseExport:
    file_name: str
    content_type: str
    data: bytes
    rows: int
    truncated: bool


def _filter_summary(f: CaseFilter) -> dict:
    out = {}
    for k, val in dataclasses.asdict(f).items():
        if val in (None, [], ""):
            continue
        if isinstance(val, list):
            val = [x.value if hasattr(x, "value") else str(x) for x in val]
        elif isinstance(val, (date, uuid.UUID)):
            val = str(val)
        out[k] = val
    return out


async def export_cases(db: Database, actor: Actor, f: CaseFilter | None = None, *, fmt: str = CSV, today: date,
                       limit: int = EXPORT_LIMIT) -> CaseExport:
    require(actor, "case", "read")
    require(actor, "case", "export")
    if fmt not in FORMATS:
        raise invalid(f"Format is one of {', '.join(FORMATS)}.", "format")
    f = f or CaseFilter()
    identity = actor.can("family", "identity")
    q = _filtered(actor, f, today).order_by(Case.opened_on.desc(), Case.id.desc()).limit(limit + 1)
    org = actor.organization_id
    async with db.transaction() as s:
        cases = list(await s.scalars(q))
        truncated = len(cases) > limit
        cases = cases[:limit]
        chapters = dict((await s.execute(select(Chapter.id, Chapter.name).where(Chapter.organization_id == org))).all())
        districts = dict((await s.execute(select(District.id, District.name).where(
            District.organization_id == org))).all())
        schools = dict((await s.execute(select(School.id, School.name).where(School.organization_id == org))).all())
        families: dict[uuid.UUID, tuple] = {}
        students: dict[uuid.UUID, str] = {}
        assignees: dict[uuid.UUID, list[str]] = {}
        for i in range(0, len(cases), CHUNK):
            chunk = cases[i:i + CHUNK]
            fam_ids = list({c.family_id for c in chunk})
            for fid, name, ext in await s.execute(select(Family.id, Family.display_name, Family.external_id).where(
                    Family.organization_id == org, Family.id.in_(fam_ids))):
                families[fid] = (name, ext)
            if identity:
                stu_ids = list({c.student_id for c in chunk if c.student_id})
                for sid, first, last in await s.execute(select(Student.id, Student.first_name, Student.last_name)
                                                        .where(Student.organization_id == org,
                                                               Student.id.in_(stu_ids))):
                    students[sid] = f"{first} {last}"
            for cid, email in await s.execute(
                    select(CaseAssignee.case_id, User.email).join(User, User.id == CaseAssignee.user_id).where(
                        CaseAssignee.organization_id == org, CaseAssignee.case_id.in_([c.id for c in chunk]))
                    .order_by(CaseAssignee.assigned_at, User.email)):
                assignees.setdefault(cid, []).append(email)

        def rows():
            for c in cases:
                fam_name, fam_ext = families.get(c.family_id, (None, None))
                overdue = bool(c.next_action_due_on and c.next_action_due_on < today and c.status in ACTIVE)
                yield [case_reference(c.id), c.external_id, c.title, c.status.value, taxonomy.category_label(c.category),
                       taxonomy.subcategory_label(c.subcategory), c.priority.value, c.opened_on, c.incident_on,
                       c.next_action_due_on, "yes" if overdue else "no", c.resolved_on, c.closed_on,
                       c.outcome.value if c.outcome else None, chapters.get(c.chapter_id),
                       districts.get(c.district_id), schools.get(c.school_id), fam_name if identity else None,
                       fam_ext, students.get(c.student_id) if identity else None,
                       "; ".join(assignees.get(c.id, [])), "; ".join(c.tags or [])]
        data = write_xlsx(COLUMNS, rows(), sheet="Caseload") if fmt == XLSX else write_csv(COLUMNS, rows())
        audit(s, actor, "case.export", entity_type="case", detail={
            "format": fmt, "filter": _filter_summary(f), "rows": len(cases), "truncated": truncated,
            "identity": identity})
    return CaseExport(file_name=f"caseload-{today.isoformat()}.{EXTENSIONS[fmt]}", content_type=CONTENT_TYPES[fmt],
                      data=data, rows=len(cases), truncated=truncated)
