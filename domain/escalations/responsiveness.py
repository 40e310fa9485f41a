"""How districts answer escalations, as SQL aggregates: the one definition of the responsiveness measures.

Used by the escalation report (`service.responsiveness`, per district and office) and by campaign statistics and
evidence (`domain.campaigns.stats`, per group of cases, then suppressed). Both run on SQLite and PostgreSQL.

- sent: escalations;
- answered: with a response date;
- answered within the window: answered on or before the response due date (the level's window in school days);
- overdue now: not answered, still open (SENT or ACKNOWLEDGED) and past due today;
- median school days to answer: over the answers with a school-day count (the mean of the two middle values
  when their number is even).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.escalations.models import EscalationStatus

OPEN_STATUSES = (EscalationStatus.SENT, EscalationStatus.ACKNOWLEDGED)
MEASURES = ("sent", "answered", "answered_within_window", "overdue_now")


def measure_columns(*, status, responded_on, due_on, today: date) -> list:
    """Aggregate columns, in the order of MEASURES, over rows of escalations (any FROM: a table or subquery)."""
    return [
        func.count(),
        func.sum(case((responded_on.is_not(None), 1), else_=0)),
        func.sum(case((responded_on <= due_on, 1), else_=0)),
        func.sum(case((and_(responded_on.is_(None), status.in_(OPEN_STATUSES), due_on < today), 1), else_=0)),
    ]


def median_columns_pg(days) -> list:
    """PostgreSQL only (ordered-set aggregate, works with GROUPING SETS): [answers with days, their median]."""
    return [func.count(days), func.percentile_cont(0.5).within_group(days)]


@dataclass
class Counts:
    sent: int = 0
    answered: int = 0
    answered_within_window: int = 0
    overdue_now: int = 0

    @classmethod
    def of(cls, values) -> "Counts":
        """From the values of measure_columns (SUM of no rows is NULL)."""
        return cls(*(int(x or 0) for x in values))

    def add(self, other: "Counts") -> None:
        for name in MEASURES:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def share_answered_within_window(self) -> float | None:
        return round(self.answered_within_window / self.sent, 4) if self.sent else None


async def medians(s: AsyncSession, sub, keys: list, days) -> dict[tuple, tuple[int, float]]:
    """Per group of `keys` (columns of the subquery `sub`): (answers with a school-day count, their median), by
    window functions (both databases). Groups without any such answer are absent."""
    part = keys or None
    ranked = select(
        *(k.label(f"k{i}") for i, k in enumerate(keys)), days.label("days"),
        func.row_number().over(partition_by=part, order_by=days).label("rn"),
        func.count().over(partition_by=part).label("cnt"),
    ).where(days.is_not(None)).subquery()
    rkeys = [ranked.c[f"k{i}"] for i in range(len(keys))]
    q = select(*rkeys, func.max(ranked.c.cnt), func.avg(ranked.c.days)).where(or_(
        ranked.c.rn == (ranked.c.cnt + 1) // 2, ranked.c.rn == (ranked.c.cnt + 2) // 2))
    if rkeys:
        q = q.group_by(*rkeys)
    rows = await s.execute(q)
    return {tuple(r[:len(rkeys)]): (int(r[-2]), float(r[-1])) for r in rows if r[-2] is not None}
