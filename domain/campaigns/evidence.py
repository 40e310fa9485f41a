"""A campaign's evidence: suppressed counts and consented stories, computed when asked (never stored).

Every count is over the campaign's cases (criteria matches plus linked cases) whose family has not opted
out of aggregates. Cases by school and by category are the margins of one school x category table, and cases by
district are the totals of its schools' rows: the three are suppressed together (a school alone in its district,
or all but one school of a district, must not be revealed by the district's total). Every table shares the grand
total, which is only suppressed when it is small (or, as a last resort, then in every table).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from domain.campaigns.models import Campaign
from domain.campaigns.service import campaign_clause
from domain.campaigns.stats import (
    ESCALATION_MEASURES, NOT_RECORDED, SUBGROUPS, DimValue, Dimension, Table1D, Table2D, case_counts_multi,
    dimension_values, escalation_summaries, family_count, gather, published_total, table_1d,
    table_2d_grouped, threshold_of,
)
from domain.campaigns.stories import PublishedStory, published_stories
from domain.campaigns.suppression import Published, PublishedNumber, is_small, median_of, share, suppress_1d
from domain.db import Database
from policies import Actor


@dataclass
class ResponsivenessRow:
    district: DimValue | None  # None: every district together
    sent: Published
    answered: Published
    answered_within_window: Published
    overdue_now: Published
    share_answered_within_window: PublishedNumber
    median_school_days_to_answer: PublishedNumber


@dataclass
class Evidence:
    campaign: Campaign
    as_of: date
    threshold: int
    cases: Published
    families: Published
    school_by_category: Table2D
    by_district: Table1D
    by_month: Table1D
    by_status: Table1D
    outcomes: Table1D
    by_subgroup: list[Table1D]
    responsiveness: list[ResponsivenessRow]
    responsiveness_total: ResponsivenessRow
    stories: list[PublishedStory]

    @property
    def by_school(self) -> Table1D:
        return self.school_by_category.row_table()

    @property
    def by_category(self) -> Table1D:
        return self.school_by_category.column_table()


ONE_D = (Dimension.MONTH, Dimension.STATUS, Dimension.OUTCOME, *SUBGROUPS)
GRID = [Dimension.DISTRICT, Dimension.SCHOOL, Dimension.CATEGORY]


async def build_evidence(db: Database, campaign: Campaign, *, today: date) -> Evidence:
    """No authorization here: callers check campaign:read (or evidence:export) and the tenant first."""
    org = campaign.organization_id
    where = [campaign_clause(campaign)]
    async with db.reader() as s:
        threshold = await threshold_of(s, org)
    results = await gather(
        db,
        case_counts_multi(db, [org], where, [GRID, *([d] for d in ONE_D)], today=today),
        family_count(db, [org], where, today=today),
        escalation_summaries(db, [org], where, [[Dimension.DISTRICT], []], today=today),
        published_stories(db, campaign, today=today),
    )
    (grid, *one_d), families, (esc, esc_total), stories = results

    school_by_category, by_district = await _school_grid(db, org, grid, threshold)
    # the grand total is shared by every table: suppressed in one (only ever as a last resort), in all
    force_total = school_by_category.total.suppressed and not is_small(sum(grid.values()), threshold)
    tables: dict[Dimension, Table1D] = {}
    for dim, counts in zip(ONE_D, one_d):
        keys = await dimension_values(db, [org], dim, (k[0] for k in counts))
        tables[dim] = table_1d(dim, keys, counts, threshold, force_total=force_total)

    districts = await dimension_values(db, [org], Dimension.DISTRICT, (k[0] for k in esc))
    measures: dict[str, tuple[list[Published], Published]] = {}
    for name in ESCALATION_MEASURES:
        raw = [getattr(esc[(d.value,)].counts, name) for d in districts]
        sup = suppress_1d(raw, threshold)
        measures[name] = ([Published.of(x, f) for x, f in zip(raw, sup.cells)], Published.of(sum(raw), sup.total))

    def resp(i: int | None, district: DimValue | None, summary) -> ResponsivenessRow:
        pick = (lambda name: measures[name][1]) if i is None else (lambda name: measures[name][0][i])
        n, m = (summary.answers_with_days, summary.median_days) if summary else (0, None)
        return ResponsivenessRow(
            district=district, sent=pick("sent"), answered=pick("answered"),
            answered_within_window=pick("answered_within_window"), overdue_now=pick("overdue_now"),
            share_answered_within_window=share(pick("answered_within_window"), pick("sent")),
            median_school_days_to_answer=median_of(n, m, threshold))

    return Evidence(
        campaign=campaign, as_of=today, threshold=threshold, cases=school_by_category.total,
        families=published_total(families, threshold), school_by_category=school_by_category,
        by_district=by_district, by_month=tables[Dimension.MONTH], by_status=tables[Dimension.STATUS],
        outcomes=tables[Dimension.OUTCOME], by_subgroup=[tables[d] for d in SUBGROUPS],
        responsiveness=[resp(i, d, esc.get((d.value,))) for i, d in enumerate(districts)],
        responsiveness_total=resp(None, None, esc_total.get(())), stories=stories)


async def _school_grid(db: Database, org, grid: dict, threshold: int) -> tuple[Table2D, Table1D]:
    """School x category with its margins, and cases by district (the schools' districts), suppressed together.

    `grid` is keyed by (district, school, category). A row is a (district, school) pair: a school whose cases name
    two districts (inconsistent records) is two rows; cases without a school are a row of their district."""
    districts = await dimension_values(db, [org], Dimension.DISTRICT, (k[0] for k in grid))
    schools = await dimension_values(db, [org], Dimension.SCHOOL, (k[1] for k in grid))
    categories = await dimension_values(db, [org], Dimension.CATEGORY, (k[2] for k in grid))
    d_index = {d.value: i for i, d in enumerate(districts)}
    s_index = {sc.value: i for i, sc in enumerate(schools)}
    pairs = sorted({(k[0], k[1]) for k in grid}, key=lambda p: (d_index[p[0]], s_index[p[1]]))
    row_of = {p: i for i, p in enumerate(pairs)}
    rows = []
    for d, sc in pairs:
        school = schools[s_index[sc]]
        if sc is None:
            district = districts[d_index[d]]
            school = DimValue(Dimension.SCHOOL, None, NOT_RECORDED if d is None else
                              f"{NOT_RECORDED} ({district.label})")
        rows.append(school)
    values: dict = {}
    for (d, sc, cat), n in grid.items():
        values[row_of[d, sc], cat] = values.get((row_of[d, sc], cat), 0) + n
    return table_2d_grouped(tuple(GRID), districts, rows, [d_index[d] for d, _ in pairs], categories, values,
                            threshold)


async def campaign_for_evidence(db: Database, actor: Actor, campaign_id: uuid.UUID) -> Campaign | None:
    async with db.reader() as s:
        return await s.scalar(select(Campaign).where(Campaign.id == campaign_id,
                                                     Campaign.organization_id == actor.organization_id))
