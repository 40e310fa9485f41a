"""School-day arithmetic on a district's calendar. Pure: no database, no clock.

A school day is a weekday that falls in none of the district's closures (holidays, vacation weeks).
Counting follows the way statutes count: the day of the triggering event is day 0 and the deadline is
the N-th school day after it, so "5 school days from Friday" lands on the next Friday when the week in
between is all school days.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, timedelta

ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Closure:
    starts_on: date
    ends_on: date  # inclusive

    def __post_init__(self) -> None:
        if self.ends_on < self.starts_on:
            raise ValueError("a closure cannot end before it starts")


class SchoolCalendar:
    """Weekends plus the given closures are not school days."""

    def __init__(self, closures: tuple[Closure, ...] | list[Closure] = ()) -> None:
        merged: list[list[date]] = []
        for c in sorted(closures, key=lambda c: c.starts_on):
            if merged and c.starts_on <= merged[-1][1] + ONE_DAY:
                merged[-1][1] = max(merged[-1][1], c.ends_on)
            else:
                merged.append([c.starts_on, c.ends_on])
        self._starts = [m[0] for m in merged]
        self._ends = [m[1] for m in merged]

    def is_closed(self, day: date) -> bool:
        i = bisect_right(self._starts, day) - 1
        return i >= 0 and day <= self._ends[i]

    def is_school_day(self, day: date) -> bool:
        return day.weekday() < 5 and not self.is_closed(day)

    def add_school_days(self, start: date, days: int) -> date:
        """The `days`-th school day after `start` (`start` itself does not count); `days` >= 0.

        With days == 0 the answer is `start` when it is a school day, else the next school day.
        """
        if days < 0:
            raise ValueError("days must not be negative")
        day = start
        if days == 0:
            while not self.is_school_day(day):
                day += ONE_DAY
            return day
        left = days
        while left:
            day += ONE_DAY
            if self.is_school_day(day):
                left -= 1
        return day

    def school_days_between(self, start: date, end: date) -> int:
        """School days in (start, end]: how many school days after `start` `end` is (negative if before)."""
        if end < start:
            return -self.school_days_between(end, start)
        count = 0
        day = start + ONE_DAY
        while day <= end:
            if self.is_school_day(day):
                count += 1
            day += ONE_DAY
        return count


def add_calendar_days(start: date, days: int) -> date:
    return start + timedelta(days=days)
