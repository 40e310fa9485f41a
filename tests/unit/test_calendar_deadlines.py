"""School-day calendar and statutory deadlines: pure rules, checked by example and by property."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.escalations.calendar import Closure, SchoolCalendar
from domain.escalations.deadlines import (
    PROFILES, DeadlineStatus, Milestone, deadlines_started, rule_codes_met_by, school_year_of, status,
)

# Boston-like calendar around Thanksgiving and winter break, 2026.
THANKSGIVING = Closure(date(2026, 11, 26), date(2026, 11, 27))
WINTER = Closure(date(2026, 12, 24), date(2027, 1, 1))
BOSTON = SchoolCalendar([THANKSGIVING, WINTER])

days = st.dates(min_value=date(2024, 1, 1), max_value=date(2028, 12, 31))
closures = st.lists(
    st.tuples(days, st.integers(min_value=0, max_value=12)).map(
        lambda t: Closure(t[0], t[0] + timedelta(days=t[1]))), max_size=8)


def test_weekends_and_closures_are_not_school_days():
    assert BOSTON.is_school_day(date(2026, 11, 25))          # Wednesday
    assert not BOSTON.is_school_day(date(2026, 11, 26))      # Thanksgiving
    assert not BOSTON.is_school_day(date(2026, 11, 28))      # Saturday
    assert not BOSTON.is_school_day(date(2026, 12, 31))      # winter break
    assert BOSTON.is_school_day(date(2027, 1, 4))


def test_five_school_days_skip_the_thanksgiving_break():
    # Sent Monday Nov 23: Tue 24, Wed 25, (Thu/Fri closed, weekend), Mon 30, Tue Dec 1, Wed Dec 2.
    assert BOSTON.add_school_days(date(2026, 11, 23), 5) == date(2026, 12, 2)
    # Without closures the same count lands on the next Monday.
    assert SchoolCalendar().add_school_days(date(2026, 11, 23), 5) == date(2026, 11, 30)


def test_counting_from_a_closed_day():
    assert BOSTON.add_school_days(date(2026, 11, 28), 1) == date(2026, 11, 30)
    assert BOSTON.add_school_days(date(2026, 11, 28), 0) == date(2026, 11, 30)
    assert BOSTON.school_days_between(date(2026, 11, 23), date(2026, 12, 2)) == 5
    assert BOSTON.school_days_between(date(2026, 12, 2), date(2026, 11, 23)) == -5


def test_overlapping_closures_merge():
    cal = SchoolCalendar([Closure(date(2027, 2, 15), date(2027, 2, 17)), Closure(date(2027, 2, 16), date(2027, 2, 19))])
    assert all(not cal.is_school_day(date(2027, 2, d)) for d in range(15, 20))
    assert cal.is_school_day(date(2027, 2, 22))


def test_bad_closure_and_negative_days_are_refused():
    with pytest.raises(ValueError):
        Closure(date(2027, 1, 2), date(2027, 1, 1))
    with pytest.raises(ValueError):
        BOSTON.add_school_days(date(2026, 11, 23), -1)


@given(closures, days, st.integers(min_value=1, max_value=60))
def test_add_school_days_lands_on_a_school_day_exactly_n_school_days_later(cs, start, n):
    cal = SchoolCalendar(cs)
    due = cal.add_school_days(start, n)
    assert due > start
    assert cal.is_school_day(due)
    assert cal.school_days_between(start, due) == n
    assert cal.school_days_between(start, due - timedelta(days=1)) == n - 1


@given(closures, days, st.integers(min_value=0, max_value=40), st.integers(min_value=0, max_value=40))
def test_adding_school_days_composes(cs, start, a, b):
    cal = SchoolCalendar(cs)
    first = cal.add_school_days(start, a)
    if a == 0:
        return  # day 0 snaps to a school day; composition holds for positive counts
    assert cal.add_school_days(first, b) == cal.add_school_days(start, a + b)


@given(closures, days, days)
def test_school_days_between_is_antisymmetric_and_bounded(cs, a, b):
    cal = SchoolCalendar(cs)
    n = cal.school_days_between(a, b)
    assert n == -cal.school_days_between(b, a)
    assert abs(n) <= abs((b - a).days)


@given(closures, days)
def test_closures_only_push_deadlines_later(cs, start):
    assert SchoolCalendar(cs).add_school_days(start, 10) >= SchoolCalendar().add_school_days(start, 10)


def test_federal_idea_evaluation_is_60_calendar_days():
    [d] = deadlines_started("FEDERAL_IDEA", Milestone.EVALUATION_CONSENT_SIGNED, date(2026, 11, 23), BOSTON)
    assert d.rule.code == "IDEA_INITIAL_EVALUATION" and d.due_on == date(2027, 1, 22)
    assert d.rule.citation == "34 CFR 300.301(c)(1)"


def test_massachusetts_evaluation_and_iep_count_school_working_days():
    got = {d.rule.code: d.due_on for d in deadlines_started(
        "MASSACHUSETTS", Milestone.EVALUATION_CONSENT_SIGNED, date(2026, 11, 23), BOSTON)}
    assert set(got) == {"MA_EVALUATION", "MA_TEAM_MEETING_IEP"}
    assert BOSTON.school_days_between(date(2026, 11, 23), got["MA_EVALUATION"]) == 30
    assert BOSTON.school_days_between(date(2026, 11, 23), got["MA_TEAM_MEETING_IEP"]) == 45
    # The winter break pushes the 30th school day well past 30 weekdays.
    assert got["MA_EVALUATION"] == date(2027, 1, 15)


def test_manifestation_determination_within_10_school_days_of_a_placement_change():
    for profile in PROFILES:
        [d] = deadlines_started(profile, Milestone.PLACEMENT_CHANGE_DECIDED, date(2026, 11, 20), BOSTON)
        assert d.rule.code == "MANIFESTATION_DETERMINATION"
        assert d.due_on == date(2026, 12, 8)  # Thanksgiving Thursday and Friday do not count


def test_removal_threshold_starts_once_when_a_student_with_a_disability_passes_10_days():
    def started(before, now, disability=True):
        return [d.rule.code for d in deadlines_started(
            "FEDERAL_IDEA", Milestone.REMOVAL_RECORDED, date(2026, 11, 23), BOSTON,
            removal_days_before=before, removal_days=now, disability=disability)]
    assert started(5, 5) == []                                   # exactly 10: not past the threshold
    assert started(8, 3) == ["REMOVAL_THRESHOLD_MANIFESTATION"]  # 11
    assert started(11, 2) == []                                  # already past: started earlier
    assert started(8, 3, disability=False) == []


def test_met_by_and_status():
    assert rule_codes_met_by("MASSACHUSETTS", Milestone.EVALUATION_COMPLETED) == {"MA_EVALUATION"}
    assert rule_codes_met_by("FEDERAL_IDEA", Milestone.MANIFESTATION_DETERMINATION_HELD) == {
        "MANIFESTATION_DETERMINATION", "REMOVAL_THRESHOLD_MANIFESTATION"}
    due = date(2026, 12, 7)
    assert status(due_on=due, met_on=None, today=due) is DeadlineStatus.OPEN
    assert status(due_on=due, met_on=None, today=due + timedelta(days=1)) is DeadlineStatus.MISSED
    assert status(due_on=due, met_on=due, today=date(2027, 1, 1)) is DeadlineStatus.MET
    assert status(due_on=due, met_on=due + timedelta(days=1), today=date(2027, 1, 1)) is DeadlineStatus.MET_LATE


def test_school_year_runs_july_to_june():
    assert school_year_of(date(2026, 11, 23)) == 2026
    assert school_year_of(date(2027, 6, 30)) == 2026
    assert school_year_of(date(2027, 7, 1)) == 2027


def test_unknown_profile_is_refused():
    with pytest.raises(ValueError):
        deadlines_started("NARNIA", Milestone.EVALUATION_CONSENT_SIGNED, date(2026, 11, 23), BOSTON)


# ---------------------------------------------------------------- deadlines, by property

profiles = st.sampled_from(sorted(PROFILES))
milestones = st.sampled_from(list(Milestone))


@given(profiles, milestones, days, closures)
def test_every_started_deadline_is_due_by_its_rule(profile, milestone, on, cs):
    calendar = SchoolCalendar(cs)
    for d in deadlines_started(profile, milestone, on, calendar, removal_days_before=5, removal_days=6,
                               disability=True):
        assert d.rule.trigger is milestone and d.trigger_on == on and d.due_on > on
        if d.rule.count.value == "CALENDAR_DAYS":
            assert d.due_on == on + timedelta(days=d.rule.days)
        else:  # exactly the rule's number of school days later, and a school day itself
            assert calendar.school_days_between(on, d.due_on) == d.rule.days
            assert calendar.is_school_day(d.due_on)
        # and some later milestone of the same profile can keep it
        assert d.rule.code in rule_codes_met_by(profile, d.rule.met_by)


@given(profiles, days, st.integers(min_value=0, max_value=30), st.integers(min_value=0, max_value=15),
       st.booleans())
def test_the_removal_threshold_starts_only_on_the_removal_that_crosses_ten_days(profile, on, before, added,
                                                                                 disability):
    started = {d.rule.code for d in deadlines_started(profile, Milestone.REMOVAL_RECORDED, on, SchoolCalendar(),
                                                      removal_days_before=before, removal_days=added,
                                                      disability=disability)}
    crosses = disability and before <= 10 < before + added
    assert ("REMOVAL_THRESHOLD_MANIFESTATION" in started) == crosses
    # a sequence of removals in one school year starts it at most once
    if disability and added:
        total, starts = 0, 0
        for _ in range(8):
            starts += bool(deadlines_started(profile, Milestone.REMOVAL_RECORDED, on, SchoolCalendar(),
                                             removal_days_before=total, removal_days=added, disability=True))
            total += added
        assert starts == (1 if total > 10 else 0)


@given(days, days, st.one_of(st.none(), days))
def test_a_deadline_has_exactly_one_status(due, today, met):
    got = status(due_on=due, met_on=met, today=today)
    if met is None:
        assert got is (DeadlineStatus.MISSED if today > due else DeadlineStatus.OPEN)
    else:  # once kept, the status no longer depends on today
        assert got is (DeadlineStatus.MET if met <= due else DeadlineStatus.MET_LATE)
        assert got is status(due_on=due, met_on=met, today=today + timedelta(days=365))


@given(days, days)
def test_school_year_runs_july_to_june_for_every_day(a, b):
    year = school_year_of(a)
    assert date(year, 7, 1) <= a <= date(year + 1, 6, 30)
    if a <= b:
        assert school_year_of(a) <= school_year_of(b)
