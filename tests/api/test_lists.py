"""The caseload list: filters, ordering, keyset paging, record scope; no N+1."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import event

from tests.api.ops import ASSIGN_CASE, CREATE_STUDENT, LIST_CASES, TRANSITION_CASE, create_family, open_case


async def _ids(api, token, f=None, order="OPENED_NEWEST", first=100):
    body = await api.data(LIST_CASES, {"f": f, "o": order, "first": first}, token=token)
    return [e["node"]["title"] for e in body["cases"]["edges"]]


async def _seed(api, world):
    adv, south = world.tokens["advocate"], world.tokens["advocate_south"]
    north_fam = await create_family(api, adv, world.chapter_gids["North"])
    south_fam = await create_family(api, south, world.chapter_gids["South"], displayName="Nguyen family",
                                    preferredLanguage="vi")
    today = date.today()
    await open_case(api, adv, north_fam["id"], title="A: suspension", openedOn=(today - timedelta(days=30)).isoformat(),
                    schoolId=world.gid("School", world.school_ids[0]), priority="HIGH",
                    nextActionDueOn=(today - timedelta(days=2)).isoformat(), tags=["mdr"])
    await open_case(api, adv, north_fam["id"], title="B: no interpreter at IEP meeting", category="LANGUAGE_ACCESS",
                    subcategory="NO_INTERPRETER", openedOn=(today - timedelta(days=20)).isoformat(),
                    narrative="The school used the sibling to interpret.",
                    schoolId=world.gid("School", world.school_ids[1]))
    await open_case(api, adv, north_fam["id"], title="C: IEP services missing", category="SPECIAL_EDUCATION",
                    subcategory="IEP_SERVICES_NOT_DELIVERED", openedOn=(today - timedelta(days=10)).isoformat(),
                    priority="URGENT", nextActionDueOn=(today + timedelta(days=5)).isoformat())
    await open_case(api, south, south_fam["id"], title="D: bus never came", category="TRANSPORTATION",
                    subcategory="NO_BUS_SERVICE", openedOn=today.isoformat())


async def test_filters_order_and_scope(api, world):
    await _seed(api, world)
    admin, adv, south = world.tokens["admin"], world.tokens["advocate"], world.tokens["advocate_south"]
    assert await _ids(api, admin) == ["D: bus never came", "C: IEP services missing",
                                      "B: no interpreter at IEP meeting", "A: suspension"]
    assert await _ids(api, admin, order="OPENED_OLDEST") == ["A: suspension", "B: no interpreter at IEP meeting",
                                                              "C: IEP services missing", "D: bus never came"]
    assert (await _ids(api, admin, order="PRIORITY"))[:2] == ["C: IEP services missing", "A: suspension"]
    # record scope: chapters (or assigned/opened by me)
    assert await _ids(api, adv) == ["C: IEP services missing", "B: no interpreter at IEP meeting", "A: suspension"]
    assert await _ids(api, south) == ["D: bus never came"]
    assert await _ids(api, admin, {"category": ["LANGUAGE_ACCESS", "TRANSPORTATION"]}) == [
        "D: bus never came", "B: no interpreter at IEP meeting"]
    assert await _ids(api, admin, {"subcategory": ["OUT_OF_SCHOOL_SUSPENSION"]}) == ["A: suspension"]
    assert await _ids(api, admin, {"chapterId": [world.chapter_gids["South"]]}) == ["D: bus never came"]
    assert await _ids(api, admin, {"schoolId": [world.gid("School", world.school_ids[1])]}) == [
        "B: no interpreter at IEP meeting"]
    assert len(await _ids(api, admin, {"districtId": [world.gid("District", world.district_id)]})) == 2
    assert await _ids(api, admin, {"assigneeId": [world.gid("User", world.users["advocate_south"])]}) == [
        "D: bus never came"]
    assert await _ids(api, admin, {"overdue": True}) == ["A: suspension"]
    assert len(await _ids(api, admin, {"overdue": False})) == 3
    assert await _ids(api, admin, {"tags": ["MDR"]}) == ["A: suspension"]
    today = date.today()
    assert await _ids(api, admin, {"openedFrom": (today - timedelta(days=25)).isoformat(),
                                   "openedTo": (today - timedelta(days=5)).isoformat()}) == [
        "C: IEP services missing", "B: no interpreter at IEP meeting"]
    # text search: title for everyone, narrative only with the identity permission
    assert await _ids(api, admin, {"search": "iep"}) == ["C: IEP services missing", "B: no interpreter at IEP meeting"]
    assert await _ids(api, admin, {"search": "SIBLING"}) == ["B: no interpreter at IEP meeting"]
    assert await _ids(api, world.tokens["viewer"], {"search": "sibling"}) == []
    body = await api.data(LIST_CASES, {"f": {"status": ["INTAKE"]}, "o": "OPENED_NEWEST", "first": 2}, token=admin)
    assert body["cases"]["totalCount"] == 4


async def test_cases_assigned_outside_my_chapters_are_in_my_caseload(api, world):
    await _seed(api, world)
    adv, south = world.tokens["advocate"], world.tokens["advocate_south"]
    south_fam = await create_family(api, south, world.chapter_gids["South"], displayName="Okafor family")
    shared = await open_case(api, south, south_fam["id"], title="E: shared with North")
    out = (await api.data(ASSIGN_CASE, {"i": {"id": shared["id"], "assigneeIds": [
        world.gid("User", world.users["advocate_south"]), world.gid("User", world.users["advocate"])]}},
        token=south))["assignCase"]
    assert out["errors"] == []
    mine = ["E: shared with North", "C: IEP services missing", "B: no interpreter at IEP meeting", "A: suspension"]
    assert await _ids(api, adv) == mine
    assert await _ids(api, adv, first=2) == mine[:2]
    # filtered to the other chapter: only what is assigned to me there; to mine: my chapter's cases
    assert await _ids(api, adv, {"chapterId": [world.chapter_gids["South"]]}) == ["E: shared with North"]
    assert await _ids(api, adv, {"chapterId": [world.chapter_gids["North"]]}) == mine[1:]
    body = await api.data(LIST_CASES, {"f": None, "o": "OPENED_NEWEST", "first": 1}, token=adv)
    assert body["cases"]["totalCount"] == 4
    assert sorted(await _ids(api, south)) == ["D: bus never came", "E: shared with North"]
    # the families page follows the same reach: my chapter's families, and a family through a case assigned to me
    families = lambda f=None: _family_names(api, adv, f)
    assert await families() == ["Okafor family", "Rivera family"]
    assert await families(world.chapter_gids["South"]) == ["Okafor family"]
    assert await families(world.chapter_gids["North"]) == ["Rivera family"]
    assert await _family_names(api, south, None) == ["Okafor family", "Nguyen family"]


async def _family_names(api, token, chapter):
    body = await api.data("query($c: ID) { families(chapterId: $c, first: 50) { edges { node { displayName } } } }",
                          {"c": chapter}, token=token)
    return [e["node"]["displayName"] for e in body["families"]["edges"]]


async def test_search_takes_percent_and_underscore_literally(api, world):
    adv = world.tokens["advocate"]
    fam = await create_family(api, adv, world.chapter_gids["North"])
    await open_case(api, adv, fam["id"], title="Only 50% of IEP minutes delivered")
    await open_case(api, adv, fam["id"], title="Form IEP_2 never sent home")
    await open_case(api, adv, fam["id"], title="Bus late every day")
    assert await _ids(api, adv, {"search": "%"}) == ["Only 50% of IEP minutes delivered"]
    assert await _ids(api, adv, {"search": "iep_"}) == ["Form IEP_2 never sent home"]
    assert await _ids(api, adv, {"search": "b_s"}) == []
    assert await _ids(api, adv, {"search": "50%"}) == ["Only 50% of IEP minutes delivered"]


async def test_family_search_takes_percent_and_underscore_literally(api, world):
    adv = world.tokens["advocate"]
    for name in ("Garcia_Lopez family", "Garcia Lopez family", "Nguyen family"):
        await create_family(api, adv, world.chapter_gids["North"], displayName=name)
    found = lambda term: api.data("query($q: String) { families(search: $q) { edges { node { displayName } } } }",
                                  {"q": term}, token=adv)
    names = lambda body: sorted(e["node"]["displayName"] for e in body["families"]["edges"])
    assert names(await found("garcia_")) == ["Garcia_Lopez family"]
    assert names(await found("%")) == []
    assert names(await found("garcia")) == ["Garcia Lopez family", "Garcia_Lopez family"]


async def test_keyset_paging_visits_every_case_once(api, world):
    await _seed(api, world)
    admin = world.tokens["admin"]
    seen, after = [], None
    while True:
        body = await api.data(LIST_CASES, {"o": "PRIORITY", "first": 3, "after": after}, token=admin)
        seen += [e["node"]["title"] for e in body["cases"]["edges"]]
        if not body["cases"]["pageInfo"]["hasNextPage"]:
            break
        after = body["cases"]["pageInfo"]["endCursor"]
    assert sorted(seen) == sorted(await _ids(api, admin)) and len(seen) == 4


async def test_page_size_and_cursor_are_validated(api, world):
    admin = world.tokens["admin"]
    for variables, field in (({"first": 101}, "first"), ({"first": 0}, "first"), ({"after": "garbage"}, "after")):
        body = await api(LIST_CASES, {"o": "OPENED_NEWEST", **variables}, token=admin)
        assert body["data"] is None
        assert body["errors"][0]["extensions"] == {"code": "VALIDATION", "field": field}


async def test_campaign_lead_cannot_list_cases_or_families(api, world):
    for q in ("query { cases { edges { node { id } } } }", "query { families { edges { node { id } } } }"):
        body = await api(q, token=world.tokens["campaign_lead"])
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        body = await api(q)
        assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_no_n_plus_one(api, world, app_db):
    adv = world.tokens["advocate"]
    families = [await create_family(api, adv, world.chapter_gids["North"], displayName=f"Family {i}")
                for i in range(5)]
    students = []
    for i, fam in enumerate(families):  # a student in each family, so that every case's `student` resolves
        body = await api.data(CREATE_STUDENT, {"i": {"familyId": fam["id"], "firstName": f"Student {i}", "lastName": "Doe",
                                                     "grade": "5", "schoolId": world.gid("School", world.school_ids[0])}},
                              token=adv)
        students.append(body["createStudent"]["student"])
    for i in range(100):
        await open_case(api, adv, families[i % 5]["id"], title=f"Case {i}", studentId=students[i % 5]["id"],
                        schoolId=world.gid("School", world.school_ids[i % 2]))
    q = """query($first: Int) { cases(first: $first) { edges { node { id title
      family { displayName students { firstName } consents { kind } chapter { name } }
      student { firstName } school { name district { name } } district { name } chapter { name }
      assignees { displayName } openedBy { displayName } } } } }"""
    counts = []
    for first in (10, 100):
        statements = []

        def count(*_args):
            statements.append(1)
        event.listen(app_db.engine.sync_engine, "before_cursor_execute", count)  # the app's connections
        try:
            body = await api.data(q, {"first": first}, token=adv)
        finally:
            event.remove(app_db.engine.sync_engine, "before_cursor_execute", count)
        assert len(body["cases"]["edges"]) == first
        assert all(e["node"]["student"]["firstName"].startswith("Student ") for e in body["cases"]["edges"])
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
