"""A realistic national-network dataset in PostgreSQL, loaded with COPY (psycopg 3), not the ORM.

    .venv/bin/python -m bench.generate --url postgresql+psycopg://user@host/db --cases 100000

Organizations, their chapters, users, policies and escalation ladders are created with the domain code
(`create_organization`, `create_user`), so that sign-in, permissions and record scope work as in production;
everything bulky (families, students, consents, cases, assignees, timelines, escalations, campaign links,
stories) is generated in Python from a fixed seed and streamed with `COPY ... FROM STDIN`.

Shape (N = --cases):

- max(4, N // 5000) organizations (a national network); organization 0, "Bench Parents United", holds
  max(5000, N // 20) cases and is the one the benchmark signs in to; the rest are spread unevenly over the
  others (2-5 chapters, 1-3 districts with 8 schools and a contact per ladder level each).
- ~0.6 families per case, 1-2 students per family, consents (70% share-with-district, 15% story, 2% opt-out),
  cases over the last three school years in every status, 1-2 assignees, ~5 timeline events per case,
  escalations on escalated and half of the finished cases, 2 campaigns per organization (criteria-based and
  with linked cases) and approved stories.

The bench organization's users all sign in with BENCH_PASSWORD (emails in `users_of`).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("ADVOCASE_ARGON2_TIME_COST", "1")
os.environ.setdefault("ADVOCASE_ARGON2_MEMORY_KIB", "8192")

import orjson  # noqa: E402
import psycopg  # noqa: E402

from domain.cases.taxonomy import TAXONOMY  # noqa: E402
from domain.db import Database  # noqa: E402
from domain.directory.models import District, DistrictContact, School  # noqa: E402
from domain.escalations.models import DEFAULT_LADDER  # noqa: E402
from domain.identity.service import create_organization, create_user  # noqa: E402
from migrations import upgrade  # noqa: E402

BENCH_ORG = "Bench Parents United"
BENCH_PASSWORD = "bench-password-2026"
SEED = 20261123

FIRST = ["Ana", "Luis", "Maria", "Jose", "Thi", "Minh", "Wei", "Li", "Fatima", "Amadou", "Jean", "Rose", "Kevin",
         "Aisha", "Carlos", "Lucia", "Nadia", "Samuel", "Daniela", "Joao", "Mariana", "Tran", "Yolanda", "Marcus"]
LAST = ["Garcia", "Rodriguez", "Nguyen", "Tran", "Pierre", "Joseph", "Silva", "Santos", "Chen", "Wang", "Diallo",
        "Johnson", "Williams", "Lopez", "Martinez", "Fernandes", "Barros", "Le", "Pham", "Brown", "Cruz", "Reyes"]
LANGS = ["en", "en", "es", "es", "es", "pt", "ht", "kea", "vi", "zh", "so", "ar"]
GRADES = ["PK", "K", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"]
SPED = ["NONE", "NONE", "IEP", "IEP", "PLAN_504", "EVALUATION_REQUESTED", "UNKNOWN"]
EL = ["NOT_EL", "NOT_EL", "EL", "FORMER_EL", "UNKNOWN"]
RACES = [["Hispanic or Latino"], ["Black or African American"], ["White"], ["Asian"],
         ["Black or African American", "Hispanic or Latino"], None]
CHANNELS = ["PHONE", "SMS", "WHATSAPP", "EMAIL"]
# status -> weight; the path a case took to get there
STATUS_PATHS = {
    "INTAKE": (8, ["INTAKE"]), "OPEN": (25, ["INTAKE", "OPEN"]),
    "ESCALATED": (15, ["INTAKE", "OPEN", "ESCALATED"]), "ON_HOLD": (5, ["INTAKE", "OPEN", "ON_HOLD"]),
    "RESOLVED": (17, ["INTAKE", "OPEN", "ESCALATED", "RESOLVED"]),
    "CLOSED": (30, ["INTAKE", "OPEN", "RESOLVED", "CLOSED"]),
}
OUTCOMES = ["REMEDY_ACHIEVED", "REMEDY_ACHIEVED", "PARTIAL_REMEDY", "NO_REMEDY", "FAMILY_WITHDREW", "REFERRED_OUT"]
PRIORITIES = [("LOW", 1), ("NORMAL", 2), ("NORMAL", 2), ("NORMAL", 2), ("HIGH", 3), ("URGENT", 4)]
TITLE_WORDS = {
    "DISCIPLINE": ["suspension without manifestation determination", "removal during lunch", "repeated dismissals",
                   "suspension for a dress code issue", "police called for a tantrum"],
    "SPECIAL_EDUCATION": ["evaluation requested months ago", "speech services missed", "IEP meeting not scheduled",
                          "aide not provided", "504 accommodations ignored"],
    "LANGUAGE_ACCESS": ["no interpreter at IEP meeting", "report card only in English", "phone line has no Spanish",
                        "EL services stopped"],
}
TAGS = ["iep", "oss", "interpreter", "repeat", "transport", "bilingual", "urgent-review", "board-testimony"]
NOTES = ["Called the parent; the school has not answered yet.", "Met with the principal and the parent.",
         "Requested the student's records in writing.", "Parent reports the bus did not come again.",
         "Sent the consent form in the family's language.", "School agreed to hold an IEP meeting next week.",
         "Interpreter did not show up; meeting rescheduled.", "Shared the discipline policy with the family."]
TABLES = ["families", "students", "consents", "cases", "case_assignees", "case_events", "escalations",
          "campaigns", "campaign_leads", "campaign_cases", "stories"]


@dataclass
class Org:
    id: uuid.UUID
    name: str
    n_cases: int
    chapters: list[uuid.UUID]
    users: dict[str, uuid.UUID] = field(default_factory=dict)   # role key -> id
    advocates: dict[uuid.UUID, list[uuid.UUID]] = field(default_factory=dict)  # chapter -> advocate ids
    schools: list[tuple[uuid.UUID, uuid.UUID]] = field(default_factory=list)  # (school, district)
    contacts: dict[tuple[uuid.UUID, int], uuid.UUID] = field(default_factory=dict)  # (district, level) -> contact


def users_of(org_index: int, tag: str) -> dict[str, str]:
    """Role key -> email of the users created for an organization (the bench one has passwords)."""
    return {"admin": f"admin-{org_index}-{tag}@bench.example.org",
            "lead": f"lead-{org_index}-{tag}@bench.example.org",
            "viewer": f"viewer-{org_index}-{tag}@bench.example.org"}


def _sizes(n: int, rnd: random.Random) -> list[int]:
    orgs = max(4, n // 5000)
    first = min(n // 2, max(5000, n // 20))
    rest = n - first
    weights = [rnd.paretovariate(1.5) for _ in range(orgs - 1)]
    total = sum(weights)
    sizes = [max(1, int(rest * w / total)) for w in weights]
    sizes[0] += rest - sum(sizes)
    return [first] + sizes


async def _make_orgs(db: Database, n: int, tag: str, rnd: random.Random) -> list[Org]:
    orgs: list[Org] = []
    for i, size in enumerate(_sizes(n, rnd)):
        name = BENCH_ORG if i == 0 else f"Network Member {i:03d}"
        chapter_names = [f"Chapter {k + 1}" for k in range(5 if i == 0 else rnd.randint(2, 5))]
        emails = users_of(i, tag)
        password = BENCH_PASSWORD if i == 0 else None
        async with db.transaction() as s:
            org, admin = await create_organization(
                s, name=f"{name} {tag}", chapters=chapter_names, admin_email=emails["admin"],
                admin_password=BENCH_PASSWORD if i == 0 else "x" * 16, admin_name=f"Admin {i}")
            from sqlalchemy import select

            from domain.identity.models import Chapter
            chapters = list(await s.scalars(select(Chapter.id).where(Chapter.organization_id == org.id)
                                            .order_by(Chapter.name)))
            o = Org(id=org.id, name=org.name, n_cases=size, chapters=chapters)
            o.users["admin"] = admin.id
            o.users["lead"] = (await create_user(s, organization_id=org.id, email=emails["lead"], password=password,
                                                 display_name=f"Lead {i}", roles=["campaign_lead"])).id
            o.users["viewer"] = (await create_user(s, organization_id=org.id, email=emails["viewer"],
                                                   password=password, display_name=f"Viewer {i}", roles=["viewer"],
                                                   chapter_ids=chapters[:1])).id
            for c, chapter in enumerate(chapters):
                o.advocates[chapter] = []
                for k in range(2):
                    email = f"advocate-{i}-{c + 1}-{k + 1}-{tag}@bench.example.org"
                    u = await create_user(s, organization_id=org.id, email=email, password=password,
                                          display_name=f"{rnd.choice(FIRST)} {rnd.choice(LAST)}",
                                          roles=["advocate"], chapter_ids=[chapter])
                    o.advocates[chapter].append(u.id)
                    o.users[f"advocate-{c + 1}-{k + 1}"] = u.id
            for d in range(1 if size < 2000 else rnd.randint(2, 3)):
                district = District(organization_id=org.id, name=f"{rnd.choice(LAST)} Public Schools {d + 1}",
                                    state=rnd.choice(["MA", "OR", "NY", "CA", "TX", "IL"]))
                s.add(district)
                await s.flush()
                schools = [School(organization_id=org.id, district_id=district.id,
                                  name=f"{rnd.choice(LAST)} {kind} School {k + 1}", level=level)
                           for k, (kind, level) in enumerate([("Elementary", "K-5")] * 4 + [("Middle", "6-8")] * 2
                                                             + [("High", "9-12")] * 2)]
                s.add_all(schools)
                contacts = {lvl: DistrictContact(organization_id=org.id, district_id=district.id,
                                                 name=f"{rnd.choice(FIRST)} {rnd.choice(LAST)}", title=lname,
                                                 office=lname, email=f"level{lvl}@d{d}.org{i}.example.org",
                                                 issue_areas=[], ladder_level=lvl)
                            for lvl, lname, _ in DEFAULT_LADDER}
                s.add_all(contacts.values())
                await s.flush()
                o.schools += [(x.id, district.id) for x in schools]
                o.contacts.update({(district.id, lvl): c.id for lvl, c in contacts.items()})
        orgs.append(o)
    return orgs


def _uuid(rnd: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rnd.getrandbits(128), version=4)


def _rows(org: Org, today: date, rnd: random.Random) -> dict[str, list[tuple]]:
    """Every bulk row of one organization, per table."""
    now = datetime.now(timezone.utc)
    out: dict[str, list[tuple]] = {t: [] for t in TABLES}
    oid = org.id
    all_advocates = [a for ads in org.advocates.values() for a in ads]
    n_fam = max(1, int(org.n_cases * 0.6))
    families = []  # (id, chapter, [(student id, school, district)], consents)
    for _ in range(n_fam):
        fid = _uuid(rnd)
        chapter = rnd.choice(org.chapters)
        last = rnd.choice(LAST)
        lang = rnd.choice(LANGS)
        created = now - timedelta(days=rnd.randint(30, 1100))
        guardians = [{"name": f"{rnd.choice(FIRST)} {last}", "relationship": "parent",
                      "phone": f"555-01{rnd.randint(0, 99):02d}", "email": None, "language": lang}]
        out["families"].append((fid, oid, chapter, f"{last} family", orjson.dumps(guardians).decode(),
                                f"555-01{rnd.randint(0, 99):02d}", None, "Neighborhood", lang, lang != "en",
                                orjson.dumps(rnd.sample(CHANNELS, 2)).decode(), 1,
                                rnd.choice(org.advocates[chapter]), created, created))
        kids = []
        for _ in range(1 if rnd.random() < 0.7 else 2):
            sid = _uuid(rnd)
            school, district = rnd.choice(org.schools)
            race = rnd.choice(RACES)
            out["students"].append((sid, oid, fid, rnd.choice(FIRST), last, school, rnd.choice(GRADES),
                                    rnd.choice(SPED), rnd.choice(EL), None if race is None else orjson.dumps(race).decode(),
                                    rnd.choice(["F", "M", None]), 1, created, created))
            kids.append((sid, school, district))
        consent = rnd.random()
        kinds = []
        if consent < 0.70:
            kinds.append("SHARE_WITH_DISTRICT")
        if consent < 0.15:
            kinds.append("SHARE_STORY")
        if consent > 0.98:
            kinds.append("AGGREGATE_OPT_OUT")
        for kind in kinds:
            signed = (created + timedelta(days=rnd.randint(0, 20))).date()
            out["consents"].append((_uuid(rnd), oid, fid, kind, rnd.choice(["WRITTEN", "ELECTRONIC"]), signed,
                                    None if kind != "SHARE_WITH_DISTRICT" else "School district",
                                    None, org.users["admin"], created))
        families.append((fid, chapter, kids, set(kinds)))

    statuses = list(STATUS_PATHS)
    weights = [STATUS_PATHS[s][0] for s in statuses]
    categories = list(TAXONOMY)
    cat_weights = [30, 30, 15, 8, 5, 4, 3, 4, 1]
    lead = org.users["lead"]
    linked, story_candidates = [], []
    for _ in range(org.n_cases):
        cid = _uuid(rnd)
        fid, chapter, kids, consents = rnd.choice(families)
        student, school, district = rnd.choice(kids)
        cat = rnd.choices(categories, cat_weights)[0]
        sub = rnd.choice(list(TAXONOMY[cat][1]))
        status = rnd.choices(statuses, weights)[0]
        path = STATUS_PATHS[status][1]
        opened = today - timedelta(days=rnd.randint(0, 1095))
        words = rnd.choice(TITLE_WORDS.get(cat, [TAXONOMY[cat][1][sub].lower()]))
        title = f"{TAXONOMY[cat][1][sub]}: {words}"
        priority, rank = rnd.choice(PRIORITIES)
        advocate = rnd.choice(org.advocates[chapter])
        active = status in ("INTAKE", "OPEN", "ESCALATED", "ON_HOLD")
        due = opened + timedelta(days=rnd.randint(5, 120)) if active else None
        resolved = opened + timedelta(days=rnd.randint(10, 200)) if status in ("RESOLVED", "CLOSED") else None
        if resolved and resolved > today:
            resolved = today
        closed = resolved + timedelta(days=rnd.randint(0, 30)) if status == "CLOSED" else None
        if closed and closed > today:
            closed = today
        outcome = rnd.choice(OUTCOMES) if resolved else None
        tags = orjson.dumps(sorted(set(rnd.sample(TAGS, rnd.choice([0, 0, 1, 1, 2]))))).decode()
        t0 = datetime.combine(opened, datetime.min.time(), timezone.utc) + timedelta(hours=9)
        narrative = (f"The family reports: {words}. The student ({rnd.choice(GRADES)}) has been affected since "
                     f"{opened:%B}. " + rnd.choice(NOTES))
        events = []
        prev = None
        t = t0
        for st in path:
            events.append(("STATUS_CHANGE", "Case opened" if prev is None else f"Status: {prev} → {st}",
                           {"to": st} if prev is None else {"from": prev, "to": st}, t))
            prev = st
            for _ in range(rnd.randint(0, 2)):
                t = t + timedelta(days=rnd.randint(1, 12), minutes=rnd.randint(0, 600))
                events.append((rnd.choice(["NOTE", "NOTE", "CALL", "MEETING", "DOCUMENT"]), rnd.choice(NOTES), {}, t))
            t = t + timedelta(days=rnd.randint(1, 10))
        updated = min(t, datetime.now(timezone.utc))
        out["cases"].append((cid, oid, chapter, fid, student, school, district, cat, sub, title, narrative, priority,
                             rank, status, opened, opened - timedelta(days=rnd.randint(0, 10)), due, resolved, closed,
                             outcome, None, tags, 1, advocate, t0, updated))
        assignees = [advocate] + ([rnd.choice(all_advocates)] if rnd.random() < 0.1 else [])
        for u in dict.fromkeys(assignees):
            out["case_assignees"].append((oid, cid, u, t0))
        for kind, body, data, at in events:
            at = min(at, updated)
            out["case_events"].append((_uuid(rnd), oid, cid, kind, body, at, orjson.dumps(data).decode(),
                                       advocate, at))
        if "SHARE_WITH_DISTRICT" in consents and ("ESCALATED" in path and (status == "ESCALATED" or rnd.random() < .5)):
            level = rnd.choice([1, 1, 2])
            sent = opened + timedelta(days=rnd.randint(1, 30))
            sent = min(sent, today)
            window = DEFAULT_LADDER[level - 1][2]
            due_on = sent + timedelta(days=window * 7 // 5)
            answered = status != "ESCALATED" or rnd.random() < 0.4
            responded = min(sent + timedelta(days=rnd.randint(1, 40)), today) if answered else None
            out["escalations"].append((
                _uuid(rnd), oid, cid, district, org.contacts[(district, level)], None, level,
                DEFAULT_LADDER[level - 1][1], None, "EMAIL", "Request for a meeting and a remedy.",
                "Reinstate services and hold a meeting.",
                datetime.combine(sent, datetime.min.time(), timezone.utc) + timedelta(hours=10), sent, window, due_on,
                "RESPONDED" if answered else "SENT", None, responded, "Answered." if answered else None,
                (responded - sent).days * 5 // 7 if responded else None, None, None, advocate, 1, updated))
        if cat == "LANGUAGE_ACCESS" and len(linked) < 300:
            linked.append(cid)
        if "SHARE_STORY" in consents and rnd.random() < 0.3 and len(story_candidates) < 400:
            story_candidates.append((cid, cat))

    criteria_campaign, linked_campaign = _uuid(rnd), _uuid(rnd)
    district0 = org.schools[0][1]
    out["campaigns"] += [
        (criteria_campaign, oid, "Stop suspending students with IEPs", "End out-of-school suspensions of students "
         "with disabilities.", "School Committee", district0, "ACTIVE",
         orjson.dumps({"categories": ["DISCIPLINE", "SPECIAL_EDUCATION"],
                       "opened_from": (today - timedelta(days=730)).isoformat()}).decode(), 1, lead, now, now),
        (linked_campaign, oid, "Interpreters at every meeting", "Language access at IEP and discipline meetings.",
         None, None, "ACTIVE", "{}", 1, lead, now, now)]
    out["campaign_leads"] += [(oid, criteria_campaign, lead), (oid, linked_campaign, lead)]
    out["campaign_cases"] += [(oid, linked_campaign, cid, "Interpreter missing", lead, now) for cid in linked]
    for cid, cat in story_candidates:
        out["stories"].append((_uuid(rnd), oid, cid, f"A {TAXONOMY[cat][0].lower()} story",
                               "A parent told us what happened at the school and what changed after we organized.",
                               "APPROVED", lead, lead, org.users["admin"], now, None, 1, now, now))
    return out


COLUMNS = {
    "families": "id, organization_id, chapter_id, display_name, guardians, phone, email, address_area, "
                "preferred_language, interpreter_needed, contact_channels, version, created_by_id, created_at, "
                "updated_at",
    "students": "id, organization_id, family_id, first_name, last_name, school_id, grade, special_education, "
                "english_learner, race_ethnicity, gender, version, created_at, updated_at",
    "consents": "id, organization_id, family_id, kind, method, signed_on, recipient, purpose, recorded_by_id, "
                "recorded_at",
    "cases": "id, organization_id, chapter_id, family_id, student_id, school_id, district_id, category, subcategory, "
             "title, narrative, priority, priority_rank, status, opened_on, incident_on, next_action_due_on, "
             "resolved_on, closed_on, outcome, outcome_notes, tags, version, created_by_id, created_at, updated_at",
    "case_assignees": "organization_id, case_id, user_id, assigned_at",
    "case_events": "id, organization_id, case_id, kind, body, occurred_at, data, author_id, created_at",
    "escalations": "id, organization_id, case_id, district_id, contact_id, previous_id, level, level_name, office, "
                   "channel, summary, remedy_requested, sent_at, sent_on, response_window_school_days, "
                   "response_due_on, status, acknowledged_at, responded_on, response_notes, response_school_days, "
                   "closed_at, idempotency_key, created_by_id, version, updated_at",
    "campaigns": "id, organization_id, name, goal, target, target_district_id, status, criteria, version, "
                 "created_by_id, created_at, updated_at",
    "campaign_leads": "organization_id, campaign_id, user_id",
    "campaign_cases": "organization_id, campaign_id, case_id, reason, linked_by_id, linked_at",
    "stories": "id, organization_id, case_id, title, body, status, drafted_by_id, updated_by_id, reviewed_by_id, "
               "reviewed_at, review_note, version, created_at, updated_at",
}


def libpq_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def copy_rows(conn: psycopg.Connection, rows: dict[str, list[tuple]], counts: dict[str, int]) -> None:
    with conn.cursor() as cur:
        for table in TABLES:
            if not rows[table]:
                continue
            with cur.copy(f"COPY {table} ({COLUMNS[table]}) FROM STDIN") as cp:
                for r in rows[table]:
                    cp.write_row(r)
            counts[table] = counts.get(table, 0) + len(rows[table])


def generate(url: str, n: int, *, seed: int = SEED, quiet: bool = False) -> dict:
    """Migrates `url` and loads N cases; returns what was made (the tag names the bench users' emails)."""
    started = time.perf_counter()
    upgrade(url)
    rnd = random.Random(seed)
    tag = uuid.uuid4().hex[:6]
    today = date.today()

    async def orgs_():
        db = Database(url)
        try:
            return await _make_orgs(db, n, tag, rnd)
        finally:
            await db.dispose()
    orgs = asyncio.run(orgs_())
    t_orgs = time.perf_counter() - started
    counts: dict[str, int] = {}
    with psycopg.connect(libpq_url(url), autocommit=False) as conn:
        conn.execute("SET synchronous_commit = off")
        for k, org in enumerate(orgs):
            copy_rows(conn, _rows(org, today, rnd), counts)
            if k % 20 == 19:
                conn.commit()
                if not quiet:
                    print(f"  {k + 1}/{len(orgs)} organizations, {counts.get('cases', 0):,} cases, "
                          f"{time.perf_counter() - started:.0f}s", flush=True)
        conn.commit()
    with psycopg.connect(libpq_url(url), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    elapsed = time.perf_counter() - started
    info = {"tag": tag, "organizations": len(orgs), "bench_org_id": str(orgs[0].id),
            "bench_org_cases": orgs[0].n_cases, "rows": counts, "seconds": round(elapsed, 1),
            "seconds_orgs": round(t_orgs, 1)}
    if not quiet:
        print(f"generated {counts.get('cases', 0):,} cases in {len(orgs)} organizations in {elapsed:.0f}s "
              f"(organizations and users through the domain code: {t_orgs:.0f}s)")
        print("  " + ", ".join(f"{t} {c:,}" for t, c in counts.items()))
    return info


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--url", required=True, help="postgresql+psycopg://... (a disposable, empty database)")
    p.add_argument("--cases", type=int, default=10_000)
    p.add_argument("--seed", type=int, default=SEED)
    args = p.parse_args()
    if not args.url.startswith("postgresql"):
        sys.exit("the generator loads PostgreSQL (COPY); pass a postgresql+psycopg:// URL")
    print(orjson.dumps(generate(args.url, args.cases, seed=args.seed)).decode())


if __name__ == "__main__":
    main()
