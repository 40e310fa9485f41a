"""Advocates open, edit, move, assign and annotate cases; every failure is typed and changes nothing."""

from __future__ import annotations

from datetime import date, timedelta

from tests.api.ops import (
    ADD_NOTE, ASSIGN_CASE, CREATE_STUDENT, GET_CASE, OPEN_CASE, TRANSITION_CASE, UPDATE_CASE, create_family,
    open_case,
)


async def _case_count(api, token) -> int:
    body = await api.data("query { cases(first: 1) { totalCount } }", token=token)
    return body["cases"]["totalCount"]


async def test_open_case_with_student_and_school(api, world):
    adv = world.tokens["advocate"]
    fam = await create_family(api, adv, world.chapter_gids["North"])
    assert fam["chapter"]["name"] == "North" and fam["guardians"][0]["name"] == "Ana Rivera"
    st = (await api.data(CREATE_STUDENT, {"i": {
        "familyId": fam["id"], "firstName": "Mateo", "lastName": "Rivera", "grade": "7",
        "specialEducation": "IEP", "englishLearner": "EL", "schoolId": world.gid("School", world.school_ids[0])}},
        token=adv))["createStudent"]
    assert st["errors"] == [] and st["student"]["school"]["name"] == "Riverton High School"
    case = await open_case(api, adv, fam["id"], studentId=st["student"]["id"],
                           schoolId=world.gid("School", world.school_ids[0]), tags=["MDR", "oss"])
    assert case["status"] == "INTAKE" and case["version"] == 1
    assert case["district"]["name"].startswith("Riverton Public Schools")  # derived from the school
    assert case["chapter"]["name"] == "North"  # the family's chapter
    assert case["student"]["firstName"] == "Mateo"
    assert [a["displayName"] for a in case["assignees"]] == ["Advocate"]  # the opener by default
    assert case["tags"] == ["mdr", "oss"]
    assert case["openedOn"] == date.today().isoformat()
    detail = (await api.data(GET_CASE, {"id": case["id"]}, token=adv))["case"]
    assert [e["node"]["statusTo"] for e in detail["timeline"]["edges"]] == ["INTAKE"]


async def test_invalid_input_is_typed_and_changes_nothing(api, world):
    adv = world.tokens["advocate"]
    fam = await create_family(api, adv, world.chapter_gids["North"])
    before = await _case_count(api, adv)
    cases = [
        ({"subcategory": "IEP_DEVELOPMENT"}, "VALIDATION", "subcategory"),
        ({"title": "   "}, "VALIDATION", "title"),
        ({"incidentOn": (date.today() + timedelta(days=3)).isoformat()}, "VALIDATION", "incidentOn"),
        ({"familyId": world.gid("Family", world.org_id)}, "NOT_FOUND", "familyId"),
        ({"schoolId": "not-an-id"}, "VALIDATION", "schoolId"),
        ({"assigneeIds": [world.gid("User", world.org_id)]}, "VALIDATION", "assigneeIds"),
        ({"title": "bad\u0000byte"}, "VALIDATION", "title"),
    ]
    for extra, code, field in cases:
        i = {"familyId": fam["id"], "category": "DISCIPLINE", "subcategory": "EXPULSION", "title": "Expelled",
             **extra}
        body = await api.data(OPEN_CASE, {"i": i}, token=adv)
        assert body["openCase"]["case"] is None, extra
        assert [(e["code"], e["field"]) for e in body["openCase"]["errors"]] == [(code, field)], extra
    assert await _case_count(api, adv) == before


async def test_stale_version_conflicts_and_changes_nothing(api, world):
    adv = world.tokens["advocate"]
    fam = await create_family(api, adv, world.chapter_gids["North"])
    case = await open_case(api, adv, fam["id"])
    first = (await api.data(UPDATE_CASE, {"i": {"id": case["id"], "version": 1, "priority": "URGENT",
                                                "title": "OSS, 5 days now"}}, token=adv))["updateCase"]
    assert first["errors"] == [] and first["case"]["version"] == 2 and first["case"]["priority"] == "URGENT"
    stale = (await api.data(UPDATE_CASE, {"i": {"id": case["id"], "version": 1, "title": "Overwrite"}},
                            token=adv))["updateCase"]
    assert stale["case"] is None
    assert stale["errors"][0]["code"] == "CONFLICT" and "version 2" in stale["errors"][0]["message"]
    now = (await api.data(GET_CASE, {"id": case["id"]}, token=adv))["case"]
    assert now["title"] == "OSS, 5 days now" and now["version"] == 2


async def test_dates_in_an_impossible_order_are_refused(api, world):
    """A next action due before the case was opened (a year typed wrong) would open the case already overdue;
    an incident after the opening cannot be, on a correction either. Refused with the field named, nothing
    changed."""
    adv = world.tokens["advocate"]
    fam = await create_family(api, adv, world.chapter_gids["North"])
    today = date.today()
    refused = (await api.data(OPEN_CASE, {"i": {
        "familyId": fam["id"], "category": "DISCIPLINE", "subcategory": "OUT_OF_SCHOOL_SUSPENSION", "title": "Typo",
        "incidentOn": (today - timedelta(days=4)).isoformat(),
        "nextActionDueOn": (today - timedelta(days=300)).isoformat()}}, token=adv))["openCase"]
    assert refused["case"] is None and [(e["code"], e["field"]) for e in refused["errors"]] == [
        ("VALIDATION", "nextActionDueOn")]
    case = await open_case(api, adv, fam["id"], openedOn=(today - timedelta(days=10)).isoformat(),
                           nextActionDueOn=(today - timedelta(days=2)).isoformat())  # overdue, but possible
    for change, field in (({"nextActionDueOn": (today - timedelta(days=11)).isoformat()}, "nextActionDueOn"),
                          ({"incidentOn": (today - timedelta(days=5)).isoformat()}, "incidentOn")):
        out = (await api.data(UPDATE_CASE, {"i": {"id": case["id"], "version": case["version"], **change}},
                              token=adv))["updateCase"]
        assert out["case"] is None and [(e["code"], e["field"]) for e in out["errors"]] == [("VALIDATION", field)]
    now = (await api.data(GET_CASE, {"id": case["id"]}, token=adv))["case"]
    assert now["version"] == case["version"] and now["nextActionDueOn"] == (today - timedelta(days=2)).isoformat()


async def test_status_workflow(api, world):
    adv = world.tokens["advocate"]
    fam = await create_family(api, adv, world.chapter_gids["North"])
    case = await open_case(api, adv, fam["id"])
    assert case["allowedTransitions"] == ["OPEN", "ON_HOLD", "CLOSED"]

    async def move(to, version, **extra):
        return (await api.data(TRANSITION_CASE, {"i": {"id": case["id"], "version": version, "to": to, **extra}},
                               token=adv))["transitionCase"]

    bad = await move("RESOLVED", 1, outcome="REMEDY_ACHIEVED")
    assert bad["case"] is None and bad["errors"][0]["code"] == "INVALID_TRANSITION"
    opened = (await move("OPEN", 1))["case"]
    assert opened["status"] == "OPEN" and opened["allowedTransitions"] == ["ON_HOLD", "RESOLVED"]
    # escalated only by sending an escalation (escalateCase), never by hand
    by_hand = await move("ESCALATED", 2)
    assert by_hand["case"] is None and [(e["code"], e["field"]) for e in by_hand["errors"]] == [
        ("INVALID_TRANSITION", "to")]
    no_outcome = await move("RESOLVED", 2)
    assert no_outcome["errors"][0]["code"] == "INVALID_TRANSITION" and no_outcome["errors"][0]["field"] == "outcome"
    resolved = (await move("RESOLVED", 2, outcome="REMEDY_ACHIEVED", note="District rescinded the suspension"))
    assert resolved["case"]["status"] == "RESOLVED" and resolved["case"]["outcome"] == "REMEDY_ACHIEVED"
    assert resolved["case"]["resolvedOn"] == date.today().isoformat()
    closed = (await move("CLOSED", 3))["case"]
    assert closed["closedOn"] and closed["allowedTransitions"] == ["OPEN"]
    reopened = (await move("OPEN", 4))["case"]
    assert reopened["status"] == "OPEN" and reopened["outcome"] is None and reopened["closedOn"] is None
    detail = (await api.data(GET_CASE, {"id": case["id"]}, token=adv))["case"]
    changes = [(e["node"]["statusFrom"], e["node"]["statusTo"]) for e in detail["timeline"]["edges"]
               if e["node"]["kind"] == "STATUS_CHANGE"]
    assert changes == [("CLOSED", "OPEN"), ("RESOLVED", "CLOSED"), ("OPEN", "RESOLVED"), ("INTAKE", "OPEN"),
                       (None, "INTAKE")]
    assert any(e["node"]["body"] == "District rescinded the suspension" for e in detail["timeline"]["edges"])


async def test_assignment_extends_record_scope(api, world):
    adv, south = world.tokens["advocate"], world.tokens["advocate_south"]
    fam = await create_family(api, adv, world.chapter_gids["North"])
    case = await open_case(api, adv, fam["id"])
    assert (await api.data(GET_CASE, {"id": case["id"]}, token=south))["case"] is None
    out = (await api.data(ASSIGN_CASE, {"i": {"id": case["id"], "assigneeIds": [
        world.gid("User", world.users["advocate"]), world.gid("User", world.users["advocate_south"])]}},
        token=adv))["assignCase"]
    assert out["errors"] == [] and len(out["case"]["assignees"]) == 2
    seen = (await api.data(GET_CASE, {"id": case["id"]}, token=south))["case"]
    assert seen["id"] == case["id"] and seen["family"]["displayName"] == "Rivera family"


async def test_assigning_someone_outside_the_org_is_refused(api, world, other_world):
    adv = world.tokens["advocate"]
    fam = await create_family(api, adv, world.chapter_gids["North"])
    case = await open_case(api, adv, fam["id"])
    out = (await api.data(ASSIGN_CASE, {"i": {"id": case["id"], "assigneeIds": [
        world.gid("User", other_world.users["advocate"])]}}, token=adv))["assignCase"]
    assert out["case"] is None and out["errors"][0]["code"] == "VALIDATION"
    detail = (await api.data(GET_CASE, {"id": case["id"]}, token=adv))["case"]
    assert [a["displayName"] for a in detail["assignees"]] == ["Advocate"]


async def test_only_colleagues_who_can_work_on_cases_are_assigned(api, db, world):
    """A viewer may read cases but not work on them: assigning one is refused, nothing changes, nobody is told."""
    from domain.notifications.models import Notification
    from sqlalchemy import func, select
    adv = world.tokens["advocate"]
    fam = await create_family(api, adv, world.chapter_gids["North"])
    case = await open_case(api, adv, fam["id"])
    out = (await api.data(ASSIGN_CASE, {"i": {"id": case["id"], "assigneeIds": [
        world.gid("User", world.users["advocate"]), world.gid("User", world.users["viewer"])]}}, token=adv))[
        "assignCase"]
    assert out["case"] is None and [(e["code"], e["field"]) for e in out["errors"]] == [
        ("VALIDATION", "assigneeIds")]
    assert "can work on cases" in out["errors"][0]["message"]
    opened = (await api.data(OPEN_CASE, {"i": {
        "familyId": fam["id"], "category": "DISCIPLINE", "subcategory": "OUT_OF_SCHOOL_SUSPENSION", "title": "Two",
        "assigneeIds": [world.gid("User", world.users["viewer"])]}}, token=adv))["openCase"]
    assert opened["case"] is None and opened["errors"][0]["field"] == "assigneeIds"
    detail = (await api.data(GET_CASE, {"id": case["id"]}, token=adv))["case"]
    assert [a["displayName"] for a in detail["assignees"]] == ["Advocate"]
    async with db.reader() as s:
        assert await s.scalar(select(func.count()).select_from(Notification).where(
            Notification.user_id == world.users["viewer"])) == 0


async def test_notes_and_identity_redaction(api, world):
    adv, viewer = world.tokens["advocate"], world.tokens["viewer"]
    fam = await create_family(api, adv, world.chapter_gids["North"])
    case = await open_case(api, adv, fam["id"])
    note = (await api.data(ADD_NOTE, {"i": {"caseId": case["id"], "kind": "CALL",
                                            "body": "Called Ms. Rivera; meeting Thursday."}}, token=adv))
    assert note["addCaseNote"]["event"]["body"] == "Called Ms. Rivera; meeting Thursday."
    bad = await api.data(ADD_NOTE, {"i": {"caseId": case["id"], "kind": "STATUS_CHANGE", "body": "x"}}, token=adv)
    assert bad["addCaseNote"]["errors"][0]["code"] == "VALIDATION"
    as_viewer = (await api.data(GET_CASE, {"id": case["id"]}, token=viewer))["case"]
    assert as_viewer["title"] == case["title"]
    assert as_viewer["narrative"] is None and as_viewer["family"]["displayName"] is None
    assert as_viewer["family"]["redacted"] is True
    assert {e["node"]["body"] for e in as_viewer["timeline"]["edges"]} == {None}
    denied = await api.data(ADD_NOTE, {"i": {"caseId": case["id"], "body": "hi"}}, token=viewer)
    assert denied["addCaseNote"]["errors"][0]["code"] == "FORBIDDEN"


async def test_today_is_the_organizations_date_not_the_servers(app_db, settings, world):
    """"Today" (a new case's opened-on date, "not in the future") is the date in ADVOCASE_TIME_ZONE: a server
    clock in UTC is already tomorrow during a US evening. Kiritimati (UTC+14) and Pago Pago (UTC-11) are always
    on different dates, so the server's own date cannot match both."""
    import dataclasses
    from datetime import datetime
    from zoneinfo import ZoneInfo

    import httpx

    from api.app import create_app
    from tests.conftest import Api

    fam = None
    for zone in ("Pacific/Kiritimati", "Pacific/Pago_Pago"):
        app = create_app(dataclasses.replace(settings, time_zone=zone), db=app_db)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as c:
            api = Api(c)
            adv = world.tokens["advocate"]
            fam = fam or await create_family(api, adv, world.chapter_gids["North"])
            case = await open_case(api, adv, fam["id"])
            assert case["openedOn"] == datetime.now(ZoneInfo(zone)).date().isoformat(), zone


async def test_an_organization_can_have_its_own_time_zone(api, world, other_world):
    """An organization's time zone (updateOrganizationSettings.timeZone) decides its "today", whatever the
    deployment's (UTC in these tests); another organization keeps the deployment's."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    admin, adv = world.tokens["admin"], world.tokens["advocate"]
    settings_q = "{ me { organization { version timeZone } } }"
    update = """mutation($i: UpdateOrganizationSettingsInput!) { updateOrganizationSettings(input: $i) {
        organization { timeZone version } errors { code field message } } }"""
    fam = await create_family(api, adv, world.chapter_gids["North"])
    for zone in ("Pacific/Kiritimati", "Pacific/Pago_Pago"):
        org = (await api.data(settings_q, token=admin))["me"]["organization"]
        out = (await api.data(update, {"i": {"version": org["version"], "timeZone": zone}},
                              token=admin))["updateOrganizationSettings"]
        assert out["errors"] == [] and out["organization"]["timeZone"] == zone
        case = await open_case(api, adv, fam["id"])
        assert case["openedOn"] == datetime.now(ZoneInfo(zone)).date().isoformat(), zone
    # a name that is no time zone: a clear error on the field, nothing changed
    org = (await api.data(settings_q, token=admin))["me"]["organization"]
    bad = (await api.data(update, {"i": {"version": org["version"], "timeZone": "Mars/Olympus_Mons"}},
                          token=admin))["updateOrganizationSettings"]
    assert bad["organization"] is None and [(e["code"], e["field"]) for e in bad["errors"]] == [
        ("VALIDATION", "timeZone")]
    assert (await api.data(settings_q, token=admin))["me"]["organization"] == org
    # the other organization is on the deployment's zone; null puts this one back on it
    other_fam = await create_family(api, other_world.tokens["advocate"], other_world.chapter_gids["North"])
    other_case = await open_case(api, other_world.tokens["advocate"], other_fam["id"])
    assert other_case["openedOn"] == datetime.now(ZoneInfo("UTC")).date().isoformat()
    out = (await api.data(update, {"i": {"version": org["version"], "timeZone": None}},
                          token=admin))["updateOrganizationSettings"]
    assert out["errors"] == [] and out["organization"]["timeZone"] is None
    assert (await open_case(api, adv, fam["id"]))["openedOn"] == datetime.now(ZoneInfo("UTC")).date().isoformat()


def test_an_unknown_time_zone_is_refused_at_start():
    import pytest

    from domain.config import Settings

    with pytest.raises(ValueError, match="ADVOCASE_TIME_ZONE"):
        Settings.from_env({"ADVOCASE_TIME_ZONE": "Mars/Olympus_Mons"}).validate()
    Settings.from_env({"ADVOCASE_TIME_ZONE": "America/Los_Angeles"}).validate()
