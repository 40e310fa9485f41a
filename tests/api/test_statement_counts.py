"""SQL statements per request do not depend on page size (issue 7: a correctness rule, not a timing test).

The caseload query is the one bench/run.py measures: a page of cases with family, student, school and
assignees. Its statements are counted on the engine, for a page of 5 and a page of 50, and must be equal.
"""

from __future__ import annotations

import asyncio

from sqlalchemy import event

from api.relay import decode
from bench.run import CASELOAD, DETAIL
from domain.db import RequestReads, tenant
from domain.directory import service as directory
from domain.directory.models import School
from domain.people import service as people
from tests.api.ops import CREATE_STUDENT, create_family, open_case


class Statements:
    """Counts the SQL statements the app runs inside the block."""

    def __init__(self, db):
        self.engine, self.count = db.engine.sync_engine, 0

    def _count(self, *_args):
        self.count += 1

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._count)


async def _caseload(api, world, n: int):
    adv = world.tokens["advocate"]
    cases = []
    for i in range(5):
        fam = await create_family(api, adv, world.chapter_gids["North"], displayName=f"Family {i}")
        student = (await api.data(CREATE_STUDENT, {"i": {
            "familyId": fam["id"], "firstName": f"Kid{i}", "lastName": "Bench", "grade": str(i + 1),
            "schoolId": world.gid("School", world.school_ids[i % 2])}}, token=adv))["createStudent"]["student"]
        for k in range(n // 5):
            cases.append(await open_case(api, adv, fam["id"], title=f"Case {i}-{k}", studentId=student["id"],
                                         schoolId=world.gid("School", world.school_ids[i % 2]),
                                         assigneeIds=[world.gid("User", world.users["advocate"]),
                                                      world.gid("User", world.users["admin"])]))
    return cases


async def test_caseload_statements_do_not_grow_with_page_size(api, world, app_db):
    await _caseload(api, world, 50)
    adv = world.tokens["advocate"]
    counts = {}
    for first in (5, 50):
        with Statements(app_db) as st:  # the app's own connections
            body = await api.data(CASELOAD, {"first": first}, token=adv)
        edges = body["cases"]["edges"]
        assert len(edges) == first
        node = edges[-1]["node"]
        assert node["family"]["displayName"].startswith("Family ")
        assert node["student"]["lastName"] == "Bench" and node["school"]["name"]
        assert sorted(a["displayName"] for a in node["assignees"]) == ["Ada Admin", "Advocate"]
        counts[first] = st.count
    assert counts[5] == counts[50], counts
    # issue 7, request overhead: the session, member and chapters in one statement (PostgreSQL: outside any
    # transaction, through the lookup function of migration 0015); the page with its family, student and school
    # joined, its assignees and its audit row in one transaction. 17 statements in 7 transactions before, then
    # 10 in 3, then 6 in 2, now 5 in 1 and the lookup on PostgreSQL. SQLite counts each transaction's BEGIN where
    # PostgreSQL counts the tenant set_config, and its lookup is a transaction.
    assert counts[50] == (6 if app_db.is_sqlite else 5), counts


async def test_case_detail_statements_do_not_grow_with_timeline_length(api, world, app_db):
    adv = world.tokens["advocate"]
    short, long_ = (await _caseload(api, world, 10))[:2]
    for k in range(30):
        body = await api.data("""mutation($i: AddCaseNoteInput!) { addCaseNote(input: $i) { errors { code } } }""",
                              {"i": {"caseId": long_["id"], "body": f"Note {k}"}}, token=adv)
        assert body["addCaseNote"]["errors"] == []
    counts = {}
    for case, events in ((short, 1), (long_, 31)):
        with Statements(app_db) as st:  # the app's own connections
            body = await api.data(DETAIL, {"id": case["id"]}, token=adv)
        assert len(body["case"]["timeline"]["edges"]) == events
        assert {e["node"]["author"]["displayName"] for e in body["case"]["timeline"]["edges"]} == {"Advocate"}
        counts[events] = st.count
    assert counts[1] == counts[31], counts
    # 25 before (issue 7: request overhead), then 14; the case reads its family, student, school and assignees
    # in its own transaction, like a page of the caseload
    assert counts[31] == (11 if app_db.is_sqlite else 10), counts


async def test_reads_end_without_a_rollback(api, world, app_db):
    """psycopg forgets every statement it prepared on a connection at a ROLLBACK, so a request whose read
    transactions (its session lookup, the case page's reads, the notifications) rolled back made PostgreSQL parse
    and plan every statement again on every request. Reads end with COMMIT; nothing is written by them. The same
    for a token that is no session (a signed-out browser's old cookie)."""
    adv = world.tokens["advocate"]
    case = (await _caseload(api, world, 5))[0]
    rollbacks = []
    listener = lambda conn: rollbacks.append(conn)  # noqa: E731
    event.listen(app_db.engine.sync_engine, "rollback", listener)
    try:
        with Statements(app_db) as st:
            await api.data(CASELOAD, {"first": 5}, token=adv)
            await api.data(DETAIL, {"id": case["id"]}, token=adv)
            await api.data("query { me { user { id } } notifications(first: 5) { unreadCount } }", token=adv)
            assert (await api.data("query { me { user { id } } }", token="an-old-cookie"))["me"] is None
    finally:
        event.remove(app_db.engine.sync_engine, "rollback", listener)
    assert st.count > 0 and rollbacks == []


async def test_a_requests_shared_reads_stay_in_tenant_and_see_its_own_writes(api, world, other_world, app_db):
    """RequestReads (the DataLoader batches of one request in one read transaction): concurrent batches take
    turns on it, it follows the task's tenant (row-level security on PostgreSQL), and a unit of work committed
    meanwhile is seen by the next batch (a fresh transaction; SQLite would otherwise keep its old snapshot)."""
    adv = world.tokens["advocate"]
    fam = await create_family(api, adv, world.chapter_gids["North"], displayName="Before")
    fid = decode(fam["id"], "Family")
    other = await create_family(api, other_world.tokens["advocate"], other_world.chapter_gids["North"],
                                displayName="Elsewhere")
    oid = decode(other["id"], "Family")
    reads = RequestReads(app_db)
    try:
        with tenant(world.org_id):
            with Statements(app_db) as st:
                families, students, schools = await asyncio.gather(
                    people.families_by_ids(reads, world.org_id, [fid]),
                    people.students_by_family(reads, world.org_id, [fid]),
                    directory.by_ids(reads, School, world.org_id, world.school_ids))
            assert families[fid].display_name == "Before" and students[fid] == []
            assert sorted(schools) == sorted(world.school_ids)
            assert st.count == 4  # one transaction: its BEGIN (SQLite) or tenant set_config (PostgreSQL), 3 reads
            # the same request writes (a unit of work through the same database), then reads again
            body = await api.data("""mutation($i: UpdateFamilyInput!) { updateFamily(input: $i) {
                errors { code } } }""", {"i": {"id": fam["id"], "version": 1, "displayName": "After"}}, token=adv)
            assert body["updateFamily"]["errors"] == []
            assert (await people.families_by_ids(reads, world.org_id, [fid]))[fid].display_name == "After"
            # row-level security: another organization's rows are not there for this tenant's transaction
            if not app_db.is_sqlite:
                assert await people.families_by_ids(reads, other_world.org_id, [oid]) == {}
        with tenant(other_world.org_id):  # the task moved to another organization: its rows, in a new transaction
            assert (await people.families_by_ids(reads, other_world.org_id, [oid]))[oid].display_name == "Elsewhere"
        with tenant(None):  # and with none, nothing (PostgreSQL)
            if not app_db.is_sqlite:
                assert await people.families_by_ids(reads, world.org_id, [fid]) == {}
    finally:
        await reads.close()
