"""Notifications: assigned to me, an escalation answered or overdue, a deadline near or missed; read and mark
them (only mine); the periodic job never notifies twice; the daily digest in my language through the outbox and
a real SMTP server (aiosmtpd), with opt-out."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from email import message_from_bytes, policy

from sqlalchemy import select

from domain.cases import service as cases
from domain.cases.workflow import CaseStatus
from domain.directory import service as directory
from domain.escalations import milestones
from domain.escalations import service as escalations
from domain.escalations.deadlines import Milestone
from domain.escalations.models import EscalationChannel
from domain.identity.service import resolve_actor
from domain.notifications.jobs import detect, run_jobs
from domain.notifications.models import Notification
from domain.outbox.worker import deliver_all_due
from domain.people import service as people
from tests.api.test_outbox import SmtpServer

ERRORS = "errors { code message field }"
NOTIFICATIONS = """query($unread: Boolean!) { notifications(unreadOnly: $unread, first: 50) { unreadCount totalCount
  edges { node { id kind caseId caseReference caseTitle escalationId levelName label dueOn respondedOn read } } } }"""
ASSIGN = f"""mutation($i: AssignCaseInput!) {{ assignCase(input: $i) {{ case {{ id }} {ERRORS} }} }}"""
MARK = f"""mutation($i: MarkNotificationReadInput!) {{ markNotificationRead(input: $i) {{
  notification {{ id read }} {ERRORS} }} }}"""
MARK_ALL = f"mutation {{ markAllNotificationsRead {{ count {ERRORS} }} }}"
RESPOND = f"""mutation($i: RecordEscalationResponseInput!) {{ recordEscalationResponse(input: $i) {{
  escalation {{ id status }} {ERRORS} }} }}"""
SET_LANGUAGE = f"""mutation($i: SetMyLanguageInput!) {{ setMyLanguage(input: $i) {{
  me {{ preferredLanguage }} {ERRORS} }} }}"""
PREFS = f"""mutation($i: SetNotificationPreferencesInput!) {{ setNotificationPreferences(input: $i) {{
  preferences {{ emailDigest }} {ERRORS} }} }}"""


async def mine(api, token, unread=None) -> dict:
    return (await api.data(NOTIFICATIONS, {"unread": bool(unread)}, token))["notifications"]


async def a_case(db, world, title="3-day OSS without a hearing"):
    admin = await resolve_actor(db, world.tokens["admin"], idle=timedelta(hours=1))
    family = await people.create_family(db, admin, {"display_name": "Rivera family",
                                                    "chapter_id": world.chapters["North"]})
    case = await cases.open_case(db, admin, {"family_id": family.id, "category": "DISCIPLINE",
                                             "subcategory": "OUT_OF_SCHOOL_SUSPENSION", "title": title,
                                             "district_id": world.district_id}, today=date.today())
    return admin, family, case


OPEN = f"""mutation($i: OpenCaseInput!) {{ openCase(input: $i) {{ case {{ id title }} {ERRORS} }} }}"""


async def test_opening_a_case_for_others_tells_them(api, db, world):
    admin = await resolve_actor(db, world.tokens["admin"], idle=timedelta(hours=1))
    family = await people.create_family(db, admin, {"display_name": "Nguyen family",
                                                    "chapter_id": world.chapters["North"]})
    body = await api.data(OPEN, {"i": {
        "familyId": world.gid("Family", family.id), "category": "SPECIAL_EDUCATION",
        "subcategory": "IEP_SERVICES_NOT_DELIVERED", "title": "Speech therapy minutes not delivered",
        "assigneeIds": [world.gid("User", world.users["advocate"]), world.gid("User", world.users["admin"])]}},
        world.tokens["admin"])
    assert body["openCase"]["errors"] == []
    case = body["openCase"]["case"]
    got = await mine(api, world.tokens["advocate"])
    assert got["unreadCount"] == 1
    n = got["edges"][0]["node"]
    assert (n["kind"], n["caseId"], n["caseTitle"]) == ("CASE_ASSIGNED", case["id"], case["title"])
    assert (await mine(api, world.tokens["admin"]))["totalCount"] == 0  # opening it for myself tells me nothing


async def test_assignment_answer_read_and_mark_all(api, db, world):
    admin, family, case = await a_case(db, world)
    gid = world.gid("Case", case.id)
    body = await api.data(ASSIGN, {"i": {"id": gid, "assigneeIds": [world.gid("User", world.users["advocate"]),
                                                                    world.gid("User", world.users["admin"])]}},
                          world.tokens["admin"])
    assert body["assignCase"]["errors"] == []
    got = await mine(api, world.tokens["advocate"])
    assert got["unreadCount"] == 1 and got["totalCount"] == 1
    n = got["edges"][0]["node"]
    assert (n["kind"], n["caseId"], n["caseTitle"], n["read"]) == ("CASE_ASSIGNED", gid, case.title, False)
    assert n["caseReference"] == f"AC-{case.id.hex[:8].upper()}"
    assert (await mine(api, world.tokens["admin"]))["totalCount"] == 0  # assigning myself tells me nothing
    # assigning again the same people tells nobody again
    await api.data(ASSIGN, {"i": {"id": gid, "assigneeIds": [world.gid("User", world.users["advocate"])]}},
                   world.tokens["admin"])
    assert (await mine(api, world.tokens["advocate"]))["totalCount"] == 1

    # only I can read or mark my notification: another member or organization gets NOT_FOUND
    for token in (world.tokens["viewer"], world.tokens["advocate_south"]):
        other = (await api.data(MARK, {"i": {"id": n["id"]}}, token))["markNotificationRead"]
        assert [e["code"] for e in other["errors"]] == ["NOT_FOUND"]
        assert n["id"] not in str(await mine(api, token))
    marked = (await api.data(MARK, {"i": {"id": n["id"]}}, world.tokens["advocate"]))["markNotificationRead"]
    assert marked == {"notification": {"id": n["id"], "read": True}, "errors": []}
    assert (await mine(api, world.tokens["advocate"], unread=True))["edges"] == []

    # the district answers an escalation on the case: its assignee hears of it, the one who recorded it does not
    advocate = await resolve_actor(db, world.tokens["advocate"], idle=timedelta(hours=1))
    esc = await escalate(db, world, admin, family, case)
    body = await api.data(RESPOND, {"i": {"id": world.gid("Escalation", esc.id), "respondedOn": date.today().isoformat(),
                                          "notes": "The principal will meet the family."}}, world.tokens["viewer"])
    assert [e["code"] for e in body["recordEscalationResponse"]["errors"]] == ["FORBIDDEN"]
    body = await api.data(RESPOND, {"i": {"id": world.gid("Escalation", esc.id),
                                          "respondedOn": date.today().isoformat(),
                                          "notes": "The principal will meet the family."}}, world.tokens["advocate"])
    assert body["recordEscalationResponse"]["errors"] == []
    answered = [e["node"] for e in (await mine(api, world.tokens["admin"]))["edges"]]
    assert [(x["kind"], x["levelName"], x["escalationId"]) for x in answered] == [
        ("ESCALATION_ANSWERED", "School", world.gid("Escalation", esc.id))]  # admin sent it
    assert [x["kind"] for x in [e["node"] for e in (await mine(api, world.tokens["advocate"]))["edges"]]] == [
        "CASE_ASSIGNED"]  # the advocate recorded the answer
    assert advocate.user_id == world.users["advocate"]

    all_read = (await api.data(MARK_ALL, None, world.tokens["admin"]))["markAllNotificationsRead"]
    assert all_read == {"count": 1, "errors": []}
    assert (await mine(api, world.tokens["admin"]))["unreadCount"] == 0
    anonymous = await api(MARK_ALL)
    assert anonymous["data"]["markAllNotificationsRead"]["errors"][0]["code"] == "UNAUTHENTICATED"


async def escalate(db, world, admin, family, case):
    contact = await directory.create_district_contact(db, admin, {
        "district_id": world.district_id, "name": "Pat Kim", "email": f"pkim-{case.id.hex[:8]}@district.example.org",
        "ladder_level": 1})
    current, _ = await cases.read_case(db, admin, case.id)
    await cases.transition_case(db, admin, case.id, current.version, CaseStatus.OPEN, today=date.today())
    await people.record_consent(db, admin, family.id, {
        "kind": "SHARE_WITH_DISTRICT", "method": "WRITTEN", "recipient": "The district",
        "purpose": "Resolve the suspension", "records": "Case summary"}, today=date.today())
    return await escalations.escalate_case(db, admin, escalations.EscalateInput(
        case_id=case.id, contact_id=contact.id, channel=EscalationChannel.LETTER, summary="Suspended 3 days.",
        remedy_requested="Hold the manifestation determination.", notify_family=False), today=date.today())


async def kinds(db, world, role) -> list[tuple[str, object]]:
    async with db.reader() as s:
        rows = await s.scalars(select(Notification).where(Notification.organization_id == world.org_id,
                                                          Notification.user_id == world.users[role])
                               .order_by(Notification.created_at, Notification.id))
        return [(n.kind.value, n.due_on) for n in rows]


def on(day: date) -> dict:
    """`detect` at noon UTC on `day`: every organization of these tests (no time zone of its own) is on `day`."""
    return {"now": datetime.combine(day, time(12), tzinfo=timezone.utc), "time_zone": "UTC"}


async def test_the_job_notifies_overdue_escalations_and_deadlines_once(api, db, world):
    admin, family, case = await a_case(db, world, "Evaluation not done")
    await cases.assign_case(db, admin, case.id, [world.users["advocate"]])
    esc = await escalate(db, world, admin, family, case)
    started = await milestones.record_milestone(db, admin, case.id, milestone=Milestone.EVALUATION_CONSENT_SIGNED,
                                                occurred_on=date.today(), today=date.today())
    deadline = started.started[0]
    assert await kinds(db, world, "advocate") == [("CASE_ASSIGNED", None)]

    # a week before the deadline: not yet; within 5 school days: upcoming, once
    await detect(db, **on(deadline.due_on - timedelta(days=10)))
    assert ("DEADLINE_UPCOMING", deadline.due_on) not in await kinds(db, world, "advocate")
    soon = deadline.due_on - timedelta(days=2)
    await detect(db, **on(soon))
    await detect(db, **on(soon))
    got = await kinds(db, world, "advocate")
    assert got.count(("DEADLINE_UPCOMING", deadline.due_on)) == 1

    # the escalation overdue: the assignee and its sender, once however often the job runs
    late = esc.response_due_on + timedelta(days=1)
    await detect(db, **on(late))
    await detect(db, **on(late))
    for role in ("advocate", "admin"):
        assert (await kinds(db, world, role)).count(("ESCALATION_OVERDUE", esc.response_due_on)) == 1
    assert ("ESCALATION_OVERDUE", esc.response_due_on) not in await kinds(db, world, "viewer")

    # the deadline missed, once
    await detect(db, **on(deadline.due_on + timedelta(days=1)))
    await detect(db, **on(deadline.due_on + timedelta(days=3)))
    assert (await kinds(db, world, "advocate")).count(("DEADLINE_MISSED", deadline.due_on)) == 1
    node = [e["node"] for e in (await mine(api, world.tokens["advocate"]))["edges"] if e["node"]["kind"] ==
            "DEADLINE_MISSED"][0]
    assert node["dueOn"] == deadline.due_on.isoformat() and node["label"] == deadline.label

    # an answered escalation is not overdue; a met deadline is not missed
    admin2, family2, case2 = await a_case(db, world, "Answered in time")
    await cases.assign_case(db, admin2, case2.id, [world.users["advocate_south"]])
    esc2 = await escalate(db, world, admin2, family2, case2)
    await escalations.record_response(db, admin2, esc2.id, responded_on=date.today(), notes="Done.",
                                      today=date.today())
    await detect(db, **on(esc2.response_due_on + timedelta(days=1)))
    assert [k for k, _ in await kinds(db, world, "advocate_south")] == ["CASE_ASSIGNED", "ESCALATION_ANSWERED"]


async def test_overdue_is_judged_on_the_organizations_date(api, db, world):
    """At 00:30 UTC the day after an escalation's due date it is still that date in New York (the deployment's
    zone here): not overdue yet. An organization in Berlin is already on the next day: overdue."""
    from sqlalchemy import update

    from domain.identity.models import Organization

    admin, family, case = await a_case(db, world, "Answer due today")
    await cases.assign_case(db, admin, case.id, [world.users["advocate"]])
    esc = await escalate(db, world, admin, family, case)
    just_after_midnight_utc = datetime.combine(esc.response_due_on + timedelta(days=1), time(0, 30),
                                               tzinfo=timezone.utc)
    overdue = ("ESCALATION_OVERDUE", esc.response_due_on)
    await run_jobs(db, now=just_after_midnight_utc, digest_hour=23, time_zone="America/New_York")
    assert overdue not in await kinds(db, world, "advocate")
    async with db.transaction() as s:
        await s.execute(update(Organization).where(Organization.id == world.org_id).values(time_zone="Europe/Berlin"))
    await run_jobs(db, now=just_after_midnight_utc, digest_hour=23, time_zone="America/New_York")
    assert (await kinds(db, world, "advocate")).count(overdue) == 1


async def test_daily_digest_in_my_language_once_a_day_with_opt_out(api, db, world):
    admin, family, case = await a_case(db, world, "No interpreter at the IEP meeting")
    # the advocate works in Spanish: they choose it for themselves (setMyLanguage), and their mail follows
    chose = (await api.data(SET_LANGUAGE, {"i": {"language": "es"}}, world.tokens["advocate"]))["setMyLanguage"]
    assert chose == {"me": {"preferredLanguage": "es"}, "errors": []}
    await cases.assign_case(db, admin, case.id, [world.users["advocate"], world.users["advocate_south"]])
    opted = (await api.data(PREFS, {"i": {"emailDigest": False}}, world.tokens["advocate_south"]))["setNotificationPreferences"]
    assert opted == {"preferences": {"emailDigest": False}, "errors": []}
    prefs = await api.data("query { notificationPreferences { emailDigest } }", None, world.tokens["advocate_south"])
    assert prefs == {"notificationPreferences": {"emailDigest": False}}

    smtp = SmtpServer().start()
    try:
        day = date.today() + timedelta(days=400)  # a day no other test sends digests on
        morning = datetime.combine(day, time(6), tzinfo=timezone.utc)
        assert (await run_jobs(db, now=morning, digest_hour=12))["digests"] == 0  # before the digest hour
        noon = datetime.combine(day, time(12, 30), tzinfo=timezone.utc)
        await run_jobs(db, now=noon, digest_hour=12)
        await run_jobs(db, now=noon + timedelta(hours=3), digest_hour=12)  # the same day again: nothing more
        await deliver_all_due(db, smtp.settings)
        to = lambda role: [message_from_bytes(e.content, policy=policy.default)  # noqa: E731
                           for e in smtp.inbox.envelopes if world.emails[role] in e.rcpt_tos]
        advocate_mail = to("advocate")
        assert len(advocate_mail) == 1
        m = advocate_mail[0]
        assert m["Subject"].strip() == f"1 novedad en sus casos ({(await org_name(db, world))})"
        assert m["Content-Language"] == "es"
        text = m.get_body(("plain",)).get_content()
        assert f"Se le asignó el caso AC-{case.id.hex[:8].upper()} «No interpreter at the IEP meeting»" in text
        assert to("advocate_south") == []  # opted out
        assert to("admin") == []   # nothing new for the admin (they assigned)

        # the next day, nothing new: no digest; a new notification: a new digest
        next_day = noon + timedelta(days=1)
        await run_jobs(db, now=next_day, digest_hour=12)
        await deliver_all_due(db, smtp.settings)
        assert len(to("advocate")) == 1
        admin_actor = await resolve_actor(db, world.tokens["admin"], idle=timedelta(hours=1))
        _, _, case2 = await a_case(db, world, "Restraint in class")
        await cases.assign_case(db, admin_actor, case2.id, [world.users["advocate"]])
        await run_jobs(db, now=next_day + timedelta(hours=1), digest_hour=12)
        await deliver_all_due(db, smtp.settings)
        mails = to("advocate")
        assert len(mails) == 2 and "Restraint in class" in mails[1].get_body(("plain",)).get_content()
        assert "No interpreter" not in mails[1].get_body(("plain",)).get_content()  # already mailed
    finally:
        smtp.stop()


async def test_the_digest_goes_out_at_the_digest_hour_of_each_organizations_clock(api, db, world, other_world):
    from sqlalchemy import update

    from domain.identity.models import Organization
    from domain.notifications.models import NotificationSetting

    async with db.transaction() as s:  # Los Angeles and Berlin, 9 hours apart (mid-January: no daylight saving)
        for w, zone in ((world, "America/Los_Angeles"), (other_world, "Europe/Berlin")):
            await s.execute(update(Organization).where(Organization.id == w.org_id).values(time_zone=zone))
    for w in (world, other_world):  # something for each organization's advocate to be told
        admin, _, case = await a_case(db, w, "Bus never came")
        await cases.assign_case(db, admin, case.id, [w.users["advocate"]])

    async def last_digest(w) -> date | None:
        async with db.reader() as s:
            return await s.scalar(select(NotificationSetting.last_digest_on).where(
                NotificationSetting.organization_id == w.org_id, NotificationSetting.user_id == w.users["advocate"]))

    day = date(date.today().year + 3, 1, 15)
    at = lambda hour, minute=0: datetime.combine(day, time(hour, minute), tzinfo=timezone.utc)  # noqa: E731
    await run_jobs(db, now=at(14, 30), digest_hour=7)  # Berlin 15:30, Los Angeles 6:30
    assert await last_digest(other_world) == day and await last_digest(world) is None
    await run_jobs(db, now=at(15, 5), digest_hour=7)  # Los Angeles 7:05
    assert await last_digest(world) == day
    # 23:30 in Los Angeles is already the next day in UTC and in Berlin: Los Angeles' digest waits for its morning
    admin, _, case = await a_case(db, world, "Second incident")
    await cases.assign_case(db, admin, case.id, [world.users["advocate"]])
    await run_jobs(db, now=at(7, 30) + timedelta(days=1), digest_hour=7)
    assert await last_digest(world) == day
    await run_jobs(db, now=at(15, 30) + timedelta(days=1), digest_hour=7)
    assert await last_digest(world) == day + timedelta(days=1)


async def org_name(db, world) -> str:
    from domain.identity.models import Organization
    async with db.reader() as s:
        return (await s.get(Organization, world.org_id)).name
