"""Recording statutory milestones on a case, and the deadlines they start and meet."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, select

from domain import validate as v
from domain.audit.service import record as audit
from domain.cases.models import Case, CaseEvent, CaseEventKind
from domain.db import Database, utcnow
from domain.errors import invalid, not_found, require
from domain.escalations import deadlines as rules
from domain.escalations.deadlines import MILESTONE_LABELS, Milestone
from domain.escalations.models import CaseDeadline
from domain.escalations.service import district_calendar
from domain.identity.models import Organization
from domain.people.models import SpecialEducationStatus, Student
from domain.scope import visible_cases
from policies import Actor

MAX_REMOVAL_DAYS = 180


@dataclass
class MilestoneResult:
    event: CaseEvent
    started: list[CaseDeadline]
    met: list[CaseDeadline]


async def _removal_days_this_year(s, org_id: uuid.UUID, student_id: uuid.UUID, on: date) -> int:
    """Days of removal already recorded for this student in the school year of `on`, over all their cases."""
    year = rules.school_year_of(on)
    rows = await s.scalars(select(CaseEvent.data).join(Case, Case.id == CaseEvent.case_id).where(
        CaseEvent.organization_id == org_id, Case.student_id == student_id,
        CaseEvent.kind == CaseEventKind.MILESTONE))
    total = 0
    for data in rows:
        if data.get("milestone") == Milestone.REMOVAL_RECORDED.value and \
                rules.school_year_of(date.fromisoformat(data["occurredOn"])) == year:
            total += int(data.get("removalDays") or 0)
    return total


async def record_milestone(db: Database, actor: Actor, case_id: uuid.UUID, *, milestone: Milestone,
                           occurred_on: date, removal_days: int | None = None, note: str | None = None,
                           today: date) -> MilestoneResult:
    require(actor, "case", "update")
    v.not_future(occurred_on, "occurredOn", today)
    note = v.text(note, "note", max_len=5000)
    if milestone is Milestone.REMOVAL_RECORDED:
        if removal_days is None or not 1 <= removal_days <= MAX_REMOVAL_DAYS:
            raise invalid("Give the number of school days the student was removed (1 or more).", "removalDays")
    elif removal_days is not None:
        raise invalid("Removal days are only recorded with REMOVAL_RECORDED.", "removalDays")
    async with db.transaction() as s:
        case = await s.scalar(select(Case).where(Case.id == case_id, visible_cases(actor.case_scope())))
        if case is None:
            raise not_found("case", "caseId")
        org = await s.get(Organization, actor.organization_id)
        student = await s.get(Student, case.student_id) if case.student_id else None
        if milestone is Milestone.REMOVAL_RECORDED and student is None:
            raise invalid("Removals are counted per student: set the case's student first.", "caseId")
        before = await _removal_days_this_year(s, actor.organization_id, student.id, occurred_on) \
            if milestone is Milestone.REMOVAL_RECORDED else 0
        disability = student is not None and student.special_education in (
            SpecialEducationStatus.IEP, SpecialEducationStatus.PLAN_504)
        calendar = await district_calendar(s, actor.organization_id, case.district_id)
        new = rules.deadlines_started(org.deadline_profile, milestone, occurred_on, calendar,
                                      removal_days_before=before, removal_days=removal_days or 0,
                                      disability=disability)
        started = [CaseDeadline(organization_id=actor.organization_id, case_id=case.id, rule_code=d.rule.code,
                                label=d.rule.label, citation=d.rule.citation, milestone=milestone.value,
                                trigger_on=d.trigger_on, due_on=d.due_on, created_by_id=actor.user_id)
                   for d in new]
        s.add_all(started)
        codes = rules.rule_codes_met_by(org.deadline_profile, milestone)
        met = list(await s.scalars(select(CaseDeadline).where(
            CaseDeadline.organization_id == actor.organization_id, CaseDeadline.case_id == case.id,
            CaseDeadline.met_on.is_(None), CaseDeadline.rule_code.in_(codes),
            CaseDeadline.trigger_on <= occurred_on))) if codes else []
        for d in met:
            d.met_on = occurred_on
        data = {"milestone": milestone.value, "occurredOn": occurred_on.isoformat()}
        body = MILESTONE_LABELS[milestone]
        if removal_days is not None:
            data.update(removalDays=removal_days, removalDaysThisYear=before + removal_days)
            body += f": {removal_days} day(s), {before + removal_days} this school year"
        if note:
            body += f". {note}"
        event = CaseEvent(organization_id=actor.organization_id, case_id=case.id, kind=CaseEventKind.MILESTONE,
                          body=body, data=data, author_id=actor.user_id, occurred_at=utcnow())
        s.add(event)
        case.updated_at = utcnow()
        await s.flush()
        data.update(started=[d.rule_code for d in started], met=[d.rule_code for d in met])
        event.data = dict(data)
        audit(s, actor, "case.milestone", entity_type="case", entity_id=case.id, detail=data)
    return MilestoneResult(event, started, met)


async def deadlines_by_case(db: Database, org_id: uuid.UUID, case_ids: list[uuid.UUID]) -> dict[uuid.UUID, list]:
    out: dict[uuid.UUID, list] = {c: [] for c in case_ids}
    async with db.reader() as s:
        for d in await s.scalars(select(CaseDeadline).where(
                CaseDeadline.organization_id == org_id, CaseDeadline.case_id.in_(case_ids))
                .order_by(CaseDeadline.due_on, CaseDeadline.id)):
            out[d.case_id].append(d)
    return out


async def get_deadline(db: Database, actor: Actor, deadline_id: uuid.UUID) -> CaseDeadline | None:
    if not actor.can("case", "read"):
        return None
    async with db.reader() as s:
        return await s.scalar(select(CaseDeadline).join(Case, Case.id == CaseDeadline.case_id).where(
            CaseDeadline.id == deadline_id, visible_cases(actor.case_scope())))


async def deadlines_for_dashboard(db: Database, actor: Actor, case_scope, *, limit: int = 50) -> list[CaseDeadline]:
    """Unmet deadlines on the given cases (missed ones first, as they are the oldest), soonest first."""
    async with db.reader() as s:
        return list(await s.scalars(select(CaseDeadline).join(Case, Case.id == CaseDeadline.case_id).where(
            and_(CaseDeadline.organization_id == actor.organization_id, case_scope),
            CaseDeadline.met_on.is_(None))
            .order_by(CaseDeadline.due_on, CaseDeadline.id).limit(limit)))


async def deadline_profiles(actor: Actor) -> dict:
    require(actor, "organization", "read")
    return rules.PROFILES


async def set_deadline_profile(db: Database, actor: Actor, profile: str) -> Organization:
    require(actor, "organization", "configure")
    if profile not in rules.PROFILES:
        raise invalid(f"Unknown deadline profile; choose one of {', '.join(rules.PROFILES)}.", "profile")
    async with db.transaction() as s:
        org = await s.get(Organization, actor.organization_id)
        previous, org.deadline_profile = org.deadline_profile, profile
        audit(s, actor, "organization.deadline_profile", entity_type="organization", entity_id=org.id,
              detail={"from": previous, "to": profile})
    return org
