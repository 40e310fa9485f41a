from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from typing import Annotated

import strawberry

from api.context import Info

from api.directory.types import DistrictType, SchoolType
from api.identity.types import ChapterType, UserType
from api.people.types import FamilyType, StudentType
from api.relay import Connection, Node, to_global_id
from domain.cases import taxonomy
from domain.cases.models import Case, CaseEvent, CaseEventKind as DomainEventKind, CasePriority as DomainPriority
from domain.cases.service import PAGE_RELATIONS, CaseOrder as DomainCaseOrder
from domain.cases.workflow import ACTIVE, CaseOutcome as DomainOutcome, CaseStatus as DomainStatus, allowed_transitions
from policies import Actor

CaseStatus = strawberry.enum(DomainStatus, name="CaseStatus")
CaseOutcome = strawberry.enum(DomainOutcome, name="CaseOutcome")
CasePriority = strawberry.enum(DomainPriority, name="CasePriority")
CaseEventKind = strawberry.enum(DomainEventKind, name="CaseEventKind")
CaseOrder = strawberry.enum(DomainCaseOrder, name="CaseOrder")
CaseCategory = strawberry.enum(
    enum.Enum("CaseCategory", {c: c for c in taxonomy.CATEGORIES}), name="CaseCategory",
    description="Top level of the K-12 issue taxonomy.")
CaseSubcategory = strawberry.enum(
    enum.Enum("CaseSubcategory", {c: c for c in taxonomy.SUBCATEGORIES}), name="CaseSubcategory",
    description="Second level of the taxonomy; each belongs to one category (see `caseTaxonomy`).")


@strawberry.type
class SubcategoryInfo:
    code: CaseSubcategory
    label: str


@strawberry.type
class CategoryInfo:
    code: CaseCategory
    label: str
    subcategories: list[SubcategoryInfo]


TAXONOMY_INFO = [
    CategoryInfo(code=CaseCategory[cat], label=label,
                 subcategories=[SubcategoryInfo(code=CaseSubcategory[s], label=l) for s, l in subs.items()])
    for cat, (label, subs) in taxonomy.TAXONOMY.items()
]


@strawberry.type(name="CaseEvent", description="One entry of a case's append-only timeline.")
class CaseEventType(Node):
    kind: CaseEventKind
    body: str | None = strawberry.field(description="Null without the family identity permission.")
    occurred_at: datetime
    created_at: datetime
    status_from: CaseStatus | None
    status_to: CaseStatus | None
    author_id_: strawberry.Private[uuid.UUID | None]

    @strawberry.field
    async def author(self, info: Info) -> UserType | None:
        u = self.author_id_ and await info.context.loaders.user.load(self.author_id_)
        return UserType.of(u) if u else None

    @classmethod
    def of(cls, e: CaseEvent, actor: Actor) -> "CaseEventType":
        shown = actor.can("family", "identity")
        frm, to = e.data.get("from"), e.data.get("to")
        return cls(id=to_global_id("CaseEvent", e.id), kind=e.kind, body=e.body if shown else None,
                   occurred_at=e.occurred_at, created_at=e.created_at,
                   status_from=DomainStatus(frm) if frm else None, status_to=DomainStatus(to) if to else None,
                   author_id_=e.author_id)


@strawberry.type(name="Case")
class CaseType(Node):
    title: str
    narrative: str | None = strawberry.field(description="Null without the family identity permission.")
    category: CaseCategory
    subcategory: CaseSubcategory
    category_label: str
    subcategory_label: str
    priority: CasePriority
    status: CaseStatus
    allowed_transitions: list[CaseStatus] = strawberry.field(description=(
        "The statuses transitionCase may move it to. ESCALATED is never among them: a case is escalated by "
        "escalateCase, which records the letter and the date an answer is due."))
    opened_on: date
    incident_on: date | None
    next_action_due_on: date | None
    resolved_on: date | None
    closed_on: date | None
    overdue: bool = strawberry.field(description="An active case whose next action is past due.")
    outcome: CaseOutcome | None
    outcome_notes: str | None
    tags: list[str]
    version: int = strawberry.field(description="Send back with edits; a stale one gets CONFLICT.")
    created_at: datetime
    updated_at: datetime
    model_id_: strawberry.Private[uuid.UUID]
    family_id_: strawberry.Private[uuid.UUID]
    student_id_: strawberry.Private[uuid.UUID | None]
    school_id_: strawberry.Private[uuid.UUID | None]
    district_id_: strawberry.Private[uuid.UUID | None]
    chapter_id_: strawberry.Private[uuid.UUID | None]
    created_by_id_: strawberry.Private[uuid.UUID | None]
    prefetched_: strawberry.Private[dict | None] = None

    # family, student, school and assignees: a case list and the case query read them with the cases (see
    # selected_relations, cases.list_cases and cases.read_case); the field then answers synchronously, without a coroutine, a future and a
    # DataLoader round per row. Anywhere else (one case, a campaign's cases) they load through the DataLoaders.

    @strawberry.field
    def family(self, info: Info) -> FamilyType:
        if self.prefetched_ is not None and "family" in self.prefetched_:
            return FamilyType.of(self.prefetched_["family"], info.context.actor)
        return self._family(info)

    async def _family(self, info: Info) -> FamilyType:
        return FamilyType.of(await info.context.loaders.family.load(self.family_id_), info.context.actor)

    @strawberry.field
    def student(self, info: Info) -> StudentType | None:
        if self.prefetched_ is not None and "student" in self.prefetched_:
            s = self.prefetched_["student"]
            return StudentType.of(s, info.context.actor) if s else None
        return self._student(info)

    async def _student(self, info: Info) -> StudentType | None:
        s = self.student_id_ and await info.context.loaders.student.load(self.student_id_)
        return StudentType.of(s, info.context.actor) if s else None

    @strawberry.field
    def school(self, info: Info) -> SchoolType | None:
        if self.prefetched_ is not None and "school" in self.prefetched_:
            s = self.prefetched_["school"]
            return SchoolType.of(s) if s else None
        return self._school(info)

    async def _school(self, info: Info) -> SchoolType | None:
        s = self.school_id_ and await info.context.loaders.school.load(self.school_id_)
        return SchoolType.of(s) if s else None

    @strawberry.field
    async def district(self, info: Info) -> DistrictType | None:
        d = self.district_id_ and await info.context.loaders.district.load(self.district_id_)
        return DistrictType.of(d) if d else None

    @strawberry.field
    async def chapter(self, info: Info) -> ChapterType | None:
        c = self.chapter_id_ and await info.context.loaders.chapter.load(self.chapter_id_)
        return ChapterType.of(c) if c else None

    @strawberry.field
    def assignees(self, info: Info) -> list[UserType]:
        if self.prefetched_ is not None and "assignees" in self.prefetched_:
            return [UserType.of(u) for u in self.prefetched_["assignees"]]
        return self._assignees(info)

    async def _assignees(self, info: Info) -> list[UserType]:
        return [UserType.of(u) for u in await info.context.loaders.assignees.load(self.model_id_)]

    @strawberry.field
    async def opened_by(self, info: Info) -> UserType | None:
        u = self.created_by_id_ and await info.context.loaders.user.load(self.created_by_id_)
        return UserType.of(u) if u else None

    @strawberry.field(description="The timeline, newest first.")
    async def timeline(self, info: Info, first: int | None = None, after: str | None = None) -> Connection[CaseEventType]:
        from api.resolve import query
        from domain.cases.service import case_timeline
        ctx = info.context
        # a read: in the request's shared read transaction, with the DataLoader batches
        page = await query(lambda: case_timeline(ctx.reads, ctx.actor, self.model_id_, first=first, after=after))
        return Connection.of(page, lambda e: CaseEventType.of(e, ctx.actor))

    @strawberry.field(description="Escalations of this case, oldest first (needs escalation:read, else empty).")
    async def escalations(self, info: Info) -> list[Annotated["EscalationType", strawberry.lazy("api.escalations.types")]]:
        from api.escalations.types import EscalationType
        ctx = info.context
        if not ctx.actor.can("escalation", "read"):
            return []
        return [EscalationType.of(e, ctx.actor, ctx.today)
                for e in await ctx.loaders.escalations_of_case.load(self.model_id_)]

    @strawberry.field(description="Statutory deadlines started by milestones on this case, soonest first.")
    async def deadlines(self, info: Info) -> list[Annotated["CaseDeadlineType", strawberry.lazy("api.escalations.types")]]:
        from api.escalations.types import CaseDeadlineType
        ctx = info.context
        return [CaseDeadlineType.of(d, ctx.today) for d in await ctx.loaders.deadlines_of_case.load(self.model_id_)]

    @classmethod
    def of(cls, c: Case, actor: Actor, today: date, prefetched: dict | None = None) -> "CaseType":
        shown = actor.can("family", "identity")
        return cls(
            id=to_global_id("Case", c.id), title=c.title, narrative=c.narrative if shown else None,
            category=CaseCategory[c.category], subcategory=CaseSubcategory[c.subcategory],
            category_label=taxonomy.category_label(c.category),
            subcategory_label=taxonomy.subcategory_label(c.subcategory), priority=c.priority, status=c.status,
            allowed_transitions=allowed_transitions(c.status), opened_on=c.opened_on, incident_on=c.incident_on,
            next_action_due_on=c.next_action_due_on, resolved_on=c.resolved_on, closed_on=c.closed_on,
            overdue=bool(c.next_action_due_on and c.next_action_due_on < today and c.status in ACTIVE),
            outcome=c.outcome, outcome_notes=c.outcome_notes if shown else None, tags=list(c.tags),
            version=c.version, created_at=c.created_at, updated_at=c.updated_at, model_id_=c.id,
            family_id_=c.family_id, student_id_=c.student_id, school_id_=c.school_id, district_id_=c.district_id,
            chapter_id_=c.chapter_id, created_by_id_=c.created_by_id, prefetched_=prefetched)


@strawberry.type
class CaseConnection(Connection[CaseType]):
    pass


def selected_relations(info: Info, under: tuple[str, ...] = ()) -> tuple[str, ...]:
    """Which of a case's relations (family, student, school, assignees) the query selects on the cases this
    field returns: directly (`case`) or under `under` (a connection's ("edges", "node")), through fragments
    too. list_cases and read_case read those with the cases."""
    found: set[str] = set()

    def walk(selections, depth):
        for sel in selections:
            name = getattr(sel, "name", None)
            if name is None:
                walk(getattr(sel, "selections", []), depth)
            elif depth == len(under):
                found.add(name)
            elif name == under[depth]:
                walk(sel.selections, depth + 1)
    for field in info.selected_fields:
        walk(field.selections, 0)
    return tuple(k for k in PAGE_RELATIONS if k in found)
