"""Benchmark: importing N spreadsheet rows (family + student + case each) on PostgreSQL (not a test; no pass/fail).

    .venv/bin/python bench/import_rows.py --url postgresql+psycopg://user@host/db [--rows 100000] [--xlsx]

Migrates the database, creates an organization (2 chapters, a district with 20 schools, 5 advocates), writes a
CSV (or, with --xlsx, an Excel file) of N rows, each a new family, its student and a case, with external ids,
an assignee and tags, and times through domain.imports.service (what `advocase import` and the importRecords
mutation run), in one run on the same data:

- the dry run (read, check every cell, plan);
- the import (one transaction, batched INSERTs);
- the same file again (matched by external ids: nothing changes);
- the file with 10% of the case titles changed (batched UPDATEs).

Each line gives the wall time and the CPU time of this process (the rest is the database and waiting; on a
shared machine the wall time also depends on the load average, printed too).

Use a disposable database: the data stays (the audit log is append-only; drop the database instead).
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import os
import random
import sys
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select  # noqa: E402

from domain.cases.models import Case  # noqa: E402
from domain.db import Database  # noqa: E402
from domain.directory.models import District, School  # noqa: E402
from domain.identity.service import create_organization, create_user  # noqa: E402
from domain.imports.service import import_records_for_organization  # noqa: E402
from migrations import upgrade  # noqa: E402

HEADER = ["family_external_id", "family_name", "family_chapter", "family_language", "family_phone",
          "guardian_name", "student_external_id", "student_first_name", "student_last_name", "student_school",
          "student_grade", "student_special_education", "case_external_id", "case_subcategory", "case_title",
          "case_opened_on", "case_priority", "case_assignees", "case_tags"]
SUBS = ["OUT_OF_SCHOOL_SUSPENSION", "IN_SCHOOL_SUSPENSION", "EVALUATION_REQUEST_DELAY", "IEP_SERVICES_NOT_DELIVERED",
        "NO_INTERPRETER", "DOCUMENTS_NOT_TRANSLATED", "BULLYING", "EXPULSION"]
NAMES = ["Rivera", "Nguyen", "Pierre", "Silva", "Okafor", "Chen", "Lopez", "Tavares", "Haddad", "Kim"]
FIRST = ["Mateo", "Lia", "Jean", "Ana", "Kofi", "Mei", "Luis", "Rosa", "Omar", "Min"]


def rows(n: int, tag: str, schools: list[str], advocates: list[str], *, changed: float = 0.0, seed: int = 1):
    rnd = random.Random(seed)
    flip = random.Random(seed + 1)
    start = date(2025, 9, 1)
    for i in range(n):
        last = NAMES[i % len(NAMES)]
        title = f"Case {i} at school" + (" (updated)" if changed and flip.random() < changed else "")
        yield [f"F-{tag}-{i}", f"{last} family {i}", "North" if i % 2 else "South", rnd.choice(["en", "es", "pt"]),
               f"617-555-{i % 10000:04d}", f"{FIRST[i % 10]} {last}", f"S-{tag}-{i}", FIRST[(i + 3) % 10], last,
               schools[i % len(schools)], str(1 + i % 12), rnd.choice(["IEP", "NONE", "PLAN_504"]),
               f"C-{tag}-{i}", SUBS[i % len(SUBS)], title, (start + timedelta(days=i % 400)).isoformat(),
               rnd.choice(["LOW", "NORMAL", "HIGH"]), advocates[i % len(advocates)], f"bench;{tag}"]


def as_csv(data) -> bytes:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(HEADER)
    w.writerows(data)
    return out.getvalue().encode()


def as_xlsx(data) -> bytes:
    import openpyxl
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Import")
    ws.append(HEADER)
    for r in data:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


async def setup(db: Database, tag: str) -> tuple[uuid.UUID, list[str], list[str]]:
    async with db.transaction() as s:
        org, _ = await create_organization(s, name=f"Import bench {tag}", chapters=["North", "South"],
                                           admin_email=f"admin-{tag}@bench.example.org",
                                           admin_password="bench password 1")
        district = District(organization_id=org.id, name=f"Bench Public Schools {tag}", state="MA")
        s.add(district)
        await s.flush()
        schools = [f"School {k}" for k in range(20)]
        s.add_all(School(organization_id=org.id, district_id=district.id, name=n, level="K-12") for n in schools)
        advocates = []
        for k in range(5):
            email = f"advocate{k}-{tag}@bench.example.org"
            await create_user(s, organization_id=org.id, email=email, password="bench password 1",
                              display_name=f"Advocate {k}", roles=["advocate"], chapter_ids=[])
            advocates.append(email)
    return org.id, schools, advocates


async def timed(label: str, db: Database, org_id: uuid.UUID, data: bytes, fmt: str, *, dry_run: bool = False):
    t, cpu = time.perf_counter(), time.process_time()
    report = await import_records_for_organization(db, org_id, data, file_name=f"bench.{fmt}", dry_run=dry_run,
                                                   today=date.today())
    took, cpu = time.perf_counter() - t, time.process_time() - cpu
    load = os.getloadavg()[0]
    print(f"{label:<34} {took:7.2f} s wall, {cpu:6.2f} s CPU in this process (load {load:.1f})   "
          f"{report.rows} rows, problems {report.problem_count}; {report.summary()}", flush=True)
    if report.problem_count:
        for p in report.problems[:5]:
            print("   ", p)
    return took


async def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--url", required=True, help="postgresql+psycopg://... (a disposable database)")
    p.add_argument("--rows", type=int, default=100_000)
    p.add_argument("--xlsx", action="store_true", help="import an Excel file instead of CSV")
    args = p.parse_args()
    upgrade(args.url)
    db = Database(args.url)
    tag = uuid.uuid4().hex[:8]
    try:
        org_id, schools, advocates = await setup(db, tag)
        fmt = "xlsx" if args.xlsx else "csv"
        encode = as_xlsx if args.xlsx else as_csv
        t = time.perf_counter()
        data = encode(rows(args.rows, tag, schools, advocates))
        print(f"{args.rows} rows, {len(data) / 1e6:.1f} MB {fmt.upper()} written in {time.perf_counter() - t:.1f} s "
              f"(organization {org_id})")
        await timed("dry run", db, org_id, data, fmt, dry_run=True)
        await timed("import", db, org_id, data, fmt)
        await timed("the same file again (no change)", db, org_id, data, fmt)
        changed = encode(rows(args.rows, tag, schools, advocates, changed=0.1))
        await timed("10% of the titles changed", db, org_id, changed, fmt)
        async with db.reader() as s:
            n = await s.scalar(select(func.count()).select_from(Case).where(Case.organization_id == org_id))
        print(f"cases in the organization: {n}")
    finally:
        await db.dispose()


if __name__ == "__main__":
    asyncio.run(main())
