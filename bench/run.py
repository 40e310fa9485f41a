"""The benchmark: generate (or reuse) a dataset, serve it as in production, measure, write bench/RESULTS.md.

    make bench                                         # 10k and 100k cases on a throwaway PostgreSQL
    .venv/bin/python -m bench.run --cases 10000 100000 1000000 [--workers 2] [--seconds 8]
    .venv/bin/python -m bench.run --url postgresql+psycopg://u@h/db --cases 100000   # an empty, disposable db
    .venv/bin/python -m bench.run --url ... --reuse                                    # data generated before

Without --url it starts its own PostgreSQL cluster (tests/pgcluster.py: the machine's binaries, fsync off)
and one database per dataset size. The server is the production app (`ADVOCASE_ENV=production`) under
uvicorn with --workers (default: one per core), started through bench/server.py, which only adds the
X-SQL-Statements response header and the raw-SQL baseline endpoint. The load generator is a minimal
HTTP/1.1 keep-alive client (one connection per concurrent client) in this process.

Per scenario: median and p95 latency at 1 client, throughput at 1 and 8 concurrent clients, SQL statements
per request (median of the X-SQL-Statements header), errors. Ratios are to the baseline's throughput.
No pass/fail: the numbers go to bench/RESULTS.md (between the bench:begin/end markers; the notes around
them are kept) and bench/results-<cases>.json.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("ADVOCASE_ARGON2_TIME_COST", "1")
os.environ.setdefault("ADVOCASE_ARGON2_MEMORY_KIB", "8192")

import orjson  # noqa: E402
import psycopg  # noqa: E402

from bench.generate import BENCH_ORG, BENCH_PASSWORD, generate, libpq_url  # noqa: E402

RESULTS = ROOT / "bench" / "RESULTS.md"
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"


# ---------------------------------------------------------------- a minimal HTTP/1.1 client


class Http:
    """One keep-alive connection; enough HTTP/1.1 for uvicorn's answers, and cheap on the CPU."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.reader = self.writer = None

    async def request(self, method: str, path: str, body: bytes = b"", headers: dict | None = None):
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        head = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}", f"Content-Length: {len(body)}"]
        head += [f"{k}: {v}" for k, v in (headers or {}).items()]
        self.writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
        status = int((await self.reader.readline()).split(b" ", 2)[1])
        hdrs = {}
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b""):
                break
            k, _, v = line.decode("latin-1").partition(":")
            hdrs[k.strip().lower()] = v.strip()
        if hdrs.get("transfer-encoding") == "chunked":
            chunks = []
            while True:
                size = int((await self.reader.readline()).strip(), 16)
                chunk = await self.reader.readexactly(size + 2)
                if size == 0:
                    break
                chunks.append(chunk[:-2])
            data = b"".join(chunks)
        else:
            data = await self.reader.readexactly(int(hdrs.get("content-length", "0")))
        if hdrs.get("connection") == "close":
            self.writer.close()
            self.reader = self.writer = None
        return status, hdrs, data

    def close(self):
        if self.writer is not None:
            self.writer.close()


# ---------------------------------------------------------------- the server


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, url: str, workers: int, http: str | None = None, loop: str = "auto"):
        from api.serving import HTTP_PROTOCOL
        self.url, self.workers, self.port = url, workers, _free_port()
        self.http, self.loop = http or HTTP_PROTOCOL, loop
        self.proc: subprocess.Popen | None = None

    def __enter__(self):
        env = {**os.environ, "ADVOCASE_DATABASE_URL": self.url, "ADVOCASE_ENV": "production",
               "ADVOCASE_SECRET_KEY": secrets.token_urlsafe(48), "ADVOCASE_DEMO_ON_FIRST_START": "0",
               "ADVOCASE_INPROCESS_WORKER": "0", "PYTHONPATH": str(ROOT)}
        self.log = open(ROOT / "var" / "bench-server.log", "ab")
        self.proc = subprocess.Popen(
            [str(Path(sys.executable).parent / "uvicorn"), "--factory", "bench.server:app", "--host", "127.0.0.1",
             "--port", str(self.port), "--workers", str(self.workers), "--http", self.http, "--loop", self.loop,
             "--no-access-log", "--log-level", "warning"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=1) as r:
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.2)
            if self.proc.poll() is not None:
                break
        self.__exit__()
        raise RuntimeError("the server did not start; see var/bench-server.log")

    def __exit__(self, *exc):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()


# ---------------------------------------------------------------- who and what


async def sign_in(url: str, emails: list[str]) -> dict[str, str]:
    from domain.db import Database
    from domain.identity.service import login
    db = Database(url)
    try:
        return {e: (await login(db, email=e, password=BENCH_PASSWORD, ttl=timedelta(hours=6))).token for e in emails}
    finally:
        await db.dispose()


def gid(type_name: str, obj_id) -> str:
    from api.relay import to_global_id
    return to_global_id(type_name, obj_id)


def fixture(url: str) -> dict:
    """The bench organization's users and some ids to ask for (read from the database, so --reuse works)."""
    with psycopg.connect(libpq_url(url)) as conn:
        org_id, org_name = conn.execute("SELECT id, name FROM organizations WHERE name LIKE %s ORDER BY name LIMIT 1",
                                        (BENCH_ORG + " %",)).fetchone()
        tag = org_name.rsplit(" ", 1)[-1]
        advocate = f"advocate-0-1-1-{tag}@bench.example.org"
        lead = f"lead-0-{tag}@bench.example.org"
        adv_id, = conn.execute("SELECT id FROM users WHERE email = %s", (advocate,)).fetchone()
        chapter, = conn.execute("SELECT chapter_id FROM membership_chapters WHERE user_id = %s", (adv_id,)).fetchone()
        cases = [r[0] for r in conn.execute(
            "SELECT id FROM cases WHERE organization_id = %s AND chapter_id = %s ORDER BY opened_on DESC LIMIT 200",
            (org_id, chapter))]
        families = conn.execute(
            "SELECT f.id, s.id, s.school_id FROM families f JOIN students s ON s.family_id = f.id "
            "WHERE f.organization_id = %s AND f.chapter_id = %s AND s.school_id IS NOT NULL ORDER BY f.id LIMIT 200",
            (org_id, chapter)).fetchall()
        campaigns = [r[0] for r in conn.execute(
            "SELECT id FROM campaigns WHERE organization_id = %s ORDER BY name DESC", (org_id,))]
        totals = dict(conn.execute(
            "SELECT 'cases', count(*) FROM cases UNION ALL SELECT 'organizations', count(*) FROM organizations "
            "UNION ALL SELECT 'bench_org_cases', count(*) FROM cases WHERE organization_id = %s "
            "UNION ALL SELECT 'case_events', count(*) FROM case_events UNION ALL SELECT 'families', count(*) "
            "FROM families UNION ALL SELECT 'students', count(*) FROM students UNION ALL SELECT 'escalations', "
            "count(*) FROM escalations UNION ALL SELECT 'campaign_cases', count(*) FROM campaign_cases",
            (org_id,)).fetchall())
        version = conn.execute("SHOW server_version").fetchone()[0]
    return {"org_id": org_id, "advocate": advocate, "lead": lead, "cases": [gid("Case", c) for c in cases],
            "families": [(gid("Family", f), gid("Student", st), gid("School", sc)) for f, st, sc in families], "campaigns": [gid("Campaign", c) for c in campaigns],
            "totals": totals, "pg_version": version}


CASELOAD = """query Caseload($first: Int!, $after: String) {
  cases(first: $first, after: $after, orderBy: OPENED_NEWEST) {
    edges { node { id title category subcategory priority status openedOn nextActionDueOn version
      family { id displayName preferredLanguage }
      student { id firstName lastName grade }
      school { id name }
      assignees { id displayName } } }
    pageInfo { hasNextPage endCursor } } }"""

SEARCH = """query Search($q: String!) {
  cases(first: 50, filter: {search: $q}) {
    edges { node { id title status openedOn family { displayName } school { name } assignees { displayName } } }
    pageInfo { hasNextPage } } }"""

FAMILIES = """query Families($first: Int!) {
  families(first: $first) { edges { node { id displayName preferredLanguage interpreterNeeded version } }
    pageInfo { hasNextPage endCursor } } }"""

DETAIL = """query Detail($id: ID!) {
  case(id: $id) { id title narrative category subcategory status version openedOn allowedTransitions tags
    family { id displayName preferredLanguage interpreterNeeded }
    student { id firstName lastName grade specialEducation englishLearner }
    school { id name } district { id name } assignees { id displayName }
    timeline(first: 50) { edges { node { id kind body occurredAt statusFrom statusTo author { displayName } } } }
    escalations { id status levelName sentOn responseDueOn } } }"""

OPEN = """mutation Open($input: OpenCaseInput!) { openCase(input: $input) { case { id version } errors { code message } } }"""
NOTE = """mutation Note($input: AddCaseNoteInput!) { addCaseNote(input: $input) { event { id } errors { code message } } }"""
MOVE = """mutation Move($input: TransitionCaseInput!) {
  transitionCase(input: $input) { case { id version status } errors { code message } } }"""

def web_operation(source: str, name: str) -> str:
    """The GraphQL document a page of the web app sends (its `graphql(`...`)` call named `name`), so that a
    scenario measures exactly what the page asks for, and follows it as it changes."""
    text = (ROOT / "web" / "src" / source).read_text()
    for doc in re.findall(r"graphql\(`(.*?)`\)", text, re.S):
        if re.search(rf"\b(query|mutation)\s+{name}\b", doc):
            return doc
    raise LookupError(f"no operation {name} in web/src/{source}")


# ---------------------------------------------------------------- measuring


class Scenario:
    def __init__(self, name: str, make, *, path: str = "/graphql", method: str = "POST", token: str = "",
                 note: str = "", mutations_per_call: int = 1):
        self.name, self.make, self.path, self.method, self.token, self.note = name, make, path, method, token, note
        self.mutations_per_call = mutations_per_call
        self.last_error = None

    async def call(self, http: Http, i: int) -> tuple[bool, int]:
        """One unit of work; (ok, SQL statements)."""
        out = self.make(i)
        if isinstance(out, tuple):  # a sequence of dependent requests (the write mix)
            return await out[0](http, self)
        status, hdrs, body = await http.request(
            self.method, self.path if self.method == "POST" else out,
            orjson.dumps(out) if self.method == "POST" else b"",
            {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"})
        ok = status == 200 and b'"errors"' not in body[:200] if self.method == "GET" else (
            status == 200 and not orjson.loads(body).get("errors"))
        return ok, int(hdrs.get("x-sql-statements", "-1"))

    async def gql(self, http: Http, query: str, variables: dict) -> tuple[dict | None, int]:
        status, hdrs, body = await http.request("POST", "/graphql", orjson.dumps({"query": query, "variables": variables}),
                                                {"Authorization": f"Bearer {self.token}",
                                                 "Content-Type": "application/json"})
        data = orjson.loads(body) if status == 200 else {"errors": [{"message": f"HTTP {status}"}]}
        if data.get("errors"):
            self.last_error = data["errors"]
        return (None if data.get("errors") else data.get("data")), int(hdrs.get("x-sql-statements", "-1"))


def tree_cpu(root: int | None) -> float:
    """CPU seconds used so far by a process and its descendants (Linux /proc; 0 elsewhere)."""
    if not root or not os.path.isdir("/proc"):
        return 0.0
    tick = os.sysconf("SC_CLK_TCK")
    children: dict[int, list[int]] = {}
    used: dict[int, float] = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            stat = Path(f"/proc/{d}/stat").read_text()
        except OSError:
            continue
        rest = stat[stat.rindex(")") + 2:].split()
        children.setdefault(int(rest[1]), []).append(int(d))
        # own time + time of children already exited and reaped (PostgreSQL backends come and go)
        used[int(d)] = (int(rest[11]) + int(rest[12]) + int(rest[13]) + int(rest[14])) / tick
    total, stack = 0.0, [root]
    while stack:
        pid = stack.pop()
        total += used.get(pid, 0.0)
        stack += children.get(pid, [])
    return total


def postmaster_of(url: str) -> int | None:
    """The local PostgreSQL server process behind `url` (to count its CPU), if it runs on this machine."""
    try:
        with psycopg.connect(libpq_url(url)) as conn:
            backend = conn.execute("SELECT pg_backend_pid()").fetchone()[0]
        stat = Path(f"/proc/{backend}/stat").read_text()
        return int(stat[stat.rindex(")") + 2:].split()[1])
    except Exception:
        return None


async def spread(conns: list[Http], workers: int, attempts: int = 200) -> dict[str, int]:
    """Reconnects until no worker process holds more than its share of the keep-alive connections; returns
    connections per worker. uvicorn's workers share one listening socket and the first to wake accepts every
    pending connection: the 8 clients of a scenario often all landed on one worker, which then worked for the
    whole measurement while the other idled (the write mix measured 220-240 mutations/s that way, 340-360 with
    its clients spread). Clients of a real deployment come and go; a fixed set of 8 must not measure accept luck."""
    share = -(-len(conns) // workers)

    async def worker_of(http: Http) -> str:
        _status, hdrs, _data = await http.request("GET", "/healthz")
        return hdrs.get("x-bench-worker", "?")
    owners = [await worker_of(c) for c in conns]
    for _ in range(attempts):
        counts = {w: owners.count(w) for w in owners}
        crowded = [i for i, w in enumerate(owners) if counts[w] > share]
        if not crowded:
            break
        i = crowded[0]
        conns[i].close()
        conns[i] = Http(conns[i].host, conns[i].port)
        owners[i] = await worker_of(conns[i])
    return {w: owners.count(w) for w in sorted(set(owners))}


async def measure(port: int, sc: Scenario, clients: int, seconds: float, warmup: int = 5,
                  server_pid: int | None = None, db_pid: int | None = None, workers: int = 1) -> dict:
    conns = [Http("127.0.0.1", port) for _ in range(clients)]
    per_worker = await spread(conns, workers) if clients > 1 else None
    for k in range(warmup):
        await sc.call(conns[0], -1 - k)
    latencies: list[float] = []
    statements: list[int] = []
    errors = 0
    counter = iter(range(10**9))
    stop_at = time.perf_counter() + seconds

    async def worker(http: Http):
        nonlocal errors
        while time.perf_counter() < stop_at:
            t = time.perf_counter()
            ok, n = await sc.call(http, next(counter))
            latencies.append(time.perf_counter() - t)
            statements.append(n)
            errors += not ok
    cpu0 = (tree_cpu(server_pid), tree_cpu(db_pid))
    started = time.perf_counter()
    await asyncio.gather(*(worker(c) for c in conns))
    elapsed = time.perf_counter() - started
    cpu1 = (tree_cpu(server_pid), tree_cpu(db_pid))
    for c in conns:
        c.close()
    lat = sorted(latencies)
    return {"clients": clients, "requests": len(lat), "seconds": round(elapsed, 2),
            "throughput": len(lat) * sc.mutations_per_call / elapsed,
            "median_ms": statistics.median(lat) * 1000, "p95_ms": lat[int(len(lat) * 0.95) - 1] * 1000,
            "statements": statistics.median(statements) if statements else None, "errors": errors,
            "server_cpu_ms": (cpu1[0] - cpu0[0]) * 1000 / max(1, len(lat)) if server_pid else None,
            "db_cpu_ms": (cpu1[1] - cpu0[1]) * 1000 / max(1, len(lat)) if db_pid else None,
            "connections_per_worker": sorted(per_worker.values()) if per_worker else None}


def scenarios(fx: dict, tokens: dict[str, str]) -> list[Scenario]:
    adv, lead = tokens[fx["advocate"]], tokens[fx["lead"]]
    cases, families = fx["cases"], fx["families"]
    words = ["interpreter", "suspension", "bus", "iep meeting", "evaluation", "translated", "aide", "lunch"]
    out = [
        Scenario("baseline: caseload, 1 SQL query + orjson (no GraphQL)", lambda i: "/bench/baseline/caseload?first=50",
                 method="GET", token=adv),
        Scenario("caseload page of 50 (family, student, school, assignees)",
                 lambda i: {"query": CASELOAD, "variables": {"first": 50}}, token=adv),
        Scenario("caseload page of 5 (same query)", lambda i: {"query": CASELOAD, "variables": {"first": 5}},
                 token=adv),
        Scenario("case detail with timeline", lambda i: {"query": DETAIL, "variables": {"id": cases[i % len(cases)]}},
                 token=adv),
        Scenario("text search (50 results)", lambda i: {"query": SEARCH, "variables": {"q": words[i % len(words)]}},
                 token=adv),
        Scenario("families page of 50 (API)", lambda i: {"query": FAMILIES, "variables": {"first": 50}}, token=adv),
    ]
    # The campaign lead's two pages, with the documents they send (the campaign page: its details and evidence).
    stats_q = web_operation("pages/campaigns/IssueStats.tsx", "IssueStats")
    out.append(Scenario("issueStats pivot [SCHOOL, MONTH] (campaign lead)", lambda i: {
        "query": stats_q, "variables": {"groupBy": ["SCHOOL", "MONTH"]}}, token=lead))
    if fx["campaigns"]:
        evidence_q, camps = web_operation("pages/campaigns/CampaignPage.tsx", "CampaignPage"), fx["campaigns"]
        out.append(Scenario("campaign.evidence (criteria campaign, campaign lead)", lambda i: {
            "query": evidence_q, "variables": {"id": camps[0]}}, token=lead))

    cats = [("DISCIPLINE", "OUT_OF_SCHOOL_SUSPENSION"), ("SPECIAL_EDUCATION", "IEP_SERVICES_NOT_DELIVERED"),
            ("LANGUAGE_ACCESS", "NO_INTERPRETER")]

    async def write_mix(http: Http, sc: Scenario) -> tuple[bool, int]:
        i = random.randrange(10**6)
        cat, sub = cats[i % 3]
        family, student, school = families[i % len(families)]
        data, n1 = await sc.gql(http, OPEN, {"input": {
            "familyId": family, "studentId": student, "schoolId": school, "category": cat, "subcategory": sub,
            "title": f"Bench case {i}", "narrative": "Opened by the benchmark."}})
        if not data or data["openCase"]["errors"]:
            sc.last_error = data and data["openCase"]["errors"]
            return False, n1
        case = data["openCase"]["case"]
        data, n2 = await sc.gql(http, MOVE, {"input": {"id": case["id"], "version": case["version"], "to": "OPEN"}})
        if not data or data["transitionCase"]["errors"]:
            sc.last_error = data and data["transitionCase"]["errors"]
            return False, n1 + n2
        data, n3 = await sc.gql(http, NOTE, {"input": {"caseId": case["id"], "body": "Called the school."}})
        if not data or data["addCaseNote"]["errors"]:
            sc.last_error = data and data["addCaseNote"]["errors"]
        return bool(data and not data["addCaseNote"]["errors"]), (n1 + n2 + n3) / 3
    out.append(Scenario("write mix: openCase + transitionCase + addCaseNote", lambda i: (write_mix,), token=adv,
                        mutations_per_call=3))
    return out


async def run_dataset(url: str, workers: int, seconds: float, only: list[str] | None, http: str | None = None,
                      loop: str = "auto") -> dict:
    fx = fixture(url)
    tokens = await sign_in(url, [fx["advocate"], fx["lead"]])
    results = []
    with Server(url, workers, http, loop) as server:
        db_pid = postmaster_of(url)
        load_before = os.getloadavg()
        for sc in scenarios(fx, tokens):
            if only and not any(o in sc.name for o in only):
                continue
            one = await measure(server.port, sc, 1, seconds)
            eight = await measure(server.port, sc, 8, seconds, server_pid=server.proc.pid, db_pid=db_pid,
                                  workers=workers)
            row = {"scenario": sc.name, "c1": one, "c8": eight, "last_error": str(sc.last_error)[:300]
                   if sc.last_error else None}
            if sc.last_error:
                print(f"    last error: {str(sc.last_error)[:300]}")
            results.append(row)
            print(f"  {sc.name:<58} med {one['median_ms']:7.1f} ms  p95 {one['p95_ms']:7.1f} ms  "
                  f"{one['throughput']:7.1f}/s @1  {eight['throughput']:7.1f}/s @8  sql {one['statements']}  "
                  f"cpu {eight['server_cpu_ms'] or 0:.1f}+{eight['db_cpu_ms'] or 0:.1f} ms  "
                  f"err {one['errors'] + eight['errors']}  per worker {eight['connections_per_worker']}", flush=True)
        load_after = os.getloadavg()
    return {"when": f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC", "machine": machine(),
            "fixture": {k: v for k, v in fx.items() if k in ("totals", "pg_version")}, "results": results,
            "load": [load_before, load_after], "workers": workers, "seconds": seconds, "http": server.http,
            "loop": loop}


def catch_up(url: str) -> None:
    """--reuse of data generated by an older checkout: migrate, then add what a migration edited in place
    since then would have created (missing tables and nullable columns). For disposable bench data only."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from alembic.operations import Operations
    from sqlalchemy import create_engine

    import domain.models  # noqa: F401  (every model on Base.metadata)
    from domain.db import Base
    from migrations import sync_url, upgrade
    upgrade(url)
    engine = create_engine(sync_url(url))
    try:
        with engine.begin() as conn:
            ctx = MigrationContext.configure(conn)
            ops = Operations(ctx)
            for diff in compare_metadata(ctx, Base.metadata):
                if isinstance(diff, tuple) and diff[0] == "add_table":
                    diff[1].create(conn)
                    print(f"  added table {diff[1].name} (migration edited after the data was made)")
                elif isinstance(diff, tuple) and diff[0] == "add_column":
                    column = diff[3]._copy()
                    column.nullable = True
                    ops.add_column(diff[2], column)
                    print(f"  added column {diff[2]}.{column.name} (migration edited after the data was made)")
    finally:
        engine.dispose()


# ---------------------------------------------------------------- report


def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem = int(next(x for x in Path("/proc/meminfo").read_text().splitlines() if x.startswith("MemTotal"))
                  .split()[1]) // 1024
    except Exception:
        mem = 0
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_mb": mem, "python": platform.python_version(),
            "platform": platform.platform()}


def report(runs: dict[int, dict]) -> str:
    """The block for RESULTS.md: every dataset size measured so far (bench/results-<cases>.json)."""
    lines = [BEGIN, ""]
    for n, run in sorted(runs.items()):
        t = run["fixture"]["totals"]
        m = run["machine"]
        lines += [f"### {n:,} cases", "",
                  f"Measured {run['when']} on {m['cpu']}, {m['cores']} cores, {m['memory_mb']:,} MB, "
                  f"Python {m['python']}, {m['platform']}.", "",
                  f"PostgreSQL {run['fixture']['pg_version']}; {t['organizations']:,} organizations, "
                  f"{t['cases']:,} cases (the bench organization: {t['bench_org_cases']:,}), {t['families']:,} "
                  f"families, {t['students']:,} students, {t['case_events']:,} timeline events, "
                  f"{t['escalations']:,} escalations, {t['campaign_cases']:,} campaign links. "
                  f"uvicorn --workers {run['workers']} --http {run['http']} --loop {run['loop']}; "
                  f"{run['seconds']:g} s per measurement; load average "
                  f"{run['load'][0][0]:.1f} before, {run['load'][1][0]:.1f} after (other work on the machine).", "",
                  "| scenario | median ms (1 client) | p95 ms (1) | req/s @1 | req/s @8 | p95 ms @8 | "
                  "vs baseline @8 | SQL statements / request | server CPU ms / req | PostgreSQL CPU ms / req | "
                  "errors |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        base = next((r for r in run["results"] if r["scenario"].startswith("baseline")), None)
        for r in run["results"]:
            one, eight = r["c1"], r["c8"]
            ratio = f"{eight['throughput'] / base['c8']['throughput']:.2f}x" if base else "—"
            unit = " (mutations/s)" if "write mix" in r["scenario"] else ""
            lines.append(f"| {r['scenario']}{unit} | {one['median_ms']:.1f} | {one['p95_ms']:.1f} | "
                         f"{one['throughput']:.0f} | {eight['throughput']:.0f} | {eight['p95_ms']:.1f} | {ratio} | "
                         f"{one['statements']:.3g} | {_ms(eight.get('server_cpu_ms'))} | {_ms(eight.get('db_cpu_ms'))} | "
                         f"{one['errors'] + eight['errors']} |")
        lines.append("")
    lines.append(END)
    return "\n".join(lines)


def _ms(v) -> str:
    return "—" if v is None else f"{v:.1f}"


def write_results(block: str) -> None:
    text = RESULTS.read_text() if RESULTS.exists() else f"# Benchmark results\n\n{BEGIN}\n{END}\n"
    if BEGIN in text and END in text:
        text = text[:text.index(BEGIN)] + block + text[text.index(END) + len(END):]
    else:
        text += "\n" + block + "\n"
    RESULTS.write_text(text)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--cases", type=int, nargs="+", default=[10_000, 100_000])
    p.add_argument("--url", help="a disposable PostgreSQL database (default: a throwaway cluster)")
    p.add_argument("--reuse", action="store_true", help="with --url: the data is there already")
    p.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    p.add_argument("--seconds", type=float, default=8.0, help="per scenario and concurrency")
    p.add_argument("--http", help="uvicorn --http (default: api.serving.HTTP_PROTOCOL, as `advocase serve`)")
    p.add_argument("--loop", default="auto", help="uvicorn --loop (auto: uvloop when installed)")
    p.add_argument("--only", nargs="*", help="scenarios whose name contains one of these words")
    p.add_argument("--no-write", action="store_true", help="print only; leave bench/RESULTS.md alone")
    args = p.parse_args()
    (ROOT / "var").mkdir(exist_ok=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # a stopped run still stops its server and cluster
    cluster = None
    runs: dict[int, dict] = {}
    try:
        if not args.url:
            from tests.pgcluster import Cluster
            cluster = Cluster()
            base_url = cluster.start()
            admin = libpq_url(base_url)
        for n in args.cases:
            if args.url:
                url = args.url
            else:
                with psycopg.connect(admin, autocommit=True) as conn:
                    conn.execute(f"CREATE DATABASE bench_{n}")
                url = base_url.rsplit("/", 1)[0] + f"/bench_{n}"
            if not args.reuse:
                print(f"generating {n:,} cases ...", flush=True)
                generate(url, n)
            else:
                catch_up(url)
            print(f"measuring {n:,} cases (uvicorn --workers {args.workers}) ...", flush=True)
            runs[n] = asyncio.run(run_dataset(url, args.workers, args.seconds, args.only, args.http, args.loop))
            (ROOT / "bench" / f"results-{n}.json").write_bytes(orjson.dumps(runs[n], option=orjson.OPT_INDENT_2,
                                                                           default=str))
            if args.url:
                break
    finally:
        if cluster is not None:
            cluster.stop()
    for f in (ROOT / "bench").glob("results-*.json"):  # earlier runs of other sizes stay in the report
        n = int(f.stem.split("-", 1)[1])
        if n not in runs:
            runs[n] = orjson.loads(f.read_bytes())
    block = report(runs)
    print(block)
    if not args.no_write:
        write_results(block)


if __name__ == "__main__":
    main()
