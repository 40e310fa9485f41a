"""The directory: districts, schools, district contacts and district calendars, managed through GraphQL."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from sqlalchemy import func, select

from domain.audit.models import AuditEvent
from domain.db import utcnow
from domain.directory.models import District, DistrictContact, School
from domain.escalations.models import DistrictClosure, Escalation, EscalationChannel
from tests.api.ops import create_family, open_case

ERR = "errors { code message field }"
CONTACT = ("id name title office email phone issueAreas ladderLevel active version district { id name } "
           "school { id name }")
CREATE_DISTRICT = f"""mutation($i: CreateDistrictInput!) {{ createDistrict(input: $i) {{
  district {{ id name state ncesId version }} {ERR} }} }}"""
UPDATE_DISTRICT = f"""mutation($i: UpdateDistrictInput!) {{ updateDistrict(input: $i) {{
  district {{ id name state ncesId version }} {ERR} }} }}"""
CREATE_SCHOOL = f"""mutation($i: CreateSchoolInput!) {{ createSchool(input: $i) {{
  school {{ id name level district {{ id }} }} {ERR} }} }}"""
UPDATE_SCHOOL = f"""mutation($i: UpdateSchoolInput!) {{ updateSchool(input: $i) {{
  school {{ id name level version }} {ERR} }} }}"""
CREATE_CONTACT = f"""mutation($i: CreateDistrictContactInput!) {{ createDistrictContact(input: $i) {{
  contact {{ {CONTACT} }} {ERR} }} }}"""
UPDATE_CONTACT = f"""mutation($i: UpdateDistrictContactInput!) {{ updateDistrictContact(input: $i) {{
  contact {{ {CONTACT} }} {ERR} }} }}"""
DELETE_CONTACT = f"""mutation($i: DeleteDistrictContactInput!) {{ deleteDistrictContact(input: $i) {{
  deletedId contact {{ id active version }} {ERR} }} }}"""
ADD_CLOSURE = f"""mutation($i: AddDistrictClosureInput!) {{ addDistrictClosure(input: $i) {{
  closure {{ id name startsOn endsOn district {{ id }} }} {ERR} }} }}"""
REMOVE_CLOSURE = f"""mutation($i: RemoveDistrictClosureInput!) {{ removeDistrictClosure(input: $i) {{
  removedId {ERR} }} }}"""
CONTACTS = """query($d: ID, $level: Int, $area: CaseCategory, $s: String, $inactive: Boolean! = false, $first: Int,
  $after: String) { districtContacts(districtId: $d, level: $level, issueArea: $area, search: $s,
  includeInactive: $inactive, first: $first, after: $after) {
  pageInfo { hasNextPage endCursor } edges { node { name ladderLevel issueAreas active } } } }"""
DISTRICT = """query($id: ID!) { node(id: $id) { ... on District { name
  schools { name level } contacts { name active school { name } } inactive: contacts(includeInactive: true) { name }
  closures { name startsOn endsOn } } } }"""


def _gid(world, kind, obj_id=None):
    return world.gid(kind, obj_id or uuid.uuid4())


async def _district(api, token, name="Lynn Public Schools", state="ma") -> dict:
    body = (await api.data(CREATE_DISTRICT, {"i": {"name": name, "state": state}}, token=token))["createDistrict"]
    assert body["errors"] == [], body
    return body["district"]


async def _contact(api, token, district_id, **extra) -> dict:
    i = {"districtId": district_id, "name": "Dana Reyes", "title": "Director of Special Education",
         "office": "Office of Special Education", "email": "DReyes@lynn.k12.example", "phone": "781-555-0100 x12",
         "issueAreas": ["SPECIAL_EDUCATION"], "ladderLevel": 2, **extra}
    body = (await api.data(CREATE_CONTACT, {"i": i}, token=token))["createDistrictContact"]
    assert body["errors"] == [], body
    return body["contact"]


async def _audit(db, org_id) -> list[tuple[str, str | None]]:
    async with db.reader() as s:
        return [(a, t) for a, t in await s.execute(select(AuditEvent.action, AuditEvent.entity_type).where(
            AuditEvent.organization_id == org_id).order_by(AuditEvent.at, AuditEvent.id))]


async def test_manage_districts_schools_and_contacts(api, db, world):
    adv = world.tokens["advocate"]
    d = await _district(api, adv)
    assert d["state"] == "MA" and d["name"] == "Lynn Public Schools"
    dup = (await api.data(CREATE_DISTRICT, {"i": {"name": "  lynn   PUBLIC schools ", "state": "MA"}},
                          token=adv))["createDistrict"]
    assert dup["district"] is None and dup["errors"][0]["code"] == "CONFLICT" and dup["errors"][0]["field"] == "name"
    upd = (await api.data(UPDATE_DISTRICT, {"i": {"id": d["id"], "version": 1, "ncesId": "2507110"}},
                          token=adv))["updateDistrict"]
    assert upd["errors"] == [] and upd["district"] == {**d, "ncesId": "2507110", "version": 2}
    # optimistic locking: a save based on version 1 after someone saved version 2 changes nothing
    stale = (await api.data(UPDATE_DISTRICT, {"i": {"id": d["id"], "version": 1, "name": "Stale"}},
                            token=world.tokens["admin"]))["updateDistrict"]
    assert stale["district"] is None and stale["errors"][0]["code"] == "CONFLICT"
    assert stale["errors"][0]["field"] == "version" and "version 2" in stale["errors"][0]["message"]

    school = (await api.data(CREATE_SCHOOL, {"i": {"districtId": d["id"], "name": "Lynn English High School",
                                                   "level": "9-12"}}, token=adv))["createSchool"]
    assert school["errors"] == [] and school["school"]["district"]["id"] == d["id"]
    sid = school["school"]["id"]
    dup = (await api.data(CREATE_SCHOOL, {"i": {"districtId": d["id"], "name": "LYNN ENGLISH HIGH SCHOOL"}},
                          token=adv))["createSchool"]
    assert dup["errors"] == [{"code": "CONFLICT", "message": dup["errors"][0]["message"], "field": "name"}]
    # The same school name in another district is fine.
    other = (await api.data(CREATE_SCHOOL, {"i": {"districtId": world.gid("District", world.district_id),
                                                  "name": "Lynn English High School"}}, token=adv))["createSchool"]
    assert other["errors"] == [] and other["school"]["level"] == "K-12"
    ren = (await api.data(UPDATE_SCHOOL, {"i": {"id": sid, "version": 1, "name": "Lynn English HS",
                                                "level": "9-12"}}, token=world.tokens["admin"]))["updateSchool"]
    assert ren["errors"] == [] and ren["school"]["name"] == "Lynn English HS" and ren["school"]["version"] == 2
    stale = (await api.data(UPDATE_SCHOOL, {"i": {"id": sid, "version": 1, "name": "Lynn HS"}},
                            token=adv))["updateSchool"]
    assert stale["school"] is None and stale["errors"][0]["code"] == "CONFLICT"

    c = await _contact(api, adv, d["id"], schoolId=sid, issueAreas=["SPECIAL_EDUCATION", "DISCIPLINE", "DISCIPLINE"])
    assert c["email"] == "dreyes@lynn.k12.example" and c["phone"] == "781-555-0100 x12"
    assert c["issueAreas"] == ["DISCIPLINE", "SPECIAL_EDUCATION"] and c["ladderLevel"] == 2
    assert c["version"] == 1 and c["active"] is True and c["school"]["name"] == "Lynn English HS"
    upd = (await api.data(UPDATE_CONTACT, {"i": {"id": c["id"], "version": 1, "title": "Executive Director",
                                                 "schoolId": None, "issueAreas": []}}, token=adv)
           )["updateDistrictContact"]
    assert upd["errors"] == []
    assert upd["contact"]["version"] == 2 and upd["contact"]["title"] == "Executive Director"
    assert upd["contact"]["school"] is None and upd["contact"]["issueAreas"] == []
    assert upd["contact"]["name"] == "Dana Reyes"  # untouched fields stay
    stale = (await api.data(UPDATE_CONTACT, {"i": {"id": c["id"], "version": 1, "title": "X"}}, token=adv)
             )["updateDistrictContact"]
    assert stale["contact"] is None and stale["errors"][0]["code"] == "CONFLICT"
    assert stale["errors"][0]["field"] == "version"

    second = await _contact(api, adv, d["id"], name="Luis Tran", email=None, ladderLevel=1, schoolId=sid)
    off = (await api.data(UPDATE_CONTACT, {"i": {"id": second["id"], "version": 1, "active": False}}, token=adv)
           )["updateDistrictContact"]
    assert off["contact"]["active"] is False and off["contact"]["version"] == 2
    got = (await api.data(DISTRICT, {"id": d["id"]}, token=world.tokens["viewer"]))["node"]
    assert got["schools"] == [{"name": "Lynn English HS", "level": "9-12"}]
    assert got["contacts"] == [{"name": "Dana Reyes", "active": True, "school": None}]
    assert [x["name"] for x in got["inactive"]] == ["Luis Tran", "Dana Reyes"]  # by ladder level
    node = (await api.data("query($id: ID!) { node(id: $id) { ... on DistrictContact { name version } } }",
                           {"id": c["id"]}, token=world.tokens["campaign_lead"]))["node"]
    assert node == {"name": "Dana Reyes", "version": 2}

    actions = await _audit(db, world.org_id)
    for expected in (("district.create", "district"), ("district.update", "district"), ("school.create", "school"),
                     ("school.update", "school"), ("district_contact.create", "district_contact"),
                     ("district_contact.update", "district_contact")):
        assert expected in actions


async def test_contact_validation_is_typed_and_writes_nothing(api, db, world, other_world):
    adv = world.tokens["advocate"]
    d = await _district(api, adv)
    await _contact(api, adv, d["id"])
    before = await _audit(db, world.org_id)
    own_school = world.gid("School", world.school_ids[0])  # a school of another district
    foreign_school = other_world.gid("School", other_world.school_ids[0])
    cases = (
        ({"name": "  "}, "VALIDATION", "name"),
        ({"email": "dana@"}, "VALIDATION", "email"),
        ({"ladderLevel": 9}, "VALIDATION", "ladderLevel"),
        ({"ladderLevel": 0}, "VALIDATION", "ladderLevel"),
        ({"schoolId": own_school}, "VALIDATION", "schoolId"),
        ({"schoolId": foreign_school}, "VALIDATION", "schoolId"),
        ({"schoolId": "not-an-id"}, "VALIDATION", "schoolId"),
        ({"title": "x" * 201}, "VALIDATION", "title"),
        ({"email": "dreyes@LYNN.k12.example"}, "CONFLICT", "email"),
        ({"districtId": other_world.gid("District", other_world.district_id)}, "NOT_FOUND", "districtId"),
        ({"districtId": _gid(world, "District")}, "NOT_FOUND", "districtId"),
    )
    for extra, code, field in cases:
        i = {"districtId": d["id"], "name": "Sam Ortiz", "ladderLevel": 2, **extra}
        body = (await api.data(CREATE_CONTACT, {"i": i}, token=adv))["createDistrictContact"]
        assert body["contact"] is None, extra
        assert [(e["code"], e["field"]) for e in body["errors"]] == [(code, field)], extra
    bad_area = await api(CREATE_CONTACT, {"i": {"districtId": d["id"], "name": "Sam", "ladderLevel": 1,
                                                "issueAreas": ["SPELLING"]}}, token=adv)
    assert bad_area["errors"]  # not a CaseCategory: refused by GraphQL validation
    for extra, field in (({"name": ""}, "name"), ({"state": "Massachusetts"}, "state"), ({"state": "M1"}, "state")):
        body = (await api.data(CREATE_DISTRICT, {"i": {"name": "Salem", "state": "MA", **extra}}, token=adv)
                )["createDistrict"]
        assert [(e["code"], e["field"]) for e in body["errors"]] == [("VALIDATION", field)]
    assert await _audit(db, world.org_id) == before
    names = (await api.data(CONTACTS, {"inactive": True}, token=adv))["districtContacts"]["edges"]
    assert [e["node"]["name"] for e in names] == ["Dana Reyes"]


@pytest.mark.parametrize("role", ["viewer", "campaign_lead"])
async def test_readers_may_not_change_the_directory(api, db, world, role):
    admin, token = world.tokens["admin"], world.tokens[role]
    d = await _district(api, admin)
    c = await _contact(api, admin, d["id"])
    closure = (await api.data(ADD_CLOSURE, {"i": {"districtId": d["id"], "name": "Thanksgiving",
                                                  "startsOn": "2026-11-26", "endsOn": "2026-11-27"}},
                              token=admin))["addDistrictClosure"]["closure"]
    attempts = (
        ("createDistrict", CREATE_DISTRICT, {"name": "Salem", "state": "MA"}),
        ("updateDistrict", UPDATE_DISTRICT, {"id": d["id"], "version": 1, "name": "Renamed"}),
        ("createSchool", CREATE_SCHOOL, {"districtId": d["id"], "name": "New School"}),
        ("updateSchool", UPDATE_SCHOOL, {"id": world.gid("School", world.school_ids[0]), "version": 1, "name": "X"}),
        ("createDistrictContact", CREATE_CONTACT, {"districtId": d["id"], "name": "X", "ladderLevel": 1}),
        ("updateDistrictContact", UPDATE_CONTACT, {"id": c["id"], "version": 1, "active": False}),
        ("deleteDistrictContact", DELETE_CONTACT, {"id": c["id"]}),
        ("addDistrictClosure", ADD_CLOSURE, {"districtId": d["id"], "name": "X", "startsOn": "2026-12-24"}),
        ("removeDistrictClosure", REMOVE_CLOSURE, {"id": closure["id"]}),
        ("importDirectory", IMPORT, {"csv": "district,state\nSalem,MA\n"}),
    )
    before = await _audit(db, world.org_id)
    for name, op, i in attempts:
        body = (await api.data(op, {"i": i}, token=token))[name]
        assert [e["code"] for e in body["errors"]] == ["FORBIDDEN"], name
    assert await _audit(db, world.org_id) == before
    # ... but they read the directory.
    edges = (await api.data(CONTACTS, {"d": d["id"]}, token=token))["districtContacts"]["edges"]
    assert [e["node"]["name"] for e in edges] == ["Dana Reyes"]
    got = (await api.data(DISTRICT, {"id": d["id"]}, token=token))["node"]
    assert got["closures"] == [{"name": "Thanksgiving", "startsOn": "2026-11-26", "endsOn": "2026-11-27"}]


async def test_admin_and_advocate_manage_the_directory(api, world):
    for role in ("admin", "advocate"):
        token = world.tokens[role]
        d = await _district(api, token, name=f"District of {role}")
        c = await _contact(api, token, d["id"])
        body = (await api.data(DELETE_CONTACT, {"i": {"id": c["id"], "version": 1}}, token=token)
                )["deleteDistrictContact"]
        assert body == {"deletedId": c["id"], "contact": None, "errors": []}


async def test_no_reading_without_sign_in(api, world):
    body = await api(CONTACTS, {})
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_other_organizations_directory_is_unknown(api, db, world, other_world):
    adv, theirs = world.tokens["advocate"], other_world.tokens["admin"]
    their_district = (await _district(api, theirs, name="Boston Public Schools"))["id"]
    their_contact = (await _contact(api, theirs, their_district))["id"]
    their_closure = (await api.data(ADD_CLOSURE, {"i": {"districtId": their_district, "name": "Patriots' Day",
                                                        "startsOn": "2027-04-19"}}, token=theirs)
                     )["addDistrictClosure"]["closure"]["id"]
    their_school = other_world.gid("School", other_world.school_ids[0])
    for foreign, unknown in ((their_district, _gid(world, "District")), (their_contact, _gid(world, "DistrictContact")),
                             (their_closure, _gid(world, "DistrictClosure")), (their_school, _gid(world, "School"))):
        q = "query($id: ID!) { node(id: $id) { id } }"
        assert (await api.data(q, {"id": foreign}, token=adv))["node"] is None
        assert (await api.data(q, {"id": unknown}, token=adv))["node"] is None
    pairs = (
        ("updateDistrict", UPDATE_DISTRICT, lambda x: {"id": x, "version": 1, "name": "Mine now"}, their_district,
         "District"),
        ("createSchool", CREATE_SCHOOL, lambda x: {"districtId": x, "name": "S"}, their_district, "District"),
        ("updateSchool", UPDATE_SCHOOL, lambda x: {"id": x, "version": 1, "name": "S"}, their_school, "School"),
        ("createDistrictContact", CREATE_CONTACT, lambda x: {"districtId": x, "name": "N", "ladderLevel": 1},
         their_district, "District"),
        ("updateDistrictContact", UPDATE_CONTACT, lambda x: {"id": x, "version": 1, "name": "N"}, their_contact,
         "DistrictContact"),
        ("deleteDistrictContact", DELETE_CONTACT, lambda x: {"id": x}, their_contact, "DistrictContact"),
        ("addDistrictClosure", ADD_CLOSURE, lambda x: {"districtId": x, "name": "N", "startsOn": "2027-01-01"},
         their_district, "District"),
        ("removeDistrictClosure", REMOVE_CLOSURE, lambda x: {"id": x}, their_closure, "DistrictClosure"),
    )
    for name, op, inp, foreign, kind in pairs:
        got = (await api.data(op, {"i": inp(foreign)}, token=adv))[name]
        same = (await api.data(op, {"i": inp(_gid(world, kind))}, token=adv))[name]
        assert [e["code"] for e in got["errors"]] == ["NOT_FOUND"], name
        assert got["errors"] == same["errors"], name
    edges = (await api.data(CONTACTS, {"d": their_district}, token=adv))["districtContacts"]["edges"]
    assert edges == []
    mine = (await api.data(CONTACTS, {"inactive": True}, token=adv))["districtContacts"]["edges"]
    assert mine == []
    # Untouched on their side.
    got = (await api.data(DISTRICT, {"id": their_district}, token=theirs))["node"]
    assert got["name"] == "Boston Public Schools" and got["schools"] == [] and len(got["contacts"]) == 1
    assert len(got["closures"]) == 1
    async with db.reader() as s:
        assert await s.scalar(select(District.name).where(District.organization_id == other_world.org_id,
                                                          District.name.like("Boston%"))) == "Boston Public Schools"
        assert await s.scalar(select(func.count()).select_from(School).where(
            School.organization_id == other_world.org_id)) == 2
        assert await s.scalar(select(DistrictContact.name).where(
            DistrictContact.organization_id == other_world.org_id)) == "Dana Reyes"
        assert await s.scalar(select(func.count()).select_from(DistrictClosure).where(
            DistrictClosure.organization_id == other_world.org_id)) == 1


async def test_district_contacts_filter_search_and_page(api, world):
    adv = world.tokens["advocate"]
    d1 = await _district(api, adv, "Lynn")
    d2 = await _district(api, adv, "Salem")
    await _contact(api, adv, d1["id"], name="Ana Principal", email=None, ladderLevel=1, issueAreas=[],
                   title="Principal", office=None)
    await _contact(api, adv, d1["id"], name="Bo Sped", email="bo@lynn.example", ladderLevel=2,
                   issueAreas=["SPECIAL_EDUCATION"], title="Sped director", office=None)
    await _contact(api, adv, d1["id"], name="Cy Lang", email="cy@lynn.example", ladderLevel=2,
                   issueAreas=["LANGUAGE_ACCESS"], title="EL director", office="Office of Language Access")
    await _contact(api, adv, d2["id"], name="Di State", email="di@doe.example", ladderLevel=3,
                   issueAreas=["SPECIAL_EDUCATION", "DISCIPLINE"], title=None, office="Problem resolution")

    async def names(**v):
        body = await api.data(CONTACTS, v, token=adv)
        return [e["node"]["name"] for e in body["districtContacts"]["edges"]]
    assert await names() == ["Ana Principal", "Bo Sped", "Cy Lang", "Di State"]
    assert await names(d=d1["id"]) == ["Ana Principal", "Bo Sped", "Cy Lang"]
    assert await names(level=2) == ["Bo Sped", "Cy Lang"]
    assert await names(area="SPECIAL_EDUCATION") == ["Ana Principal", "Bo Sped", "Di State"]  # empty = all
    assert await names(area="LANGUAGE_ACCESS", d=d1["id"], level=2) == ["Cy Lang"]
    assert await names(s="language access") == ["Cy Lang"]
    assert await names(s="DOE.EXAMPLE") == ["Di State"]
    page1 = (await api.data(CONTACTS, {"first": 3}, token=adv))["districtContacts"]
    assert page1["pageInfo"]["hasNextPage"] is True
    page2 = (await api.data(CONTACTS, {"first": 3, "after": page1["pageInfo"]["endCursor"]}, token=adv)
             )["districtContacts"]
    assert [e["node"]["name"] for e in page2["edges"]] == ["Di State"] and page2["pageInfo"]["hasNextPage"] is False
    bad = await api(CONTACTS, {"first": 500}, token=adv)
    assert bad["errors"][0]["extensions"]["code"] == "VALIDATION"


async def test_district_closures(api, db, world):
    adv = world.tokens["advocate"]
    district = world.gid("District", world.district_id)

    async def add(**i):
        return (await api.data(ADD_CLOSURE, {"i": {"districtId": district, **i}}, token=adv))["addDistrictClosure"]
    winter = await add(name="Winter vacation", startsOn="2026-12-24", endsOn="2027-01-01")
    assert winter["errors"] == [] and winter["closure"]["district"]["id"] == district
    thanks = await add(name="Thanksgiving", startsOn="2026-11-26", endsOn="2026-11-27")
    one_day = await add(name="Veterans Day", startsOn="2026-11-11")
    assert one_day["closure"]["endsOn"] == "2026-11-11"
    backwards = await add(name="Oops", startsOn="2026-12-10", endsOn="2026-12-09")
    assert [(e["code"], e["field"]) for e in backwards["errors"]] == [("VALIDATION", "endsOn")]
    too_long = await add(name="Oops", startsOn="2026-01-01", endsOn="2028-01-01")
    assert [(e["code"], e["field"]) for e in too_long["errors"]] == [("VALIDATION", "endsOn")]
    nameless = await add(name=" ", startsOn="2026-12-10")
    assert [(e["code"], e["field"]) for e in nameless["errors"]] == [("VALIDATION", "name")]
    twice = await add(name="Thanksgiving break", startsOn="2026-11-26", endsOn="2026-11-27")
    assert [(e["code"], e["field"]) for e in twice["errors"]] == [("CONFLICT", "startsOn")]
    q = """query($id: ID!, $after: Date) { node(id: $id) { ... on District {
      closures { name startsOn endsOn } upcoming: closures(endingOnOrAfter: $after) { name } } } }"""
    got = (await api.data(q, {"id": district, "after": "2026-11-20"}, token=world.tokens["viewer"]))["node"]
    assert [c["name"] for c in got["closures"]] == ["Veterans Day", "Thanksgiving", "Winter vacation"]
    assert [c["name"] for c in got["upcoming"]] == ["Thanksgiving", "Winter vacation"]

    removed = (await api.data(REMOVE_CLOSURE, {"i": {"id": thanks["closure"]["id"]}}, token=adv)
               )["removeDistrictClosure"]
    assert removed == {"removedId": thanks["closure"]["id"], "errors": []}
    again = (await api.data(REMOVE_CLOSURE, {"i": {"id": thanks["closure"]["id"]}}, token=adv)
             )["removeDistrictClosure"]
    assert again["removedId"] is None and again["errors"][0]["code"] == "NOT_FOUND"
    async with db.reader() as s:
        left = list(await s.scalars(select(DistrictClosure.name).where(
            DistrictClosure.district_id == world.district_id).order_by(DistrictClosure.starts_on)))
    assert left == ["Veterans Day", "Winter vacation"]
    actions = await _audit(db, world.org_id)
    assert ("district_closure.add", "district_closure") in actions
    assert ("district_closure.remove", "district_closure") in actions


async def test_a_contact_named_by_escalations_is_deactivated_not_deleted(api, db, world):
    adv = world.tokens["advocate"]
    district = world.gid("District", world.district_id)
    c = await _contact(api, adv, district)
    fam = await create_family(api, adv, world.chapter_gids["North"])
    case = await open_case(api, adv, fam["id"])
    contact_id = uuid.UUID(str(await _db_id(db, DistrictContact, c["name"], world.org_id)))
    async with db.transaction() as s:
        from api.relay import from_global_id
        s.add(Escalation(organization_id=world.org_id, case_id=from_global_id(case["id"])[1],
                         district_id=world.district_id, contact_id=contact_id, level=2, level_name="District office",
                         channel=EscalationChannel.EMAIL, summary="s", remedy_requested="r", sent_on=date.today(),
                         response_window_school_days=10, response_due_on=date.today(), sent_at=utcnow()))
    stale = (await api.data(DELETE_CONTACT, {"i": {"id": c["id"], "version": 7}}, token=adv))["deleteDistrictContact"]
    assert stale["errors"][0]["code"] == "CONFLICT"
    body = (await api.data(DELETE_CONTACT, {"i": {"id": c["id"], "version": 1}}, token=adv))["deleteDistrictContact"]
    assert body["errors"] == [] and body["deletedId"] is None
    assert body["contact"] == {"id": c["id"], "active": False, "version": 2}
    assert ("district_contact.deactivate", "district_contact") in await _audit(db, world.org_id)


async def _db_id(db, model, name, org_id):
    async with db.reader() as s:
        return await s.scalar(select(model.id).where(model.organization_id == org_id, model.name == name))


async def test_district_lists_load_children_in_batches(api, app_db, world):
    """Schools, contacts and closures of a page of districts cost one query each, not one per district."""
    admin = world.tokens["admin"]
    for n in range(6):
        d = await _district(api, admin, name=f"Batch district {n}")
        await _contact(api, admin, d["id"], name=f"Contact {n}", email=None)
    statements = []
    from sqlalchemy import event

    def count(conn, cursor, statement, *args):
        statements.append(statement)
    event.listen(app_db.engine.sync_engine, "before_cursor_execute", count)  # the app's own connections
    try:
        body = await api.data("""{ districts(first: 50) { edges { node { name schools { name }
          contacts { name district { name } } closures { name } } } } }""", token=admin)
    finally:
        event.remove(app_db.engine.sync_engine, "before_cursor_execute", count)
    assert len(body["districts"]["edges"]) == 7
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    for table in ("FROM schools", "FROM district_contacts", "FROM district_closures"):
        assert sum(table in s for s in selects) == 1, (table, selects)


IMPORT = """mutation($i: ImportDirectoryInput!) { importDirectory(input: $i) {
  report { imported rowsImported districtsCreated districtsUpdated schoolsCreated schoolsUpdated contactsCreated
           contactsUpdated rowErrors { line message } }
  errors { code message field } } }"""


async def test_import_directory_through_graphql(api, db, world):
    adv = world.tokens["advocate"]
    good = ("district,state,school,school_level,contact_name,title,email,issue_areas,ladder_level\n"
            "Lynn Public Schools,MA,,,Dana Reyes,Sped director,dreyes@lynn.example,Special education,2\n"
            "Lynn Public Schools,,Lynn English High School,9-12,Pat Kim,Principal,pkim@lynn.example,,1\n")
    body = (await api.data(IMPORT, {"i": {"csv": good}}, token=adv))["importDirectory"]
    assert body["errors"] == []
    assert body["report"] == {"imported": True, "rowsImported": 2, "districtsCreated": 1, "districtsUpdated": 0,
                              "schoolsCreated": 1, "schoolsUpdated": 0, "contactsCreated": 2, "contactsUpdated": 0,
                              "rowErrors": []}
    again = (await api.data(IMPORT, {"i": {"csv": good}}, token=adv))["importDirectory"]["report"]
    assert again["imported"] is True and again["contactsCreated"] == again["contactsUpdated"] == 0

    bad = good + "Salem,MA,,,Lee,,lee@salem,,2\nSalem,MA,,,Kai,,,,7\n"
    body = (await api.data(IMPORT, {"i": {"csv": bad}}, token=adv))["importDirectory"]
    assert [(e["code"], e["field"]) for e in body["errors"]] == [("VALIDATION", "csv")]
    assert body["report"]["imported"] is False and body["report"]["districtsCreated"] == 0
    assert [e["line"] for e in body["report"]["rowErrors"]] == [4, 5]
    assert "email" in body["report"]["rowErrors"][0]["message"]
    assert "ladder_level 7" in body["report"]["rowErrors"][1]["message"]
    names = (await api.data("{ districts(search: \"salem\") { edges { node { name } } } }", token=adv))["districts"]
    assert names["edges"] == []

    body = (await api.data(IMPORT, {"i": {"csv": bad + "Salem,,,,Ray,,ray@salem.example,,3\n",
                                          "skipInvalid": True}}, token=adv))["importDirectory"]
    assert body["errors"] == [] and body["report"]["imported"] is True
    assert body["report"]["rowsImported"] == 3 and body["report"]["districtsCreated"] == 1
    assert [e["line"] for e in body["report"]["rowErrors"]] == [4, 5]
    edges = (await api.data(CONTACTS, {"s": "salem"}, token=adv))["districtContacts"]["edges"]
    assert [e["node"]["name"] for e in edges] == ["Ray"]
    async with db.reader() as s:
        n = await s.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.organization_id == world.org_id, AuditEvent.action == "directory.import"))
    assert n == 3
