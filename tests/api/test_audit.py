"""Every mutation, every read of a case or family, and every login leaves an audit row."""

from __future__ import annotations

from sqlalchemy import select

from api.relay import from_global_id
from domain.audit.models import AuditEvent
from tests.api.ops import GET_CASE, OPEN_CASE, create_family, open_case


async def _rows(db, org_id):
    async with db.reader() as s:
        return list(await s.scalars(select(AuditEvent).where(AuditEvent.organization_id == org_id)
                                    .order_by(AuditEvent.at, AuditEvent.id)))


async def test_mutations_and_reads_are_audited_with_actor_and_request_id(api, client, db, world):
    adv = world.tokens["advocate"]
    fam = await create_family(api, adv, world.chapter_gids["North"])
    case = await open_case(api, adv, fam["id"])
    r = await client.post("/graphql", json={"query": GET_CASE, "variables": {"id": case["id"]}},
                          headers={"Authorization": f"Bearer {adv}", "X-Request-Id": "audit-req-1"})
    assert r.json()["data"]["case"]["id"] == case["id"]
    await api.data("query($id: ID!) { family(id: $id) { id } }", {"id": fam["id"]}, token=adv)
    rows = await _rows(db, world.org_id)
    mine = [(r.action, r.entity_type) for r in rows if r.actor_user_id == world.users["advocate"]]
    for expected in (("family.create", "family"), ("case.open", "case"), ("case.read", "case"),
                     ("family.read", "family"), ("login.success", "user")):
        assert expected in mine
    read = next(r for r in rows if r.action == "case.read")
    assert read.request_id == "audit-req-1" and read.entity_id is not None


async def test_a_refused_mutation_writes_nothing(api, db, world):
    adv = world.tokens["advocate"]
    fam = await create_family(api, adv, world.chapter_gids["North"])
    before = len(await _rows(db, world.org_id))
    body = await api.data(OPEN_CASE, {"i": {"familyId": fam["id"], "category": "DISCIPLINE",
                                            "subcategory": "PLACEMENT", "title": "x"}}, token=adv)
    assert body["openCase"]["errors"][0]["code"] == "VALIDATION"
    assert len(await _rows(db, world.org_id)) == before


async def test_a_list_read_records_which_records_were_shown(api, db, world):
    adv = world.tokens["advocate"]
    fam = await create_family(api, adv, world.chapter_gids["North"])
    case = await open_case(api, adv, fam["id"])
    listed = await api.data("query { cases(first: 5) { edges { node { id } } } families(first: 5) { edges { node { id } } } }",
                            token=adv)
    assert [e["node"]["id"] for e in listed["cases"]["edges"]] == [case["id"]]
    rows = [r for r in await _rows(db, world.org_id) if r.actor_user_id == world.users["advocate"]]
    cases_read = next(r for r in rows if r.action == "case.list")
    families_read = next(r for r in rows if r.action == "family.list")
    assert cases_read.detail == {"count": 1, "ids": [str(from_global_id(case["id"])[1])]}
    assert families_read.detail == {"count": 1, "ids": [str(from_global_id(fam["id"])[1])]}
