"""Load test: concurrent clients doing mixed reads and writes against a real server; zero errors allowed.

    make load                                              # 32 clients, 60 s, writes bench/LOAD.md
    .venv/bin/python -m bench.load --clients 32 --seconds 60 [--workers 2] [--out bench/LOAD.md]

Loopback only and bounded: a throwaway PostgreSQL cluster (tests/pgcluster.py), migrated as its owner; the
server (uvicorn, production mode, --workers) connects as the restricted application role, so row-level
security is in effect. Two organizations; every client signs in as an advocate or admin of one of them and
loops over a weighted mix: the caseload page, a case with its timeline, the family list, `me`, opening a
case, adding a note, updating one of its own cases (reading its version first). Any transport error, HTTP
status other than 200, GraphQL error or typed error in a payload counts as an error; the exit status is 1
if there was any. Results (per operation: count, errors, p50/p95/p99/max latency; throughput) go to --out.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import statistics
import sys
import time
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("ADVOCASE_ARGON2_TIME_COST", "1")
os.environ.setdefault("ADVOCASE_ARGON2_MEMORY_KIB", "8192")

import httpx  # noqa: E402

from tests.api.ops import ADD_NOTE, CREATE_FAMILY, OPEN_CASE, UPDATE_CASE  # noqa: E402

CASELOAD = """query { cases(first: 25, orderBy: OPENED_NEWEST) { totalCount
  edges { node { id title status priority openedOn family { displayName } school { name } assignees { displayName } } } } }"""
CASE = """query($id: ID!) { case(id: $id) { id title status version narrative
  timeline(first: 20) { edges { node { kind body author { displayName } } } } } }"""
FAMILIES = """query { families(first: 25) { edges { node { id displayName preferredLanguage students { firstName } } } } }"""
ME = "query { me { user { email } organization { name } roles } }"

# operation -> weight (reads 70 %, writes 30 %)
MIX = {"caseload": 25, "case": 25, "families": 10, "me": 10, "openCase": 10, "addNote": 12, "updateCase": 8}


class Client:
    def __init__(self, http: httpx.AsyncClient, token: str, family_ids: list[str], rng: random.Random):
        self.http, self.token, self.family_ids, self.rng = http, token, family_ids, rng
        self.cases: dict[str, int] = {}  # my cases -> the version I last saw

    async def call(self, query: str, variables: dict | None = None) -> dict:
        r = await self.http.post("/graphql", json={"query": query, "variables": variables or {}},
                                 headers={"Authorization": f"Bearer {self.token}"})
        if r.status_code != 200:
            raise RuntimeError(f"HTTP {r.status_code}: {r.text[:200]}")
        body = r.json()
        if body.get("errors"):
            raise RuntimeError(f"errors: {body['errors'][:1]}")
        data = body["data"]
        for payload in data.values():
            if isinstance(payload, dict) and payload.get("errors"):
                raise RuntimeError(f"typed errors: {payload['errors'][:1]}")
        return data

    async def open_case(self) -> None:
        data = await self.call(OPEN_CASE, {"i": {
            "familyId": self.rng.choice(self.family_ids), "category": "SPECIAL_EDUCATION",
            "subcategory": "IEP_SERVICES_NOT_DELIVERED", "title": f"Load {self.rng.getrandbits(40):x}",
            "narrative": "Speech therapy sessions missed since October."}})
        case = data["openCase"]["case"]
        self.cases[case["id"]] = case["version"]

    async def run(self, op: str) -> None:
        if op in ("case", "addNote", "updateCase") and not self.cases:
            op = "openCase"
        if op == "caseload":
            await self.call(CASELOAD)
        elif op == "families":
            await self.call(FAMILIES)
        elif op == "me":
            await self.call(ME)
        elif op == "openCase":
            await self.open_case()
        elif op == "case":
            case_id = self.rng.choice(list(self.cases))
            self.cases[case_id] = (await self.call(CASE, {"id": case_id}))["case"]["version"]
        elif op == "addNote":
            await self.call(ADD_NOTE, {"i": {"caseId": self.rng.choice(list(self.cases)),
                                             "body": "Called the school; left a message."}})
        elif op == "updateCase":  # with the version just read (notes move it too)
            case_id = self.rng.choice(list(self.cases))
            self.cases[case_id] = (await self.call(CASE, {"id": case_id}))["case"]["version"]
            data = await self.call(UPDATE_CASE, {"i": {"id": case_id, "version": self.cases[case_id],
                                                       "priority": self.rng.choice(["LOW", "NORMAL", "HIGH"])}})
            self.cases[case_id] = data["updateCase"]["case"]["version"]


def percentile(xs: list[float], p: float) -> float:
    if not xs:
        return 0.0
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


async def seed(owner_url: str) -> list:
    """Two organizations, each with a user per role (tests.conftest.make_world)."""
    from domain.db import Database
    from tests.conftest import make_world
    owner = Database(owner_url)
    try:
        worlds = [await make_world(owner, "Load Parents A"), await make_world(owner, "Load Parents B")]
    finally:
        await owner.dispose()
    return worlds


async def drive(url: str, people: list[tuple[str, list[str]]], clients: int, seconds: float, seed_: int):
    ops = list(MIX)
    weights = [MIX[o] for o in ops]
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, list[str]] = defaultdict(list)
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, timeout=30, limits=limits) as http:
        async def one(n: int) -> None:
            rng = random.Random(seed_ * 1000 + n)
            token, families = people[n % len(people)]
            c = Client(http, token, families, rng)
            deadline = started + seconds
            while time.monotonic() < deadline:
                op = rng.choices(ops, weights)[0]
                t0 = time.perf_counter()
                try:
                    await c.run(op)
                except Exception as e:  # noqa: BLE001 - every failure is counted and reported
                    errors[op].append(f"{type(e).__name__}: {e}"[:300])
                latencies[op].append(time.perf_counter() - t0)
        started = time.monotonic()
        await asyncio.gather(*(one(n) for n in range(clients)))
        elapsed = time.monotonic() - started
    return latencies, errors, elapsed


def report(path: Path, args, latencies, errors, elapsed: float) -> str:
    total = sum(len(v) for v in latencies.values())
    n_err = sum(len(v) for v in errors.values())
    lines = [
        "# Load test",
        "",
        f"`make load` ({datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, load average "
        f"{os.getloadavg()[0]:.1f} at the end, Python {platform.python_version()}). {args.clients} concurrent clients for "
        f"{args.seconds:.0f} s against uvicorn ({args.workers} worker(s), production mode) on a throwaway "
        "PostgreSQL, connected as the restricted application role (row-level security in effect), loopback "
        "only. Mixed reads and writes (weights: " + ", ".join(f"{k} {v}" for k, v in MIX.items()) + ").",
        "",
        f"**{total} requests in {elapsed:.1f} s ({total / elapsed:.0f}/s), {n_err} errors.**",
        "",
        "| operation | requests | errors | p50 ms | p95 ms | p99 ms | max ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for op in MIX:
        xs = latencies.get(op, [])
        lines.append(f"| {op} | {len(xs)} | {len(errors.get(op, []))} | {percentile(xs, 50) * 1000:.0f} | "
                     f"{percentile(xs, 95) * 1000:.0f} | {percentile(xs, 99) * 1000:.0f} | "
                     f"{(max(xs) if xs else 0) * 1000:.0f} |")
    if n_err:
        lines += ["", "First errors:", ""] + [f"- {op}: {e}" for op, es in errors.items() for e in es[:3]]
    lines += ["", "Latencies include the load generator sharing the machine's cores with the server and the "
              "database; they are not a benchmark (see `make bench` for that).", ""]
    text = "\n".join(lines)
    path.write_text(text)
    return text


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--clients", type=int, default=32)
    p.add_argument("--seconds", type=float, default=60)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--seed", type=int, default=8)
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "LOAD.md")
    args = p.parse_args(argv)

    from migrations import upgrade
    from tests.conftest import app_role_url
    from tests.live import LiveServer
    from tests.pgcluster import Cluster

    cluster = Cluster()
    try:
        owner_url = cluster.start()
        upgrade(owner_url)
        worlds = asyncio.run(seed(owner_url))
        with LiveServer(app_role_url(owner_url), env="production", workers=args.workers) as server:
            people = []
            for w in worlds:
                fams = []
                for role in ("admin", "advocate"):
                    token = w.tokens[role]
                    for i in range(3):
                        r = httpx.post(server.url + "/graphql", headers={"Authorization": f"Bearer {token}"},
                                       json={"query": CREATE_FAMILY, "variables": {"i": {
                                           "displayName": f"Load family {role} {i}", "preferredLanguage": "es",
                                           "chapterId": w.chapter_gids["North"]}}}, timeout=30)
                        fams.append(r.json()["data"]["createFamily"]["family"]["id"])
                people += [(w.tokens["admin"], fams), (w.tokens["advocate"], fams)]
            latencies, errors, elapsed = asyncio.run(drive(server.url, people, args.clients, args.seconds, args.seed))
            alive = server.alive
    finally:
        cluster.stop()
    print(report(args.out, args, latencies, errors, elapsed))
    n_err = sum(len(v) for v in errors.values())
    if n_err or not alive:
        print(f"load: {n_err} errors{'' if alive else '; the server died'}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
