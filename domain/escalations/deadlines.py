"""Statutory timelines: which deadline a milestone starts, when it is due, and whether it was kept.

Pure: the caller passes the district's school calendar and what it knows of the student. Profiles are
built in; an organization picks one (`Organization.deadline_profile`).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date

from domain.escalations.calendar import SchoolCalendar, add_calendar_days


class Milestone(enum.Enum):
    EVALUATION_CONSENT_SIGNED = "EVALUATION_CONSENT_SIGNED"
    EVALUATION_COMPLETED = "EVALUATION_COMPLETED"
    IEP_PROPOSED = "IEP_PROPOSED"
    PLACEMENT_CHANGE_DECIDED = "PLACEMENT_CHANGE_DECIDED"
    MANIFESTATION_DETERMINATION_HELD = "MANIFESTATION_DETERMINATION_HELD"
    REMOVAL_RECORDED = "REMOVAL_RECORDED"


MILESTONE_LABELS = {
    Milestone.EVALUATION_CONSENT_SIGNED: "Consent to evaluate signed",
    Milestone.EVALUATION_COMPLETED: "Evaluation completed",
    Milestone.IEP_PROPOSED: "Team meeting held and IEP proposed",
    Milestone.PLACEMENT_CHANGE_DECIDED: "Decision to change placement for discipline",
    Milestone.MANIFESTATION_DETERMINATION_HELD: "Manifestation determination meeting held",
    Milestone.REMOVAL_RECORDED: "Days of removal (suspension) recorded",
}


class DayCount(enum.Enum):
    CALENDAR_DAYS = "CALENDAR_DAYS"
    SCHOOL_DAYS = "SCHOOL_DAYS"


class DeadlineStatus(enum.Enum):
    OPEN = "OPEN"          # not yet due
    MET = "MET"            # kept on or before the due date
    MET_LATE = "MET_LATE"  # kept, but after the due date
    MISSED = "MISSED"      # past due and not kept


@dataclass(frozen=True)
class Rule:
    code: str
    label: str
    citation: str
    trigger: Milestone
    days: int
    count: DayCount
    met_by: Milestone


REMOVAL_THRESHOLD_DAYS = 10  # more than 10 school days of removal in a school year: a change of placement

FEDERAL_EVALUATION = Rule(
    "IDEA_INITIAL_EVALUATION", "Initial evaluation within 60 calendar days of consent", "34 CFR 300.301(c)(1)",
    Milestone.EVALUATION_CONSENT_SIGNED, 60, DayCount.CALENDAR_DAYS, Milestone.EVALUATION_COMPLETED)
MA_EVALUATION = Rule(
    "MA_EVALUATION", "Evaluation within 30 school working days of consent", "603 CMR 28.04(2)",
    Milestone.EVALUATION_CONSENT_SIGNED, 30, DayCount.SCHOOL_DAYS, Milestone.EVALUATION_COMPLETED)
MA_IEP = Rule(
    "MA_TEAM_MEETING_IEP", "Team meeting and proposed IEP within 45 school working days of consent",
    "603 CMR 28.05(1)", Milestone.EVALUATION_CONSENT_SIGNED, 45, DayCount.SCHOOL_DAYS, Milestone.IEP_PROPOSED)
OR_EVALUATION = Rule(
    "OR_INITIAL_EVALUATION", "Initial evaluation within 60 school days of consent", "OAR 581-015-2110(5)",
    Milestone.EVALUATION_CONSENT_SIGNED, 60, DayCount.SCHOOL_DAYS, Milestone.EVALUATION_COMPLETED)
MANIFESTATION = Rule(
    "MANIFESTATION_DETERMINATION",
    "Manifestation determination within 10 school days of the decision to change placement",
    "34 CFR 300.530(e)", Milestone.PLACEMENT_CHANGE_DECIDED, 10, DayCount.SCHOOL_DAYS,
    Milestone.MANIFESTATION_DETERMINATION_HELD)
REMOVAL_THRESHOLD = Rule(
    "REMOVAL_THRESHOLD_MANIFESTATION",
    "Removals passed 10 school days this school year: manifestation determination within 10 school days",
    "34 CFR 300.536; 300.530(e)", Milestone.REMOVAL_RECORDED, 10, DayCount.SCHOOL_DAYS,
    Milestone.MANIFESTATION_DETERMINATION_HELD)

DISCIPLINE = (MANIFESTATION, REMOVAL_THRESHOLD)

PROFILES: dict[str, tuple[str, tuple[Rule, ...]]] = {
    "FEDERAL_IDEA": ("Federal IDEA", (FEDERAL_EVALUATION, *DISCIPLINE)),
    "MASSACHUSETTS": ("Massachusetts (603 CMR 28.00)", (MA_EVALUATION, MA_IEP, *DISCIPLINE)),
    "OREGON": ("Oregon (OAR 581-015)", (OR_EVALUATION, *DISCIPLINE)),
}


def profile_rules(profile: str) -> tuple[Rule, ...]:
    try:
        return PROFILES[profile][1]
    except KeyError:
        raise ValueError(f"unknown deadline profile {profile!r}") from None


@dataclass(frozen=True)
class NewDeadline:
    rule: Rule
    trigger_on: date
    due_on: date


def due_date(rule: Rule, trigger_on: date, calendar: SchoolCalendar) -> date:
    if rule.count is DayCount.CALENDAR_DAYS:
        return add_calendar_days(trigger_on, rule.days)
    return calendar.add_school_days(trigger_on, rule.days)


def school_year_of(day: date) -> int:
    """The calendar year a school year starts in (school years run July 1 to June 30)."""
    return day.year if day.month >= 7 else day.year - 1


def deadlines_started(
    profile: str, milestone: Milestone, occurred_on: date, calendar: SchoolCalendar, *,
    removal_days_before: int = 0, removal_days: int = 0, disability: bool = False,
) -> list[NewDeadline]:
    """The deadlines that recording `milestone` on `occurred_on` starts under `profile`.

    For REMOVAL_RECORDED, `removal_days_before` is what the student had already been removed this
    school year and `removal_days` what this removal adds; the threshold deadline starts only on the
    removal that takes a student with a disability (IEP or 504) past 10 days.
    """
    started = []
    for rule in profile_rules(profile):
        if rule.trigger is not milestone:
            continue
        if rule is REMOVAL_THRESHOLD and not (
                disability and removal_days_before <= REMOVAL_THRESHOLD_DAYS < removal_days_before + removal_days):
            continue
        started.append(NewDeadline(rule, occurred_on, due_date(rule, occurred_on, calendar)))
    return started


def rule_codes_met_by(profile: str, milestone: Milestone) -> frozenset[str]:
    return frozenset(r.code for r in profile_rules(profile) if r.met_by is milestone)


def status(*, due_on: date, met_on: date | None, today: date) -> DeadlineStatus:
    if met_on is not None:
        return DeadlineStatus.MET if met_on <= due_on else DeadlineStatus.MET_LATE
    return DeadlineStatus.MISSED if today > due_on else DeadlineStatus.OPEN
