"""SQL statements per request do not depend on page size (issue 7: a correctness rule, not a timing test).

The caseload query is the one bench/run.py measures: a page of cases with family, student, school and
assignees. Its statements are counted on the engine, for a page of 5 and a page of 50, and must be equal.
"""

from __future__ import annotations

from sqlalchemy import event

from bench.run import CASELOAD, DETAIL
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
