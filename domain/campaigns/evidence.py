"""A campaign's evidence: suppressed counts and consented stories, computed when asked (never stored).

Every count is over the campaign's cases (criteria matches plus linked cases) whose family has not opted
out of aggregates. Cases by school and by category are the margins of one school x category table, so
their suppression agrees; every table shares the grand total, which is only suppressed when it is small.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from domain.campaigns.models import Campaign
from domain.campaigns.service import campaign_clause
from domain.campaigns.stats import (
    ESCALATION_MEASURES, SUBGROUPS, DimValue, Dimension, Table1D, Table2D, case_counts_multi, dimension_values,
    escalation_summaries, family_count, gather, published_total, table_1d, table_2d, threshold_of,
)
from domain.campaigns.stories import PublishedStory, published_stories
from domain.campaigns.suppression import Published, PublishedNumber, median_of, share, suppress_1d
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


ONE_D = (Dimension.DISTRICT, Dimension.MONTH, Dimension.STATUS, Dimension.OUTCOME, *SUBGROUPS)


async def build_evidence(db: Database, campaign: Campaign, *, today: date) -> Evidence:
    """No authorization here: callers check campaign:read (or evidence:export) and the tenant first."""
    org = campaign.organization_id
    where = [campaign_clause(campaign)]
    async with db.reader() as s:
        threshold = await threshold_of(s, org)
    results = await gather(
        db,
        case_counts_multi(db, [org], where, [[Dimension.SCHOOL, Dimension.CATEGORY], *([d] for d in ONE_D)],
                          today=today),
        family_count(db, [org], where, today=today),
        escalation_summaries(db, [org], where, [[Dimension.DISTRICT], []], today=today),
        published_stories(db, campaign, today=today),
    )
    (grid, *one_d), families, (esc, esc_total), stories = results

    schools = await dimension_values(db, [org], Dimension.SCHOOL, (k[0] for k in grid))
    categories = await dimension_values(db, [org], Dimension.CATEGORY, (k[1] for k in grid))
    school_by_category = table_2d((Dimension.SCHOOL, Dimension.CATEGORY), schools, categories, grid, threshold)
    tables: dict[Dimension, Table1D] = {}
    for dim, counts in zip(ONE_D, one_d):
        keys = await dimension_values(db, [org], dim, (k[0] for k in counts))
        tables[dim] = table_1d(dim, keys, counts, threshold)

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
        by_district=tables[Dimension.DISTRICT], by_month=tables[Dimension.MONTH], by_status=tables[Dimension.STATUS],
        outcomes=tables[Dimension.OUTCOME], by_subgroup=[tables[d] for d in SUBGROUPS],
        responsiveness=[resp(i, d, esc.get((d.value,))) for i, d in enumerate(districts)],
        responsiveness_total=resp(None, None, esc_total.get(())), stories=stories)


async def campaign_for_evidence(db: Database, actor: Actor, campaign_id: uuid.UUID) -> Campaign | None:
    async with db.reader() as s:
        return await s.scalar(select(Campaign).where(Campaign.id == campaign_id,
                                                     Campaign.organization_id == actor.organization_id))
