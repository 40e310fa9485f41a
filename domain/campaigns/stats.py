"""Aggregates over cases, computed in SQL (GROUP BY) on SQLite and PostgreSQL, then suppressed.

Nothing here returns a record: only counts per group (and medians), which go through
`domain.campaigns.suppression` before anyone sees them. Families with an active AGGREGATE_OPT_OUT
consent are left out of every count (`counted_cases`).

Dimensions are attributes of a case (its category, school, district, chapter, the month and school year
it was opened, status, outcome) or of its student and family (subgroups: race/ethnicity, IEP/504 status,
English-learner status, preferred language, grade band). Escalation measures count the escalations of the
cases in a group.
"""

from __future__ import annotations

import asyncio
import calendar
import enum
import uuid
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any, AsyncIterator, Awaitable, Iterable

from sqlalchemy import Text, and_, case, cast, exists, func, literal, or_, select, text, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from domain.audit.service import record as audit
from domain.campaigns.sqlfuncs import school_year, single_json_value, year_month
from domain.campaigns.suppression import (
    Published, PublishedNumber, effective_threshold, is_small, median_of, share, suppress_1d, suppress_2d,
    suppress_2d_grouped,
)
from domain.cases import taxonomy
from domain.cases.models import Case
from domain.cases.workflow import CaseOutcome, CaseStatus
from domain.db import Database
from domain.directory.models import District, School
from domain.errors import invalid, not_found, require
from domain.escalations import responsiveness as measures
from domain.escalations.models import Escalation
from domain.identity.models import Chapter, Organization
from domain.people.models import (
    Consent, ConsentKind, EnglishLearnerStatus, Family, SpecialEducationStatus, Student,
)
from domain.people.rules import LANGUAGES
from policies import Actor

MAX_GROUP_BY = 2


class Dimension(enum.Enum):
    CATEGORY = "CATEGORY"
    SUBCATEGORY = "SUBCATEGORY"
    SCHOOL = "SCHOOL"
    DISTRICT = "DISTRICT"
    CHAPTER = "CHAPTER"
    MONTH = "MONTH"
    SCHOOL_YEAR = "SCHOOL_YEAR"
    STATUS = "STATUS"
    OUTCOME = "OUTCOME"
    RACE_ETHNICITY = "RACE_ETHNICITY"
    SPECIAL_EDUCATION = "SPECIAL_EDUCATION"
    ENGLISH_LEARNER = "ENGLISH_LEARNER"
    LANGUAGE = "LANGUAGE"
    GRADE_BAND = "GRADE_BAND"


DIMENSION_ORDER = list(Dimension)
SUBGROUPS = (Dimension.RACE_ETHNICITY, Dimension.SPECIAL_EDUCATION, Dimension.ENGLISH_LEARNER,
             Dimension.LANGUAGE, Dimension.GRADE_BAND)
# Dimensions whose values are records of one organization (meaningless across a network).
ORGANIZATION_BOUND = frozenset({Dimension.SCHOOL, Dimension.DISTRICT, Dimension.CHAPTER})
_STUDENT_DIMS = frozenset({Dimension.RACE_ETHNICITY, Dimension.SPECIAL_EDUCATION, Dimension.ENGLISH_LEARNER,
                           Dimension.GRADE_BAND})

GRADE_BANDS = {
    "ELEMENTARY": ("Grades PK-5", ("PK", "K", "1", "2", "3", "4", "5")),
    "MIDDLE": ("Grades 6-8", ("6", "7", "8")),
    "HIGH": ("Grades 9-12", ("9", "10", "11", "12")),
}
SPECIAL_EDUCATION_LABELS = {
    "NONE": "No IEP or 504 plan", "EVALUATION_REQUESTED": "Evaluation requested", "IEP": "IEP",
    "PLAN_504": "504 plan", "UNKNOWN": "Unknown",
}
ENGLISH_LEARNER_LABELS = {
    "NOT_EL": "Not an English learner", "EL": "English learner", "FORMER_EL": "Former English learner",
    "UNKNOWN": "Unknown",
}
NOT_RECORDED = "Not recorded"


# ---------------------------------------------------------------- which cases count


@dataclass
class CaseCriteria:
    """Case filters: each list means 'any of these'; different filters combine with AND."""

    categories: list[str] | None = None
    subcategories: list[str] | None = None
    district_ids: list[uuid.UUID] | None = None
    school_ids: list[uuid.UUID] | None = None
    chapter_ids: list[uuid.UUID] | None = None
    statuses: list[CaseStatus] | None = None
    opened_from: date | None = None
    opened_to: date | None = None
    tags: list[str] | None = None

    def describe(self) -> dict:
        """The filters that are set, as JSON (for the audit log)."""
        out = {}
        for name, value in vars(self).items():
            if value is None or value == []:
                continue
            if isinstance(value, date):
                value = value.isoformat()
            elif isinstance(value, list):
                value = [x.value if isinstance(x, enum.Enum) else str(x) for x in value]
            out[name] = value
        return out

    def is_empty(self) -> bool:
        return not any((self.categories, self.subcategories, self.district_ids, self.school_ids, self.chapter_ids,
                        self.statuses, self.opened_from, self.opened_to, self.tags))


def criteria_clauses(c: CaseCriteria) -> list:
    out = []
    if c.categories:
        out.append(Case.category.in_(c.categories))
    if c.subcategories:
        out.append(Case.subcategory.in_(c.subcategories))
    if c.district_ids:
        out.append(Case.district_id.in_(c.district_ids))
    if c.school_ids:
        out.append(Case.school_id.in_(c.school_ids))
    if c.chapter_ids:
        out.append(Case.chapter_id.in_(c.chapter_ids))
    if c.statuses:
        out.append(Case.status.in_(c.statuses))
    if c.opened_from:
        out.append(Case.opened_on >= c.opened_from)
    if c.opened_to:
        out.append(Case.opened_on <= c.opened_to)
    if c.tags:
        # JSON arrays differ by backend; tags are few per case, so match on the serialized list (any of them).
        tags = sorted({t.strip().lower() for t in c.tags if t and t.strip()})
        out.append(or_(*(func.lower(cast(Case.tags, Text)).contains(f'"{t}"', autoescape=True) for t in tags)))
    return out


def active_consent(kind: ConsentKind, today: date):
    """An active consent of `kind` of the case's family (revocation and expiry take effect at once)."""
    return exists().where(
        Consent.organization_id == Case.organization_id, Consent.family_id == Case.family_id,
        Consent.kind == kind, Consent.revoked_at.is_(None), Consent.signed_on <= today,
        or_(Consent.expires_on.is_(None), Consent.expires_on >= today))


def counted_cases(today: date):
    """Cases that may be counted: the family has not opted out of aggregates."""
    return ~active_consent(ConsentKind.AGGREGATE_OPT_OUT, today)


async def threshold_of(s: AsyncSession, org_id: uuid.UUID) -> int:
    return effective_threshold(await s.scalar(select(Organization.suppression_threshold).where(
        Organization.id == org_id)))


# ---------------------------------------------------------------- dimensions in SQL


def _grade_band():
    return case(*((Student.grade.in_(grades), band) for band, (_, grades) in GRADE_BANDS.items()), else_=None)


def dimension_expr(d: Dimension):
    return {
        Dimension.CATEGORY: Case.category,
        Dimension.SUBCATEGORY: Case.subcategory,
        Dimension.SCHOOL: Case.school_id,
        Dimension.DISTRICT: Case.district_id,
        Dimension.CHAPTER: Case.chapter_id,
        Dimension.MONTH: year_month(Case.opened_on),
        Dimension.SCHOOL_YEAR: school_year(Case.opened_on),
        Dimension.STATUS: cast(Case.status, Text),
        Dimension.OUTCOME: cast(Case.outcome, Text),
        Dimension.RACE_ETHNICITY: single_json_value(Student.race_ethnicity),
        Dimension.SPECIAL_EDUCATION: cast(Student.special_education, Text),
        Dimension.ENGLISH_LEARNER: cast(Student.english_learner, Text),
        Dimension.LANGUAGE: Family.preferred_language,
        Dimension.GRADE_BAND: _grade_band(),
    }[d]


def _source(org_ids: list[uuid.UUID], where: list, dims: list[Dimension], today: date, *, by_org: bool = False,
            escalations: bool = False, extra: Iterable = ()):
    """A subquery with the group keys (org, d0, d1, ...) of every counted case (or escalation) matching `where`."""
    cols = [Case.organization_id.label("org")] if by_org else []
    cols += [dimension_expr(d).label(f"d{i}") for i, d in enumerate(dims)]
    q = select(*cols, *extra).select_from(Case)
    if escalations:
        q = q.join(Escalation, and_(Escalation.case_id == Case.id, Escalation.organization_id == Case.organization_id))
    if any(d in _STUDENT_DIMS for d in dims):
        q = q.outerjoin(Student, and_(Student.id == Case.student_id, Student.organization_id == Case.organization_id))
    if Dimension.LANGUAGE in dims:
        q = q.join(Family, and_(Family.id == Case.family_id, Family.organization_id == Case.organization_id))
    org_clause = Case.organization_id == org_ids[0] if len(org_ids) == 1 else Case.organization_id.in_(org_ids)
    return q.where(org_clause, counted_cases(today), *where).subquery()


def _keys(sub, dims: list[Dimension], by_org: bool) -> list:
    return ([sub.c.org] if by_org else []) + [sub.c[f"d{i}"] for i in range(len(dims))]


def _norm(v: Any) -> Any:
    return int(v) if isinstance(v, (int,)) and not isinstance(v, bool) else v


# Plan settings for the aggregates below, on PostgreSQL, for their own short transaction only (SET LOCAL).
# They read every case of the organization that matches, then its students, families and opt-outs; the planner
# underestimates such tenant-correlated joins by 10-30x (it assumes a family id matches any organization's
# families) and picks a nested loop with an index probe per case, and parallel workers that multiply the CPU
# per request on a busy server. Hash joins over the organization's rows are bounded by the organization's size,
# like the case scan itself: at 50,000 cases, ~190 ms of PostgreSQL CPU (three processes) -> ~95 ms (one).
# Planned for their own values every time (statements are prepared since reads commit, and a prepared statement may
# switch to a generic plan): the best plan depends on the organization's size and the campaign's criteria, and
# planning costs little next to the scan.
_AGGREGATE_PLAN = text("SELECT set_config('enable_nestloop', 'off', true), "
                       "set_config('max_parallel_workers_per_gather', '0', true), "
                       "set_config('plan_cache_mode', 'force_custom_plan', true)")


@asynccontextmanager
async def _aggregate_reader(db: Database) -> AsyncIterator[AsyncSession]:
    """A read session for one aggregate query (a request's shared DataLoader session keeps its own settings)."""
    async with db.reader() as s:
        if isinstance(db, Database) and not db.is_sqlite:
            await s.execute(_AGGREGATE_PLAN)
        yield s


async def case_counts(db: Database, org_ids: list[uuid.UUID], where: list, dims: list[Dimension], *, today: date,
                      by_org: bool = False) -> dict[tuple, int]:
    sub = _source(org_ids, where, dims, today, by_org=by_org, extra=[Case.id])
    keys = _keys(sub, dims, by_org)
    async with _aggregate_reader(db) as s:
        rows = await s.execute(select(*keys, func.count()).select_from(sub).group_by(*keys))
        return {tuple(_norm(v) for v in r[:-1]): int(r[-1]) for r in rows}


async def case_counts_multi(db: Database, org_ids: list[uuid.UUID], where: list, groupings: list[list[Dimension]],
                            *, today: date) -> list[dict[tuple, int]]:
    """Several case_counts over the same cases. PostgreSQL: one scan with GROUPING SETS (GROUPING() tells which set
    a row belongs to); SQLite (no GROUPING SETS): one GROUP BY per grouping."""
    if db.is_sqlite:
        return await gather(db, *(case_counts(db, org_ids, where, g, today=today) for g in groupings))
    dims = list(dict.fromkeys(d for g in groupings for d in g))
    sub = _source(org_ids, where, dims, today, extra=[Case.id])
    cols = [sub.c[f"d{i}"] for i in range(len(dims))]
    sets = [[dims.index(d) for d in g] for g in groupings]
    masks = {sum(1 << (len(dims) - 1 - i) for i in range(len(dims)) if i not in idx): n for n, idx in enumerate(sets)}
    if len(masks) != len(sets):
        raise ValueError("each grouping once")
    q = (select(*cols, func.grouping(*cols), func.count()).select_from(sub)
         .group_by(func.grouping_sets(*(tuple_(*(cols[i] for i in idx)) for idx in sets))))
    out: list[dict[tuple, int]] = [{} for _ in groupings]
    async with _aggregate_reader(db) as s:
        for row in await s.execute(q):
            n = masks[row[-2]]
            out[n][tuple(_norm(row[i]) for i in sets[n])] = int(row[-1])
    return out


async def family_count(db: Database, org_ids: list[uuid.UUID], where: list, *, today: date) -> int:
    sub = _source(org_ids, where, [], today, extra=[Case.family_id])
    async with _aggregate_reader(db) as s:
        return int(await s.scalar(select(func.count(sub.c.family_id.distinct()))) or 0)


# Escalation measures: the definitions of domain.escalations.responsiveness (the escalation report's), per group.
EscalationCounts = measures.Counts
ESCALATION_MEASURES = measures.MEASURES


def _escalation_source(org_ids, where, dims, today, *, by_org: bool = False):
    return _source(org_ids, where, dims, today, by_org=by_org, escalations=True, extra=[
        Escalation.status.label("st"), Escalation.responded_on.label("responded_on"),
        Escalation.response_due_on.label("due"), Escalation.response_school_days.label("days")])


def _measures(sub, today: date) -> list:
    return measures.measure_columns(status=sub.c.st, responded_on=sub.c.responded_on, due_on=sub.c.due, today=today)


async def escalation_counts(db: Database, org_ids: list[uuid.UUID], where: list, dims: list[Dimension], *,
                            today: date, by_org: bool = False) -> dict[tuple, EscalationCounts]:
    sub = _escalation_source(org_ids, where, dims, today, by_org=by_org)
    keys = _keys(sub, dims, by_org)
    q = select(*keys, *_measures(sub, today)).group_by(*keys)
    async with _aggregate_reader(db) as s:
        rows = await s.execute(q)
        return {tuple(_norm(v) for v in r[:len(keys)]): EscalationCounts.of(r[len(keys):]) for r in rows}


async def escalation_medians(db: Database, org_ids: list[uuid.UUID], where: list, dims: list[Dimension], *,
                             today: date) -> dict[tuple, tuple[int, float]]:
    """Per group: (how many answers with a school-day count, their median)."""
    sub = _escalation_source(org_ids, where, dims, today)
    async with _aggregate_reader(db) as s:
        found = await measures.medians(s, sub, _keys(sub, dims, False), sub.c.days)
    return {tuple(_norm(v) for v in k): m for k, m in found.items()}


@dataclass
class EscalationSummary:
    counts: EscalationCounts
    answers_with_days: int = 0
    median_days: float | None = None


async def escalation_summaries(db: Database, org_ids: list[uuid.UUID], where: list,
                               groupings: list[list[Dimension]], *, today: date) -> list[dict[tuple, EscalationSummary]]:
    """Escalation counts and median school days to answer, for several groupings of the same cases.

    PostgreSQL: one scan with GROUPING SETS and percentile_cont (the median of an even count is the mean of the
    two middle values, as on SQLite). SQLite: escalation_counts and the window-function median per grouping.
    """
    if db.is_sqlite:
        out = []
        for g in groupings:
            counts = await escalation_counts(db, org_ids, where, g, today=today)
            medians = await escalation_medians(db, org_ids, where, g, today=today)
            out.append({k: EscalationSummary(c, *medians.get(k, (0, None))) for k, c in counts.items()})
        return out
    dims = list(dict.fromkeys(d for g in groupings for d in g))
    sub = _escalation_source(org_ids, where, dims, today)
    cols = [sub.c[f"d{i}"] for i in range(len(dims))]
    sets = [[dims.index(d) for d in g] for g in groupings]
    masks = {sum(1 << (len(dims) - 1 - i) for i in range(len(dims)) if i not in idx): n for n, idx in enumerate(sets)}
    grouping = func.grouping(*cols) if cols else literal(0)
    q = select(*cols, grouping, *_measures(sub, today), *measures.median_columns_pg(sub.c.days)).select_from(sub)
    if cols:
        q = q.group_by(func.grouping_sets(*(tuple_(*(cols[i] for i in idx)) for idx in sets)))
    out: list[dict[tuple, EscalationSummary]] = [{} for _ in groupings]
    k = len(cols)
    async with _aggregate_reader(db) as s:
        for row in await s.execute(q):
            if not cols and not row[k + 1]:
                continue  # no escalation at all: an aggregate without GROUP BY still returns one row
            n = masks[row[k]]
            counts = EscalationCounts.of(row[k + 1:k + 5])
            med = None if row[k + 6] is None else float(row[k + 6])
            out[n][tuple(_norm(row[i]) for i in sets[n])] = EscalationSummary(counts, int(row[k + 5]), med)
    return out


async def gather(db: Database, *calls: Awaitable) -> list:
    """Independent aggregate queries: concurrently on PostgreSQL (each opens its own session), in turn on
    SQLite (one file, one writer: no gain)."""
    if db.is_sqlite:
        return [await c for c in calls]
    return list(await asyncio.gather(*calls))


# ---------------------------------------------------------------- dimension values and labels


@dataclass(frozen=True)
class DimValue:
    dimension: Dimension
    value: str | int | uuid.UUID | None
    label: str

    @property
    def ref_type(self) -> str | None:
        """The GraphQL type of the value when it is a record id (School, District, Chapter)."""
        return {Dimension.SCHOOL: "School", Dimension.DISTRICT: "District",
                Dimension.CHAPTER: "Chapter"}.get(self.dimension)

    @property
    def code(self) -> str | None:
        """The value as text for exports (no record ids: the label names the school or district)."""
        if self.value is None:
            return None
        if self.ref_type:
            return None
        return str(self.value)


def _enum_label(code: str) -> str:
    return code.replace("_", " ").capitalize()


def _month_label(ym: str) -> str:
    y, m = ym.split("-")
    return f"{calendar.month_name[int(m)]} {y}"


async def _names(s: AsyncSession, model, ids: list) -> dict:
    ids = [i for i in ids if i is not None]
    if not ids:
        return {}
    return dict((await s.execute(select(model.id, model.name).where(model.id.in_(ids)))).all())


async def dimension_values(db: Database, org_ids: list[uuid.UUID], dim: Dimension, raw: Iterable) -> list[DimValue]:
    """Labelled values of one dimension, in display order (chronological, taxonomy or label order; not
    recorded last)."""
    raw = list(dict.fromkeys(raw))
    names: dict = {}
    model = {Dimension.SCHOOL: School, Dimension.DISTRICT: District, Dimension.CHAPTER: Chapter}.get(dim)
    if model is not None:
        async with db.reader() as s:
            names = await _names(s, model, raw)
    out = []
    for v in raw:
        if v is None:
            out.append(DimValue(dim, None, "No outcome yet" if dim is Dimension.OUTCOME else NOT_RECORDED))
            continue
        if model is not None:
            label = names.get(v, NOT_RECORDED)
        elif dim is Dimension.CATEGORY:
            label = taxonomy.category_label(v) if v in taxonomy.TAXONOMY else v
        elif dim is Dimension.SUBCATEGORY:
            label = taxonomy.subcategory_label(v) if v in taxonomy.CATEGORY_OF else v
        elif dim is Dimension.MONTH:
            label = _month_label(v)
        elif dim is Dimension.SCHOOL_YEAR:
            label = f"{v}-{(int(v) + 1) % 100:02d}"
        elif dim is Dimension.SPECIAL_EDUCATION:
            label = SPECIAL_EDUCATION_LABELS.get(v, v)
        elif dim is Dimension.ENGLISH_LEARNER:
            label = ENGLISH_LEARNER_LABELS.get(v, v)
        elif dim is Dimension.LANGUAGE:
            label = LANGUAGES.get(v, v)
        elif dim is Dimension.GRADE_BAND:
            label = GRADE_BANDS[v][0] if v in GRADE_BANDS else v
        elif dim is Dimension.RACE_ETHNICITY:
            label = "Two or more" if v == "TWO_OR_MORE" else str(v)
        else:
            label = _enum_label(str(v))
        out.append(DimValue(dim, v, label))
    return sorted(out, key=lambda dv: (dv.value is None, _sort_key(dv)))


_ENUM_ORDERS = {
    Dimension.CATEGORY: list(taxonomy.CATEGORIES), Dimension.SUBCATEGORY: list(taxonomy.SUBCATEGORIES),
    Dimension.STATUS: [s.value for s in CaseStatus], Dimension.OUTCOME: [o.value for o in CaseOutcome],
    Dimension.SPECIAL_EDUCATION: [x.value for x in SpecialEducationStatus],
    Dimension.ENGLISH_LEARNER: [x.value for x in EnglishLearnerStatus],
    Dimension.GRADE_BAND: list(GRADE_BANDS),
}


def _sort_key(dv: DimValue):
    if dv.value is None:
        return (0, "")
    order = _ENUM_ORDERS.get(dv.dimension)
    if order is not None and dv.value in order:
        return (order.index(dv.value), "")
    if dv.dimension in (Dimension.MONTH, Dimension.SCHOOL_YEAR):
        return (0, str(dv.value))
    if dv.dimension is Dimension.RACE_ETHNICITY and dv.value == "TWO_OR_MORE":
        return (1, "")
    return (0, dv.label.casefold())


# ---------------------------------------------------------------- suppressed tables


@dataclass
class Table1D:
    """Counts by one dimension with their total; every count published or suppressed."""

    dimension: Dimension
    keys: list[DimValue]
    counts: list[Published]
    total: Published

    def share(self, i: int) -> PublishedNumber:
        return share(self.counts[i], self.total)


@dataclass
class Table2D:
    row_dimension: Dimension
    column_dimension: Dimension
    rows: list[DimValue]
    columns: list[DimValue]
    cells: list[list[Published]]
    row_totals: list[Published]
    column_totals: list[Published]
    total: Published

    def row_table(self) -> Table1D:
        return Table1D(self.row_dimension, self.rows, self.row_totals, self.total)

    def column_table(self) -> Table1D:
        return Table1D(self.column_dimension, self.columns, self.column_totals, self.total)


def table_1d(dim: Dimension, keys: list[DimValue], values: dict, threshold: int, *,
             force_total: bool = False) -> Table1D:
    raw = [values.get((k.value,), 0) for k in keys]
    sup = suppress_1d(raw, threshold, force_total=force_total)
    return Table1D(dim, keys, [Published.of(v, s) for v, s in zip(raw, sup.cells)],
                   Published.of(sum(raw), sup.total))


def table_2d(dims: tuple[Dimension, Dimension], rows: list[DimValue], cols: list[DimValue], values: dict,
             threshold: int) -> Table2D:
    grid = [[values.get((r.value, c.value), 0) for c in cols] for r in rows]
    sup = suppress_2d(grid, threshold)
    return Table2D(
        dims[0], dims[1], rows, cols,
        [[Published.of(v, s) for v, s in zip(grid_row, sup_row)] for grid_row, sup_row in zip(grid, sup.cells)],
        [Published.of(sum(r), s) for r, s in zip(grid, sup.row_totals)],
        [Published.of(sum(grid[i][j] for i in range(len(rows))), s) for j, s in enumerate(sup.column_totals)],
        Published.of(sum(map(sum, grid)), sup.total))


def table_2d_grouped(dims: tuple[Dimension, Dimension, Dimension], groups: list[DimValue], rows: list[DimValue],
                     row_group: list[int], cols: list[DimValue], values: dict, threshold: int
                     ) -> tuple[Table2D, Table1D]:
    """Rows nested in groups (schools in districts): the rows x columns table with its margins and the groups'
    totals, suppressed together (`suppress_2d_grouped`). `values` is keyed by (row index, column value)."""
    grid = [[values.get((i, c.value), 0) for c in cols] for i in range(len(rows))]
    res = suppress_2d_grouped(grid, row_group, threshold)
    sup = res.table
    table = Table2D(
        dims[1], dims[2], rows, cols,
        [[Published.of(v, f) for v, f in zip(grid_row, sup_row)] for grid_row, sup_row in zip(grid, sup.cells)],
        [Published.of(sum(r), f) for r, f in zip(grid, sup.row_totals)],
        [Published.of(sum(grid[i][j] for i in range(len(rows))), f) for j, f in enumerate(sup.column_totals)],
        Published.of(sum(map(sum, grid)), sup.total))
    group_values = [sum(sum(grid[i]) for i in range(len(rows)) if row_group[i] == k) for k in range(len(groups))]
    return table, Table1D(dims[0], groups, [Published.of(v, f) for v, f in zip(group_values, res.groups)],
                          table.total)


def published_total(value: int, threshold: int) -> Published:
    return Published.of(value, is_small(value, threshold))


# ---------------------------------------------------------------- issueStats


@dataclass
class StatsRow:
    keys: list[DimValue]
    cases: Published
    escalations_sent: Published | None = None
    escalations_answered: Published | None = None
    answered_within_window: Published | None = None
    overdue_now: Published | None = None
    share_answered_within_window: PublishedNumber | None = None
    median_school_days_to_answer: PublishedNumber | None = None


@dataclass
class IssueStats:
    group_by: list[Dimension]
    threshold: int
    cells: list[StatsRow]
    row_totals: list[StatsRow] = field(default_factory=list)
    column_totals: list[StatsRow] = field(default_factory=list)
    total: StatsRow | None = None


def check_group_by(group_by: list[Dimension], *, allowed: Iterable[Dimension] = DIMENSION_ORDER,
                   most: int = MAX_GROUP_BY) -> list[Dimension]:
    if len(group_by) > most:
        raise invalid(f"Group by at most {most} dimensions (a table with rows and columns).", "groupBy")
    if len(set(group_by)) != len(group_by):
        raise invalid("Each dimension at most once.", "groupBy")
    bad = [d.value for d in group_by if d not in set(allowed)]
    if bad:
        raise invalid(f"Not available here: {', '.join(bad)}.", "groupBy")
    return sorted(group_by, key=DIMENSION_ORDER.index)


class _Measure:
    """One measure's suppressed values at every level of a 0-, 1- or 2-D table."""

    def __init__(self, k: int, rows: list, cols: list, values: dict, threshold: int):
        self.cell: dict[tuple, Published] = {}
        self.row: dict[tuple, Published] = {}
        self.col: dict[tuple, Published] = {}
        if k == 0:
            self.total = published_total(values.get((), 0), threshold)
        elif k == 1:
            t = table_1d(Dimension.CATEGORY, rows, values, threshold)
            self.cell = {(key.value,): p for key, p in zip(rows, t.counts)}
            self.total = t.total
        else:
            t = table_2d((Dimension.CATEGORY, Dimension.CATEGORY), rows, cols, values, threshold)
            for i, r in enumerate(rows):
                self.row[(r.value,)] = t.row_totals[i]
                for j, c in enumerate(cols):
                    self.cell[(r.value, c.value)] = t.cells[i][j]
            self.col = {(c.value,): p for c, p in zip(cols, t.column_totals)}
            self.total = t.total


async def issue_stats(db: Database, actor: Actor, criteria: CaseCriteria, group_by: list[Dimension], *,
                      today: date, with_escalations: bool = True, campaign_id: uuid.UUID | None = None
                      ) -> IssueStats:
    require(actor, "stats", "read")
    dims = check_group_by(group_by)
    org = actor.organization_id
    where = criteria_clauses(criteria)
    async with db.transaction() as s:
        threshold = await threshold_of(s, org)
        if campaign_id is not None:
            from domain.campaigns.models import Campaign
            from domain.campaigns.service import campaign_clause
            campaign = await s.scalar(select(Campaign).where(Campaign.id == campaign_id,
                                                             Campaign.organization_id == org))
            if campaign is None:
                raise not_found("campaign", "filter.campaignId")
            where.append(campaign_clause(campaign))
        # every query is audited (dimensions and filter), so that a series of differencing queries can be seen
        audit(s, actor, "stats.query", entity_type="campaign" if campaign_id else None, entity_id=campaign_id,
              detail={"groupBy": [d.value for d in group_by], "filter": criteria.describe()})
    k = len(dims)
    calls = [case_counts(db, [org], where, dims, today=today)]
    levels = [tuple(range(k))] + ([(0,), (1,), ()] if k == 2 else [()] if k == 1 else [])
    if with_escalations:
        calls.append(escalation_summaries(db, [org], where, [[dims[i] for i in lvl] for lvl in levels], today=today))
    results = await gather(db, *calls)
    counts = results[0]
    rows = await dimension_values(db, [org], dims[0], (key[0] for key in counts)) if k >= 1 else []
    cols = await dimension_values(db, [org], dims[1], (key[1] for key in counts)) if k == 2 else []
    cases_m = _Measure(k, rows, cols, counts, threshold)
    esc_m: dict[str, _Measure] = {}
    medians: dict[tuple, dict] = {}
    if with_escalations:
        summaries = dict(zip(levels, results[1]))
        esc = summaries[levels[0]]  # cell level; margins are sums of cells (every escalation is in one cell)
        for name in ESCALATION_MEASURES:
            esc_m[name] = _Measure(k, rows, cols, {key: getattr(v.counts, name) for key, v in esc.items()}, threshold)
        medians = {lvl: {key: (v.answers_with_days, v.median_days) for key, v in found.items()}
                   for lvl, found in summaries.items()}

    def row(keys: list[DimValue], level: str, key: tuple, lvl: tuple) -> StatsRow:
        zero = Published.of(0, False)
        pick = (lambda m: m.total) if level == "total" else (lambda m: getattr(m, level).get(key, zero))
        out = StatsRow(keys=keys, cases=pick(cases_m))
        if with_escalations:
            sent, answered, within, overdue = (pick(esc_m[n]) for n in ESCALATION_MEASURES)
            n, med = medians[lvl].get(key, (0, None))
            out.escalations_sent, out.escalations_answered = sent, answered
            out.answered_within_window, out.overdue_now = within, overdue
            out.share_answered_within_window = share(within, sent)
            out.median_school_days_to_answer = median_of(n, med, threshold)
        return out

    stats = IssueStats(group_by=dims, threshold=threshold, cells=[])
    if k == 1:
        stats.cells = [row([r], "cell", (r.value,), (0,)) for r in rows]
    elif k == 2:
        stats.cells = [row([r, c], "cell", (r.value, c.value), (0, 1)) for r in rows for c in cols]
        stats.row_totals = [row([r], "row", (r.value,), (0,)) for r in rows]
        stats.column_totals = [row([c], "col", (c.value,), (1,)) for c in cols]
    stats.total = row([], "total", (), ())
    if k == 2 and dims != list(group_by):
        # computed in canonical order (so [A, B] and [B, A] suppress alike); answered in the order asked
        for r in stats.cells:
            r.keys.reverse()
        stats.cells.sort(key=lambda r: (cols.index(r.keys[0]), rows.index(r.keys[1])))
        stats.row_totals, stats.column_totals = stats.column_totals, stats.row_totals
        stats.group_by = list(group_by)
    return stats
