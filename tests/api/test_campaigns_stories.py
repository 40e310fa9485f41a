"""Stories: drafted de-identified from a case, approved by a second person, shown in evidence only while the
family's SHARE_STORY consent is active."""

from __future__ import annotations

from sqlalchemy import select

from domain.audit.models import AuditEvent
from domain.campaigns.deidentify import find_identifiers, school_terms
from domain.cases.models import Case
from tests.api.campaign_ops import EVIDENCE, create_campaign, seed_cases, set_threshold

ERRORS = "errors { code message field }"
STORY = "id title body status version consentActive reviewNote draftedBy { displayName } reviewedBy { displayName }"
DRAFT = f"mutation($i: DraftStoryInput!) {{ draftStory(input: $i) {{ story {{ {STORY} }} {ERRORS} }} }}"
UPDATE = f"mutation($i: UpdateStoryInput!) {{ updateStory(input: $i) {{ story {{ {STORY} }} {ERRORS} }} }}"
APPROVE = f"mutation($i: ApproveStoryInput!) {{ approveStory(input: $i) {{ story {{ {STORY} }} {ERRORS} }} }}"
REJECT = f"mutation($i: RejectStoryInput!) {{ rejectStory(input: $i) {{ story {{ {STORY} }} {ERRORS} }} }}"
LIST = """query($f: StoryFilter) { stories(filter: $f) { edges { node { id status title case { id } } } } }"""
RECORD_CONSENT = """mutation($i: RecordConsentInput!) { recordConsent(input: $i) { consent { id } errors { code } } }"""
REVOKE_CONSENT = """mutation($i: RevokeConsentInput!) { revokeConsent(input: $i) { consent { id } errors { code } } }"""

CLEAN = {"title": "Sent home again", "body": "A seventh grader with an IEP was sent home for three days without a "
                                            "manifestation determination meeting. His mother lost a week of work."}


async def _setup(api, db, world):
    await set_threshold(db, world, 5)
    ids = await seed_cases(db, world, 6, family_name="Rivera family", student_first="Mateo", student_last="Rivera")
    south = await seed_cases(db, world, 1, chapter="South", creator="advocate_south")
    camp = await create_campaign(api, world, criteria={"categories": ["DISCIPLINE"]})
    async with db.reader() as s:
        family_id = (await s.get(Case, ids[0])).family_id
    return ids, south, camp, world.gid("Family", family_id)


async def _draft(api, token, case_gid, **texts):
    return (await api.data(DRAFT, {"i": {"caseId": case_gid, **CLEAN, **texts}}, token=token))["draftStory"]


async def test_story_lifecycle_draft_approve_by_someone_else_and_consent(api, db, world, other_world):
    ids, south, camp, family = await _setup(api, db, world)
    adv, lead = world.tokens["advocate"], world.tokens["campaign_lead"]
    case = world.gid("Case", ids[0])

    # names, schools, exact dates and numbers are refused, and the drafter is told what was found
    for body, kind in (("Mateo was sent home.", "a name"), ("The Rivera household asked for help.", "a name"),
                       ("Pat Guardian called us.", "a name"), ("It happened at Riverton High.", "a school"),
                       ("He was suspended on 2025-10-06.", "an exact date"), ("Call 617-555-0100.", "a phone")):
        got = await _draft(api, adv, case, body=body)
        assert got["story"] is None and got["errors"][0]["code"] == "VALIDATION", body
        assert got["errors"][0]["field"] == "body" and kind in got["errors"][0]["message"], got
    got = await _draft(api, adv, case, title="Mateo's story")
    assert got["errors"][0]["field"] == "title" and "“Mateo”" in got["errors"][0]["message"]

    got = await _draft(api, adv, case)
    assert got["errors"] == []
    story = got["story"]
    assert story["status"] == "DRAFT" and story["consentActive"] is False
    assert story["draftedBy"]["displayName"] == "Advocate"

    # the lead sees it to review, without the case
    listed = (await api.data(LIST, {"f": {"status": ["DRAFT"], "campaignId": camp["id"]}}, token=lead))["stories"]
    assert [(e["node"]["id"], e["node"]["case"]) for e in listed["edges"]] == [(story["id"], None)]
    listed = (await api.data(LIST, {}, token=adv))["stories"]
    assert listed["edges"][0]["node"]["case"] == {"id": case}

    # approval needs the family's story consent
    got = (await api.data(APPROVE, {"i": {"id": story["id"]}}, token=lead))["approveStory"]
    assert got["errors"][0]["code"] == "CONSENT_REQUIRED"
    consent = (await api.data(RECORD_CONSENT, {"i": {"familyId": family, "kind": "SHARE_STORY", "method": "WRITTEN"}},
                              token=adv))["recordConsent"]
    assert consent["errors"] == []

    # not by its author (the advocate cannot approve anyway), not by someone without story:approve
    got = (await api.data(APPROVE, {"i": {"id": story["id"]}}, token=adv))["approveStory"]
    assert got["errors"][0]["code"] == "FORBIDDEN"
    got = (await api.data(APPROVE, {"i": {"id": story["id"], "version": 1}}, token=lead))["approveStory"]
    assert got["errors"] == [] and got["story"]["status"] == "APPROVED" and got["story"]["consentActive"] is True
    assert got["story"]["reviewedBy"]["displayName"] == "Campaign Lead"

    ev = (await api.data(EVIDENCE, {"id": camp["id"]}, token=lead))["campaign"]["evidence"]
    assert [{k: v for k, v in st.items() if k != "approvedOn"} for st in ev["stories"]] == [
        {"title": CLEAN["title"], "body": CLEAN["body"], "category": "DISCIPLINE"}]
    assert ev["stories"][0]["approvedOn"]

    # revoking the consent removes it from evidence at once
    revoked = (await api.data(REVOKE_CONSENT, {"i": {"id": consent["consent"]["id"], "method": "VERBAL"}},
                              token=adv))["revokeConsent"]
    assert revoked["errors"] == []
    ev = (await api.data(EVIDENCE, {"id": camp["id"]}, token=lead))["campaign"]["evidence"]
    assert ev["stories"] == []
    listed = (await api.data(f'query($id: ID!) {{ node(id: $id) {{ ... on Story {{ {STORY} }} }} }}',
                             {"id": story["id"]}, token=lead))["node"]
    assert listed["status"] == "APPROVED" and listed["consentActive"] is False
    # a new consent brings it back
    await api.data(RECORD_CONSENT, {"i": {"familyId": family, "kind": "SHARE_STORY", "method": "WRITTEN"}}, token=adv)
    ev = (await api.data(EVIDENCE, {"id": camp["id"]}, token=lead))["campaign"]["evidence"]
    assert len(ev["stories"]) == 1
    # a family who opts out of aggregates leaves the evidence entirely, story included, until they revoke it
    opt = (await api.data(RECORD_CONSENT, {"i": {"familyId": family, "kind": "AGGREGATE_OPT_OUT", "method": "VERBAL"}},
                          token=adv))["recordConsent"]
    assert opt["errors"] == []
    ev = (await api.data(EVIDENCE, {"id": camp["id"]}, token=lead))["campaign"]["evidence"]
    assert ev["stories"] == []
    await api.data(REVOKE_CONSENT, {"i": {"id": opt["consent"]["id"], "method": "VERBAL"}}, token=adv)
    ev = (await api.data(EVIDENCE, {"id": camp["id"]}, token=lead))["campaign"]["evidence"]
    assert len(ev["stories"]) == 1

    # editing an approved story sends it back to draft (out of evidence)
    got = (await api.data(UPDATE, {"i": {"id": story["id"], "version": 2, "body": CLEAN["body"] + " He is back."}},
                          token=adv))["updateStory"]
    assert got["errors"] == [] and got["story"]["status"] == "DRAFT"
    ev = (await api.data(EVIDENCE, {"id": camp["id"]}, token=lead))["campaign"]["evidence"]
    assert ev["stories"] == []
    stale = (await api.data(UPDATE, {"i": {"id": story["id"], "version": 2, "title": "x"}}, token=adv))["updateStory"]
    assert stale["errors"][0]["code"] == "CONFLICT"
    got = (await api.data(REJECT, {"i": {"id": story["id"], "note": "Say less about work."}}, token=lead))["rejectStory"]
    assert got["story"]["status"] == "REJECTED" and got["story"]["reviewNote"] == "Say less about work."
    got = (await api.data(APPROVE, {"i": {"id": story["id"]}}, token=lead))["approveStory"]
    assert got["errors"][0]["code"] == "INVALID_TRANSITION"

    # another organization: unknown ids
    for mutation, key in ((APPROVE, "approveStory"), (REJECT, "rejectStory")):
        got = (await api.data(mutation, {"i": {"id": story["id"]}}, token=other_world.tokens["admin"]))[key]
        assert got["errors"][0]["code"] == "NOT_FOUND"
    got = (await api.data(UPDATE, {"i": {"id": story["id"], "version": 4, "title": "x"}},
                          token=other_world.tokens["admin"]))["updateStory"]
    assert got["errors"][0]["code"] == "NOT_FOUND"
    assert (await api.data("{ stories { edges { node { id } } } }", token=other_world.tokens["admin"])
            )["stories"]["edges"] == []

    async with db.reader() as s:
        actions = sorted(await s.scalars(select(AuditEvent.action).where(
            AuditEvent.organization_id == world.org_id, AuditEvent.action.like("story.%"))))
    assert actions == ["story.approve", "story.draft", "story.reject", "story.update"]


async def test_the_author_or_last_editor_cannot_approve(api, db, world):
    ids, _, _, family = await _setup(api, db, world)
    adv, lead, admin = world.tokens["advocate"], world.tokens["campaign_lead"], world.tokens["admin"]
    await api.data(RECORD_CONSENT, {"i": {"familyId": family, "kind": "SHARE_STORY", "method": "WRITTEN"}}, token=adv)
    own = (await _draft(api, admin, world.gid("Case", ids[0])))["story"]
    got = (await api.data(APPROVE, {"i": {"id": own["id"]}}, token=admin))["approveStory"]
    assert got["errors"][0]["code"] == "FORBIDDEN" and "second person" in got["errors"][0]["message"]
    # the advocate's draft, edited by the admin: the admin is now its last editor
    other = (await _draft(api, adv, world.gid("Case", ids[0])))["story"]
    edited = (await api.data(UPDATE, {"i": {"id": other["id"], "version": 1, "title": "Three days out"}},
                             token=admin))["updateStory"]
    assert edited["errors"] == []
    got = (await api.data(APPROVE, {"i": {"id": other["id"]}}, token=admin))["approveStory"]
    assert got["errors"][0]["code"] == "FORBIDDEN"
    got = (await api.data(APPROVE, {"i": {"id": other["id"]}}, token=lead))["approveStory"]
    assert got["errors"] == []
    # and the lead approves the admin's own draft
    got = (await api.data(APPROVE, {"i": {"id": own["id"]}}, token=lead))["approveStory"]
    assert got["errors"] == []


async def test_stories_follow_record_scope_and_permissions(api, db, world):
    ids, south, _, _ = await _setup(api, db, world)
    # a case of another chapter reads as unknown to the North advocate
    got = await _draft(api, world.tokens["advocate"], world.gid("Case", south[0]))
    assert got["errors"][0] == {"code": "NOT_FOUND", "message": "No such case.", "field": "caseId"}
    mine = (await _draft(api, world.tokens["advocate_south"], world.gid("Case", south[0])))["story"]
    assert (await api.data(LIST, {}, token=world.tokens["advocate"]))["stories"]["edges"] == []
    got = (await api.data(UPDATE, {"i": {"id": mine["id"], "version": 1, "title": "x"}},
                          token=world.tokens["advocate"]))["updateStory"]
    assert got["errors"][0]["code"] == "NOT_FOUND"
    # viewers and campaign leads do not draft; viewers do not see stories
    for role in ("viewer", "campaign_lead"):
        got = await _draft(api, world.tokens[role], world.gid("Case", ids[0]))
        assert got["errors"][0]["code"] == "FORBIDDEN", role
    body = await api(LIST, {}, token=world.tokens["viewer"])
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    got = await api.data('query($id: ID!) { node(id: $id) { id } }', {"id": mine["id"]}, token=world.tokens["viewer"])
    assert got["node"] is None


def test_deidentification_rules():
    names = ["Rivera family", "Ana María Rivera-Lopez", "Mateo", "Rivera"]
    schools = ["Maple Street Elementary School", "Riverton High School", "Lincoln K-8"]
    assert school_terms(schools) >= {"Maple Street", "Riverton", "Lincoln", "Riverton High School"}
    found = lambda text: [(f.kind, f.text) for f in find_identifiers(text, names=names, schools=schools)]  # noqa
    assert found("A family asked for help.") == []
    assert found("ana maría called") == [("NAME", "Ana"), ("NAME", "María")]
    assert found("At the Maple Street Elementary School gym") == [("SCHOOL", "Maple Street Elementary School")]
    assert found("At Lincoln, again") == [("SCHOOL", "Lincoln")]
    assert found("Write to mom@example.org") == [("EMAIL", "mom@example.org")]
    assert found("Student 20481234 was moved") == [("PHONE", "20481234")]
    assert found("on March 3rd and 3/4/2025") == [("DATE", "3/4/2025"), ("DATE", "March 3rd")]
    assert found("in March, three times; grade 7") == []


# ---------------------------------------------------------------- the advocate's case page


CASE_PAGE = """query($c: ID!) { caseCampaignLinks(caseId: $c) { reason campaign { id name status } }
    stories(filter: {caseId: $c}) { edges { node { id title status } } } }"""


async def test_a_case_page_reads_its_campaign_links_and_stories(api, world, db):
    ids, south, camp, _ = await _setup(api, db, world)
    adv, case = world.tokens["advocate"], world.gid("Case", ids[0])
    link = {"campaignId": camp["id"], "caseId": case, "reason": "Same school, same practice"}
    got = await api.data("""mutation($i: LinkCaseToCampaignInput!) { linkCaseToCampaign(input: $i) {
        errors { code } } }""", {"i": link}, token=adv)
    assert got["linkCaseToCampaign"]["errors"] == []
    mine = await _draft(api, adv, case)
    await _draft(api, adv, world.gid("Case", ids[1]), title="Another case's story")

    body = await api.data(CASE_PAGE, {"c": case}, token=adv)
    assert body["caseCampaignLinks"] == [{"reason": link["reason"], "campaign": {
        "id": camp["id"], "name": camp["name"], "status": "PLANNING"}}]
    assert [e["node"] for e in body["stories"]["edges"]] == [
        {"id": mine["story"]["id"], "title": CLEAN["title"], "status": "DRAFT"}]
    # another case: neither the link nor the story
    body = await api.data(CASE_PAGE, {"c": world.gid("Case", ids[2])}, token=adv)
    assert body["caseCampaignLinks"] == [] and body["stories"]["edges"] == []
    # viewers see the link without the reason; another chapter's advocate sees nothing of a North case
    body = await api.data("query($c: ID!) { caseCampaignLinks(caseId: $c) { reason campaign { name } } }",
                          {"c": case}, token=world.tokens["viewer"])
    assert body["caseCampaignLinks"] == [{"reason": None, "campaign": {"name": camp["name"]}}]
    body = await api.data(CASE_PAGE, {"c": case}, token=world.tokens["advocate_south"])
    assert body["caseCampaignLinks"] == [] and body["stories"]["edges"] == []
    # campaign leads do not read cases: refused
    body = await api("query($c: ID!) { caseCampaignLinks(caseId: $c) { reason } }", {"c": case},
                     token=world.tokens["campaign_lead"])
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
