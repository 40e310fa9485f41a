"""recordIntake: a new family, its student and a case in one step. An error in any part records nothing and names
its field under the part; a retry with the same idempotency key answers with the first intake."""

from __future__ import annotations

from sqlalchemy import func, select

from domain.audit.models import AuditEvent
from domain.cases.models import Case
from domain.people.models import Family, Student

INTAKE = """mutation($i: RecordIntakeInput!) { recordIntake(input: $i) {
  family { id displayName chapter { name } }
  student { id firstName school { name } }
  case { id status title family { id } student { id firstName } school { name } assignees { displayName } }
  errors { code field message } } }"""


def _input(world, **parts) -> dict:
    school = world.gid("School", world.school_ids[0])
    i = {"family": {"displayName": "Okafor family", "chapterId": world.chapter_gids["North"], "phone": "617-555-0190",
                    "guardians": [{"name": "Grace Okafor", "relationship": "mother"}]},
         "student": {"firstName": "Chidi", "lastName": "Okafor", "grade": "4", "schoolId": school,
                     "specialEducation": "EVALUATION_REQUESTED"},
         "case": {"category": "SPECIAL_EDUCATION", "subcategory": "EVALUATION_REQUEST_DELAY", "title": "Evaluation not started",
                  "schoolId": school}}
    for part, fields in parts.items():
        i[part] = fields if fields is None or part == "idempotencyKey" else {**i[part], **fields}
    return i


async def _counts(db, org_id) -> tuple[int, int, int, int]:
    async with db.reader() as s:
        return tuple([await s.scalar(select(func.count()).select_from(m).where(m.organization_id == org_id))
                      for m in (Family, Student, Case, AuditEvent)])


async def test_a_family_student_and_case_recorded_together(api, db, world):
    body = (await api.data(INTAKE, {"i": _input(world)}, token=world.tokens["advocate"]))["recordIntake"]
    assert body["errors"] == []
    family, student, case = body["family"], body["student"], body["case"]
    assert family["displayName"] == "Okafor family" and family["chapter"]["name"] == "North"
    assert student["firstName"] == "Chidi" and student["school"]["name"] == "Riverton High School"
    assert case["status"] == "INTAKE" and case["family"]["id"] == family["id"]
    assert case["student"] == {"id": student["id"], "firstName": "Chidi"}
    assert case["school"]["name"] == "Riverton High School"
    assert [a["displayName"] for a in case["assignees"]] == ["Advocate"]
    async with db.reader() as s:
        actions = list(await s.scalars(select(AuditEvent.action).where(
            AuditEvent.organization_id == world.org_id, AuditEvent.action.in_(
                ["family.create", "student.create", "case.open"])).order_by(AuditEvent.at, AuditEvent.id)))
    assert actions == ["family.create", "student.create", "case.open"]


async def test_a_case_about_the_family_without_a_student(api, world):
    body = (await api.data(INTAKE, {"i": _input(world, student=None)}, token=world.tokens["advocate"]))["recordIntake"]
    assert body["errors"] == [] and body["student"] is None
    assert body["case"]["student"] is None and body["case"]["family"]["id"] == body["family"]["id"]


async def test_an_error_in_any_part_records_nothing_and_names_the_part(api, db, world, other_world):
    before = await _counts(db, world.org_id)
    bad = [
        ({"family": {"displayName": "  "}}, "VALIDATION", "family.displayName"),
        ({"family": {"email": "not an email"}}, "VALIDATION", "family.email"),
        ({"family": {"chapterId": other_world.chapter_gids["North"]}}, "VALIDATION", "family.chapterId"),
        ({"student": {"lastName": " "}}, "VALIDATION", "student.lastName"),
        ({"student": {"grade": "13"}}, "VALIDATION", "student.grade"),
        ({"student": {"schoolId": "not-an-id"}}, "VALIDATION", "student.schoolId"),
        ({"case": {"subcategory": "EXPULSION"}}, "VALIDATION", "case.subcategory"),
        ({"case": {"title": ""}}, "VALIDATION", "case.title"),
        ({"case": {"assigneeIds": [world.gid("User", other_world.users["advocate"])]}}, "VALIDATION",
         "case.assigneeIds"),
        ({"case": {"schoolId": world.gid("School", other_world.school_ids[0])}}, "VALIDATION", "case.schoolId"),
    ]
    for parts, code, field in bad:
        body = (await api.data(INTAKE, {"i": _input(world, **parts)}, token=world.tokens["advocate"]))["recordIntake"]
        assert (body["family"], body["student"], body["case"]) == (None, None, None), parts
        assert [(e["code"], e["field"]) for e in body["errors"]] == [(code, field)], parts
    # the last part failing (the case's school, checked after the family and student were added) left nothing
    assert await _counts(db, world.org_id) == before


async def test_a_viewer_may_not_record_an_intake(api, db, world):
    before = await _counts(db, world.org_id)
    body = (await api.data(INTAKE, {"i": _input(world)}, token=world.tokens["viewer"]))["recordIntake"]
    assert [e["code"] for e in body["errors"]] == ["FORBIDDEN"] and body["case"] is None
    assert await _counts(db, world.org_id) == before


async def test_a_retry_with_the_same_key_answers_with_the_first_intake(api, db, world):
    adv = world.tokens["advocate"]
    first = (await api.data(INTAKE, {"i": _input(world, idempotencyKey="intake-7f3a")}, token=adv))["recordIntake"]
    assert first["errors"] == []
    after_first = await _counts(db, world.org_id)
    again = (await api.data(INTAKE, {"i": _input(world, idempotencyKey="intake-7f3a")}, token=adv))["recordIntake"]
    assert again["errors"] == []
    assert (again["family"]["id"], again["student"]["id"], again["case"]["id"]) == (
        first["family"]["id"], first["student"]["id"], first["case"]["id"])
    families, students, cases, _ = await _counts(db, world.org_id)
    assert (families, students, cases) == after_first[:3]  # nothing recorded twice
    other = _input(world, idempotencyKey="intake-7f3a", case={"title": "Another case"})
    refused = (await api.data(INTAKE, {"i": other}, token=adv))["recordIntake"]
    assert [(e["code"], e["field"]) for e in refused["errors"]] == [("VALIDATION", "idempotencyKey")]
    # without a key, the same form twice is two intakes (the families are told apart by people, not by us)
    for _ in range(2):
        assert (await api.data(INTAKE, {"i": _input(world)}, token=adv))["recordIntake"]["errors"] == []
    assert (await _counts(db, world.org_id))[0] == after_first[0] + 2
