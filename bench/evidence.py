"""Benchmark: a campaign's evidence over many cases on PostgreSQL (not part of the tests; no pass/fail).

    .venv/bin/python bench/evidence.py --url postgresql+psycopg://user@host/db [--cases 1000000] [--runs 5]
    .venv/bin/python bench/evidence.py --url ... --org <organization id printed by a previous run>   # reuse data

Fills the database (migrated first) with one organization: 5 districts, 40 schools, N cases (half as many
families and students, 1% of families opted out of aggregates, 5% with a story consent), escalations on 10%
of the cases and 200 approved stories; all with INSERT ... SELECT FROM generate_series, in one transaction.
Then times, in the same run and on the same data:

- baseline: one raw SQL GROUP BY (school x category of the campaign's cases) turned into JSON;
- `campaign.evidence` (every table of the evidence: 14 GROUP BY queries run concurrently, suppression, stories);
- `issueStats(groupBy: [SCHOOL, MONTH])` with the escalation measures.

Use a disposable database: the data stays (the audit log is append-only, so an organization cannot be
deleted; drop the database instead).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
import uuid
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import orjson  # noqa: E402
from sqlalchemy import func, select, text  # noqa: E402

from domain.campaigns.evidence import build_evidence  # noqa: E402
from domain.campaigns.models import Campaign, CampaignCase  # noqa: E402
from domain.campaigns.service import campaign_clause  # noqa: E402
from domain.campaigns.stats import CaseCriteria, Dimension, counted_cases, issue_stats  # noqa: E402
from domain.cases.models import Case  # noqa: E402
from domain.db import Database  # noqa: E402
from domain.directory.models import District, DistrictContact, School  # noqa: E402
from domain.identity.models import Membership  # noqa: E402
from domain.identity.service import create_organization  # noqa: E402
from migrations import upgrade  # noqa: E402
from policies import Actor  # noqa: E402

SUBCATEGORIES = [("DISCIPLINE", "OUT_OF_SCHOOL_SUSPENSION"), ("DISCIPLINE", "IN_SCHOOL_SUSPENSION"),
                 ("DISCIPLINE", "EMERGENCY_REMOVAL"), ("DISCIPLINE", "RESTRAINT_SECLUSION"),
                 ("SPECIAL_EDUCATION", "EVALUATION_REQUEST_DELAY"), ("SPECIAL_EDUCATION", "IEP_SERVICES_NOT_DELIVERED"),
                 ("SPECIAL_EDUCATION", "PLAN_504"), ("LANGUAGE_ACCESS", "NO_INTERPRETER"),
                 ("LANGUAGE_ACCESS", "DOCUMENTS_NOT_TRANSLATED"), ("BULLYING_HARASSMENT", "BULLYING"),
                 ("TRANSPORTATION", "NO_BUS_SERVICE"), ("ATTENDANCE", "CHRONIC_ABSENCE")]
STATUSES = ["INTAKE", "OPEN", "OPEN", "ESCALATED", "ON_HOLD", "RESOLVED", "CLOSED"]
OUTCOMES = ["REMEDY_ACHIEVED", "PARTIAL_REMEDY", "NO_REMEDY", "FAMILY_WITHDREW"]
LANGUAGES = ["en", "es", "es", "pt", "ht", "kea", "vi", "zh"]
GRADES = ["PK", "K", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"]
RACES = ['["Hispanic or Latino"]', '["Black"]', '["White"]', '["Asian"]', '["Black", "Hispanic or Latino"]', 'null']
SPED = ["NONE", "IEP", "IEP", "PLAN_504", "EVALUATION_REQUESTED", "UNKNOWN"]
EL = ["NOT_EL", "EL", "FORMER_EL", "UNKNOWN"]


def _arr(values) -> str:
    return "ARRAY[" + ",".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


async def fill(db: Database, n: int) -> uuid.UUID:
    tag = uuid.uuid4().hex[:8]
    async with db.transaction() as s:
        org, _ = await create_organization(s, name=f"Bench Parents {tag}", chapters=["North", "South", "East"],
                                           admin_email=f"bench-{tag}@example.org", admin_password="bench-password-1")
        districts = [District(organization_id=org.id, name=f"District {k}", state="MA") for k in range(5)]
        s.add_all(districts)
        await s.flush()
        schools = [School(organization_id=org.id, district_id=districts[k % 5].id, name=f"School {k}")
                   for k in range(40)]
        contacts = [DistrictContact(organization_id=org.id, district_id=d.id, name="Office", ladder_level=2,
                                    issue_areas=[]) for d in districts]
        s.add_all(schools + contacts)
        await s.flush()
        school_ids = [str(x.id) for x in schools]
        school_district = [str(districts[k % 5].id) for k in range(40)]
        contact_of = [str(contacts[k % 5].id) for k in range(40)]
    families = max(1, n // 2)
    o = str(org.id)
    fam = f"md5('{o}-f-' || g.i)::uuid"
    started = time.perf_counter()
    async with db.transaction() as s:
        await s.execute(text(f"""
            INSERT INTO families (id, organization_id, display_name, guardians, preferred_language,
                                  interpreter_needed, contact_channels, version, created_at, updated_at)
            SELECT {fam}, '{o}', 'Family ' || g.i, '[]'::json,
                   ({_arr(LANGUAGES)})[1 + g.i % {len(LANGUAGES)}], false, '[]'::json, 1, now(), now()
            FROM generate_series(1, {families}) AS g(i)"""))
        await s.execute(text(f"""
            INSERT INTO students (id, organization_id, family_id, first_name, last_name, grade, special_education,
                                  english_learner, race_ethnicity, version, created_at, updated_at)
            SELECT md5('{o}-s-' || g.i)::uuid, '{o}', {fam}, 'First', 'Last',
                   ({_arr(GRADES)})[1 + g.i % {len(GRADES)}], ({_arr(SPED)})[1 + g.i % {len(SPED)}],
                   ({_arr(EL)})[1 + g.i % {len(EL)}], (({_arr(RACES)})[1 + g.i % {len(RACES)}])::json,
                   1, now(), now()
            FROM generate_series(1, {families}) AS g(i)"""))
        await s.execute(text(f"""
            INSERT INTO consents (id, organization_id, family_id, kind, method, signed_on, recorded_at)
            SELECT md5('{o}-c-' || g.i)::uuid, '{o}', {fam},
                   CASE WHEN g.i % 100 = 0 THEN 'AGGREGATE_OPT_OUT' ELSE 'SHARE_STORY' END, 'WRITTEN',
                   date '2024-01-01', now()
            FROM generate_series(1, {families}) AS g(i) WHERE g.i % 100 = 0 OR g.i % 20 = 1"""))
        await s.execute(text(f"""
            INSERT INTO cases (id, organization_id, family_id, student_id, school_id, district_id, category,
                               subcategory, title, narrative, priority, priority_rank, status, opened_on, outcome,
                               tags, version, created_at, updated_at)
            SELECT md5('{o}-k-' || g.i)::uuid, '{o}', md5('{o}-f-' || (1 + g.i % {families}))::uuid,
                   md5('{o}-s-' || (1 + g.i % {families}))::uuid,
                   (({_arr(school_ids)})[1 + g.i % 40])::uuid, (({_arr(school_district)})[1 + g.i % 40])::uuid,
                   ({_arr([c for c, _ in SUBCATEGORIES])})[1 + g.i % {len(SUBCATEGORIES)}],
                   ({_arr([x for _, x in SUBCATEGORIES])})[1 + g.i % {len(SUBCATEGORIES)}],
                   'Case ' || g.i, '', 'NORMAL', 2, ({_arr(STATUSES)})[1 + g.i % {len(STATUSES)}],
                   date '2023-09-01' + (g.i % 900),
                   CASE WHEN g.i % {len(STATUSES)} >= 5 THEN ({_arr(OUTCOMES)})[1 + g.i % 4] END,
                   CASE WHEN g.i % 3 = 0 THEN '["iep"]'::json ELSE '[]'::json END, 1, now(), now()
            FROM generate_series(1, {n}) AS g(i)"""))
        await s.execute(text(f"""
            INSERT INTO escalations (id, organization_id, case_id, district_id, contact_id, level, level_name,
                                     channel, summary, remedy_requested, sent_at, sent_on,
                                     response_window_school_days, response_due_on, status, responded_on,
                                     response_school_days, version, updated_at)
            SELECT md5('{o}-e-' || g.i)::uuid, '{o}', md5('{o}-k-' || g.i)::uuid,
                   (({_arr(school_district)})[1 + g.i % 40])::uuid, (({_arr(contact_of)})[1 + g.i % 40])::uuid,
                   2, 'District office', 'EMAIL', 's', 'r', now(), date '2023-09-01' + (g.i % 900), 10,
                   date '2023-09-15' + (g.i % 900),
                   CASE WHEN g.i % 4 = 0 THEN 'SENT' ELSE 'RESPONDED' END,
                   CASE WHEN g.i % 4 = 0 THEN NULL ELSE date '2023-09-01' + (g.i % 900) + (g.i % 25) END,
                   CASE WHEN g.i % 4 = 0 THEN NULL ELSE (g.i % 25) * 5 / 7 END, 1, now()
            FROM generate_series(1, {n}) AS g(i) WHERE g.i % 10 = 0"""))
        await s.execute(text(f"""
            INSERT INTO stories (id, organization_id, case_id, title, body, status, version, created_at, updated_at,
                                 reviewed_at)
            SELECT md5('{o}-t-' || g.i)::uuid, '{o}', md5('{o}-k-' || g.i)::uuid, 'Story ' || g.i,
                   'A parent told us what happened.', 'APPROVED', 1, now(), now(), now()
            FROM generate_series(20, {n}, greatest(20, {n} / 4000 * 20)) AS g(i)"""))
    async with db.engine.connect() as conn:
        await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.execute(text("ANALYZE"))
    print(f"filled {n:,} cases in {time.perf_counter() - started:.1f}s; organization {org.id}")
    return org.id


async def campaign_of(db: Database, org_id: uuid.UUID) -> Campaign:
    async with db.transaction() as s:
        c = await s.scalar(select(Campaign).where(Campaign.organization_id == org_id, Campaign.name == "Bench"))
        if c is None:
            c = Campaign(organization_id=org_id, name="Bench", goal="", criteria={
                "categories": ["DISCIPLINE", "SPECIAL_EDUCATION"], "opened_from": "2023-09-01"})
            s.add(c)
            await s.flush()
            ids = (await s.scalars(text("SELECT id FROM cases WHERE organization_id = :o AND category = "
                                        "'LANGUAGE_ACCESS' LIMIT 500"), {"o": org_id})).all()
            s.add_all(CampaignCase(organization_id=org_id, campaign_id=c.id, case_id=i, reason="bench") for i in ids)
    return c


async def timed(label: str, runs: int, fn) -> float:
    await fn()  # warm-up (plans, caches)
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        await fn()
        times.append(time.perf_counter() - t)
    med = statistics.median(times)
    print(f"{label:<48} median {med * 1000:8.1f} ms   min {min(times) * 1000:8.1f} ms   ({runs} runs)")
    return med


async def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--url", required=True, help="postgresql+psycopg://... (a disposable database)")
    p.add_argument("--cases", type=int, default=1_000_000)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--org", help="reuse the data of a previous run (organization id)")
    args = p.parse_args()
    if not args.url.startswith("postgresql"):
        sys.exit("the benchmark fills PostgreSQL (generate_series); pass a postgresql+psycopg:// URL")
    upgrade(args.url)
    db = Database(args.url)
    try:
        org_id = uuid.UUID(args.org) if args.org else await fill(db, args.cases)
        campaign = await campaign_of(db, org_id)
        async with db.reader() as s:  # a real member: issueStats writes an audit row (users.id foreign key)
            member = await s.scalar(select(Membership.user_id).where(Membership.organization_id == org_id).limit(1))
        actor = Actor(user_id=member, organization_id=org_id, roles=frozenset({"campaign_lead"}),
                      chapter_ids=frozenset(), permissions=frozenset({("campaign", "read"), ("stats", "read")}))
        today = date.today()

        async def baseline():
            q = (select(Case.school_id, Case.category, func.count()).where(
                campaign_clause(campaign), counted_cases(today)).group_by(Case.school_id, Case.category))
            async with db.reader() as s:
                rows = (await s.execute(q)).all()
            return orjson.dumps([[str(a), b, c] for a, b, c in rows])

        async def evidence():
            return await build_evidence(db, campaign, today=today)

        async def pivot():
            return await issue_stats(db, actor, CaseCriteria(), [Dimension.SCHOOL, Dimension.MONTH], today=today)

        async with db.reader() as s:
            total = await s.scalar(text("SELECT count(*) FROM cases WHERE organization_id = :o"), {"o": org_id})
        print(f"organization {org_id}: {total:,} cases")
        base = await timed("baseline: one GROUP BY + JSON", args.runs, baseline)
        ev = await timed("campaign.evidence (all tables, stories)", args.runs, evidence)
        await timed("issueStats [SCHOOL, MONTH] + escalations", args.runs, pivot)
        print(f"evidence / baseline: {ev / base:.1f}x")
        e = await evidence()
        print(f"evidence: {e.cases.value} cases, {len(e.stories)} stories, {len(e.by_school.keys)} schools")
    finally:
        await db.dispose()


if __name__ == "__main__":
    asyncio.run(main())
