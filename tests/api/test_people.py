"""Families, students and consents."""

from __future__ import annotations

from datetime import date, timedelta

from tests.api.ops import CREATE_FAMILY, CREATE_STUDENT, create_family

UPDATE_FAMILY = """mutation($i: UpdateFamilyInput!) { updateFamily(input: $i) {
  family { displayName phone version preferredLanguage interpreterNeeded contactChannels guardians { name } }
  errors { code message field } } }"""
UPDATE_STUDENT = """mutation($i: UpdateStudentInput!) { updateStudent(input: $i) {
  student { grade specialEducation version } errors { code field } } }"""
RECORD = """mutation($i: RecordConsentInput!) { recordConsent(input: $i) {
  consent { id kind status method signedOn expiresOn recipient recordedBy { displayName } }
  errors { code message field } } }"""
REVOKE = """mutation($i: RevokeConsentInput!) { revokeConsent(input: $i) {
  consent { status revokedAt revocationMethod revokedBy { displayName } } errors { code field } } }"""
FAMILY = """query($id: ID!) { family(id: $id) { displayName redacted preferredLanguage
  students { firstName grade specialEducation englishLearner raceEthnicity gender }
  consents { kind status } cases { totalCount edges { node { title } } } } }"""


async def test_create_and_edit_a_family_with_students(api, world):
    adv = world.tokens["advocate"]
    fam = await create_family(api, adv, world.chapter_gids["North"])
    assert fam["preferredLanguage"] == "es" and fam["interpreterNeeded"] is True
    assert fam["contactChannels"] == ["WHATSAPP", "PHONE"] and fam["guardians"][0]["language"] == "es"
    upd = (await api.data(UPDATE_FAMILY, {"i": {"id": fam["id"], "version": 1, "phone": "(617) 555-0199",
                                                "preferredLanguage": "pt", "interpreterNeeded": False,
                                                "guardians": [{"name": "Ana Rivera"}, {"name": "José Rivera"}]}},
                          token=adv))["updateFamily"]
    assert upd["errors"] == []
    assert upd["family"]["version"] == 2 and upd["family"]["phone"] == "(617) 555-0199"
    assert [g["name"] for g in upd["family"]["guardians"]] == ["Ana Rivera", "José Rivera"]
    assert upd["family"]["displayName"] == "Rivera family"  # untouched fields stay
    stale = (await api.data(UPDATE_FAMILY, {"i": {"id": fam["id"], "version": 1, "phone": "1"}},
                            token=adv))["updateFamily"]
    assert stale["errors"][0]["code"] == "CONFLICT"
    st = (await api.data(CREATE_STUDENT, {"i": {"familyId": fam["id"], "firstName": "Luz", "lastName": "Rivera",
                                                "grade": "K", "raceEthnicity": ["Hispanic or Latino"],
                                                "gender": "female"}}, token=adv))["createStudent"]["student"]
    assert st["specialEducation"] == "UNKNOWN" and st["englishLearner"] == "UNKNOWN"
    bad = (await api.data(UPDATE_STUDENT, {"i": {"id": st["id"], "version": 1, "grade": "13"}},
                          token=adv))["updateStudent"]
    assert bad["errors"] == [{"code": "VALIDATION", "field": "grade"}]
    ok = (await api.data(UPDATE_STUDENT, {"i": {"id": st["id"], "version": 1, "grade": "1",
                                                "specialEducation": "PLAN_504"}}, token=adv))["updateStudent"]
    assert ok["student"] == {"grade": "1", "specialEducation": "PLAN_504", "version": 2}
    got = (await api.data(FAMILY, {"id": fam["id"]}, token=adv))["family"]
    assert got["students"][0]["raceEthnicity"] == ["Hispanic or Latino"]
    as_viewer = (await api.data(FAMILY, {"id": fam["id"]}, token=world.tokens["viewer"]))["family"]
    assert as_viewer["redacted"] is True and as_viewer["displayName"] is None
    assert as_viewer["students"][0]["firstName"] is None and as_viewer["students"][0]["raceEthnicity"] is None
    assert as_viewer["students"][0]["grade"] == "1"


async def test_family_validation(api, world):
    adv = world.tokens["advocate"]
    for extra, field in (({"phone": "call me"}, "phone"), ({"email": "x@"}, "email"),
                         ({"preferredLanguage": "klingon"}, "preferredLanguage"),
                         ({"guardians": [{"name": ""}]}, "guardians.0.name"),
                         ({"contactChannels": ["SMS", "SMS"]}, "contactChannels"),
                         ({"chapterId": world.gid("Chapter", world.org_id)}, "chapterId")):
        body = await api.data(CREATE_FAMILY, {"i": {"displayName": "X family", **extra}}, token=adv)
        assert body["createFamily"]["family"] is None
        assert [e["field"] for e in body["createFamily"]["errors"]] == [field]
    assert (await api.data("query { families(first: 100) { edges { node { id } } } }", token=adv)
            )["families"]["edges"] == []


async def test_consents_record_expire_and_revoke(api, world):
    adv = world.tokens["advocate"]
    fam = await create_family(api, adv, world.chapter_gids["North"])
    incomplete = (await api.data(RECORD, {"i": {"familyId": fam["id"], "kind": "SHARE_WITH_DISTRICT",
                                                "method": "WRITTEN"}}, token=adv))["recordConsent"]
    assert incomplete["errors"][0]["code"] == "VALIDATION"
    release = (await api.data(RECORD, {"i": {
        "familyId": fam["id"], "kind": "SHARE_WITH_DISTRICT", "method": "WRITTEN",
        "recipient": "Riverton Public Schools, Office of Special Education", "purpose": "Resolve the IEP dispute",
        "records": "IEP, progress reports", "expiresOn": (date.today() + timedelta(days=365)).isoformat()}},
        token=adv))["recordConsent"]
    assert release["errors"] == [] and release["consent"]["status"] == "ACTIVE"
    assert release["consent"]["recordedBy"]["displayName"] == "Advocate"
    old = (await api.data(RECORD, {"i": {
        "familyId": fam["id"], "kind": "SHARE_STORY", "method": "VERBAL",
        "signedOn": (date.today() - timedelta(days=400)).isoformat(),
        "expiresOn": (date.today() - timedelta(days=35)).isoformat()}}, token=adv))["recordConsent"]
    assert old["consent"]["status"] == "EXPIRED"
    revoked = (await api.data(REVOKE, {"i": {"id": release["consent"]["id"], "method": "VERBAL",
                                             "reason": "Family asked by phone"}}, token=adv))["revokeConsent"]
    assert revoked["consent"]["status"] == "REVOKED" and revoked["consent"]["revocationMethod"] == "VERBAL"
    assert revoked["consent"]["revokedBy"]["displayName"] == "Advocate"
    twice = (await api.data(REVOKE, {"i": {"id": release["consent"]["id"], "method": "VERBAL"}},
                            token=adv))["revokeConsent"]
    assert twice["errors"] == [{"code": "CONFLICT", "field": "id"}]
    got = (await api.data(FAMILY, {"id": fam["id"]}, token=adv))["family"]
    assert sorted((c["kind"], c["status"]) for c in got["consents"]) == [
        ("SHARE_STORY", "EXPIRED"), ("SHARE_WITH_DISTRICT", "REVOKED")]
    denied = (await api.data(RECORD, {"i": {"familyId": fam["id"], "kind": "SHARE_STORY", "method": "VERBAL"}},
                             token=world.tokens["viewer"]))["recordConsent"]
    assert denied["errors"][0]["code"] == "FORBIDDEN"


async def test_family_search_and_scope(api, world):
    adv, south = world.tokens["advocate"], world.tokens["advocate_south"]
    await create_family(api, adv, world.chapter_gids["North"], displayName="Pereira family")
    await create_family(api, south, world.chapter_gids["South"], displayName="Tran family")
    q = "query($s: String) { families(search: $s, first: 50) { edges { node { displayName } } } }"
    names = lambda body: [e["node"]["displayName"] for e in body["families"]["edges"]]  # noqa: E731
    assert names(await api.data(q, {"s": "pereira"}, token=adv)) == ["Pereira family"]
    assert names(await api.data(q, {"s": "tran"}, token=adv)) == []
    assert sorted(names(await api.data(q, {}, token=world.tokens["admin"]))) == ["Pereira family", "Tran family"]
    body = await api(q, {"s": "pereira"}, token=world.tokens["viewer"])
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
