"""Erasing a family that asks to be forgotten (eraseFamily, family:erase): everything of the family goes in one
transaction, nothing of another family, and only an admin who types the family's name can do it."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from domain.audit.models import AuditEvent
from domain.campaigns import service as campaigns
from domain.campaigns import stories
from domain.campaigns.models import CampaignCase, Story
from domain.cases import service as cases
from domain.cases.models import Case, CaseAssignee, CaseEvent
from domain.cases.workflow import CaseStatus
from domain.directory import service as directory
from domain.escalations import milestones
from domain.escalations import service as escalations
from domain.escalations.deadlines import Milestone
from domain.escalations.models import CaseDeadline, Escalation, EscalationChannel
from domain.identity.service import resolve_actor
from domain.notifications.models import Notification
from domain.outbox.models import OutboxMessage
from domain.people import service as people
from domain.people.models import Consent, Family, Student

INTAKE = """mutation($i: RecordIntakeInput!) { recordIntake(input: $i) { case { id } errors { code field } } }"""
ERASE = """mutation($i: EraseFamilyInput!) { eraseFamily(input: $i) {
  ok cases students escalations messages errors { code message field } } }"""


async def a_family_with_everything(db, world, admin, name: str):
    """A family with a student, consents, and a case with an assignee (notified), a note, a deadline, an escalation
    whose letter and family notice wait in the outbox, a campaign link and a story."""
    family = await people.create_family(db, admin, {"display_name": name, "chapter_id": world.chapters["North"],
                                                    "email": "family@example.org", "phone": "617-555-0100"})
    student = await people.create_student(db, admin, family.id, {"first_name": "Mateo", "last_name": "Rivera"})
    case = await cases.open_case(db, admin, {"family_id": family.id, "student_id": student.id,
                                             "category": "DISCIPLINE", "subcategory": "OUT_OF_SCHOOL_SUSPENSION",
                                             "title": f"Suspended without notice ({name})",
                                             "district_id": world.district_id,
                                             "assignee_ids": [world.users["advocate"]]}, today=date.today())
    await cases.add_case_note(db, admin, case.id, kind=cases.CaseEventKind.NOTE, body=f"Called {name}'s mother.")
    await milestones.record_milestone(db, admin, case.id, milestone=Milestone.EVALUATION_CONSENT_SIGNED,
                                      occurred_on=date.today(), today=date.today())
    current, _ = await cases.read_case(db, admin, case.id)
    await cases.transition_case(db, admin, case.id, current.version, CaseStatus.OPEN, today=date.today())
    for kind in ("SHARE_WITH_DISTRICT", "SHARE_STORY"):
        await people.record_consent(db, admin, family.id, {
            "kind": kind, "method": "WRITTEN", "recipient": "The district", "purpose": "Resolve the suspension",
            "records": "Case summary"}, today=date.today())
    contact = await directory.create_district_contact(db, admin, {
        "district_id": world.district_id, "name": "Pat Kim", "email": f"pkim-{case.id.hex[:8]}@district.example.org",
        "ladder_level": 1})
    await escalations.escalate_case(db, admin, escalations.EscalateInput(
        case_id=case.id, contact_id=contact.id, channel=EscalationChannel.LETTER, summary=f"{name}: suspended.",
        remedy_requested="Written notice.", notify_family=True), today=date.today())
    campaign = await campaigns.create_campaign(db, admin, {"name": f"End OSS {name}", "goal": "Fewer suspensions"})
    await campaigns.link_case(db, admin, campaign.id, case.id, reason="A suspension without notice")
    await stories.draft_story(db, admin, case.id, title="A suspension", body="A student was sent home for days.")
    return family, case


async def counts(db, family_id, case_id) -> dict[str, int]:
    tables = {
        "families": select(func.count()).select_from(Family).where(Family.id == family_id),
        "students": select(func.count()).select_from(Student).where(Student.family_id == family_id),
        "consents": select(func.count()).select_from(Consent).where(Consent.family_id == family_id),
        "cases": select(func.count()).select_from(Case).where(Case.id == case_id),
        "timeline": select(func.count()).select_from(CaseEvent).where(CaseEvent.case_id == case_id),
        "assignees": select(func.count()).select_from(CaseAssignee).where(CaseAssignee.case_id == case_id),
        "escalations": select(func.count()).select_from(Escalation).where(Escalation.case_id == case_id),
        "deadlines": select(func.count()).select_from(CaseDeadline).where(CaseDeadline.case_id == case_id),
        "mail": select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.related_type == "Escalation",
            OutboxMessage.related_id.in_(select(Escalation.id).where(Escalation.case_id == case_id))),
        "campaign links": select(func.count()).select_from(CampaignCase).where(CampaignCase.case_id == case_id),
        "stories": select(func.count()).select_from(Story).where(Story.case_id == case_id),
        "notifications": select(func.count()).select_from(Notification).where(Notification.case_id == case_id),
    }
    async with db.reader() as s:
        return {name: await s.scalar(q) for name, q in tables.items()}


async def test_erasing_a_family_removes_all_of_it_and_nothing_else(api, db, world):
    admin = await resolve_actor(db, world.tokens["admin"], idle=timedelta(hours=1))
    family, case = await a_family_with_everything(db, world, admin, "Rivera family")
    other, other_case = await a_family_with_everything(db, world, admin, "Okafor family")
    before = await counts(db, family.id, case.id)
    assert all(before.values()), before  # every kind of record exists to be erased
    mail_ids = (await counts(db, family.id, case.id))["mail"]
    gid = world.gid("Family", family.id)

    # only admins; a wrong (or stale) name erases nothing
    refused = (await api.data(ERASE, {"i": {"id": gid, "confirmDisplayName": "Rivera family"}},
                              world.tokens["advocate"]))["eraseFamily"]
    assert refused["ok"] is False and refused["errors"][0]["code"] == "FORBIDDEN"
    wrong = (await api.data(ERASE, {"i": {"id": gid, "confirmDisplayName": "Okafor family"}},
                            world.tokens["admin"]))["eraseFamily"]
    assert wrong["ok"] is False and wrong["errors"][0]["field"] == "confirmDisplayName"
    assert await counts(db, family.id, case.id) == before

    done = (await api.data(ERASE, {"i": {"id": gid, "confirmDisplayName": "  rivera   FAMILY "}},
                           world.tokens["admin"]))["eraseFamily"]
    assert done == {"ok": True, "cases": 1, "students": 1, "escalations": 1, "messages": mail_ids, "errors": []}
    assert set((await counts(db, family.id, case.id)).values()) == {0}
    assert await counts(db, other.id, other_case.id) == before  # the other family keeps everything
    node = await api.data("query($id: ID!) { node(id: $id) { id } }", {"id": gid}, world.tokens["admin"])
    assert node == {"node": None}

    # on the record: who and how much, never who the family was
    async with db.reader() as s:
        [event] = await s.scalars(select(AuditEvent).where(AuditEvent.action == "family.erase",
                                                           AuditEvent.entity_id == family.id))
    assert event.actor_user_id == world.users["admin"]
    assert event.detail == {"cases": 1, "students": 1, "escalations": 1, "messages": mail_ids}
    again = (await api.data(ERASE, {"i": {"id": gid, "confirmDisplayName": "Rivera family"}},
                            world.tokens["admin"]))["eraseFamily"]
    assert again["errors"][0]["code"] == "NOT_FOUND"


async def test_erasing_an_intake_leaves_its_key_used_but_without_a_trace(api, db, world):
    from domain.idempotency import IdempotencyKey
    key = "intake-key-of-the-osei-family"
    intake = {"i": {"idempotencyKey": key,
                    "family": {"displayName": "Osei family", "chapterId": world.chapter_gids["North"]},
                    "student": {"firstName": "Kofi", "lastName": "Osei"},
                    "case": {"category": "DISCIPLINE", "subcategory": "OUT_OF_SCHOOL_SUSPENSION", "title": "Sent home"}}}
    made = (await api.data(INTAKE, intake, world.tokens["advocate"]))["recordIntake"]
    assert made["errors"] == [] and made["case"]["id"]
    [family] = (await api.data("query { families(search: \"Osei family\") { edges { node { id } } } }",
                               token=world.tokens["admin"]))["families"]["edges"]
    done = (await api.data(ERASE, {"i": {"id": family["node"]["id"], "confirmDisplayName": "Osei family"}},
                           world.tokens["admin"]))["eraseFamily"]
    assert done["ok"] is True and done["cases"] == 1
    async with db.reader() as s:
        row = await s.scalar(select(IdempotencyKey).where(IdempotencyKey.key == key))
    assert (row.request_hash, row.result_id) == ("", None)  # no trace of the family's details
    late = (await api.data(INTAKE, intake, world.tokens["advocate"]))["recordIntake"]  # a late retry
    assert late["case"] is None and late["errors"][0]["field"] == "idempotencyKey"
    found = await api.data("query { families(search: \"Osei family\") { edges { node { id } } } }",
                           token=world.tokens["admin"])
    assert found["families"]["edges"] == []  # not recorded again
