"""The demo data: two organizations that anyone can sign in to and explore, loaded once per database."""

from __future__ import annotations

import re
import uuid
from collections import Counter
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import exists, func, or_, select

from api.relay import from_global_id, to_global_id
from domain.cases.models import Case, CaseAssignee, CaseEvent, CaseEventKind
from domain.cases.taxonomy import belongs
from domain.cases.workflow import ACTIVE, CaseStatus
from domain.db import Database
from domain.demo import DEMO_PASSWORD, DEMO_USERS, MPU, PPU, load_demo, school_year_start
from domain.directory.models import District, DistrictContact, School
from domain.errors import DomainError, ErrorCode
from domain.escalations.calendar import Closure, SchoolCalendar
from domain.escalations.deadlines import PROFILES, DeadlineStatus, Milestone, due_date
from domain.escalations.deadlines import status as deadline_status
from domain.escalations.models import (
    CaseDeadline, DistrictClosure, Escalation, EscalationChannel, EscalationLevel, EscalationStatus,
)
from domain.identity.models import Chapter, Organization, User
from domain.outbox.models import OutboxMessage
from domain.people.models import Consent, ConsentKind, Family, SpecialEducationStatus, Student
from migrations import upgrade
from tests.api.test_cli import _env, _run

README = Path(__file__).resolve().parents[2] / "README.md"
EAST_BOSTON_ADVOCATE = "advocate.eastboston@mpu.demo.advocase.org"

LOGIN = """
mutation($email: String!, $password: String!) { login(input: {email: $email, password: $password}) {
  token me { user { displayName } organization { name } roles chapters { name } } errors { code message } } }
"""

CASES = """
query($after: String) { cases(first: 100, after: $after) {
  totalCount pageInfo { hasNextPage endCursor }
  edges { node { id chapter { name } assignees { id } openedBy { id } } } } }
"""


@pytest.fixture(scope="module")
async def demo(db):
    return await load_demo(db)


@pytest.fixture(scope="module")
def org_ids(demo) -> dict:
    return {o.name: o.id for o in demo.organizations}


async def _login(api, email: str) -> dict:
    body = await api.data(LOGIN, {"email": email, "password": DEMO_PASSWORD})
    assert body["login"]["errors"] == [], (email, body)
    return body["login"]


async def _all_cases(api, token) -> tuple[int, list[dict]]:
    nodes, after, total = [], None, None
    while True:
        page = (await api.data(CASES, {"after": after}, token=token))["cases"]
        total = page["totalCount"] if total is None else total
        nodes += [e["node"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return total, nodes
        after = page["pageInfo"]["endCursor"]


async def test_two_organizations_with_hundreds_of_families_and_cases(db, demo, org_ids):
    assert set(org_ids) == {MPU, PPU}
    ids = list(org_ids.values())
    async with db.reader() as s:
        families = await s.scalar(select(func.count()).select_from(Family).where(Family.organization_id.in_(ids)))
        cases = await s.scalar(select(func.count()).select_from(Case).where(Case.organization_id.in_(ids)))
        chapters = {(o, n) for o, n in (await s.execute(
            select(Chapter.organization_id, Chapter.name).where(Chapter.organization_id.in_(ids)))).all()}
        districts = set(await s.scalars(select(District.name).where(District.organization_id.in_(ids))))
    assert families >= 300 and cases >= 600
    assert families == sum(o.families for o in demo.organizations)
    assert cases == sum(o.cases for o in demo.organizations)
    assert {n for o, n in chapters if o == org_ids[MPU]} == {
        "East Boston", "Dorchester", "Lawrence", "Lowell", "Springfield"}
    assert {n for o, n in chapters if o == org_ids[PPU]} == {"North Portland", "East Portland"}
    assert {"Boston Public Schools", "Lawrence Public Schools", "Lowell Public Schools", "Springfield Public Schools",
            "Portland Public Schools", "David Douglas School District", "Parkrose School District"} <= districts


async def test_cases_span_two_school_years_every_status_and_valid_taxonomy(db, org_ids):
    today = date.today()
    current = school_year_start(today)
    previous = current.replace(year=current.year - 1)
    async with db.reader() as s:
        rows = (await s.execute(select(
            Case.id, Case.status, Case.opened_on, Case.category, Case.subcategory, Case.outcome, Case.resolved_on,
            Case.closed_on, Case.next_action_due_on, Case.created_by_id, Case.tags,
        ).where(Case.organization_id.in_(org_ids.values())))).all()
        unassigned = await s.scalar(select(func.count()).select_from(Case).where(
            Case.organization_id.in_(org_ids.values()),
            ~exists().where(CaseAssignee.case_id == Case.id)))
    assert all(previous <= r.opened_on <= today for r in rows)
    per_year = Counter(r.opened_on >= current for r in rows)
    assert per_year[True] >= 50 and per_year[False] >= 50, per_year
    assert {r.status for r in rows} == set(CaseStatus)
    bad = [(r.category, r.subcategory) for r in rows if not belongs(r.category, r.subcategory)]
    assert bad == []
    assert unassigned == 0 and all(r.created_by_id for r in rows)
    assert any(r.tags for r in rows)
    for r in rows:
        if r.status is CaseStatus.RESOLVED:
            assert r.outcome and r.resolved_on and r.closed_on is None, r
        elif r.status is CaseStatus.CLOSED:
            assert r.closed_on and (r.resolved_on is None or r.resolved_on <= r.closed_on), r
        else:
            assert r.outcome is None and r.resolved_on is None and r.closed_on is None, r
        assert r.opened_on <= (r.closed_on or r.resolved_on or r.opened_on) <= today
    closed = [r for r in rows if r.status is CaseStatus.CLOSED]
    assert sum(r.outcome is not None for r in closed) > len(closed) // 2  # most were resolved before closing
    active = [r for r in rows if r.status in ACTIVE]
    assert any(r.next_action_due_on and r.next_action_due_on < today for r in active)  # overdue
    assert any(r.next_action_due_on and r.next_action_due_on >= today for r in active)
    assert any(r.next_action_due_on is None for r in active)
    await _check_timelines(db, org_ids)


async def _check_timelines(db, org_ids: dict) -> None:
    """In the order the case page shows it, each timeline's status changes chain from INTAKE to the case's
    status one valid step at a time, and no two entries of a case tie on when they happened and were written."""
    async with db.reader() as s:
        status = dict((await s.execute(select(Case.id, Case.status).where(
            Case.organization_id.in_(org_ids.values())))).all())
        # Escalating moves the status too: its timeline entry carries "from" and "to" like a status change.
        events = (await s.execute(select(CaseEvent.case_id, CaseEvent.kind, CaseEvent.data, CaseEvent.occurred_at,
                                         CaseEvent.created_at).where(
            CaseEvent.organization_id.in_(org_ids.values()))
            .order_by(CaseEvent.case_id, CaseEvent.occurred_at, CaseEvent.created_at))).all()
    moments = Counter((e.case_id, e.occurred_at, e.created_at) for e in events)
    assert [m for m, n in moments.items() if n > 1] == []
    chains: dict = {}
    for e in events:
        if e.kind in (CaseEventKind.STATUS_CHANGE, CaseEventKind.ESCALATION):
            chains.setdefault(e.case_id, []).append(e.data)
    assert set(chains) == set(status)
    for case_id, chain in chains.items():
        assert chain[0] == {"to": "INTAKE"}
        assert all(a["to"] == b["from"] for a, b in zip(chain, chain[1:])), chain
        assert chain[-1]["to"] == status[case_id].value
        assert all(b["from"] != b["to"] or b["to"] == "ESCALATED" for b in chain[1:]), chain   # only up the ladder


@pytest.mark.parametrize("hour", [1, 13, 22])
async def test_timelines_hold_whatever_the_time_of_day(tmp_path, hour):
    """Loaded late at night, at lunch or just before midnight (UTC), the newest entries of cases opened that
    day still come one after another, never at the same instant (a CI run once saw them tie)."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'demo.sqlite3'}"
    upgrade(url)
    database = Database(url)
    try:
        now = datetime.combine(date.today(), time(hour, 7), tzinfo=timezone.utc)
        summary = await load_demo(database, now=now)
        await _check_timelines(database, {o.name: o.id for o in summary.organizations})
        async with database.reader() as s:
            latest = await s.scalar(select(func.max(CaseEvent.occurred_at)))
        assert latest.replace(tzinfo=timezone.utc) <= now
    finally:
        await database.dispose()


async def test_families_students_consents_and_directory(db, org_ids):
    ids = list(org_ids.values())
    today = date.today()
    async with db.reader() as s:
        families = list(await s.scalars(select(Family).where(Family.organization_id.in_(ids))))
        consents = list(await s.scalars(select(Consent).where(
            Consent.organization_id.in_(ids), Consent.kind == ConsentKind.SHARE_WITH_DISTRICT)))
        contacts = (await s.execute(select(DistrictContact.district_id, DistrictContact.ladder_level,
                                           DistrictContact.school_id, DistrictContact.email)
                                    .where(DistrictContact.organization_id.in_(ids)))).all()
        district_ids = set(await s.scalars(select(District.id).where(District.organization_id.in_(ids))))
        schools = await s.scalar(select(func.count()).select_from(School).where(School.organization_id.in_(ids)))
        closures = (await s.execute(select(DistrictClosure.name, DistrictClosure.starts_on).where(
            DistrictClosure.organization_id.in_(ids)))).all()
    languages = Counter(f.preferred_language for f in families)
    assert {"es", "ht", "pt", "vi", "km", "so", "ar", "ru", "zh", "en"} <= set(languages)
    assert any(f.interpreter_needed for f in families) and all(f.guardians for f in families)
    active = {c.family_id for c in consents if c.is_active(today)}
    assert len(active) > len(families) / 2                          # most families signed a release
    assert any(c.revoked_at for c in consents)                      # some revoked it
    assert len({c.family_id for c in consents}) < len(families)     # some never signed
    assert schools >= 30
    for district_id in district_ids:                                # a full escalation ladder everywhere
        levels = {lvl for d, lvl, _, _ in contacts if d == district_id}
        assert levels == {1, 2, 3, 4}
    assert all(school_id for _, lvl, school_id, _ in contacts if lvl == 1)
    assert all(email.endswith(".example.org") for *_, email in contacts)
    start = school_year_start(today)
    names = {n for n, on in closures}
    assert {"Thanksgiving recess", "Winter recess", "February vacation", "April vacation", "Spring break"} <= names
    assert {on >= start for _, on in closures} == {True, False}    # this school year and the last


async def test_every_demo_user_signs_in_with_the_demo_password(api, demo):
    for user in DEMO_USERS:
        me = (await _login(api, user.email))["me"]
        assert me["organization"]["name"] == user.org
        assert me["roles"] == [user.role]
        assert me["user"]["displayName"] == user.name
        assert {c["name"] for c in me["chapters"]} == set(user.chapters)
    roles = {(u.org, u.role) for u in DEMO_USERS}
    assert roles == {(o, r) for o in (MPU, PPU) for r in ("admin", "campaign_lead", "advocate", "viewer")}
    assert any(u.email == EAST_BOSTON_ADVOCATE and u.chapters == ("East Boston",) for u in DEMO_USERS)


async def test_east_boston_advocate_sees_east_boston_cases_and_their_own(api, db, org_ids):
    token = (await _login(api, EAST_BOSTON_ADVOCATE))["token"]
    async with db.reader() as s:
        me = await s.scalar(select(User.id).where(User.email == EAST_BOSTON_ADVOCATE))
        east_boston = await s.scalar(select(Chapter.id).where(Chapter.organization_id == org_ids[MPU],
                                                              Chapter.name == "East Boston"))
        expected = set(await s.scalars(select(Case.id).where(Case.organization_id == org_ids[MPU], or_(
            Case.chapter_id == east_boston, Case.created_by_id == me,
            exists().where(CaseAssignee.case_id == Case.id, CaseAssignee.user_id == me)))))
        mpu_total = await s.scalar(select(func.count()).select_from(Case).where(Case.organization_id == org_ids[MPU]))
    total, nodes = await _all_cases(api, token)
    my_gid = to_global_id("User", me)
    assert total == len(nodes) == len(expected) and 0 < total < mpu_total
    assert {from_global_id(n["id"])[1] for n in nodes} == expected
    for n in nodes:
        assert (n["chapter"]["name"] == "East Boston" or my_gid in {a["id"] for a in n["assignees"]}
                or (n["openedBy"] or {}).get("id") == my_gid), n


async def test_portland_admin_sees_only_portland_cases(api, db, org_ids):
    token = (await _login(api, "admin@ppu.demo.advocase.org"))["token"]
    async with db.reader() as s:
        ppu = set(await s.scalars(select(Case.id).where(Case.organization_id == org_ids[PPU])))
        an_mpu_case = await s.scalar(select(Case.id).where(Case.organization_id == org_ids[MPU]).limit(1))
    total, nodes = await _all_cases(api, token)
    assert total == len(ppu) and {from_global_id(n["id"])[1] for n in nodes} == ppu
    gid = to_global_id("Case", an_mpu_case)
    body = await api.data("query($id: ID!) { case(id: $id) { id } node(id: $id) { id } }", {"id": gid}, token=token)
    assert body == {"case": None, "node": None}


async def test_loading_twice_is_refused_and_changes_nothing(db, demo, org_ids):
    demo_cases = select(func.count()).select_from(Case).where(Case.organization_id.in_(org_ids.values()))
    async with db.reader() as s:
        before = await s.scalar(demo_cases)
    with pytest.raises(DomainError) as e:
        await load_demo(db)
    assert e.value.code is ErrorCode.CONFLICT and "already loaded" in e.value.message
    async with db.reader() as s:
        orgs = await s.scalar(select(func.count()).select_from(Organization).where(Organization.name.in_([MPU, PPU])))
        assert orgs == 2 and await s.scalar(demo_cases) == before


def test_readme_lists_every_demo_user():
    readme = README.read_text()
    assert "DEMO_USERS_PLACEHOLDER" not in readme and DEMO_PASSWORD in readme
    for user in DEMO_USERS:
        assert user.email in readme, user.email


def test_cli_demo_prints_the_users_and_refuses_a_second_load(tmp_path):
    env = _env(tmp_path)
    out = _run(env, "demo")
    assert out.returncode == 0, out.stderr
    assert DEMO_PASSWORD in out.stdout and EAST_BOSTON_ADVOCATE in out.stdout
    assert MPU in out.stdout and PPU in out.stdout
    again = _run(env, "demo")
    assert again.returncode == 2 and "already loaded" in again.stderr


async def test_first_start_loads_the_demo_only_into_an_empty_database(tmp_path, capsys):
    from api.cli import _demo
    from domain.config import Settings
    from migrations import upgrade
    url = f"sqlite+aiosqlite:///{tmp_path / 'first.sqlite3'}"
    upgrade(url)
    settings = Settings.from_env({}, database_url=url, env="test")
    await _demo(settings, only_if_empty=True)
    assert EAST_BOSTON_ADVOCATE in capsys.readouterr().out
    await _demo(settings, only_if_empty=True)   # serve's second start: nothing to do, no error
    assert capsys.readouterr().out == ""


async def test_switching_between_the_organizations_keeps_each_ones_permissions(api, demo):
    # Two organizations served side by side (a regression test for enforcers sharing one casbin Model).
    advocate = (await _login(api, EAST_BOSTON_ADVOCATE))["token"]
    portland = (await _login(api, "admin@ppu.demo.advocase.org"))["token"]
    query = "query { me { roles } cases(first: 1) { totalCount } }"
    first = await api.data(query, token=advocate)
    assert first["me"]["roles"] == ["advocate"] and first["cases"]["totalCount"] > 0
    assert (await api.data(query, token=portland))["me"]["roles"] == ["admin"]
    assert await api.data(query, token=advocate) == first


# ================================================================ escalations and statutory deadlines


OPEN_ESCALATION = (EscalationStatus.SENT, EscalationStatus.ACKNOWLEDGED)
DASHBOARD = """{ dashboard { dueSoonUntil overdueEscalations { id overdue responseDueOn case { id } }
  escalationsDueSoon { id overdue responseDueOn case { id } } deadlines { ruleCode status dueOn case { id } } } }"""
RESPONSIVENESS = """{ districtResponsiveness(byOffice: false) { sent answered answeredWithinWindow
  shareAnsweredWithinWindow medianSchoolDaysToAnswer overdueNow district { name } } }"""


async def _calendars(s, org_ids) -> dict:
    closures: dict = {}
    for d, a, b in (await s.execute(select(DistrictClosure.district_id, DistrictClosure.starts_on,
                                           DistrictClosure.ends_on)
                                    .where(DistrictClosure.organization_id.in_(org_ids)))).all():
        closures.setdefault(d, []).append(Closure(a, b))
    return {d: SchoolCalendar(c) for d, c in closures.items()}


def _school_ahead(calendar: SchoolCalendar, today: date) -> bool:
    """Whether the dashboard's "due soon" can hold anything: a school day within its horizon (not in summer)."""
    return any(calendar.is_school_day(today + timedelta(days=k)) for k in range(32))


async def test_escalations_follow_the_rules_of_the_service(db, demo, org_ids):
    today = date.today()
    ids = list(org_ids.values())
    async with db.reader() as s:
        escalations = list(await s.scalars(select(Escalation).where(Escalation.organization_id.in_(ids))))
        cases = {c.id: c for c in await s.scalars(select(Case).where(Case.organization_id.in_(ids)))}
        contacts = {c.id: c for c in await s.scalars(select(DistrictContact).where(
            DistrictContact.organization_id.in_(ids)))}
        ladder = {(x.organization_id, x.level): x for x in await s.scalars(select(EscalationLevel).where(
            EscalationLevel.organization_id.in_(ids)))}
        releases: dict = {}
        for c in await s.scalars(select(Consent).where(Consent.organization_id.in_(ids),
                                                       Consent.kind == ConsentKind.SHARE_WITH_DISTRICT)):
            releases.setdefault(c.family_id, []).append(c)
        families = {f.id: f for f in await s.scalars(select(Family).where(Family.organization_id.in_(ids)))}
        students = {x.id: x for x in await s.scalars(select(Student).where(Student.organization_id.in_(ids)))}
        calendars = await _calendars(s, ids)
        mail = await s.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.organization_id.in_(ids)))
    by_id = {e.id: e for e in escalations}
    assert len(escalations) == sum(o.escalations for o in demo.organizations) >= 150
    assert mail == 0                                          # the demo is history: nothing to send

    for e in escalations:
        case, contact = cases[e.case_id], contacts[e.contact_id]
        # The family's release to share with the district was active on the day it was sent.
        assert any(c.signed_on <= e.sent_on and c.recorded_at <= e.sent_at
                   and (c.expires_on is None or e.sent_on <= c.expires_on)
                   and (c.revoked_at is None or c.revoked_at > e.sent_at)
                   for c in releases.get(case.family_id, [])), e.id
        # The rung, the contact and the due date, exactly as escalate_case sets them.
        rung = ladder[e.organization_id, e.level]
        assert (e.level_name, e.response_window_school_days) == (rung.name, rung.response_window_school_days)
        assert contact.ladder_level == e.level and contact.district_id == e.district_id == case.district_id
        assert e.office == contact.office
        if e.level == 1:
            assert contact.school_id == case.school_id is not None
        if e.level == 2:
            assert contact.issue_areas in ([], [case.category]), (contact.issue_areas, case.category)
        calendar = calendars[e.district_id]
        assert e.response_due_on == calendar.add_school_days(e.sent_on, e.response_window_school_days)
        assert case.opened_on <= e.sent_on <= today and e.idempotency_key is None
        if e.previous_id is not None:
            below = by_id[e.previous_id]
            assert below.case_id == e.case_id and below.level < e.level and below.sent_at < e.sent_at
            assert below.status in (EscalationStatus.RESPONDED, EscalationStatus.CLOSED)
        # Answers and statuses.
        if e.responded_on is not None:
            assert e.sent_on < e.responded_on <= today and e.response_notes and e.acknowledged_at
            assert e.response_school_days == calendar.school_days_between(e.sent_on, e.responded_on)
            assert e.status in (EscalationStatus.RESPONDED, EscalationStatus.CLOSED)
        else:
            assert e.status is not EscalationStatus.RESPONDED and e.response_school_days is None
        assert (e.status is EscalationStatus.CLOSED) == (e.closed_at is not None)
        if e.status is EscalationStatus.SENT:
            assert e.acknowledged_at is None
        elif e.status in (EscalationStatus.ACKNOWLEDGED, EscalationStatus.RESPONDED):
            assert e.acknowledged_at is not None and e.sent_at < e.acknowledged_at
        # De-identified: no names of the family or the student in what goes to the district.
        family = families[case.family_id]
        names = {family.display_name.removesuffix(" family")}
        names |= {g["name"] for g in family.guardians}
        if case.student_id:
            names.add(students[case.student_id].first_name)
        for name in names:
            if len(name) > 2:
                assert not re.search(rf"\b{re.escape(name)}\b", e.summary + e.remedy_requested), (name, e.summary)

    # Every kind of outcome a dashboard and a responsiveness report need.
    open_ = [e for e in escalations if e.status in OPEN_ESCALATION]
    assert any(e.response_due_on < today for e in open_)                        # never answered, overdue
    assert any(e.response_due_on >= today for e in open_)                       # waiting for an answer
    answered = [e for e in escalations if e.responded_on]
    assert any(e.responded_on <= e.response_due_on for e in answered)           # within the window
    assert any(e.responded_on > e.response_due_on for e in answered)            # late
    assert any(e.status is EscalationStatus.ACKNOWLEDGED for e in escalations)
    assert any(e.status is EscalationStatus.CLOSED and e.responded_on is None for e in escalations)
    assert any(e.previous_id for e in escalations) and {1, 2, 3} <= {e.level for e in escalations}
    channels = Counter(e.channel for e in escalations)
    assert set(channels) == set(EscalationChannel) and channels.most_common(1)[0][0] is EscalationChannel.EMAIL
    assert {cases[e.case_id].organization_id for e in open_ if e.response_due_on < today} == set(ids)
    for org in demo.organizations:
        mine = [e for e in escalations if e.organization_id == org.id]
        assert org.escalations_overdue == sum(e.status in OPEN_ESCALATION and e.response_due_on < today
                                              for e in mine)


async def test_escalated_cases_have_escalations_on_their_timeline(db, org_ids):
    ids = list(org_ids.values())
    async with db.reader() as s:
        escalations = {e.id: e for e in await s.scalars(select(Escalation).where(
            Escalation.organization_id.in_(ids)))}
        events = list(await s.scalars(select(CaseEvent).where(
            CaseEvent.organization_id.in_(ids),
            CaseEvent.kind.in_([CaseEventKind.ESCALATION, CaseEventKind.RESPONSE, CaseEventKind.STATUS_CHANGE]))
            .order_by(CaseEvent.occurred_at)))
    sent = [e for e in events if e.kind is CaseEventKind.ESCALATION]
    assert sorted(e.data["escalationId"] for e in sent) == sorted(str(i) for i in escalations)   # one each
    for event in sent:
        esc = escalations[uuid.UUID(event.data["escalationId"])]
        assert event.case_id == esc.case_id and event.occurred_at == esc.sent_at
        assert event.data["level"] == esc.level and event.data["contactId"] == str(esc.contact_id)
        assert event.data["dueOn"] == esc.response_due_on.isoformat() and event.data["to"] == "ESCALATED"
        assert event.data["from"] == ("ESCALATED" if esc.previous_id else "OPEN")
        assert event.body.startswith("Escalated to ") and esc.level_name in event.body
    answers = [e for e in events if e.kind is CaseEventKind.RESPONSE and e.data["status"] == "RESPONDED"]
    assert len(answers) == sum(e.responded_on is not None for e in escalations.values())
    for event in answers:
        esc = escalations[uuid.UUID(event.data["escalationId"])]
        assert event.data["respondedOn"] == esc.responded_on.isoformat()
        assert event.data["schoolDays"] == esc.response_school_days
        assert event.data["late"] == (esc.responded_on > esc.response_due_on)
        assert event.occurred_at > esc.sent_at
    # Every case that was escalated has its escalations, unless the family had no active release then.
    escalated_cases = {e.case_id for e in escalations.values()}
    status_only = [e for e in events if e.kind is CaseEventKind.STATUS_CHANGE and e.data.get("to") == "ESCALATED"]
    assert all(e.case_id not in escalated_cases and "no active release" in e.body for e in status_only)
    assert len(status_only) < len(escalated_cases) / 5


async def test_statutory_deadlines_follow_the_profiles_and_milestones(db, demo, org_ids):
    today = date.today()
    ids = list(org_ids.values())
    async with db.reader() as s:
        deadlines = list(await s.scalars(select(CaseDeadline).where(CaseDeadline.organization_id.in_(ids))))
        cases = {c.id: c for c in await s.scalars(select(Case).where(Case.organization_id.in_(ids)))}
        students = {x.id: x for x in await s.scalars(select(Student).where(Student.organization_id.in_(ids)))}
        profiles = dict((await s.execute(select(Organization.id, Organization.deadline_profile).where(
            Organization.id.in_(ids)))).all())
        milestones = list(await s.scalars(select(CaseEvent).where(
            CaseEvent.organization_id.in_(ids), CaseEvent.kind == CaseEventKind.MILESTONE)))
        calendars = await _calendars(s, ids)
    assert profiles == {org_ids[MPU]: "MASSACHUSETTS", org_ids[PPU]: "OREGON"}
    assert len(deadlines) == sum(o.deadlines for o in demo.organizations) >= 60
    recorded = {}
    for event in milestones:
        recorded.setdefault((event.case_id, event.data["milestone"]), []).append(event.data)
    for d in deadlines:
        case = cases[d.case_id]
        rule = next(r for r in PROFILES[profiles[d.organization_id]][1] if r.code == d.rule_code)
        assert d.milestone == rule.trigger.value and (d.label, d.citation) == (rule.label, rule.citation)
        assert d.due_on == due_date(rule, d.trigger_on, calendars[case.district_id])
        assert d.trigger_on <= today and (d.met_on is None or d.trigger_on <= d.met_on <= today)
        student = students[case.student_id]
        if rule.trigger is Milestone.EVALUATION_CONSENT_SIGNED:
            assert case.category == "SPECIAL_EDUCATION"
        else:
            assert case.category == "DISCIPLINE" and student.special_education in (
                SpecialEducationStatus.IEP, SpecialEducationStatus.PLAN_504)
        # The milestones on the case's timeline, as record_milestone writes them.
        assert any(x["occurredOn"] == d.trigger_on.isoformat() and d.rule_code in x["started"]
                   for x in recorded[d.case_id, d.milestone])
        if d.met_on is not None:
            assert any(x["occurredOn"] == d.met_on.isoformat() and d.rule_code in x["met"]
                       for x in recorded[d.case_id, rule.met_by.value])
        else:
            assert case.status in ACTIVE          # a finished case kept its deadlines (on time or late)
    statuses = Counter(deadline_status(due_on=d.due_on, met_on=d.met_on, today=today) for d in deadlines)
    assert statuses[DeadlineStatus.MET] and statuses[DeadlineStatus.MET_LATE] and statuses[DeadlineStatus.MISSED]
    codes = {d.rule_code for d in deadlines}
    assert {"MA_EVALUATION", "MA_TEAM_MEETING_IEP", "OR_INITIAL_EVALUATION", "MANIFESTATION_DETERMINATION"} <= codes
    manifestation = [d for d in deadlines if d.rule_code == "MANIFESTATION_DETERMINATION"]
    assert any(d.met_on for d in manifestation) and any(d.met_on is None for d in manifestation)


async def test_districts_answer_differently(api, demo):
    token = (await _login(api, "lead@mpu.demo.advocase.org"))["token"]
    rows = (await api.data(RESPONSIVENESS, token=token))["districtResponsiveness"]
    by_name = {r["district"]["name"]: r for r in rows}
    assert {"Boston Public Schools", "Lawrence Public Schools", "Lowell Public Schools",
            "Springfield Public Schools"} <= set(by_name)
    shares = [r["shareAnsweredWithinWindow"] for r in rows if r["sent"] >= 10]
    assert len(shares) >= 2 and max(shares) - min(shares) >= 0.2, rows
    assert all(r["answered"] >= r["answeredWithinWindow"] for r in rows)
    assert any(r["answered"] > r["answeredWithinWindow"] for r in rows)        # some answered late
    assert sum(r["overdueNow"] for r in rows) >= 1
    assert all(r["medianSchoolDaysToAnswer"] for r in rows if r["answered"])


async def test_east_boston_advocate_dashboard_shows_escalations_and_deadlines(api, db, org_ids):
    today = date.today()
    token = (await _login(api, EAST_BOSTON_ADVOCATE))["token"]
    board = (await api.data(DASHBOARD, token=token))["dashboard"]
    assert board["overdueEscalations"], board
    assert all(e["overdue"] and e["responseDueOn"] < today.isoformat() for e in board["overdueEscalations"])
    async with db.reader() as s:
        boston = await s.scalar(select(District.id).where(District.organization_id == org_ids[MPU],
                                                          District.name == "Boston Public Schools"))
        calendar = (await _calendars(s, [org_ids[MPU]]))[boston]
    if _school_ahead(calendar, today):        # in the summer nothing falls due within five school days
        assert board["escalationsDueSoon"], board
    assert all(not e["overdue"] for e in board["escalationsDueSoon"])
    assert board["deadlines"], board
    assert {d["status"] for d in board["deadlines"]} <= {"OPEN", "MISSED"}
