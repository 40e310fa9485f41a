"""The demo data: two organizations that anyone can sign in to and explore, loaded once per database."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import exists, func, or_, select

from api.relay import from_global_id, to_global_id
from domain.cases.models import Case, CaseAssignee, CaseEvent, CaseEventKind
from domain.cases.taxonomy import belongs
from domain.cases.workflow import ACTIVE, CaseStatus
from domain.demo import DEMO_PASSWORD, DEMO_USERS, MPU, PPU, load_demo, school_year_start
from domain.directory.models import District, DistrictContact, School
from domain.errors import DomainError, ErrorCode
from domain.escalations.models import DistrictClosure
from domain.identity.models import Chapter, Organization, User
from domain.people.models import Consent, ConsentKind, Family
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
        changes = (await s.execute(select(CaseEvent.case_id, CaseEvent.data).where(
            CaseEvent.organization_id.in_(org_ids.values()), CaseEvent.kind == CaseEventKind.STATUS_CHANGE)
            .order_by(CaseEvent.case_id, CaseEvent.occurred_at, CaseEvent.created_at))).all()
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

    # The timeline's status changes chain from INTAKE to the case's status, one valid step at a time.
    chains: dict = {}
    for case_id, data in changes:
        chains.setdefault(case_id, []).append(data)
    for r in rows:
        chain = chains[r.id]
        assert chain[0] == {"to": "INTAKE"}
        assert all(a["to"] == b["from"] for a, b in zip(chain, chain[1:])), chain
        assert chain[-1]["to"] == r.status.value


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
