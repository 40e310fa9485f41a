"""Campaigns: create and edit, criteria matching and linked cases, issueStats pivots with suppression,
families who opted out, escalation measures, tenant isolation, and what campaign leads cannot see."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select

from api.relay import from_global_id
from api.schema import schema
from domain.audit.models import AuditEvent
from domain.cases.workflow import CaseOutcome, CaseStatus
from domain.directory.models import District
from tests.api.campaign_ops import (
    CREATE_CAMPAIGN, EVIDENCE, GET_CAMPAIGN, LINK, STATS, STATS_CASES_ONLY, UNLINK, UPDATE_CAMPAIGN, cells,
    create_campaign, opt_out, seed_cases, seed_escalations, set_threshold,
)


def gid(world, kind, i):
    return world.gid(kind, i)


# ---------------------------------------------------------------- create, update, read


async def test_create_update_and_read_a_campaign(api, db, world, other_world):
    lead = world.tokens["campaign_lead"]
    camp = await create_campaign(api, world, targetDistrictId=gid(world, "District", world.district_id),
                                 leadIds=[gid(world, "User", world.users["campaign_lead"])],
                                 criteria={"categories": ["DISCIPLINE"], "subcategories": ["OUT_OF_SCHOOL_SUSPENSION"],
                                           "schoolIds": [gid(world, "School", world.school_ids[0])],
                                           "openedFrom": "2025-09-01", "openedTo": "2026-06-30",
                                           "tags": ["IEP ", "iep", "Restraint"]})
    assert camp["status"] == "PLANNING" and camp["version"] == 1
    assert camp["targetDistrict"]["name"].startswith("Riverton Public Schools")
    assert camp["leads"] == [{"displayName": "Campaign Lead"}]
    assert camp["criteria"] == {"categories": ["DISCIPLINE"], "subcategories": ["OUT_OF_SCHOOL_SUSPENSION"],
                                "openedFrom": "2025-09-01", "openedTo": "2026-06-30", "tags": ["iep", "restraint"],
                                "districts": [], "schools": [{"name": "Riverton High School"}]}

    upd = (await api.data(UPDATE_CAMPAIGN, {"i": {"id": camp["id"], "version": 1, "status": "ACTIVE",
                                                  "goal": "Zero OSS for students with IEPs", "leadIds": []}},
                          token=lead))["updateCampaign"]
    assert upd["errors"] == [] and upd["campaign"]["status"] == "ACTIVE" and upd["campaign"]["version"] == 2
    assert upd["campaign"]["leads"] == [] and upd["campaign"]["criteria"]["categories"] == ["DISCIPLINE"]
    stale = (await api.data(UPDATE_CAMPAIGN, {"i": {"id": camp["id"], "version": 1, "status": "WON"}},
                            token=lead))["updateCampaign"]
    assert stale["campaign"] is None and stale["errors"][0]["code"] == "CONFLICT"

    # everyone with campaign:read sees it; by node too
    for role in ("admin", "advocate", "viewer", "campaign_lead"):
        got = (await api.data(GET_CAMPAIGN, {"id": camp["id"]}, token=world.tokens[role]))["campaign"]
        assert got["goal"] == "Zero OSS for students with IEPs", role
    listed = await api.data("{ campaigns(status: [ACTIVE]) { edges { node { id name } } } }", token=lead)
    assert [e["node"]["id"] for e in listed["campaigns"]["edges"]] == [camp["id"]]
    node = await api.data('query($id: ID!) { node(id: $id) { ... on Campaign { name } } }', {"id": camp["id"]},
                          token=world.tokens["viewer"])
    assert node["node"]["name"] == camp["name"]

    # another organization: unknown id answers
    assert (await api.data(GET_CAMPAIGN, {"id": camp["id"]}, token=other_world.tokens["admin"]))["campaign"] is None
    other = (await api.data(UPDATE_CAMPAIGN, {"i": {"id": camp["id"], "version": 2, "name": "x"}},
                            token=other_world.tokens["admin"]))["updateCampaign"]
    assert other["errors"][0]["code"] == "NOT_FOUND"
    listed = await api.data("{ campaigns { edges { node { id } } } }", token=other_world.tokens["admin"])
    assert listed["campaigns"]["edges"] == []

    # validation: a district of another organization, a reversed date range
    bad = (await api.data(CREATE_CAMPAIGN, {"i": {"name": "x", "criteria": {
        "districtIds": [gid(other_world, "District", other_world.district_id)]}}}, token=lead))["createCampaign"]
    assert bad["errors"][0] == {"code": "VALIDATION", "message": "No such record in your organization.",
                                "field": "criteria.districtIds"}
    bad = (await api.data(CREATE_CAMPAIGN, {"i": {"name": "x", "criteria": {
        "openedFrom": "2026-01-01", "openedTo": "2025-01-01"}}}, token=lead))["createCampaign"]
    assert bad["errors"][0]["field"] == "criteria.openedTo"

    # a second campaign of the same name (whatever the case) cannot be told apart: refused, on a rename too
    twin = (await api.data(CREATE_CAMPAIGN, {"i": {"name": camp["name"].upper()}}, token=lead))["createCampaign"]
    assert twin["campaign"] is None and [(e["code"], e["field"]) for e in twin["errors"]] == [("CONFLICT", "name")]
    second = (await api.data(CREATE_CAMPAIGN, {"i": {"name": "Restraint data"}}, token=lead))["createCampaign"]
    assert second["errors"] == []
    renamed = (await api.data(UPDATE_CAMPAIGN, {"i": {"id": second["campaign"]["id"], "version": 1,
                                                      "name": f" {camp['name']} "}}, token=lead))["updateCampaign"]
    assert renamed["campaign"] is None and renamed["errors"][0]["code"] == "CONFLICT"
    kept = (await api.data(UPDATE_CAMPAIGN, {"i": {"id": camp["id"], "version": 2, "name": camp["name"]}},
                           token=lead))["updateCampaign"]  # its own name again is fine
    assert kept["errors"] == []

    # only campaign:manage creates
    for role in ("advocate", "viewer"):
        got = (await api.data(CREATE_CAMPAIGN, {"i": {"name": "x"}}, token=world.tokens[role]))["createCampaign"]
        assert got["errors"][0]["code"] == "FORBIDDEN", role
    async with db.reader() as s:
        actions = list(await s.scalars(select(AuditEvent.action).where(
            AuditEvent.organization_id == world.org_id, AuditEvent.action.like("campaign.%"))))
    assert actions.count("campaign.create") == 2 and actions.count("campaign.update") == 2


# ---------------------------------------------------------------- criteria and linked cases


async def test_campaign_cases_are_criteria_matches_plus_linked_cases(api, db, world):
    await set_threshold(db, world, 5)
    matching = await seed_cases(db, world, 6, opened_on=date(2025, 10, 1), tags=["iep"])
    await seed_cases(db, world, 2, opened_on=date(2024, 10, 1), tags=["iep"])   # before the range
    await seed_cases(db, world, 3, category="SPECIAL_EDUCATION", subcategory="IEP_SERVICES_NOT_DELIVERED",
                     opened_on=date(2025, 11, 1))
    sped = await seed_cases(db, world, 1, category="SPECIAL_EDUCATION", subcategory="EVALUATION_REQUEST_DELAY",
                            opened_on=date(2025, 11, 2))
    south = await seed_cases(db, world, 1, chapter="South", creator="advocate_south", opened_on=date(2025, 11, 3))
    camp = await create_campaign(api, world, criteria={"categories": ["DISCIPLINE"], "openedFrom": "2025-09-01",
                                                       "tags": ["iep", "other"]})
    lead, adv = world.tokens["campaign_lead"], world.tokens["advocate"]

    async def total():
        ev = (await api.data(EVIDENCE, {"id": camp["id"]}, token=lead))["campaign"]["evidence"]
        return ev["cases"]["value"]
    assert await total() == 6  # the South case is DISCIPLINE but has no "iep" tag: not matched

    link = {"campaignId": camp["id"], "caseId": gid(world, "Case", sped[0]),
            "reason": "Evaluation delayed after two suspensions"}
    got = (await api.data(LINK, {"i": link}, token=adv))["linkCaseToCampaign"]
    assert got["errors"] == [] and got["reason"] == link["reason"]
    assert await total() == 7
    again = (await api.data(LINK, {"i": link}, token=adv))["linkCaseToCampaign"]
    assert again["errors"][0]["code"] == "CONFLICT"
    # linking an already matching case does not count it twice
    got = (await api.data(LINK, {"i": {**link, "caseId": gid(world, "Case", matching[0])}}, token=adv))
    assert got["linkCaseToCampaign"]["errors"] == []
    assert await total() == 7

    # the advocate sees the campaign's cases of their scope, and the links with their reasons
    body = await api.data("""query($id: ID!) { campaign(id: $id) { cases(first: 50) { totalCount edges { node { id } } }
        links { edges { node { reason case { id } linkedBy { displayName } } } } } }""", {"id": camp["id"]}, token=adv)
    assert body["campaign"]["cases"]["totalCount"] == 7
    links = [e["node"] for e in body["campaign"]["links"]["edges"]]
    assert {n["reason"] for n in links} == {link["reason"]} and links[0]["linkedBy"]["displayName"] == "Advocate"
    # viewers see the links of their cases, without the reasons (staff notes need family identity)
    body = await api.data("""query($id: ID!) { campaign(id: $id) { links { edges { node { reason case { id } } } } } }""",
                          {"id": camp["id"]}, token=world.tokens["viewer"])
    assert [e["node"]["reason"] for e in body["campaign"]["links"]["edges"]] == [None, None]

    # an advocate cannot link a case outside their scope (another chapter's): it reads as unknown
    got = (await api.data(LINK, {"i": {**link, "caseId": gid(world, "Case", south[0])}}, token=adv))
    assert got["linkCaseToCampaign"]["errors"][0] == {"code": "NOT_FOUND", "message": "No such case.", "field": "caseId"}
    # campaign leads and viewers cannot link at all
    for role in ("campaign_lead", "viewer"):
        got = (await api.data(LINK, {"i": {**link, "caseId": gid(world, "Case", sped[0])}}, token=world.tokens[role]))
        assert got["linkCaseToCampaign"]["errors"][0]["code"] == "FORBIDDEN", role
    # campaign leads do not get the case list nor the link reasons
    body = await api("""query($id: ID!) { campaign(id: $id) { name cases { edges { node { id } } } } }""",
                     {"id": camp["id"]}, token=lead)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN" and body["data"]["campaign"] is None

    gone = (await api.data(UNLINK, {"i": {"campaignId": camp["id"], "caseId": gid(world, "Case", sped[0])}},
                           token=adv))["unlinkCaseFromCampaign"]
    assert gone["errors"] == []
    assert await total() == 6
    gone = (await api.data(UNLINK, {"i": {"campaignId": camp["id"], "caseId": gid(world, "Case", sped[0])}},
                           token=adv))["unlinkCaseFromCampaign"]
    assert gone["errors"][0]["code"] == "NOT_FOUND"

    # a finished campaign keeps its links
    await api.data(UPDATE_CAMPAIGN, {"i": {"id": camp["id"], "version": 1, "status": "WON"}}, token=lead)
    got = (await api.data(LINK, {"i": link}, token=adv))["linkCaseToCampaign"]
    assert got["errors"][0]["code"] == "INVALID_TRANSITION"
    async with db.reader() as s:
        actions = list(await s.scalars(select(AuditEvent.action).where(
            AuditEvent.organization_id == world.org_id, AuditEvent.action.like("campaign.%link%"))))
    assert sorted(actions) == ["campaign.link_case", "campaign.link_case", "campaign.list_links",
                               "campaign.list_links", "campaign.unlink_case"]


async def test_a_campaign_without_criteria_has_only_its_linked_cases(api, db, world):
    await set_threshold(db, world, 5)
    ids = await seed_cases(db, world, 5)
    camp = await create_campaign(api, world)
    ev = (await api.data(EVIDENCE, {"id": camp["id"]}, token=world.tokens["campaign_lead"]))["campaign"]["evidence"]
    assert ev["cases"] == {"value": 0, "suppressed": False}
    for i in ids:
        got = await api.data(LINK, {"i": {"campaignId": camp["id"], "caseId": gid(world, "Case", i), "reason": "r"}},
                             token=world.tokens["advocate"])
        assert got["linkCaseToCampaign"]["errors"] == []
    ev = (await api.data(EVIDENCE, {"id": camp["id"]}, token=world.tokens["viewer"]))["campaign"]["evidence"]
    assert ev["cases"] == {"value": 5, "suppressed": False}


# ---------------------------------------------------------------- issueStats


async def _stats(api, token, group_by, f=None):
    body = await api(STATS, {"g": group_by, "f": f}, token=token)
    assert not body.get("errors"), body["errors"]
    return body["data"]["issueStats"]


async def test_issue_stats_groups_by_every_dimension(api, db, world):
    await set_threshold(db, world, 5)
    # 12 at the high school (OSS, Oct 2025, IEP, grade 7, Spanish, Hispanic or Latino)
    await seed_cases(db, world, 12, race=["Hispanic or Latino"])
    # 6 at the elementary school (no interpreter, Mar 2025, EL, grade 3, Portuguese, two races), resolved
    await seed_cases(db, world, 6, school=1, category="LANGUAGE_ACCESS", subcategory="NO_INTERPRETER",
                     opened_on=date(2025, 3, 10), special_education="NONE", english_learner="EL", grade="3",
                     language="pt", race=["Black", "White"], status=CaseStatus.RESOLVED,
                     outcome=CaseOutcome.REMEDY_ACHIEVED, chapter="South", creator="advocate_south")
    # 7 with no school or student grade (OSS, Oct 2025)
    await seed_cases(db, world, 7, school=None, grade=None, special_education="UNKNOWN", english_learner="UNKNOWN")
    tok = world.tokens["campaign_lead"]
    async with db.reader() as s:
        district = (await s.get(District, world.district_id)).name

    st = await _stats(api, tok, ["SCHOOL"])
    assert st["groupBy"] == ["SCHOOL"] and st["suppressionThreshold"] == 5
    assert cells(st) == {("Maple Street Elementary",): 6, ("Riverton High School",): 12, ("Not recorded",): 7}
    assert st["total"]["cases"] == {"value": 25, "suppressed": False} and st["rowTotals"] == []
    school_value = next(r for r in st["cells"] if r["keys"][0]["label"] == "Riverton High School")["keys"][0]["value"]
    assert school_value == gid(world, "School", world.school_ids[0])

    expected = {
        "CATEGORY": {("Discipline",): 19, ("Language access",): 6},
        "SUBCATEGORY": {("Out-of-school suspension",): 19, ("No interpreter",): 6},
        "DISTRICT": {(district,): 18, ("Not recorded",): 7},
        "CHAPTER": {("North",): 19, ("South",): 6},
        "MONTH": {("March 2025",): 6, ("October 2025",): 19},
        "SCHOOL_YEAR": {("2024-25",): 6, ("2025-26",): 19},
        "STATUS": {("Open",): 19, ("Resolved",): 6},
        "OUTCOME": {("Remedy achieved",): 6, ("No outcome yet",): 19},
        "RACE_ETHNICITY": {("Hispanic or Latino",): 12, ("Two or more",): 6, ("Not recorded",): 7},
        "SPECIAL_EDUCATION": {("No IEP or 504 plan",): 6, ("IEP",): 12, ("Unknown",): 7},
        "ENGLISH_LEARNER": {("Not an English learner",): 12, ("English learner",): 6, ("Unknown",): 7},
        "LANGUAGE": {("Portuguese",): 6, ("Spanish",): 19},
        "GRADE_BAND": {("Grades PK-5",): 6, ("Grades 6-8",): 12, ("Not recorded",): 7},
    }
    for dim, want in expected.items():
        st = await _stats(api, tok, [dim])
        assert cells(st) == want, dim
        assert list(cells(st)) == list(want), f"{dim} is in display order"
        assert st["total"]["cases"]["value"] == 25

    # two dimensions: every combination (zeros included), row and column totals, grand total
    st = await _stats(api, tok, ["SCHOOL", "CATEGORY"])
    assert cells(st) == {("Riverton High School", "Discipline"): 12, ("Riverton High School", "Language access"): 0,
                         ("Maple Street Elementary", "Discipline"): 0,
                         ("Maple Street Elementary", "Language access"): 6,
                         ("Not recorded", "Discipline"): 7, ("Not recorded", "Language access"): 0}
    assert [(r["keys"][0]["label"], r["cases"]["value"]) for r in st["rowTotals"]] == [
        ("Maple Street Elementary", 6), ("Riverton High School", 12), ("Not recorded", 7)]
    assert [(r["keys"][0]["label"], r["cases"]["value"]) for r in st["columnTotals"]] == [
        ("Discipline", 19), ("Language access", 6)]
    # the other order is the same table, transposed
    tr = await _stats(api, tok, ["CATEGORY", "SCHOOL"])
    assert tr["groupBy"] == ["CATEGORY", "SCHOOL"]
    assert {tuple(reversed(k)): v for k, v in cells(tr).items()} == cells(st)
    assert [r["keys"][0]["label"] for r in tr["rowTotals"]] == ["Discipline", "Language access"]

    # filters
    st = await _stats(api, tok, ["CATEGORY"], {"schoolId": [gid(world, "School", world.school_ids[1])]})
    assert cells(st) == {("Language access",): 6}
    st = await _stats(api, tok, [], {"openedFrom": "2025-09-01", "status": ["OPEN"]})
    assert st["cells"] == [] and st["total"]["cases"]["value"] == 19
    st = await _stats(api, tok, [], {"chapterId": [world.chapter_gids["South"]]})
    assert st["total"]["cases"]["value"] == 6

    # at most two dimensions, each once
    for bad in (["SCHOOL", "CATEGORY", "MONTH"], ["SCHOOL", "SCHOOL"]):
        body = await api(STATS, {"g": bad}, token=tok)
        assert body["errors"][0]["extensions"] == {"code": "VALIDATION", "field": "groupBy"}


async def test_small_cells_are_suppressed_with_complements_and_shares(api, db, world):
    await set_threshold(db, world, 5)
    await seed_cases(db, world, 8)                                       # high school
    await seed_cases(db, world, 2, school=1)                             # elementary: 2 < 5
    await seed_cases(db, world, 9, school=None)
    tok = world.tokens["campaign_lead"]
    st = await _stats(api, tok, ["SCHOOL"])
    # 2 is suppressed, and so is the smallest other count (8), so that 2 = total - 9 - 8 cannot be worked out
    assert cells(st) == {("Maple Street Elementary",): "S", ("Riverton High School",): "S", ("Not recorded",): 9}
    maple = next(r for r in st["cells"] if r["keys"][0]["label"] == "Maple Street Elementary")
    assert maple["cases"] == {"value": None, "suppressed": True}
    assert st["total"]["cases"] == {"value": 19, "suppressed": False}

    camp = await create_campaign(api, world, criteria={"categories": ["DISCIPLINE"]})
    ev = (await api.data(EVIDENCE, {"id": camp["id"]}, token=tok))["campaign"]["evidence"]
    rows = {r["key"]["label"]: r for r in ev["bySchool"]["rows"]}
    assert rows["Maple Street Elementary"]["count"]["suppressed"] and rows["Maple Street Elementary"]["share"] == {
        "value": None, "suppressed": True}
    assert rows["Not recorded"]["share"] == {"value": round(9 / 19, 4), "suppressed": False}
    # the school x category table has the same margins as bySchool
    sbc = ev["schoolByCategory"]
    assert [c["suppressed"] for c in sbc["rowTotals"]] == [r["count"]["suppressed"] for r in ev["bySchool"]["rows"]]

    # the threshold is the organization's, never below 5
    await set_threshold(db, world, 10)
    st = await _stats(api, tok, ["SCHOOL"])
    assert st["suppressionThreshold"] == 10
    assert cells(st) == {("Maple Street Elementary",): "S", ("Riverton High School",): "S", ("Not recorded",): "S"}
    assert st["total"]["cases"]["value"] == 19
    await set_threshold(db, world, 2)
    st = await _stats(api, tok, ["SCHOOL"])
    assert st["suppressionThreshold"] == 5 and cells(st)[("Maple Street Elementary",)] == "S"
    # a grand total below the threshold is suppressed itself
    st = await _stats(api, tok, [], {"schoolId": [gid(world, "School", world.school_ids[1])]})
    assert st["total"]["cases"] == {"value": None, "suppressed": True}


async def test_a_district_total_never_reveals_one_of_its_schools(api, db, world):
    """Schools are nested in districts: a district's total is the sum of its schools' totals, so the evidence
    suppresses them together (a school alone in its district, or one school among published ones, stays hidden)."""
    from sqlalchemy import update

    from domain.cases.models import Case
    from domain.directory.models import School
    await set_threshold(db, world, 10)
    async with db.transaction() as s:
        other = District(organization_id=world.org_id, name=f"Oakdale Public Schools {uuid.uuid4().hex[:6]}",
                         state="MA")
        s.add(other)
        await s.flush()
        oak = School(organization_id=world.org_id, district_id=other.id, name="Oak Hill Middle", level="6-8")
        s.add(oak)
        await s.flush()
    await seed_cases(db, world, 20)                  # Riverton High (Riverton district)
    await seed_cases(db, world, 3, school=1)         # Maple Street (Riverton district): 3 < 10
    alone = await seed_cases(db, world, 12)          # Oak Hill, the only school of Oakdale
    async with db.transaction() as s:
        await s.execute(update(Case).where(Case.id.in_(alone)).values(school_id=oak.id, district_id=other.id))
    camp = await create_campaign(api, world, criteria={"categories": ["DISCIPLINE"]})
    ev = (await api.data(EVIDENCE, {"id": camp["id"]}, token=world.tokens["campaign_lead"]))["campaign"]["evidence"]
    schools = {r["key"]["label"]: r["count"] for r in ev["bySchool"]["rows"]}
    districts = {r["key"]["label"]: r["count"] for r in ev["byDistrict"]["rows"]}
    assert schools["Maple Street Elementary"]["suppressed"]
    # Riverton's total must not give Maple Street away by subtraction from Riverton High, and if Oak Hill (12)
    # is a complement, Oakdale's total (its only school) must not publish it: the attacker's check on every
    # district equation finds zero or at least two unknowns
    riverton = next(k for k in districts if k.startswith("Riverton"))
    in_riverton = [schools["Riverton High School"], schools["Maple Street Elementary"], districts[riverton]]
    in_oakdale = [schools["Oak Hill Middle"], districts[other.name]]
    assert sum(c["suppressed"] for c in in_riverton) >= 2
    assert sum(c["suppressed"] for c in in_oakdale) in (0, 2)
    # and the district line (Riverton + Oakdale = all cases, published) has zero or two unknowns too
    assert sum(c["suppressed"] for c in districts.values()) != 1
    published = [c["value"] for c in schools.values() if not c["suppressed"]]
    assert 3 not in published and 20 not in published  # Riverton's 23 is published, never one of its parts
    assert ev["cases"] == {"value": 35, "suppressed": False}
    assert ev["byDistrict"]["total"] == ev["cases"] == ev["bySchool"]["total"]


async def test_families_who_opted_out_are_not_counted(api, db, world):
    await set_threshold(db, world, 5)
    ids = await seed_cases(db, world, 7)
    await opt_out(db, world, ids[0])
    await opt_out(db, world, ids[1], revoked=True)   # a revoked opt-out counts again
    tok = world.tokens["campaign_lead"]
    st = await _stats(api, tok, [])
    assert st["total"]["cases"]["value"] == 6
    camp = await create_campaign(api, world, criteria={"categories": ["DISCIPLINE"]})
    ev = (await api.data(EVIDENCE, {"id": camp["id"]}, token=tok))["campaign"]["evidence"]
    assert ev["cases"]["value"] == 6 and ev["families"]["value"] == 6
    # linking the opted-out case does not bring it back
    await api.data(LINK, {"i": {"campaignId": camp["id"], "caseId": gid(world, "Case", ids[0]), "reason": "r"}},
                   token=world.tokens["advocate"])
    ev = (await api.data(EVIDENCE, {"id": camp["id"]}, token=tok))["campaign"]["evidence"]
    assert ev["cases"]["value"] == 6
    # nor are its escalations counted
    await seed_escalations(db, world, ids[:6], sent_on=date(2025, 10, 1), due_on=date(2025, 10, 15),
                           responded_on=date(2025, 10, 10), school_days=7)
    st = await _stats(api, tok, [])
    assert st["total"]["escalationsSent"]["value"] == 5


async def test_escalation_measures_with_suppressed_medians(api, db, world):
    await set_threshold(db, world, 5)
    hs = await seed_cases(db, world, 10)
    el = await seed_cases(db, world, 6, school=1)
    nr = await seed_cases(db, world, 7, school=None)
    oct_ = lambda d: date(2025, 10, d)  # noqa: E731
    # high school: 6 answered within the window (3..8 school days), 2 late (12, 14), 2 unanswered and overdue
    for days, i in zip((3, 4, 5, 6, 7, 8), range(6)):
        await seed_escalations(db, world, [hs[i]], sent_on=oct_(1), due_on=oct_(15), responded_on=oct_(1 + days),
                               school_days=days)
    for days, i in ((12, 6), (14, 7)):
        await seed_escalations(db, world, [hs[i]], sent_on=oct_(1), due_on=oct_(15), responded_on=oct_(20),
                               school_days=days)
    await seed_escalations(db, world, hs[8:10], sent_on=oct_(1), due_on=oct_(15))
    # elementary: 3 answered in time (2, 2, 9 days): fewer than the threshold
    for days, i in ((2, 0), (2, 1), (9, 2)):
        await seed_escalations(db, world, [el[i]], sent_on=oct_(1), due_on=oct_(15), responded_on=oct_(3),
                               school_days=days)
    # no school recorded: 2 in time (4 days), 5 late (12 days)
    for i in range(7):
        await seed_escalations(db, world, [nr[i]], sent_on=oct_(1), due_on=oct_(15),
                               responded_on=oct_(5) if i < 2 else oct_(20), school_days=4 if i < 2 else 12)
    st = await _stats(api, world.tokens["campaign_lead"], ["SCHOOL"])
    by = {r["keys"][0]["label"]: r for r in st["cells"]}
    h, m, n = by["Riverton High School"], by["Maple Street Elementary"], by["Not recorded"]
    assert h["escalationsSent"]["value"] == 10 and h["escalationsAnswered"]["value"] == 8
    assert h["answeredWithinWindow"]["value"] == 6
    assert h["overdueNow"] == {"value": None, "suppressed": True}  # 2 < 5, and the total (2) is suppressed too
    assert st["total"]["overdueNow"] == {"value": None, "suppressed": True}
    assert h["shareAnsweredWithinWindow"] == {"value": 0.6, "suppressed": False}
    assert h["medianSchoolDaysToAnswer"] == {"value": 6.5, "suppressed": False}  # 3,4,5,6,7,8,12,14
    # elementary: 3 of everything, suppressed, and its complement is the smallest other count
    assert m["escalationsSent"]["suppressed"] and m["escalationsAnswered"]["suppressed"]
    assert n["escalationsSent"]["suppressed"] and n["escalationsAnswered"]["suppressed"]
    assert m["answeredWithinWindow"]["suppressed"] and n["answeredWithinWindow"]["suppressed"]  # 3 and 2
    assert m["medianSchoolDaysToAnswer"] == {"value": None, "suppressed": True}
    assert m["shareAnsweredWithinWindow"] == {"value": None, "suppressed": True}
    assert n["medianSchoolDaysToAnswer"] == {"value": 12.0, "suppressed": False}
    t = st["total"]
    assert (t["escalationsSent"]["value"], t["escalationsAnswered"]["value"], t["answeredWithinWindow"]["value"]) == (
        20, 18, 11)
    assert t["shareAnsweredWithinWindow"]["value"] == 0.55
    assert t["medianSchoolDaysToAnswer"] == {"value": 7.5, "suppressed": False}  # 18 values
    # asking only for cases skips the escalation queries; the counts are the same
    body = await api.data(STATS_CASES_ONLY, {"g": ["SCHOOL"]}, token=world.tokens["campaign_lead"])
    assert body["issueStats"]["total"]["cases"] == {"value": 23, "suppressed": False}

    camp = await create_campaign(api, world, criteria={"categories": ["DISCIPLINE"]})
    ev = (await api.data(EVIDENCE, {"id": camp["id"]}, token=world.tokens["campaign_lead"]))["campaign"]["evidence"]
    rt = ev["responsivenessTotal"]
    assert rt["district"] is None and rt["sent"]["value"] == 20 and rt["answeredWithinWindow"]["value"] == 11
    assert rt["medianSchoolDaysToAnswer"]["value"] == 7.5
    assert [r["district"]["label"] for r in ev["responsiveness"]] == [r["key"]["label"] for r in ev["byDistrict"]["rows"]]
    district = ev["responsiveness"][0]
    assert district["sent"]["value"] == 13
    # 2 answered in time without a district: suppressed, and so is the district's 9 (the only complement)
    assert district["answeredWithinWindow"]["suppressed"] and ev["responsiveness"][1]["answeredWithinWindow"]["suppressed"]
    assert district["shareAnsweredWithinWindow"] == {"value": None, "suppressed": True}
    assert district["medianSchoolDaysToAnswer"]["value"] == 6.0  # 2,2,3,4,5,6,7,8,9,12,14


async def test_stats_are_tenant_scoped_and_need_stats_read(api, db, world, other_world):
    await set_threshold(db, world, 5)
    await seed_cases(db, world, 6)
    camp = await create_campaign(api, world, criteria={"categories": ["DISCIPLINE"]})
    st = await _stats(api, other_world.tokens["admin"], [])
    assert st["total"]["cases"]["value"] == 0
    body = await api(STATS, {"g": [], "f": {"campaignId": camp["id"]}}, token=other_world.tokens["admin"])
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    body = await api(STATS, {"g": [], "f": {"schoolId": [gid(world, "School", world.school_ids[0])]}},
                     token=other_world.tokens["admin"])
    assert body["data"]["issueStats"]["total"]["cases"]["value"] == 0
    st = await _stats(api, world.tokens["viewer"], ["MONTH"], {"campaignId": camp["id"], "category": ["DISCIPLINE"]})
    assert st["total"]["cases"]["value"] == 6
    body = await api(STATS, {"g": []})
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    # every query is audited with its dimensions and filter (a series of differencing queries shows)
    async with db.reader() as s:
        rows = list(await s.scalars(select(AuditEvent).where(AuditEvent.organization_id == world.org_id,
                                                             AuditEvent.action == "stats.query")))
    assert len(rows) == 1 and rows[0].actor_user_id == world.users["viewer"]
    assert rows[0].detail == {"groupBy": ["MONTH"], "filter": {"categories": ["DISCIPLINE"]}}
    assert (rows[0].entity_type, rows[0].entity_id) == ("campaign", from_global_id(camp["id"])[1])


# ---------------------------------------------------------------- campaign leads see no one


IDENTIFYING = {"id", "displayName", "firstName", "lastName", "narrative", "guardians", "email", "phone", "family",
               "student", "case", "title", "summary", "notes", "addressArea", "reason", "responseNotes"}


def _reach(type_name: str, seen: dict[str, set[str]]) -> dict[str, set[str]]:
    """Every object type reachable from `type_name`, with its field names."""
    t = schema._schema.get_type(type_name)
    if type_name in seen or not hasattr(t, "fields"):
        return seen
    seen[type_name] = set(t.fields)
    for f in t.fields.values():
        inner = f.type
        while hasattr(inner, "of_type"):
            inner = inner.of_type
        _reach(inner.name, seen)
    return seen


def test_evidence_and_stats_types_have_no_identifying_fields():
    for root in ("CampaignEvidence", "IssueStats", "NetworkStats"):
        reached = _reach(root, {})
        records = [n for n in reached if any(i.name == "Node" for i in schema._schema.get_type(n).interfaces)]
        assert records == [], f"{root} reaches records {records}"
        names = set().union(*reached.values())
        leaked = (names & IDENTIFYING) - ({"title"} if root == "CampaignEvidence" else set())
        assert not leaked, f"{root} reaches identifying fields {leaked}"
    # a story's title is its own de-identified headline, not the case's title
    assert _reach("EvidenceStory", {}) == {"EvidenceStory": {"title", "body", "category", "approvedOn"}}


async def test_campaign_leads_cannot_read_families_cases_or_narratives(api, db, world):
    await set_threshold(db, world, 5)
    ids = await seed_cases(db, world, 6, narrative="Sam Doe was restrained at Riverton High School.")
    lead = world.tokens["campaign_lead"]
    async with db.reader() as s:
        from domain.cases.models import Case
        family_id = (await s.get(Case, ids[0])).family_id
    body = await api("{ cases { edges { node { id narrative } } } }", token=lead)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    body = await api("{ families { edges { node { id displayName } } } }", token=lead)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    got = await api.data('query($id: ID!) { case(id: $id) { narrative } }', {"id": gid(world, "Case", ids[0])},
                         token=lead)
    assert got["case"] is None
    got = await api.data('query($id: ID!) { node(id: $id) { id } }', {"id": gid(world, "Family", family_id)},
                         token=lead)
    assert got["node"] is None
    camp = await create_campaign(api, world, criteria={"categories": ["DISCIPLINE"]})
    body = await api(EVIDENCE, {"id": camp["id"]}, token=lead)
    assert "Sam" not in str(body) and "restrained" not in str(body)
    assert body["data"]["campaign"]["evidence"]["cases"]["value"] == 6


async def test_unknown_and_malformed_ids(api, world):
    lead = world.tokens["campaign_lead"]
    for bad in (gid(world, "Campaign", uuid.uuid4()), gid(world, "Case", uuid.uuid4()), "not-an-id"):
        assert (await api.data(GET_CAMPAIGN, {"id": bad}, token=lead))["campaign"] is None
