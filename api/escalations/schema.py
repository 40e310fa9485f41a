from __future__ import annotations

from datetime import date

import strawberry

from api.cases.types import CaseEventType, CaseType
from api.context import Info
from api.errors import UserError
from api.escalations.types import (
    DEADLINE_PROFILES, CaseDeadlineType, DeadlineProfileType, DistrictResponsiveness, EscalationChannel,
    EscalationConnection, EscalationLevelType, EscalationStatus, EscalationType, Milestone,
)
from api.identity.types import OrganizationType
from api.relay import decode, decode_list, decode_opt
from api.resolve import attempt, query
from domain.escalations import dashboard as dashboards
from domain.escalations import milestones, service
from domain.escalations.models import EscalationLevel


def _level(row: EscalationLevel) -> EscalationLevelType:
    return EscalationLevelType(level=row.level, name=row.name,
                               response_window_school_days=row.response_window_school_days)


@strawberry.input
class EscalationFilter:
    status: list[EscalationStatus] | None = None
    level: list[int] | None = None
    district_id: list[strawberry.ID] | None = None
    contact_id: list[strawberry.ID] | None = None
    case_id: strawberry.ID | None = None
    overdue: bool | None = strawberry.field(default=None, description="Open and past the response due date.")
    due_before: date | None = strawberry.field(default=None, description="Open ones due before this day.")


@strawberry.input
class EscalateCaseInput:
    case_id: strawberry.ID
    contact_id: strawberry.ID = strawberry.field(description="Who to escalate to; their ladder level applies.")
    channel: EscalationChannel
    summary: str
    remedy_requested: str
    previous_escalation_id: strawberry.ID | None = strawberry.field(
        default=None, description="Escalating to the next level: the escalation this one follows (it is closed).")
    idempotency_key: str | None = strawberry.field(
        default=None, description="Retrying with the same key returns the first result and sends nothing twice.")
    notify_family: bool = strawberry.field(default=True, description="Email the family a notice in their language.")


@strawberry.input
class RecordEscalationResponseInput:
    id: strawberry.ID
    responded_on: date
    notes: str = strawberry.field(description="What the district said.")
    version: int | None = None


@strawberry.input
class CloseEscalationInput:
    id: strawberry.ID
    note: str | None = None
    version: int | None = None


@strawberry.input
class EscalationLevelInput:
    name: str
    response_window_school_days: int


@strawberry.input
class RecordCaseMilestoneInput:
    case_id: strawberry.ID
    milestone: Milestone
    occurred_on: date
    removal_days: int | None = strawberry.field(default=None, description="With REMOVAL_RECORDED only.")
    note: str | None = None


@strawberry.type
class EscalationPayload:
    escalation: EscalationType | None
    errors: list[UserError]


@strawberry.type
class EscalationLadderPayload:
    levels: list[EscalationLevelType] | None
    errors: list[UserError]


@strawberry.type
class DeadlineProfilePayload:
    organization: OrganizationType | None
    errors: list[UserError]


@strawberry.type
class RecordCaseMilestonePayload:
    event: CaseEventType | None
    started: list[CaseDeadlineType] | None = strawberry.field(description="Deadlines this milestone started.")
    met: list[CaseDeadlineType] | None = strawberry.field(description="Deadlines this milestone met.")
    errors: list[UserError]


@strawberry.type
class Dashboard:
    open_cases: list[CaseType] = strawberry.field(description="Active cases I opened or am assigned to.")
    overdue_escalations: list[EscalationType]
    escalations_due_soon: list[EscalationType] = strawberry.field(description="Due within 5 school days.")
    deadlines: list[CaseDeadlineType] = strawberry.field(description="Unmet statutory deadlines on my cases, soonest (or most overdue) first.")
    due_soon_until: date


def _escalate_input(input: EscalateCaseInput) -> service.EscalateInput:
    return service.EscalateInput(
        case_id=decode(input.case_id, "Case", "caseId"),
        contact_id=decode(input.contact_id, "DistrictContact", "contactId"), channel=input.channel,
        summary=input.summary, remedy_requested=input.remedy_requested,
        previous_id=decode_opt(input.previous_escalation_id, "Escalation", "previousEscalationId"),
        idempotency_key=input.idempotency_key, notify_family=input.notify_family)


@strawberry.type(description="The letter escalateCase would send, as the contact will read it.")
class EscalationLetterPreview:
    subject: str
    text: str
    response_due_on: date = strawberry.field(description="On the district's school calendar, from today.")
    mailed_to: str | None = strawberry.field(description="The contact's address when the channel is EMAIL (the "
                                                          "letter is mailed); null: the advocate sends it.")


@strawberry.type
class EscalationsQuery:
    @strawberry.field(description="The letter escalateCase would send with this input (same template, same "
                                  "checks: consent, ladder, case status), before sending it; nothing is sent or "
                                  "changed. Needs escalation:send.")
    async def escalation_letter_preview(self, info: Info, input: EscalateCaseInput) -> EscalationLetterPreview:
        ctx = info.context
        p = await query(lambda: service.preview_escalation(ctx.db, ctx.actor, _escalate_input(input),
                                                           today=ctx.today))
        return EscalationLetterPreview(subject=p.subject, text=p.text, response_due_on=p.response_due_on,
                                       mailed_to=p.mailed_to)

    @strawberry.field(description="Escalations on cases I may see, soonest response due first.")
    async def escalations(self, info: Info, filter: EscalationFilter | None = None, first: int | None = None,
                          after: str | None = None) -> EscalationConnection:
        ctx = info.context

        async def run():
            f = service.EscalationFilter()
            if filter is not None:
                f = service.EscalationFilter(
                    statuses=filter.status or None, levels=filter.level or None,
                    district_ids=decode_list(filter.district_id, "District", "filter.districtId"),
                    contact_ids=decode_list(filter.contact_id, "DistrictContact", "filter.contactId"),
                    case_id=decode_opt(filter.case_id, "Case", "filter.caseId"), overdue=filter.overdue,
                    due_before=filter.due_before)
            return await service.list_escalations(ctx.db, ctx.actor, f, today=ctx.today, first=first, after=after)
        page = await query(run)
        return EscalationConnection.of(page, lambda e: EscalationType.of(e, ctx.actor, ctx.today))

    @strawberry.field(description="My day: my open cases, escalations overdue or due soon, statutory deadlines.")
    async def dashboard(self, info: Info) -> Dashboard:
        ctx = info.context
        d = await query(lambda: dashboards.dashboard(ctx.db, ctx.actor, today=ctx.today))
        return Dashboard(
            open_cases=[CaseType.of(c, ctx.actor, ctx.today) for c in d.open_cases],
            overdue_escalations=[EscalationType.of(e, ctx.actor, ctx.today) for e in d.overdue],
            escalations_due_soon=[EscalationType.of(e, ctx.actor, ctx.today) for e in d.due_soon],
            deadlines=[CaseDeadlineType.of(x, ctx.today) for x in d.deadlines], due_soon_until=d.due_soon_until)

    @strawberry.field(description="Per district and office: sent, answered within the window, median school "
                                  "days to answer, overdue now.")
    async def district_responsiveness(self, info: Info, district_id: strawberry.ID | None = None,
                                      sent_from: date | None = None, sent_to: date | None = None,
                                      by_office: bool = True) -> list[DistrictResponsiveness]:
        ctx = info.context

        async def run():
            return await service.responsiveness(
                ctx.db, ctx.actor, district_id=decode_opt(district_id, "District", "districtId"),
                sent_from=sent_from, sent_to=sent_to, by_office=by_office, today=ctx.today)
        return [DistrictResponsiveness.of(r) for r in await query(run)]

    @strawberry.field(description="The organization's escalation ladder, lowest level first.")
    async def escalation_ladder(self, info: Info) -> list[EscalationLevelType]:
        ctx = info.context
        return [_level(r) for r in await query(lambda: service.ladder(ctx.db, ctx.actor))]

    @strawberry.field(description="The built-in statutory deadline profiles an organization can follow.")
    async def deadline_profiles(self, info: Info) -> list[DeadlineProfileType]:
        ctx = info.context
        await query(lambda: milestones.deadline_profiles(ctx.actor))
        return DEADLINE_PROFILES


@strawberry.type
class EscalationsMutation:
    @strawberry.mutation(description="Escalate a case to a contact; needs the family's district-sharing consent.")
    async def escalate_case(self, info: Info, input: EscalateCaseInput) -> EscalationPayload:
        ctx = info.context

        async def run():
            return await service.escalate_case(ctx.db, ctx.actor, _escalate_input(input), today=ctx.today)
        esc, errors = await attempt(run)
        return EscalationPayload(escalation=esc and EscalationType.of(esc, ctx.actor, ctx.today), errors=errors)

    @strawberry.mutation
    async def acknowledge_escalation(self, info: Info, id: strawberry.ID, version: int | None = None
                                     ) -> EscalationPayload:
        ctx = info.context
        esc, errors = await attempt(lambda: service.acknowledge_escalation(
            ctx.db, ctx.actor, decode(id, "Escalation"), version=version))
        return EscalationPayload(escalation=esc and EscalationType.of(esc, ctx.actor, ctx.today), errors=errors)

    @strawberry.mutation(description="What the district answered, and when.")
    async def record_escalation_response(self, info: Info, input: RecordEscalationResponseInput) -> EscalationPayload:
        ctx = info.context
        esc, errors = await attempt(lambda: service.record_response(
            ctx.db, ctx.actor, decode(input.id, "Escalation"), responded_on=input.responded_on, notes=input.notes,
            version=input.version, today=ctx.today))
        return EscalationPayload(escalation=esc and EscalationType.of(esc, ctx.actor, ctx.today), errors=errors)

    @strawberry.mutation
    async def close_escalation(self, info: Info, input: CloseEscalationInput) -> EscalationPayload:
        ctx = info.context
        esc, errors = await attempt(lambda: service.close_escalation(
            ctx.db, ctx.actor, decode(input.id, "Escalation"), note=input.note, version=input.version))
        return EscalationPayload(escalation=esc and EscalationType.of(esc, ctx.actor, ctx.today), errors=errors)

    @strawberry.mutation(description="Replace the escalation ladder (admins).")
    async def configure_escalation_ladder(self, info: Info, levels: list[EscalationLevelInput]
                                          ) -> EscalationLadderPayload:
        ctx = info.context
        rows, errors = await attempt(lambda: service.configure_ladder(
            ctx.db, ctx.actor, [(lv.name, lv.response_window_school_days) for lv in levels]))
        return EscalationLadderPayload(levels=rows and [_level(r) for r in rows], errors=errors)

    @strawberry.mutation(description="Choose the statutory deadline profile the organization follows (admins).")
    async def set_deadline_profile(self, info: Info, profile: str) -> DeadlineProfilePayload:
        ctx = info.context
        org, errors = await attempt(lambda: milestones.set_deadline_profile(ctx.db, ctx.actor, profile))
        return DeadlineProfilePayload(organization=org and OrganizationType.of(org), errors=errors)

    @strawberry.mutation(description="Record a milestone (e.g. consent to evaluate signed): starts and meets "
                                     "statutory deadlines.")
    async def record_case_milestone(self, info: Info, input: RecordCaseMilestoneInput) -> RecordCaseMilestonePayload:
        ctx = info.context
        res, errors = await attempt(lambda: milestones.record_milestone(
            ctx.db, ctx.actor, decode(input.case_id, "Case", "caseId"), milestone=input.milestone,
            occurred_on=input.occurred_on, removal_days=input.removal_days, note=input.note, today=ctx.today))
        if res is None:
            return RecordCaseMilestonePayload(event=None, started=None, met=None, errors=errors)
        return RecordCaseMilestonePayload(
            event=CaseEventType.of(res.event, ctx.actor), started=[CaseDeadlineType.of(d, ctx.today) for d in res.started],
            met=[CaseDeadlineType.of(d, ctx.today) for d in res.met], errors=[])
