"""Escalating cases up the ladder: consent, due dates on the district calendar, answers, the dashboard,
district responsiveness, the ladder itself, and statutory deadlines started by milestones."""

from __future__ import annotations

import asyncio

import uuid
from datetime import date, timedelta

from sqlalchemy import func, select, update

from domain.directory.models import DistrictContact
from domain.escalations.calendar import Closure, SchoolCalendar
from domain.escalations.models import DistrictClosure, Escalation, EscalationStatus
from domain.outbox.models import OutboxMessage
from tests.api.ops import CREATE_STUDENT, GET_CASE, TRANSITION_CASE, create_family, open_case

ESC_FIELDS = """id level levelName office channel status summary remedyRequested sentOn responseDueOn
  responseWindowSchoolDays overdue respondedOn responseNotes responseSchoolDays answeredWithinWindow version
  contact { name } district { name } previous { id status } sentBy { displayName }
  mail { kind to cc subject language status }"""
ESCALATE = f"""mutation($i: EscalateCaseInput!) {{ escalateCase(input: $i) {{
  escalation {{ {ESC_FIELDS} }} errors {{ code message field }} }} }}"""
ACK = f"""mutation($id: ID!) {{ acknowledgeEscalation(id: $id) {{ escalation {{ {ESC_FIELDS} }}
  errors {{ code message field }} }} }}"""
RESPOND = f"""mutation($i: RecordEscalationResponseInput!) {{ recordEscalationResponse(input: $i) {{
  escalation {{ {ESC_FIELDS} }} errors {{ code message field }} }} }}"""
CLOSE = """mutation($i: CloseEscalationInput!) { closeEscalation(input: $i) { escalation { status }
  errors { code message field } } }"""
LIST = """query($f: EscalationFilter) { escalations(filter: $f, first: 50) { totalCount
  edges { node { id level status overdue responseDueOn case { id } } } } }"""
RECORD_CONSENT = """mutation($i: RecordConsentInput!) { recordConsent(input: $i) { consent { id }
  errors { code message } } }"""
DASHBOARD = """{ dashboard { dueSoonUntil openCases { id } overdueEscalations { id }
  escalationsDueSoon { id } deadlines { ruleCode status dueOn } } }"""
RESPONSIVENESS = """query($d: ID) { districtResponsiveness(districtId: $d) { office sent answered
  answeredWithinWindow shareAnsweredWithinWindow medianSchoolDaysToAnswer overdueNow district { name } } }"""
LADDER = "{ escalationLadder { level name responseWindowSchoolDays } }"
CONFIGURE = """mutation($l: [EscalationLevelInput!]!) { configureEscalationLadder(levels: $l) {
  levels { level name responseWindowSchoolDays } errors { code message field } } }"""
PROFILE = """mutation($p: String!) { setDeadlineProfile(profile: $p) { organization { id }
  errors { code field } } }"""
MILESTONE = """mutation($i: RecordCaseMilestoneInput!) { recordCaseMilestone(input: $i) {
  event { kind body } started { ruleCode dueOn status citation } met { ruleCode metOn status }
  errors { code message field } } }"""
CASE_DEADLINES = """query($id: ID!) { case(id: $id) { status deadlines { ruleCode dueOn metOn status }
  escalations { id level status } } }"""


async def _contacts(db, world) -> dict[int, str]:
    """A contact at each of the first three levels of the world's district, plus a winter closure."""
    ids = {}
    async with db.transaction() as s:
        for level, name, office, email in (
                (1, "Dr. Maria Chen", "Riverton High School", "principal@riverton.example.org"),
                (2, "Janet Okafor", "Office of Special Education", "sped@riverton.example.org"),
                (3, "PRS Intake", "State Problem Resolution System", "prs@state.example.org")):
            c = DistrictContact(organization_id=world.org_id, district_id=world.district_id, name=name,
                                title="Director", office=office, email=email, ladder_level=level, issue_areas=[])
            s.add(c)
            await s.flush()
            ids[level] = world.gid("DistrictContact", c.id)
        today = date.today()
        s.add(DistrictClosure(organization_id=world.org_id, district_id=world.district_id, name="Closure week",
                              starts_on=today + timedelta(days=2), ends_on=today + timedelta(days=6)))
    return ids


def _calendar() -> SchoolCalendar:
    today = date.today()
    return SchoolCalendar([Closure(today + timedelta(days=2), today + timedelta(days=6))])


async def _open_case(api, world, *, consent=True, email="rivera@example.org", student_extra=None):
    adv = world.tokens["advocate"]
    fam = await create_family(api, adv, world.chapter_gids["North"], email=email)
    st = (await api.data(CREATE_STUDENT, {"i": {"familyId": fam["id"], "firstName": "Mateo", "lastName": "Rivera",
                                                "grade": "7", "schoolId": world.gid("School", world.school_ids[0]),
                                                **(student_extra or {})}}, token=adv))["createStudent"]["student"]
    case = await open_case(api, adv, fam["id"], studentId=st["id"], schoolId=world.gid("School", world.school_ids[0]))
    moved = (await api.data(TRANSITION_CASE, {"i": {"id": case["id"], "version": case["version"], "to": "OPEN"}},
                            token=adv))["transitionCase"]
    assert moved["errors"] == []
    if consent:
        got = (await api.data(RECORD_CONSENT, {"i": {"familyId": fam["id"], "kind": "SHARE_WITH_DISTRICT",
                                                     "method": "WRITTEN", "signedOn": date.today().isoformat(),
                                                     "recipient": "Riverton Public Schools",
                                                     "purpose": "Resolve the suspension", "records": "Case summary"}},
                              token=adv))["recordConsent"]
        assert got["errors"] == [], got
    return fam, st, moved["case"]


def _escalation(case_id, contact_id, **extra):
    return {"i": {"caseId": case_id, "contactId": contact_id, "channel": "EMAIL",
                  "summary": "Mateo was suspended 3 days without a manifestation determination.",
                  "remedyRequested": "Convene a manifestation determination and expunge the suspension.", **extra}}


async def _count(db, model, org_id) -> int:
    async with db.reader() as s:
        return await s.scalar(select(func.count()).select_from(model).where(model.organization_id == org_id))


async def test_escalation_needs_consent_and_changes_nothing_without_it(api, db, world):
    contacts = await _contacts(db, world)
    _, _, case = await _open_case(api, world, consent=False)
    got = (await api.data(ESCALATE, _escalation(case["id"], contacts[1]), token=world.tokens["advocate"]))
    assert got["escalateCase"]["escalation"] is None
    assert got["escalateCase"]["errors"][0]["code"] == "CONSENT_REQUIRED"
    after = (await api.data(GET_CASE, {"id": case["id"]}, token=world.tokens["advocate"]))["case"]
    assert after["status"] == "OPEN" and after["version"] == case["version"]
    assert all(e["node"]["kind"] != "ESCALATION" for e in after["timeline"]["edges"])
    assert await _count(db, Escalation, world.org_id) == 0
    assert await _count(db, OutboxMessage, world.org_id) == 0


async def test_a_letter_goes_only_to_the_cases_own_district(api, db, world):
    """The family's release is for the case's district: a case without one, or a contact of another district,
    is refused with the field named, and nothing is written."""
    from domain.directory.models import District
    contacts = await _contacts(db, world)
    async with db.transaction() as s:
        elsewhere = District(organization_id=world.org_id, name="Lakeside Public Schools", state="MA")
        s.add(elsewhere)
        await s.flush()
        stranger = DistrictContact(organization_id=world.org_id, district_id=elsewhere.id, name="Pat Lakeside",
                                   title="Principal", email="principal@lakeside.example.org", ladder_level=1,
                                   issue_areas=[])
        s.add(stranger)
        await s.flush()
    adv = world.tokens["advocate"]
    fam, _, case = await _open_case(api, world)
    got = (await api.data(ESCALATE, _escalation(case["id"], world.gid("DistrictContact", stranger.id)), token=adv))
    assert got["escalateCase"]["escalation"] is None
    assert [(e["code"], e["field"]) for e in got["escalateCase"]["errors"]] == [("VALIDATION", "contactId")]
    assert "another district" in got["escalateCase"]["errors"][0]["message"]

    # a case with no school or district yet (the family has an active release all the same)
    bare = await open_case(api, adv, fam["id"])
    bare = (await api.data(TRANSITION_CASE, {"i": {"id": bare["id"], "version": bare["version"], "to": "OPEN"}},
                           token=adv))["transitionCase"]["case"]
    for contact in (contacts[1], world.gid("DistrictContact", stranger.id)):
        got = (await api.data(ESCALATE, _escalation(bare["id"], contact), token=adv))["escalateCase"]
        assert got["escalation"] is None and [(e["code"], e["field"]) for e in got["errors"]] == [
            ("VALIDATION", "caseId")]
    preview = await api.raw(PREVIEW, _escalation(bare["id"], contacts[1]), token=adv)
    assert preview.json()["errors"][0]["extensions"]["code"] == "VALIDATION"
    assert await _count(db, Escalation, world.org_id) == 0
    assert await _count(db, OutboxMessage, world.org_id) == 0
    after = (await api.data(GET_CASE, {"id": bare["id"]}, token=adv))["case"]
    assert after["status"] == "OPEN" and after["version"] == bare["version"]


async def test_escalate_sets_status_due_date_timeline_and_mail(api, db, world):
    contacts = await _contacts(db, world)
    _, _, case = await _open_case(api, world)
    got = (await api.data(ESCALATE, _escalation(case["id"], contacts[1]), token=world.tokens["advocate"]))
    esc = got["escalateCase"]["escalation"]
    assert got["escalateCase"]["errors"] == []
    today = date.today()
    assert esc["level"] == 1 and esc["levelName"] == "School" and esc["status"] == "SENT"
    assert esc["sentOn"] == today.isoformat() and esc["responseWindowSchoolDays"] == 5
    # Five school days on the district calendar: weekends and the closure week do not count.
    assert esc["responseDueOn"] == _calendar().add_school_days(today, 5).isoformat()
    assert date.fromisoformat(esc["responseDueOn"]) > today + timedelta(days=7)
    assert esc["contact"]["name"] == "Dr. Maria Chen" and esc["sentBy"]["displayName"] == "Advocate"
    mail = {m["kind"]: m for m in esc["mail"]}
    assert mail["escalation_letter"]["to"] == ["principal@riverton.example.org"]
    assert mail["escalation_letter"]["cc"] == [world.emails["advocate"]]
    assert mail["family_notice"]["to"] == ["rivera@example.org"] and mail["family_notice"]["language"] == "es"
    assert {m["status"] for m in esc["mail"]} == {"PENDING"}  # no SMTP configured in this test: kept, unsent
    # without the family identity permission the family's own address is not shown; the contact's is
    seen = (await api.data("query($id: ID!) { node(id: $id) { ... on Escalation { mail { kind to cc lastError } } } }",
                           {"id": esc["id"]}, token=world.tokens["viewer"]))["node"]["mail"]
    assert {m["kind"]: (m["to"], m["cc"]) for m in seen} == {
        "escalation_letter": (["principal@riverton.example.org"], [world.emails["advocate"]]),
        "family_notice": (None, None)}
    after = (await api.data(GET_CASE, {"id": case["id"]}, token=world.tokens["advocate"]))["case"]
    assert after["status"] == "ESCALATED"
    entry = [e["node"] for e in after["timeline"]["edges"] if e["node"]["kind"] == "ESCALATION"]
    assert len(entry) == 1 and "Dr. Maria Chen" in entry[0]["body"] and entry[0]["statusTo"] == "ESCALATED"


PREVIEW = """query($i: EscalateCaseInput!) { escalationLetterPreview(input: $i) { subject text responseDueOn
  mailedTo } }"""


async def test_the_letter_previewed_is_the_letter_sent(api, db, world):
    contacts = await _contacts(db, world)
    _, _, case = await _open_case(api, world)
    preview = (await api.data(PREVIEW, _escalation(case["id"], contacts[1]), token=world.tokens["advocate"]))[
        "escalationLetterPreview"]
    assert preview["mailedTo"] == "principal@riverton.example.org"
    assert preview["responseDueOn"] == _calendar().add_school_days(date.today(), 5).isoformat()
    assert "Dear Dr. Maria Chen" in preview["text"] and "manifestation determination" in preview["text"]
    # who the student is, and the family's release to share it (the template always had room for both)
    assert "It concerns Mateo Rivera, a student in grade 7 at Riverton High School." in preview["text"]
    signed = date.today().strftime("%A, %B %-d, %Y")
    assert f"The family has authorized us to share this information with you (release signed {signed})." in \
        preview["text"]
    # nothing was sent or changed
    assert await _count(db, Escalation, world.org_id) == 0 and await _count(db, OutboxMessage, world.org_id) == 0
    after = (await api.data(GET_CASE, {"id": case["id"]}, token=world.tokens["advocate"]))["case"]
    assert after["status"] == "OPEN" and after["version"] == case["version"]
    # sent: the very same subject and text
    await api.data(ESCALATE, _escalation(case["id"], contacts[1]), token=world.tokens["advocate"])
    async with db.reader() as s:
        sent = await s.scalar(select(OutboxMessage).where(OutboxMessage.organization_id == world.org_id,
                                                          OutboxMessage.kind == "escalation_letter"))
    assert (sent.subject, sent.body_text) == (preview["subject"], preview["text"])
    # the same checks as sending: without consent, or for a viewer, no letter
    _, _, other = await _open_case(api, world, consent=False)
    refused = await api(PREVIEW, _escalation(other["id"], contacts[1]), token=world.tokens["advocate"])
    assert refused["data"] is None and refused["errors"][0]["extensions"]["code"] == "CONSENT_REQUIRED"
    refused = await api(PREVIEW, _escalation(other["id"], contacts[1]), token=world.tokens["viewer"])
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    letter = (await api.data(PREVIEW, _escalation(case["id"], contacts[2], channel="LETTER"),
                             token=world.tokens["advocate"]))["escalationLetterPreview"]
    assert letter["mailedTo"] is None  # a letter the advocate sends
    # someone who may escalate but not see who families are (a custom role) previews "a student"
    import dataclasses

    from domain.escalations import service as escalations
    from domain.identity.service import resolve_actor
    from api.relay import from_global_id
    actor = await resolve_actor(db, world.tokens["advocate"], idle=timedelta(hours=1))
    masked = dataclasses.replace(actor, permissions=actor.permissions - {("family", "identity")})
    inp = escalations.EscalateInput(
        case_id=from_global_id(case["id"])[1], contact_id=from_global_id(contacts[1])[1],
        channel=escalations.EscalationChannel.EMAIL, summary="Suspended.", remedy_requested="A hearing.")
    hidden = await escalations.preview_escalation(db, masked, inp, today=date.today())
    assert "Mateo" not in hidden.text and "Rivera" not in hidden.text and "It concerns a student in grade 7" in hidden.text


async def test_a_retried_escalation_with_the_same_key_sends_nothing_twice(api, db, world):
    contacts = await _contacts(db, world)
    _, _, case = await _open_case(api, world)
    key = str(uuid.uuid4())
    first = (await api.data(ESCALATE, _escalation(case["id"], contacts[1], idempotencyKey=key),
                            token=world.tokens["advocate"]))["escalateCase"]
    again = (await api.data(ESCALATE, _escalation(case["id"], contacts[1], idempotencyKey=key),
                            token=world.tokens["advocate"]))["escalateCase"]
    assert again["errors"] == [] and again["escalation"]["id"] == first["escalation"]["id"]
    assert await _count(db, Escalation, world.org_id) == 1
    assert await _count(db, OutboxMessage, world.org_id) == 2
    misuse = (await api.data(ESCALATE, _escalation(case["id"], contacts[2], idempotencyKey=key),
                             token=world.tokens["advocate"]))["escalateCase"]
    assert misuse["errors"][0]["field"] == "idempotencyKey"
    # the same contact with another letter under the used key is not a retry either: refused, nothing sent
    reworded = _escalation(case["id"], contacts[1], idempotencyKey=key)
    reworded["i"]["summary"] = "A different account of what happened."
    misuse = (await api.data(ESCALATE, reworded, token=world.tokens["advocate"]))["escalateCase"]
    assert misuse["errors"][0]["code"] == "VALIDATION" and misuse["errors"][0]["field"] == "idempotencyKey"
    assert misuse["escalation"] is None
    assert await _count(db, Escalation, world.org_id) == 1
    assert await _count(db, OutboxMessage, world.org_id) == 2


async def test_two_concurrent_escalations_with_one_key_send_once(api, db, world):
    contacts = await _contacts(db, world)
    _, _, case = await _open_case(api, world)
    key = str(uuid.uuid4())
    both = await asyncio.gather(*[api.data(ESCALATE, _escalation(case["id"], contacts[1], idempotencyKey=key),
                                           token=world.tokens["advocate"]) for _ in range(2)])
    answers = [b["escalateCase"] for b in both]
    assert [a["errors"] for a in answers] == [[], []]
    assert answers[0]["escalation"]["id"] == answers[1]["escalation"]["id"]
    assert await _count(db, Escalation, world.org_id) == 1
    assert await _count(db, OutboxMessage, world.org_id) == 2


async def test_acknowledge_answer_close_and_escalate_to_the_next_level(api, db, world):
    contacts = await _contacts(db, world)
    adv = world.tokens["advocate"]
    _, _, case = await _open_case(api, world, email=None)
    esc = (await api.data(ESCALATE, _escalation(case["id"], contacts[1], channel="LETTER"), token=adv)
           )["escalateCase"]["escalation"]
    assert esc["mail"] == []  # a letter, and no family email: nothing to send
    ack = (await api.data(ACK, {"id": esc["id"]}, token=adv))["acknowledgeEscalation"]
    assert ack["escalation"]["status"] == "ACKNOWLEDGED"
    twice = (await api.data(ACK, {"id": esc["id"]}, token=adv))["acknowledgeEscalation"]
    assert twice["errors"][0]["code"] == "INVALID_TRANSITION"
    future = (await api.data(RESPOND, {"i": {"id": esc["id"], "respondedOn": (date.today() + timedelta(days=1))
                                            .isoformat(), "notes": "Meeting set"}}, token=adv))
    assert future["recordEscalationResponse"]["errors"][0]["field"] == "respondedOn"
    ans = (await api.data(RESPOND, {"i": {"id": esc["id"], "respondedOn": date.today().isoformat(),
                                         "notes": "The principal refused to hold a meeting."}}, token=adv)
           )["recordEscalationResponse"]["escalation"]
    assert ans["status"] == "RESPONDED" and ans["responseSchoolDays"] == 0 and ans["answeredWithinWindow"] is True
    assert ans["responseNotes"] == "The principal refused to hold a meeting."
    lower = (await api.data(ESCALATE, _escalation(case["id"], contacts[1], previousEscalationId=esc["id"]),
                            token=adv))["escalateCase"]
    assert lower["errors"][0]["code"] == "VALIDATION" and lower["errors"][0]["field"] == "contactId"
    nxt = (await api.data(ESCALATE, _escalation(case["id"], contacts[2], previousEscalationId=esc["id"]),
                          token=adv))["escalateCase"]["escalation"]
    assert nxt["level"] == 2 and nxt["previous"]["id"] == esc["id"] and nxt["responseWindowSchoolDays"] == 10
    closed = (await api.data(CLOSE, {"i": {"id": nxt["id"], "note": "Resolved at district level"}}, token=adv)
              )["closeEscalation"]
    assert closed["escalation"]["status"] == "CLOSED"
    found = (await api.data(CASE_DEADLINES, {"id": case["id"]}, token=adv))["case"]
    assert [(e["level"], e["status"]) for e in found["escalations"]] == [(1, "RESPONDED"), (2, "CLOSED")]


async def test_escalations_filters_scope_and_tenancy(api, db, world, other_world):
    contacts = await _contacts(db, world)
    adv = world.tokens["advocate"]
    _, _, case_a = await _open_case(api, world)
    _, _, case_b = await _open_case(api, world)
    a = (await api.data(ESCALATE, _escalation(case_a["id"], contacts[1]), token=adv))["escalateCase"]["escalation"]
    b = (await api.data(ESCALATE, _escalation(case_b["id"], contacts[2]), token=adv))["escalateCase"]["escalation"]
    async with db.transaction() as s:  # `a` went out three weeks ago and was never answered
        await s.execute(update(Escalation).where(Escalation.id == _uuid(a["id"])).values(
            sent_on=date.today() - timedelta(days=21), response_due_on=date.today() - timedelta(days=14)))

    async def ids(f, token=adv):
        return {e["node"]["id"] for e in (await api.data(LIST, {"f": f}, token=token))["escalations"]["edges"]}
    assert await ids({"overdue": True}) == {a["id"]}
    assert await ids({"overdue": False}) == {b["id"]}
    assert await ids({"level": [2]}) == {b["id"]}
    assert await ids({"contactId": [contacts[1]]}) == {a["id"]}
    assert await ids({"districtId": [world.gid("District", world.district_id)]}) == {a["id"], b["id"]}
    assert await ids({"dueBefore": date.today().isoformat()}) == {a["id"]}
    assert await ids({"caseId": case_b["id"]}) == {b["id"]}
    assert await ids({}, world.tokens["advocate_south"]) == set()  # North's cases are not in South's scope
    assert await ids({}, world.tokens["viewer"]) == {a["id"], b["id"]}
    viewer_view = (await api.data(LIST.replace("overdue", "overdue summary"), {}, token=world.tokens["viewer"]))
    assert all(e["node"]["summary"] is None for e in viewer_view["escalations"]["edges"])
    assert await ids({}, other_world.tokens["admin"]) == set()
    denied = await api(LIST, {}, token=world.tokens["campaign_lead"])
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    # Another organization cannot act on it, and gets the unknown-id answer.
    foreign = (await api.data(ACK, {"id": a["id"]}, token=other_world.tokens["admin"]))["acknowledgeEscalation"]
    unknown = (await api.data(ACK, {"id": world.gid("Escalation", uuid.uuid4())},
                              token=other_world.tokens["admin"]))["acknowledgeEscalation"]
    assert foreign == unknown and foreign["errors"][0]["code"] == "NOT_FOUND"
    esc_other = (await api.data(ESCALATE, _escalation(case_a["id"], contacts[1]), token=other_world.tokens["admin"]))
    assert esc_other["escalateCase"]["errors"][0]["code"] == "NOT_FOUND"

    # The dashboard: my open cases, the overdue one, the one due soon.
    dash = (await api.data(DASHBOARD, token=adv))["dashboard"]
    assert {case_a["id"], case_b["id"]} <= {c["id"] for c in dash["openCases"]}
    assert [e["id"] for e in dash["overdueEscalations"]] == [a["id"]]
    assert dash["escalationsDueSoon"] == []  # b is due in 10 school days
    # due on the fifth school day from today on its district's calendar (the closure days do not count): soon
    fifth = _calendar().add_school_days(date.today(), 5)
    async with db.transaction() as s:
        await s.execute(update(Escalation).where(Escalation.id == _uuid(b["id"])).values(response_due_on=fifth))
    dash = (await api.data(DASHBOARD, token=adv))["dashboard"]
    assert [e["id"] for e in dash["escalationsDueSoon"]] == [b["id"]]
    assert [e["id"] for e in dash["overdueEscalations"]] == [a["id"]]
    async with db.transaction() as s:  # the sixth school day is not soon yet
        await s.execute(update(Escalation).where(Escalation.id == _uuid(b["id"])).values(
            response_due_on=_calendar().add_school_days(date.today(), 6)))
    assert (await api.data(DASHBOARD, token=adv))["dashboard"]["escalationsDueSoon"] == []
    # and by status: an acknowledged one leaves SENT for ACKNOWLEDGED
    assert (await api.data(ACK, {"id": b["id"]}, token=adv))["acknowledgeEscalation"]["errors"] == []
    assert await ids({"status": ["ACKNOWLEDGED"]}) == {b["id"]}
    assert await ids({"status": ["SENT"]}) == {a["id"]}


def _uuid(gid: str) -> uuid.UUID:
    from api.relay import from_global_id
    return from_global_id(gid)[1]


async def test_district_responsiveness(api, db, world):
    contacts = await _contacts(db, world)
    adv = world.tokens["advocate"]
    escs = []
    for _ in range(3):
        _, _, case = await _open_case(api, world)
        escs.append((await api.data(ESCALATE, _escalation(case["id"], contacts[1]), token=adv)
                     )["escalateCase"]["escalation"])
    today = date.today()
    async with db.transaction() as s:
        # one answered late (8 school days), one answered in time (2), one overdue and unanswered
        cal = _calendar()
        start = today - timedelta(days=60)
        for gid, answered_after in ((escs[0]["id"], 8), (escs[1]["id"], 2), (escs[2]["id"], None)):
            due = cal.add_school_days(start, 5)
            values = dict(sent_on=start, response_due_on=due)
            if answered_after is not None:
                values.update(status=EscalationStatus.RESPONDED, responded_on=cal.add_school_days(start, answered_after),
                              response_school_days=answered_after)
            await s.execute(update(Escalation).where(Escalation.id == _uuid(gid)).values(**values))
    rows = (await api.data(RESPONSIVENESS, {"d": world.gid("District", world.district_id)},
                           token=world.tokens["campaign_lead"]))["districtResponsiveness"]
    assert rows == [{"office": "Riverton High School", "sent": 3, "answered": 2, "answeredWithinWindow": 1,
                     "shareAnsweredWithinWindow": 0.3333, "medianSchoolDaysToAnswer": 5.0, "overdueNow": 1,
                     "district": {"name": rows[0]["district"]["name"]}}]
    assert rows[0]["district"]["name"].startswith("Riverton Public Schools")


async def test_the_ladder_is_configured_by_admins(api, db, world):
    assert [(lv["name"], lv["responseWindowSchoolDays"]) for lv in
            (await api.data(LADDER, token=world.tokens["viewer"]))["escalationLadder"]] == [
        ("School", 5), ("District office", 10), ("State agency", 30), ("Federal office", 30)]
    new = [{"name": "School", "responseWindowSchoolDays": 3}, {"name": "Superintendent", "responseWindowSchoolDays": 7}]
    denied = (await api.data(CONFIGURE, {"l": new}, token=world.tokens["advocate"]))["configureEscalationLadder"]
    assert denied["errors"][0]["code"] == "FORBIDDEN"
    bad = (await api.data(CONFIGURE, {"l": [{"name": "School", "responseWindowSchoolDays": 0}]},
                          token=world.tokens["admin"]))["configureEscalationLadder"]
    assert bad["errors"][0]["field"] == "levels.0.responseWindowSchoolDays"
    contacts = await _contacts(db, world)  # a contact at level 3 would be stranded by a two-level ladder
    stranded = (await api.data(CONFIGURE, {"l": new}, token=world.tokens["admin"]))["configureEscalationLadder"]
    assert stranded["errors"][0]["code"] == "VALIDATION" and "PRS Intake" in stranded["errors"][0]["message"]
    async with db.transaction() as s:
        await s.execute(update(DistrictContact).where(DistrictContact.id == _uuid(contacts[3])).values(active=False))
    ok = (await api.data(CONFIGURE, {"l": new}, token=world.tokens["admin"]))["configureEscalationLadder"]
    assert ok["errors"] == [] and [lv["level"] for lv in ok["levels"]] == [1, 2]
    _, _, case = await _open_case(api, world)
    esc = (await api.data(ESCALATE, _escalation(case["id"], contacts[2]), token=world.tokens["advocate"])
           )["escalateCase"]["escalation"]
    assert esc["levelName"] == "Superintendent" and esc["responseWindowSchoolDays"] == 7


async def test_milestones_start_and_meet_statutory_deadlines(api, db, world):
    adv, admin = world.tokens["advocate"], world.tokens["admin"]
    await _contacts(db, world)
    assert (await api.data(PROFILE, {"p": "NARNIA"}, token=admin))["setDeadlineProfile"]["errors"] == [
        {"code": "VALIDATION", "field": "profile"}]
    assert (await api.data(PROFILE, {"p": "MASSACHUSETTS"}, token=adv))["setDeadlineProfile"]["errors"][0][
        "code"] == "FORBIDDEN"
    assert (await api.data(PROFILE, {"p": "MASSACHUSETTS"}, token=admin))["setDeadlineProfile"]["errors"] == []
    _, _, case = await _open_case(api, world, student_extra={"specialEducation": "IEP"})
    signed = date.today() - timedelta(days=50)
    got = (await api.data(MILESTONE, {"i": {"caseId": case["id"], "milestone": "EVALUATION_CONSENT_SIGNED",
                                           "occurredOn": signed.isoformat()}}, token=adv))["recordCaseMilestone"]
    assert got["errors"] == []
    started = {d["ruleCode"]: d for d in got["started"]}
    assert set(started) == {"MA_EVALUATION", "MA_TEAM_MEETING_IEP"}
    assert started["MA_EVALUATION"]["dueOn"] == _calendar().add_school_days(signed, 30).isoformat()
    assert started["MA_EVALUATION"]["citation"] == "603 CMR 28.04(2)"
    done = (await api.data(MILESTONE, {"i": {"caseId": case["id"], "milestone": "EVALUATION_COMPLETED",
                                            "occurredOn": date.today().isoformat()}}, token=adv))["recordCaseMilestone"]
    assert [(d["ruleCode"], d["metOn"]) for d in done["met"]] == [("MA_EVALUATION", date.today().isoformat())]
    # Discipline: removals add up per school year; passing 10 days starts a manifestation determination deadline.
    for days, expect in ((6, []), (4, []), (2, ["REMOVAL_THRESHOLD_MANIFESTATION"])):
        r = (await api.data(MILESTONE, {"i": {"caseId": case["id"], "milestone": "REMOVAL_RECORDED",
                                             "removalDays": days, "occurredOn": date.today().isoformat()}},
                            token=adv))["recordCaseMilestone"]
        assert [d["ruleCode"] for d in r["started"]] == expect, r
    assert "12 this school year" in r["event"]["body"]
    bad = (await api.data(MILESTONE, {"i": {"caseId": case["id"], "milestone": "REMOVAL_RECORDED",
                                           "occurredOn": date.today().isoformat()}}, token=adv))["recordCaseMilestone"]
    assert bad["errors"][0]["field"] == "removalDays"
    seen = (await api.data(CASE_DEADLINES, {"id": case["id"]}, token=adv))["case"]["deadlines"]
    by_code = {d["ruleCode"]: d for d in seen}
    assert by_code["MA_EVALUATION"]["status"] in ("MET", "MET_LATE")
    assert by_code["MA_TEAM_MEETING_IEP"]["status"] == "OPEN"
    assert by_code["REMOVAL_THRESHOLD_MANIFESTATION"]["status"] == "OPEN"
    dash = (await api.data(DASHBOARD, token=adv))["dashboard"]
    assert "REMOVAL_THRESHOLD_MANIFESTATION" in {d["ruleCode"] for d in dash["deadlines"]}
    denied = (await api.data(MILESTONE, {"i": {"caseId": case["id"], "milestone": "IEP_PROPOSED",
                                              "occurredOn": date.today().isoformat()}},
                             token=world.tokens["viewer"]))["recordCaseMilestone"]
    assert denied["errors"][0]["code"] == "FORBIDDEN"


async def test_escalation_mail_reaches_the_contact_and_the_family_in_spanish(api, db, world):
    from tests.api.test_outbox import FAR_FUTURE, SmtpServer
    from domain.db import utcnow
    from domain.outbox.worker import deliver_all_due
    sink = SmtpServer().start()  # send what earlier tests left due, so only this test's mail is counted below
    try:
        await deliver_all_due(db, sink.settings, now=utcnow() + FAR_FUTURE * 2)
    finally:
        sink.stop()
    contacts = await _contacts(db, world)
    tag = uuid.uuid4().hex[:8]
    _, _, case = await _open_case(api, world, email=f"rivera-{tag}@example.org")
    esc = (await api.data(ESCALATE, _escalation(case["id"], contacts[1]), token=world.tokens["advocate"])
           )["escalateCase"]["escalation"]
    smtp = SmtpServer().start()
    try:
        assert await deliver_all_due(db, smtp.settings) == 2
        assert await deliver_all_due(db, smtp.settings, now=utcnow() + FAR_FUTURE) == 0  # never twice
    finally:
        smtp.stop()
    letters = [m for e, m in smtp.inbox.to("riverton.example.org")]
    notices = [m for e, m in smtp.inbox.to(tag)]
    assert len(letters) == 1 and len(notices) == 1
    letter = letters[0]
    assert letter["Cc"] == world.emails["advocate"]
    text = letter.get_body(("plain",)).get_content()
    assert "Dear Dr. Maria Chen," in text and "manifestation determination" in text
    notice = notices[0].get_body(("plain",)).get_content()
    assert "Ana Rivera" in notice and "Mateo" in notice
    assert any(w in notice for w in ("escalamos", "Hemos", "caso"))  # written in Spanish
    shown = (await api.data(f"query($id: ID!) {{ node(id: $id) {{ ... on Escalation {{ mail {{ kind status }} }} }} }}",
                            {"id": esc["id"]}, token=world.tokens["advocate"]))["node"]["mail"]
    assert {m["status"] for m in shown} == {"SENT"}


async def test_reading_escalations_is_on_the_record(api, db, world):
    from api.relay import from_global_id
    from domain.audit.models import AuditEvent
    contacts = await _contacts(db, world)
    _, _, case = await _open_case(api, world)
    adv = world.tokens["advocate"]
    esc = (await api.data(ESCALATE, _escalation(case["id"], contacts[1]), token=adv))["escalateCase"]["escalation"]
    listed = await api.data("query { escalations(first: 10) { edges { node { id } } } }", token=adv)
    assert [e["node"]["id"] for e in listed["escalations"]["edges"]] == [esc["id"]]
    one = await api.data("query($id: ID!) { node(id: $id) { ... on Escalation { id } } }", {"id": esc["id"]},
                         token=adv)
    assert one["node"]["id"] == esc["id"]
    await api.data("query { dashboard { openCases { id } } }", token=adv)
    async with db.reader() as s:
        rows = {r.action: r for r in await s.scalars(select(AuditEvent).where(
            AuditEvent.organization_id == world.org_id, AuditEvent.actor_user_id == world.users["advocate"],
            AuditEvent.action.in_(["escalation.list", "escalation.read", "case.list"])))}
    esc_id, case_id = from_global_id(esc["id"])[1], from_global_id(case["id"])[1]
    assert rows["escalation.list"].detail["ids"] == [str(esc_id)]
    assert rows["escalation.list"].detail["cases"] == [str(case_id)]
    assert rows["escalation.read"].entity_id == esc_id and rows["escalation.read"].detail["case"] == str(case_id)
    assert rows["case.list"].detail["via"] == "dashboard" and str(case_id) in rows["case.list"].detail["ids"]
