"""Cases: open, edit, move through the workflow, assign, add to the timeline, list and read."""

from __future__ import annotations

import collections
import enum
import functools
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Text, bindparam, cast, delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Bundle

from domain import idempotency, validate as v
from domain.audit.service import read_detail, record as audit
from domain.cases import taxonomy
from domain.cases.models import (
    PRIORITY_RANK, Case, CaseAssignee, CaseEvent, CaseEventKind, CasePriority, case_reference,
)
from domain.cases.workflow import ACTIVE, CaseOutcome, CaseStatus, TransitionError, check_transition, is_reopen
from domain.db import Database, among, new_id, utcnow
from domain.directory.models import District, School
from domain.errors import DomainError, ErrorCode, conflict, invalid, not_found, require, within
from domain.identity.models import Chapter, Membership, PolicyRule, User
from domain.identity.roles import holders_of
from domain.notifications.models import NotificationKind
from domain.notifications.service import notify
from domain.paging import Page, keyset, make_page
from domain.people.models import Family, Student
from domain.people.service import add_family, add_student
from domain.scope import visible_cases, visible_families
from policies import Actor
from policies.enforcer import user_subject

NOTE_KINDS = {CaseEventKind.NOTE, CaseEventKind.CALL, CaseEventKind.MEETING, CaseEventKind.DOCUMENT}
MAX_TAGS = 20


class CaseOrder(enum.Enum):
    OPENED_NEWEST = "OPENED_NEWEST"
    OPENED_OLDEST = "OPENED_OLDEST"
    UPDATED_NEWEST = "UPDATED_NEWEST"
    PRIORITY = "PRIORITY"


@dataclass
class CaseFilter:
    statuses: list[CaseStatus] | None = None
    categories: list[str] | None = None
    subcategories: list[str] | None = None
    school_ids: list[uuid.UUID] | None = None
    district_ids: list[uuid.UUID] | None = None
    assignee_ids: list[uuid.UUID] | None = None
    chapter_ids: list[uuid.UUID] | None = None
    family_id: uuid.UUID | None = None
    opened_from: date | None = None
    opened_to: date | None = None
    search: str | None = None
    overdue: bool | None = None
    tags: list[str] | None = None


def _tags(value: list[str] | None) -> list[str]:
    tags = sorted({t.strip().lower() for t in (value or []) if t and t.strip()})
    if len(tags) > MAX_TAGS or any(len(t) > 40 for t in tags):
        raise invalid(f"At most {MAX_TAGS} tags of at most 40 characters.", "tags")
    return tags


def _category(category: str | None, subcategory: str | None) -> None:
    if category not in taxonomy.TAXONOMY:
        raise invalid("Not a known category.", "category")
    if not taxonomy.belongs(category, subcategory):
        raise invalid(f"{subcategory} is not a subcategory of {category}.", "subcategory")


async def _where(s: AsyncSession, actor: Actor, data: dict[str, Any], family: Family) -> dict[str, Any]:
    """Student, school, district and chapter, checked to be in the organization and consistent."""
    out: dict[str, Any] = {}
    org = actor.organization_id
    if "student_id" in data:
        student = await v.in_org(s, Student, data["student_id"], org, "studentId")
        if student is not None and student.family_id != family.id:
            raise invalid("This student is not in the case's family.", "studentId")
        out["student_id"] = data["student_id"]
    if "school_id" in data:
        school = await v.in_org(s, School, data["school_id"], org, "schoolId")
        out["school_id"] = data["school_id"]
        if school is not None:
            if data.get("district_id") not in (None, school.district_id):
                raise invalid("The school is not in this district.", "districtId")
            out["district_id"] = school.district_id
    if "district_id" in data and "district_id" not in out:
        await v.in_org(s, District, data["district_id"], org, "districtId")
        out["district_id"] = data["district_id"]
    if "chapter_id" in data:
        await v.in_org(s, Chapter, data["chapter_id"], org, "chapterId")
        out["chapter_id"] = data["chapter_id"]
    return out


async def _assignees(s: AsyncSession, actor: Actor, ids: list[uuid.UUID]) -> list[uuid.UUID]:
    ids = list(dict.fromkeys(ids))
    if len(ids) > 10:
        raise invalid("At most 10 assignees.", "assigneeIds")
    if ids and ids != [actor.user_id]:  # the actor is an active member: their session was resolved just now
        org_id = actor.organization_id
        found = set(await s.scalars(select(Membership.user_id).where(
            Membership.organization_id == org_id, Membership.active.is_(True), Membership.user_id.in_(ids))))
        if found != set(ids):
            raise invalid("Assignees must be active members of your organization.", "assigneeIds")
        # someone assigned works on the case: a role that may only read cases (a viewer) cannot
        subjects = [user_subject(i) for i in ids]
        workers = set(await s.scalars(holders_of(org_id, "case", "update").where(PolicyRule.v0.in_(subjects))))
        if workers != set(subjects):
            raise invalid("Assignees must be colleagues who can work on cases (their role may only read them).",
                          "assigneeIds")
    return ids


def _event(actor: Actor, case: Case, kind: CaseEventKind, body: str = "", data: dict | None = None,
           occurred_at: datetime | None = None) -> CaseEvent:
    return CaseEvent(organization_id=actor.organization_id, case_id=case.id, kind=kind, body=body,
                     data=data or {}, author_id=actor.user_id, occurred_at=occurred_at or utcnow())


def case_values(data: dict[str, Any], *, today: date) -> dict[str, Any]:
    """The rules on a new case's own fields (taxonomy, title, dates, priority, tags); also used by imports."""
    _category(data.get("category"), data.get("subcategory"))
    title = v.text(data.get("title"), "title", required=True)
    narrative = v.text(data.get("narrative"), "narrative", max_len=20000) or ""
    priority = CasePriority(data.get("priority") or "NORMAL")
    opened_on = v.not_future(data.get("opened_on") or today, "openedOn", today)
    incident_on = v.not_future(data.get("incident_on"), "incidentOn", today)
    if incident_on and incident_on > opened_on:
        raise invalid("The incident cannot be after the case was opened.", "incidentOn")
    _check_next_action(data.get("next_action_due_on"), opened_on)
    return {"category": data["category"], "subcategory": data["subcategory"], "title": title,
            "narrative": narrative, "priority": priority, "priority_rank": PRIORITY_RANK[priority],
            "opened_on": opened_on, "incident_on": incident_on, "next_action_due_on": data.get("next_action_due_on"),
            "tags": _tags(data.get("tags"))}


def _check_next_action(due_on: date | None, opened_on: date) -> None:
    # a date before the case existed is a slip (a year typed wrong): the case would open already overdue
    if due_on and due_on < opened_on:
        raise invalid("The next action cannot be due before the case was opened "
                      f"({opened_on.isoformat()}).", "nextActionDueOn")


async def open_case(db: Database, actor: Actor, data: dict[str, Any], *, today: date) -> Case:
    require(actor, "case", "create")
    values = case_values(data, today=today)
    async with db.transaction() as s:
        family = await s.scalar(select(Family).where(
            Family.id == data["family_id"], visible_families(actor.case_scope())))
        if family is None:  # another chapter's family reads as unknown, like another organization's
            raise not_found("family", "familyId")
        return await _add_case(s, actor, family, data, values)


async def _add_case(s: AsyncSession, actor: Actor, family: Family, data: dict[str, Any],
                    values: dict[str, Any]) -> Case:
    """A new case of `family` (one the actor may write) in the unit of work `s`; `values` from case_values."""
    # a chapter given is checked; the family's own (the default) was checked when the family was recorded
    chosen = {k: val for k, val in data.items() if k != "chapter_id" or val is not None}
    where = {"chapter_id": family.chapter_id, **await _where(s, actor, chosen, family)}
    case = Case(organization_id=actor.organization_id, family_id=family.id, status=CaseStatus.INTAKE,
                created_by_id=actor.user_id, **values, **where)
    s.add(case)
    await s.flush()
    assignees = await _assignees(s, actor, data.get("assignee_ids") or [actor.user_id])
    s.add_all(CaseAssignee(organization_id=actor.organization_id, case_id=case.id, user_id=u) for u in assignees)
    opened = _event(actor, case, CaseEventKind.STATUS_CHANGE, "Case opened", {"to": CaseStatus.INTAKE.value})
    opened.id = new_id()
    s.add(opened)
    await _tell_assigned(s, actor, case, set(assignees), event_id=opened.id)
    audit(s, actor, "case.open", entity_type="case", entity_id=case.id)
    return case


@dataclass(frozen=True)
class Intake:
    family: Family
    student: Student | None
    case: Case


async def record_intake(db: Database, actor: Actor, *, family: dict[str, Any], student: dict[str, Any] | None,
                        case: dict[str, Any], today: date, idempotency_key: str | None = None) -> Intake:
    """A new family, its student (if any) and a case about them, all or nothing: an error in any part changes
    nothing and names its field under the part ("student.lastName"). A repeat with the same idempotency key
    (a lost answer, a double tap) answers with the first intake instead of recording the family twice."""
    require(actor, "family", "create")
    require(actor, "case", "create")
    with within("case"):
        values = case_values(case, today=today)
    async with db.transaction() as s:
        done = await idempotency.claim(s, actor, "recordIntake", idempotency_key, (family, student, case))
        if done:
            return await _intake_of(s, actor, done.result_id)
        with within("family"):
            new_family = await add_family(s, actor, family)
        new_student = None
        if student is not None:
            with within("student"):
                new_student = await add_student(s, actor, new_family, student)
        with within("case"):
            new_case = await _add_case(s, actor, new_family, {
                **case, **({"student_id": new_student.id} if new_student else {})}, values)
        await idempotency.complete(s, actor, "recordIntake", idempotency_key, new_case.id)
        return Intake(new_family, new_student, new_case)


async def _intake_of(s: AsyncSession, actor: Actor, case_id: uuid.UUID | None) -> Intake:
    """The intake that opened `case_id`, as the actor may see it now."""
    case = await s.scalar(select(Case).where(Case.id == case_id, visible_cases(actor.case_scope())))
    family = case and await s.get(Family, case.family_id)
    if case is None or family is None:  # since closed to the actor (or deleted)
        raise not_found("case", "idempotencyKey")
    return Intake(family, case.student_id and await s.get(Student, case.student_id), case)


async def _tell_assigned(s: AsyncSession, actor: Actor, case: Case, user_ids: set[uuid.UUID], *,
                         event_id: uuid.UUID) -> None:
    """Those newly assigned to a case by someone else are told (in-app, and in their daily digest)."""
    await notify(s, organization_id=actor.organization_id, user_ids=user_ids - {actor.user_id},
                 kind=NotificationKind.CASE_ASSIGNED, dedupe_key=f"case_assigned:{event_id}", case_id=case.id,
                 data={"caseReference": case_reference(case.id), "caseTitle": case.title,
                       "byUserId": str(actor.user_id)})


async def _case_for_write(s: AsyncSession, actor: Actor, case_id: uuid.UUID, version: int | None) -> Case:
    case = await s.scalar(select(Case).where(Case.id == case_id, visible_cases(actor.case_scope())))
    if case is None:
        raise not_found("case")
    if version is not None and case.version != version:
        raise conflict("case", case.version)
    return case


async def update_case(db: Database, actor: Actor, case_id: uuid.UUID, version: int, data: dict, *,
                      today: date) -> Case:
    require(actor, "case", "update")
    async with db.transaction() as s:
        case = await _case_for_write(s, actor, case_id, version)
        if "narrative" in data and not actor.can("family", "identity"):
            raise DomainError(ErrorCode.FORBIDDEN, "Editing the narrative needs the family identity permission.",
                              "narrative")
        if "category" in data or "subcategory" in data:
            _category(data.get("category", case.category), data.get("subcategory", case.subcategory))
        family = await s.get(Family, case.family_id)
        changes: dict[str, Any] = await _where(s, actor, data, family)
        for key in ("category", "subcategory"):
            if key in data:
                changes[key] = data[key]
        if "title" in data:
            changes["title"] = v.text(data["title"], "title", required=True)
        if "narrative" in data:
            changes["narrative"] = v.text(data["narrative"], "narrative", max_len=20000) or ""
        if "priority" in data:
            p = CasePriority(data["priority"])
            changes.update(priority=p, priority_rank=PRIORITY_RANK[p])
        if "incident_on" in data:
            changes["incident_on"] = v.not_future(data["incident_on"], "incidentOn", today)
            if changes["incident_on"] and changes["incident_on"] > case.opened_on:
                raise invalid("The incident cannot be after the case was opened.", "incidentOn")
        if "next_action_due_on" in data:
            _check_next_action(data["next_action_due_on"], case.opened_on)
            changes["next_action_due_on"] = data["next_action_due_on"]
        if "tags" in data:
            changes["tags"] = _tags(data["tags"])
        if "outcome_notes" in data:
            changes["outcome_notes"] = v.text(data["outcome_notes"], "outcomeNotes", max_len=5000)
        for k, val in changes.items():
            setattr(case, k, val)
        case.updated_at = utcnow()
        await s.flush()
        audit(s, actor, "case.update", entity_type="case", entity_id=case.id, detail={"fields": sorted(changes)})
    return case


async def transition_case(db: Database, actor: Actor, case_id: uuid.UUID, version: int, to: CaseStatus, *,
                          outcome: CaseOutcome | None = None, note: str | None = None, today: date) -> Case:
    require(actor, "case", "transition")
    note = v.text(note, "note", max_len=5000)
    async with db.transaction() as s:
        case = await _case_for_write(s, actor, case_id, version)
        try:
            check_transition(case.status, to, outcome)
        except TransitionError as e:
            raise DomainError(ErrorCode.INVALID_TRANSITION, str(e), e.field) from None
        previous = case.status
        case.status = to
        if to is CaseStatus.RESOLVED:
            case.outcome, case.resolved_on = outcome, today
        elif to is CaseStatus.CLOSED:
            case.closed_on = today
        elif is_reopen(previous, to):
            case.outcome = case.resolved_on = case.closed_on = None
        case.updated_at = utcnow()
        await s.flush()
        data = {"from": previous.value, "to": to.value}
        if outcome:
            data["outcome"] = outcome.value
        label = "Case reopened" if is_reopen(previous, to) else f"Status: {previous.value} → {to.value}"
        s.add(_event(actor, case, CaseEventKind.STATUS_CHANGE, note or label, data))
        audit(s, actor, "case.transition", entity_type="case", entity_id=case.id, detail=data)
    return case


async def assign_case(db: Database, actor: Actor, case_id: uuid.UUID, assignee_ids: list[uuid.UUID], *,
                      version: int | None = None) -> Case:
    require(actor, "case", "assign")
    async with db.transaction() as s:
        case = await _case_for_write(s, actor, case_id, version)
        ids = await _assignees(s, actor, assignee_ids)
        before = set(await s.scalars(select(CaseAssignee.user_id).where(CaseAssignee.case_id == case.id)))
        await s.execute(delete(CaseAssignee).where(CaseAssignee.case_id == case.id))
        s.add_all(CaseAssignee(organization_id=actor.organization_id, case_id=case.id, user_id=u) for u in ids)
        case.updated_at = utcnow()
        await s.flush()
        event = _event(actor, case, CaseEventKind.ASSIGNMENT, "Assignees changed",
                       {"assignees": [str(u) for u in ids]})
        event.id = new_id()
        s.add(event)
        await _tell_assigned(s, actor, case, set(ids) - before, event_id=event.id)
        audit(s, actor, "case.assign", entity_type="case", entity_id=case.id,
              detail={"assignees": [str(u) for u in ids]})
    return case


async def add_case_note(db: Database, actor: Actor, case_id: uuid.UUID, *, kind: CaseEventKind, body: str,
                        occurred_at: datetime | None = None) -> CaseEvent:
    require(actor, "case", "note")
    if kind not in NOTE_KINDS:
        raise invalid("Notes are of kind NOTE, CALL, MEETING or DOCUMENT.", "kind")
    body = v.text(body, "body", required=True, max_len=20000)
    if occurred_at is not None and occurred_at > utcnow():
        raise invalid("This date cannot be in the future.", "occurredAt")
    async with db.transaction() as s:
        case = await _case_for_write(s, actor, case_id, None)
        event = _event(actor, case, kind, body, occurred_at=occurred_at)
        s.add(event)
        case.updated_at = utcnow()
        await s.flush()
        audit(s, actor, "case.note", entity_type="case", entity_id=case.id, detail={"kind": kind.value})
    return event


# ---------------------------------------------------------------- reads


# What a case row (and the case page) shows besides the case: list_cases and read_case read those the query
# selects in their own transaction (the family, student and school joined to the case's statement, the
# assignees in one more), instead of a second transaction of batch loads after it.
PAGE_RELATIONS = ("family", "student", "school", "assignees")
_JOINED = {kind: (model, (model.id == key) & (model.organization_id == Case.organization_id))  # built once
           for kind, model, key in (("family", Family, Case.family_id), ("student", Student, Case.student_id),
                                    ("school", School, Case.school_id))}
# What is read only to be shown is read as records, not ORM entities: a record answers to the entity's attribute
# names (the models' column keys are their attribute names), costs no identity map and no instance state (a page
# of 50 cases with their families, students and schools: 200 entities, ~1 ms), and cannot be flushed by mistake.


class _Records(Bundle):
    """A Bundle whose values are named tuples instead of SQLAlchemy Rows: the same attribute names, read ~8x
    faster (0.03 µs instead of 0.25: a Row looks each name up through its result's key map). A page of 50 cases
    with family, student and school reads ~2,800 attributes to be shown (~0.6 ms less per page)."""

    def __init__(self, name: str, *columns):
        super().__init__(name, *columns)
        self.record = collections.namedtuple(f"{name}_record", [c.key for c in columns])

    def create_row_processor(self, query, procs, labels):
        make = self.record._make
        return lambda row: make([proc(row) for proc in procs])


_ROWS = {kind: _Records(kind, *model.__table__.c)
         for kind, model in (("case", Case), ("family", Family), ("student", Student), ("school", School))}


def _as_rows(q, relations: tuple[str, ...]):
    """`q` (a select of cases) reading case rows, with the family, student and school among `relations` joined:
    (q, joined)."""
    q = q.with_only_columns(_ROWS["case"], maintain_column_froms=True)
    joined = [kind for kind in PAGE_RELATIONS if kind in relations and kind in _JOINED]
    for kind in joined:
        model, on = _JOINED[kind]
        q = q.add_columns(_ROWS[kind]).outerjoin(model, on)
    return q, joined


def _related(row, joined: list[str]) -> dict:
    # an outer join's missing student or school reads as a row of nulls
    return {kind: (r if r.id is not None else None) for kind, r in zip(joined, row[1:])}


async def read_case(db: Database, actor: Actor, case_id: uuid.UUID, *, relations: tuple[str, ...] = ()
                    ) -> tuple[Case, dict] | None:
    """A case in the actor's scope (the read is recorded), with `relations` (of PAGE_RELATIONS) read in the
    same transaction as for a page: `(case, {relation: ...})`, rows with the models' attribute names (to be shown,
    not changed); None if unknown or out of scope."""
    if not actor.can("case", "read"):
        return None
    q, joined = _as_rows(select(Case).where(Case.id == case_id, visible_cases(actor.case_scope())), relations)
    async with db.transaction() as s:
        row = (await s.execute(q)).first()
        if row is None:
            return None
        case, related = row[0], _related(row, joined)
        if "assignees" in relations:
            related["assignees"] = (await _staff_of_cases(s, db, actor.organization_id, [case.id]))[case.id]
        audit(s, actor, "case.read", entity_type="case", entity_id=case.id)
    return case, related


_ORDER = {
    CaseOrder.OPENED_NEWEST: ([Case.opened_on, Case.id], True),
    CaseOrder.OPENED_OLDEST: ([Case.opened_on, Case.id], False),
    CaseOrder.UPDATED_NEWEST: ([Case.updated_at, Case.id], True),
    CaseOrder.PRIORITY: ([Case.priority_rank, Case.opened_on, Case.id], True),
}


def _filtered(actor: Actor, f: CaseFilter, today: date, *, page: bool = False):
    scope = actor.case_scope()
    # a page walks the cases in order until it is full: through the actor's own chapters unless filtered to others
    mostly_own = page and (not f.chapter_ids or set(f.chapter_ids) <= scope.chapter_ids)
    q = select(Case).where(visible_cases(scope, chapters_admit_most=mostly_own))
    if f.statuses:
        q = q.where(Case.status.in_(f.statuses))
    if f.categories:
        q = q.where(Case.category.in_(f.categories))
    if f.subcategories:
        q = q.where(Case.subcategory.in_(f.subcategories))
    if f.school_ids:
        q = q.where(Case.school_id.in_(f.school_ids))
    if f.district_ids:
        q = q.where(Case.district_id.in_(f.district_ids))
    if f.chapter_ids:
        q = q.where(Case.chapter_id.in_(f.chapter_ids))
    if f.family_id:
        q = q.where(Case.family_id == f.family_id)
    if f.assignee_ids:
        q = q.where(Case.id.in_(select(CaseAssignee.case_id).where(
            CaseAssignee.organization_id == actor.organization_id, CaseAssignee.user_id.in_(f.assignee_ids))))
    if f.opened_from:
        q = q.where(Case.opened_on >= f.opened_from)
    if f.opened_to:
        q = q.where(Case.opened_on <= f.opened_to)
    if f.tags:
        # JSON arrays differ by backend; tags are few per case, so match on the serialized list.
        for tag in _tags(f.tags):
            q = q.where(func.lower(cast(Case.tags, Text)).contains(f'"{tag}"', autoescape=True))
    if f.search:
        term = v.text(f.search, "search", max_len=200)
        if term:
            term = term.lower()  # literally: % and _ are not wildcards
            fields = [func.lower(Case.title).contains(term, autoescape=True)]
            if actor.can("family", "identity"):
                fields.append(func.lower(Case.narrative).contains(term, autoescape=True))
            q = q.where(or_(*fields))
    if f.overdue is not None:
        overdue = (Case.next_action_due_on < today) & Case.status.in_(ACTIVE)
        q = q.where(overdue if f.overdue else ~overdue | Case.next_action_due_on.is_(None))
    return q


async def list_cases(db: Database, actor: Actor, f: CaseFilter, *, order: CaseOrder = CaseOrder.OPENED_NEWEST,
                     first: int | None = None, after: str | None = None, with_total: bool = False,
                     relations: tuple[str, ...] = (), today: date) -> Page[Case]:
    """A page of the cases in the actor's scope; `relations` (of PAGE_RELATIONS) are read with it into
    `page.related[case_id][relation]` (None for a missing student or school, a list of StaffRef for assignees)."""
    require(actor, "case", "read")
    columns, desc = _ORDER[order]
    q, size = keyset(_filtered(actor, f, today, page=True), columns, desc, first, after)
    q, joined = _as_rows(q, relations)
    async with db.transaction() as s:
        result = (await s.execute(q)).all()
        rows = [r[0] for r in result]
        total = (await s.scalar(select(func.count()).select_from(_filtered(actor, f, today).subquery()))
                 if with_total else None)
        related = {r[0].id: _related(r, joined) for r in result[:size]}
        if "assignees" in relations and related:
            for case_id, staff in (await _staff_of_cases(s, db, actor.organization_id, list(related))).items():
                related[case_id]["assignees"] = staff
        audit(s, actor, "case.list", entity_type="case", detail=read_detail(rows[:size]))
    attrs = [c.key for c in columns]
    page = make_page(rows, lambda c: tuple(getattr(c, a) for a in attrs), size, total)
    page.related = related if relations else {}
    return page


async def case_timeline(db: Database, actor: Actor, case_id: uuid.UUID, *, first: int | None,
                        after: str | None) -> Page[CaseEvent]:
    """Timeline of a case the actor already read (the parent resolver checked visibility)."""
    q = select(CaseEvent).where(CaseEvent.organization_id == actor.organization_id, CaseEvent.case_id == case_id)
    # Entries that happened at the same moment show in the order they were written down.
    q, size = keyset(q, [CaseEvent.occurred_at, CaseEvent.created_at, CaseEvent.id], True, first, after)
    async with db.reader() as s:
        rows = list(await s.scalars(q))
    return make_page(rows, lambda e: (e.occurred_at, e.created_at, e.id), size)


@dataclass(frozen=True)
class StaffRef:
    """What a list shows of a staff member: the columns it needs, no credentials loaded."""
    id: uuid.UUID
    display_name: str
    email: str


async def assignees_by_case(db: Database, org_id: uuid.UUID, ids: list[uuid.UUID]) -> dict[uuid.UUID, list[StaffRef]]:
    """The assignees of each case, members of the organization, in one statement (no second round for users)."""
    async with db.reader() as s:
        return await _staff_of_cases(s, db, org_id, ids)


async def _staff_of_cases(s: AsyncSession, db: Database, org_id: uuid.UUID,
                          ids: list[uuid.UUID]) -> dict[uuid.UUID, list[StaffRef]]:
    out: dict[uuid.UUID, list[StaffRef]] = {i: [] for i in ids}
    for case_id, user_id, name, email in await s.execute(_staff_statement(db.is_sqlite), {"org": org_id,
                                                                                          "ids": list(ids)}):
        out[case_id].append(StaffRef(user_id, name, email))
    return out


@functools.cache
def _staff_statement(sqlite: bool):
    # Built once per database kind. The page's assignments first (primary key on case_id; OFFSET 0 keeps
    # PostgreSQL from starting at the users and walking each one's assignments in the whole organization:
    # 4 ms instead of 45-95 ms at 1M), then their names.
    org = bindparam("org")
    a = (select(CaseAssignee.case_id, CaseAssignee.user_id, CaseAssignee.assigned_at)
         .where(CaseAssignee.organization_id == org, among(sqlite, CaseAssignee.case_id, param="ids"))
         .offset(0).subquery())
    return (select(a.c.case_id, User.id, User.display_name, User.email)
            .join(User, User.id == a.c.user_id)
            .join(Membership, (Membership.user_id == a.c.user_id) & (Membership.organization_id == org))
            .order_by(a.c.assigned_at, a.c.user_id))


async def get_case_event(db: Database, actor: Actor, event_id: uuid.UUID) -> CaseEvent | None:
    if not actor.can("case", "read"):
        return None
    async with db.reader() as s:
        return await s.scalar(select(CaseEvent).join(Case, Case.id == CaseEvent.case_id).where(
            CaseEvent.id == event_id, visible_cases(actor.case_scope())))


async def cases_by_ids(db: Database, org_id: uuid.UUID, ids: list[uuid.UUID]) -> dict[uuid.UUID, Case]:
    """For loaders under records the caller already reached through their scope (escalations, deadlines)."""
    async with db.reader() as s:
        rows = await s.scalars(select(Case).where(Case.organization_id == org_id, among(db.is_sqlite, Case.id, ids)))
        return {c.id: c for c in rows}
