"""The signed-in user's day: their open cases, and what is overdue or due soon on them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, or_, select

from domain.audit.service import read_detail, record as audit
from domain.cases.models import Case, CaseAssignee
from domain.cases.workflow import ACTIVE
from domain.db import Database
from domain.errors import require
from domain.escalations.calendar import SchoolCalendar
from domain.escalations.milestones import deadlines_for_dashboard
from domain.escalations.models import CaseDeadline, Escalation
from domain.escalations.service import OPEN_STATUSES, calendars
from domain.scope import visible_cases
from policies import Actor


@dataclass
class Dashboard:
    open_cases: list[Case]
    overdue: list[Escalation]
    due_soon: list[Escalation]
    deadlines: list[CaseDeadline]  # unmet statutory deadlines on my cases, missed or upcoming
    due_soon_until: date


async def dashboard(db: Database, actor: Actor, *, today: date, school_days: int = 5, limit: int = 50) -> Dashboard:
    """Cases the user opened or is assigned to; escalations on them overdue or due within `school_days`
    school days (each on its district's calendar)."""
    require(actor, "case", "read")
    mine = or_(Case.created_by_id == actor.user_id,
               Case.id.in_(select(CaseAssignee.case_id).where(CaseAssignee.user_id == actor.user_id)))
    scope = and_(Case.organization_id == actor.organization_id, visible_cases(actor.case_scope()), mine)
    until = SchoolCalendar().add_school_days(today, school_days)
    async with db.transaction() as s:  # the dashboard shows case records: on the record like any list of them
        open_cases = list(await s.scalars(select(Case).where(scope, Case.status.in_(ACTIVE)).order_by(
            Case.next_action_due_on.is_(None), Case.next_action_due_on, Case.priority_rank.desc(), Case.id)
            .limit(limit)))
        rows: list[Escalation] = []
        if actor.can("escalation", "read"):
            horizon = today + timedelta(days=school_days * 2 + 21)  # covers any run of closures and weekends
            rows = list(await s.scalars(select(Escalation).join(Case, Case.id == Escalation.case_id).where(
                scope, Escalation.status.in_(OPEN_STATUSES), Escalation.response_due_on <= horizon)
                .order_by(Escalation.response_due_on, Escalation.id)))
        cals = await calendars(s, actor.organization_id, {e.district_id for e in rows})
        audit(s, actor, "case.list", entity_type="case", detail=read_detail(open_cases, via="dashboard"))
    overdue = [e for e in rows if e.response_due_on < today][:limit]
    due_soon = [e for e in rows
                if today <= e.response_due_on <= cals[e.district_id].add_school_days(today, school_days)][:limit]
    deadlines = await deadlines_for_dashboard(db, actor, scope, limit=limit)
    return Dashboard(open_cases, overdue, due_soon, deadlines, until)
