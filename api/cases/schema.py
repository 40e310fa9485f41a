from __future__ import annotations

from datetime import date, datetime

import strawberry

from api.cases.types import (
    TAXONOMY_INFO, CaseCategory, CaseEventKind, CaseEventType, CaseOrder, CaseOutcome, CasePriority, CaseStatus,
    CaseConnection, CaseSubcategory, CaseType, CategoryInfo, selected_relations,
)
from api.context import Info
from api.errors import UserError
from api.people.schema import CreateFamilyInput, NewStudentInput, family_data, student_data
from api.people.types import FamilyType, StudentType
from api.relay import Connection, decode, decode_list, decode_opt
from api.resolve import attempt, fetch, given, query, signed_in
from domain.cases import service
from domain.cases.service import CaseFilter as DomainCaseFilter
from domain.errors import within


@strawberry.input
class CaseFilter:
    status: list[CaseStatus] | None = None
    category: list[CaseCategory] | None = None
    subcategory: list[CaseSubcategory] | None = None
    school_id: list[strawberry.ID] | None = None
    district_id: list[strawberry.ID] | None = None
    assignee_id: list[strawberry.ID] | None = None
    chapter_id: list[strawberry.ID] | None = None
    opened_from: date | None = None
    opened_to: date | None = None
    search: str | None = strawberry.field(default=None, description="Words in the title (and narrative, if I may read it).")
    overdue: bool | None = None
    tags: list[str] | None = None


def _names(values):
    return [v.name for v in values] if values else None


def to_domain_filter(f: CaseFilter | None) -> DomainCaseFilter:
    if f is None:
        return DomainCaseFilter()
    return DomainCaseFilter(
        statuses=f.status or None, categories=_names(f.category), subcategories=_names(f.subcategory),
        school_ids=decode_list(f.school_id, "School", "filter.schoolId"),
        district_ids=decode_list(f.district_id, "District", "filter.districtId"),
        assignee_ids=decode_list(f.assignee_id, "User", "filter.assigneeId"),
        chapter_ids=decode_list(f.chapter_id, "Chapter", "filter.chapterId"),
        opened_from=f.opened_from, opened_to=f.opened_to, search=f.search, overdue=f.overdue, tags=f.tags)


def _wants_total(info: Info) -> bool:
    return any(sel.name == "totalCount" for field in info.selected_fields for sel in field.selections
               if hasattr(sel, "name"))


async def list_cases_for(info: Info, *, f: DomainCaseFilter | None = None, family_id=None,
                         order=service.CaseOrder.OPENED_NEWEST, first=None, after=None) -> CaseConnection:
    ctx = info.context
    f = f or DomainCaseFilter()
    if family_id is not None:
        f.family_id = family_id
    relations = selected_relations(info, ("edges", "node"))
    page = await query(lambda: service.list_cases(ctx.db, ctx.actor, f, order=order, first=first, after=after,
                                                  with_total=_wants_total(info), relations=relations,
                                                  today=ctx.today))
    return CaseConnection.of(page, lambda c: CaseType.of(c, ctx.actor, ctx.today, page.related.get(c.id)))


CASE_FIELDS = {
    "title": "title", "narrative": "narrative", "category": "category", "subcategory": "subcategory",
    "priority": "priority", "student_id": "student_id", "school_id": "school_id", "district_id": "district_id",
    "chapter_id": "chapter_id", "incident_on": "incident_on", "next_action_due_on": "next_action_due_on",
    "tags": "tags", "outcome_notes": "outcome_notes", "opened_on": "opened_on",
}


def _case_data(inp) -> dict:
    data = given(inp, CASE_FIELDS)
    for key in ("category", "subcategory"):
        if data.get(key) is not None:
            data[key] = data[key].name
    if data.get("priority") is not None:
        data["priority"] = data["priority"].value
    for key, type_name in (("student_id", "Student"), ("school_id", "School"), ("district_id", "District"),
                           ("chapter_id", "Chapter")):
        if key in data:
            data[key] = decode_opt(data[key], type_name, key.replace("_id", "Id"))
    return data


@strawberry.input(description="A new case's own fields (openCase adds its family and student; recordIntake records "
                                "them with the case).")
class NewCaseInput:
    category: CaseCategory
    subcategory: CaseSubcategory
    title: str = strawberry.field(description="Short, without names: 'OSS without manifestation determination'.")
    narrative: str | None = None
    school_id: strawberry.ID | None = strawberry.field(default=None, description="Also sets the district.")
    district_id: strawberry.ID | None = None
    chapter_id: strawberry.ID | None = strawberry.field(default=None, description="Default: the family's chapter.")
    priority: CasePriority = CasePriority.NORMAL
    opened_on: date | None = strawberry.field(default=None, description="Default: today.")
    incident_on: date | None = None
    next_action_due_on: date | None = None
    tags: list[str] | None = None
    assignee_ids: list[strawberry.ID] | None = strawberry.field(default=None, description="Default: me.")


@strawberry.input
class OpenCaseInput(NewCaseInput):
    family_id: strawberry.ID
    student_id: strawberry.ID | None = None


def _new_case_data(inp: NewCaseInput) -> dict:
    data = _case_data(inp)
    if inp.assignee_ids is not None:
        data["assignee_ids"] = decode_list(inp.assignee_ids, "User", "assigneeIds")
    return data


@strawberry.input(description="A family, its student and a case about them, recorded together: all or nothing.")
class RecordIntakeInput:
    family: CreateFamilyInput
    student: NewStudentInput | None = strawberry.field(default=None, description="None: a case about the family.")
    case: NewCaseInput
    idempotency_key: str | None = strawberry.field(default=None, description=(
        "Send the same key when retrying after a lost answer: the first intake is answered again, not recorded "
        "twice."))


@strawberry.type
class IntakePayload:
    family: FamilyType | None
    student: StudentType | None
    case: CaseType | None
    errors: list[UserError]


@strawberry.input
class UpdateCaseInput:
    id: strawberry.ID
    version: int
    title: str | None = strawberry.UNSET
    narrative: str | None = strawberry.UNSET
    category: CaseCategory | None = strawberry.UNSET
    subcategory: CaseSubcategory | None = strawberry.UNSET
    student_id: strawberry.ID | None = strawberry.UNSET
    school_id: strawberry.ID | None = strawberry.UNSET
    district_id: strawberry.ID | None = strawberry.UNSET
    chapter_id: strawberry.ID | None = strawberry.UNSET
    priority: CasePriority | None = strawberry.UNSET
    incident_on: date | None = strawberry.UNSET
    next_action_due_on: date | None = strawberry.UNSET
    tags: list[str] | None = strawberry.UNSET
    outcome_notes: str | None = strawberry.UNSET


@strawberry.input
class TransitionCaseInput:
    id: strawberry.ID
    version: int
    to: CaseStatus
    outcome: CaseOutcome | None = strawberry.field(default=None, description="Required when resolving.")
    note: str | None = None


@strawberry.input
class AssignCaseInput:
    id: strawberry.ID
    assignee_ids: list[strawberry.ID] = strawberry.field(description="The complete new list of assignees.")
    version: int | None = None


@strawberry.input
class AddCaseNoteInput:
    case_id: strawberry.ID
    kind: CaseEventKind = CaseEventKind.NOTE
    body: str
    occurred_at: datetime | None = strawberry.field(default=None, description="When the call or meeting was.")


@strawberry.type
class CasePayload:
    case: CaseType | None
    errors: list[UserError]


@strawberry.type
class AddCaseNotePayload:
    event: CaseEventType | None
    errors: list[UserError]


@strawberry.type
class CasesQuery:
    @strawberry.field(description="A case I may see, or null.")
    async def case(self, info: Info, id: strawberry.ID) -> CaseType | None:
        ctx = info.context
        relations = selected_relations(info)
        found = await fetch(lambda: service.read_case(ctx.db, ctx.actor, decode(id, "Case"), relations=relations))
        return CaseType.of(found[0], ctx.actor, ctx.today, found[1]) if found else None

    @strawberry.field(description="Cases in my record scope.")
    async def cases(self, info: Info, filter: CaseFilter | None = None,
                    order_by: CaseOrder = CaseOrder.OPENED_NEWEST, first: int | None = None,
                    after: str | None = None) -> CaseConnection:
        async def run():
            return to_domain_filter(filter)
        return await list_cases_for(info, f=await query(run), order=order_by, first=first, after=after)

    @strawberry.field(description="Issue categories and subcategories with their labels.")
    def case_taxonomy(self, info: Info) -> list[CategoryInfo]:
        signed_in(info.context)
        return TAXONOMY_INFO


@strawberry.type
class CasesMutation:
    @strawberry.mutation
    async def open_case(self, info: Info, input: OpenCaseInput) -> CasePayload:
        ctx = info.context

        async def run():
            data = _new_case_data(input)
            data["family_id"] = decode(input.family_id, "Family", "familyId")
            return await service.open_case(ctx.db, ctx.actor, data, today=ctx.today)
        case, errors = await attempt(run)
        return CasePayload(case=case and CaseType.of(case, ctx.actor, ctx.today), errors=errors)

    @strawberry.mutation(description="A new family, its student and a case in one step (the intake form): an "
                                     "error in any part records nothing, its field named under the part "
                                     "(\"student.lastName\").")
    async def record_intake(self, info: Info, input: RecordIntakeInput) -> IntakePayload:
        ctx = info.context

        async def run():
            with within("family"):
                family = family_data(input.family)
            with within("student"):
                student = input.student and student_data(input.student)
            with within("case"):
                case = _new_case_data(input.case)
            return await service.record_intake(ctx.db, ctx.actor, family=family, student=student, case=case,
                                               today=ctx.today, idempotency_key=input.idempotency_key)
        done, errors = await attempt(run)
        if done is None:
            return IntakePayload(family=None, student=None, case=None, errors=errors)
        return IntakePayload(family=FamilyType.of(done.family, ctx.actor),
                             student=done.student and StudentType.of(done.student, ctx.actor),
                             case=CaseType.of(done.case, ctx.actor, ctx.today), errors=errors)

    @strawberry.mutation
    async def update_case(self, info: Info, input: UpdateCaseInput) -> CasePayload:
        ctx = info.context
        case, errors = await attempt(lambda: service.update_case(
            ctx.db, ctx.actor, decode(input.id, "Case"), input.version, _case_data(input), today=ctx.today))
        return CasePayload(case=case and CaseType.of(case, ctx.actor, ctx.today), errors=errors)

    @strawberry.mutation
    async def transition_case(self, info: Info, input: TransitionCaseInput) -> CasePayload:
        ctx = info.context
        case, errors = await attempt(lambda: service.transition_case(
            ctx.db, ctx.actor, decode(input.id, "Case"), input.version, input.to, outcome=input.outcome,
            note=input.note, today=ctx.today))
        return CasePayload(case=case and CaseType.of(case, ctx.actor, ctx.today), errors=errors)

    @strawberry.mutation
    async def assign_case(self, info: Info, input: AssignCaseInput) -> CasePayload:
        ctx = info.context
        case, errors = await attempt(lambda: service.assign_case(
            ctx.db, ctx.actor, decode(input.id, "Case"), decode_list(input.assignee_ids, "User", "assigneeIds"),
            version=input.version))
        return CasePayload(case=case and CaseType.of(case, ctx.actor, ctx.today), errors=errors)

    @strawberry.mutation
    async def add_case_note(self, info: Info, input: AddCaseNoteInput) -> AddCaseNotePayload:
        ctx = info.context
        event, errors = await attempt(lambda: service.add_case_note(
            ctx.db, ctx.actor, decode(input.case_id, "Case", "caseId"), kind=input.kind, body=input.body,
            occurred_at=input.occurred_at))
        return AddCaseNotePayload(event=event and CaseEventType.of(event, ctx.actor), errors=errors)
