"""Evidence exports (CSV, JSON, the printable brief): content, authorization, audit."""

from __future__ import annotations

import csv
import io
import json
import uuid

from sqlalchemy import select

from domain.audit.models import AuditEvent
from domain.campaigns.exports import CSV_COLUMNS
from tests.api.campaign_ops import EVIDENCE, create_campaign, seed_cases, set_threshold

EXPORT = """mutation($i: ExportCampaignEvidenceInput!) { exportCampaignEvidence(input: $i) {
  filename contentType content errors { code message field } } }"""


async def _setup(api, db, world):
    await set_threshold(db, world, 5)
    await seed_cases(db, world, 8, family_name="Okafor family", student_first="Chidi", student_last="Okafor",
                     narrative="Chidi Okafor was restrained.")
    await seed_cases(db, world, 2, school=1)
    await seed_cases(db, world, 9, school=None, category="SPECIAL_EDUCATION", subcategory="IEP_DEVELOPMENT")
    return await create_campaign(api, world, name="Keep kids in class",
                                 criteria={"categories": ["DISCIPLINE", "SPECIAL_EDUCATION"]})


async def _exports(db, world) -> list[dict]:
    async with db.reader() as s:
        rows = await s.execute(select(AuditEvent.action, AuditEvent.detail, AuditEvent.actor_user_id).where(
            AuditEvent.organization_id == world.org_id, AuditEvent.action == "evidence.export")
            .order_by(AuditEvent.at))
        return [{"detail": d, "user": u} for _, d, u in rows]


async def test_csv_and_json_exports_are_suppressed_and_audited(api, db, world, other_world):
    camp = await _setup(api, db, world)
    lead = world.tokens["campaign_lead"]
    got = (await api.data(EXPORT, {"i": {"campaignId": camp["id"], "format": "JSON"}}, token=lead))
    out = got["exportCampaignEvidence"]
    assert out["errors"] == [] and out["contentType"] == "application/json"
    assert out["filename"].startswith("evidence-keep-kids-in-class-") and out["filename"].endswith(".json")
    doc = json.loads(out["content"])
    assert doc["campaign"]["name"] == "Keep kids in class" and doc["suppressionThreshold"] == 5
    assert doc["summary"]["cases"] == {"value": 19, "suppressed": False}
    by_school = next(t for t in doc["tables"] if t["name"] == "by_school")
    assert {r["label"]: r["count"] for r in by_school["rows"]} == {
        "Maple Street Elementary": {"value": None, "suppressed": True},
        "Riverton High School": {"value": None, "suppressed": True},
        "Not recorded": {"value": 9, "suppressed": False}}
    assert by_school["total"] == {"value": 19, "suppressed": False}
    assert "Chidi" not in out["content"] and "Okafor" not in out["content"] and "restrained" not in out["content"]
    # the evidence in the API says the same
    ev = (await api.data(EVIDENCE, {"id": camp["id"]}, token=lead))["campaign"]["evidence"]
    assert [r["count"] for r in ev["bySchool"]["rows"]] == [r["count"] for r in by_school["rows"]]

    out = (await api.data(EXPORT, {"i": {"campaignId": camp["id"], "format": "CSV"}}, token=lead)
           )["exportCampaignEvidence"]
    assert out["contentType"].startswith("text/csv") and out["filename"].endswith(".csv")
    rows = list(csv.DictReader(io.StringIO(out["content"])))
    assert tuple(rows[0]) == CSV_COLUMNS
    summary = {r["measure"]: r for r in rows if r["section"] == "summary"}
    assert summary["cases"]["value"] == "19" and summary["cases"]["suppressed"] == "false"
    maple = next(r for r in rows if r["section"] == "by_school" and r["label"] == "Maple Street Elementary")
    assert maple["value"] == "" and maple["suppressed"] == "true" and maple["share"] == ""
    cat = {r["label"]: r["value"] for r in rows if r["section"] == "by_category"}
    assert cat == {"Discipline": "10", "Special education": "9", "All": "19"}
    cross = [r for r in rows if r["section"] == "school_by_category"]
    assert {(r["label"], r["column"]) for r in cross} >= {("Not recorded", "Special education"), ("All", "All")}

    # only evidence:export, only my organization's campaigns
    for role in ("advocate", "viewer"):
        got = (await api.data(EXPORT, {"i": {"campaignId": camp["id"], "format": "CSV"}}, token=world.tokens[role]))
        assert got["exportCampaignEvidence"]["errors"][0]["code"] == "FORBIDDEN", role
    for gid in (camp["id"], world.gid("Campaign", uuid.uuid4())):
        got = await api.data(EXPORT, {"i": {"campaignId": gid, "format": "CSV"}}, token=other_world.tokens["admin"])
        assert got["exportCampaignEvidence"]["errors"][0] == {"code": "NOT_FOUND", "message": "No such campaign.",
                                                              "field": "campaignId"}
    exports = await _exports(db, world)
    assert [e["detail"]["format"] for e in exports] == ["json", "csv"]
    assert all(e["user"] == world.users["campaign_lead"] for e in exports)
    assert await _exports(db, other_world) == []


async def test_printable_brief(api, db, world, other_world):
    camp = await _setup(api, db, world)
    lead, admin = world.tokens["campaign_lead"], world.tokens["admin"]
    out = (await api.data(EXPORT, {"i": {"campaignId": camp["id"], "format": "BRIEF"}}, token=lead)
           )["exportCampaignEvidence"]
    assert out["errors"] == [] and out["contentType"].startswith("text/html")
    assert out["filename"].startswith("evidence-keep-kids-in-class-") and out["filename"].endswith(".html")
    html = out["content"]
    assert "<svg" in html and "Cases by month" in html and "<h1>Keep kids in class</h1>" in html
    assert "Riverton School Committee" in html and "<script" not in html.lower()
    assert "suppressed" in html and "Not recorded" in html
    assert "Chidi" not in html and "Okafor" not in html and "restrained" not in html
    # the app shows the brief from a Blob, without HTTP headers: the page carries its own policy, before
    # anything else in it is parsed, and it lets no script run and nothing load
    head = html[:html.index("<style>")]
    assert ('<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
            'style-src \'unsafe-inline\'; img-src data:">') in head

    # what the campaign's editors typed is text in the brief, never markup
    upd = """mutation($i: UpdateCampaignInput!) { updateCampaign(input: $i) { errors { code message field } } }"""
    got = await api.data(upd, {"i": {"id": camp["id"], "version": camp["version"],
                                     "name": "Kids <script>alert(1)</script> & class",
                                     "target": '"><img src=x onerror=alert(2)>'}}, token=lead)
    assert got["updateCampaign"]["errors"] == []
    html = (await api.data(EXPORT, {"i": {"campaignId": camp["id"], "format": "BRIEF"}}, token=admin)
            )["exportCampaignEvidence"]["content"]
    assert "<h1>Kids &lt;script&gt;alert(1)&lt;/script&gt; &amp; class</h1>" in html
    assert "<script" not in html.lower() and "<img" not in html.lower()
    assert "&#34;&gt;&lt;img src=x onerror=alert(2)&gt;" in html

    # signed in, evidence:export, and a campaign of my organization, or nothing
    anonymous = await api(EXPORT, {"i": {"campaignId": camp["id"], "format": "BRIEF"}})
    assert anonymous["data"]["exportCampaignEvidence"] == {
        "filename": None, "contentType": None, "content": None,
        "errors": [{"code": "UNAUTHENTICATED", "message": "Sign in first.", "field": None}]}
    got = await api.data(EXPORT, {"i": {"campaignId": camp["id"], "format": "BRIEF"}}, token=world.tokens["advocate"])
    assert got["exportCampaignEvidence"]["errors"][0]["code"] == "FORBIDDEN"
    assert got["exportCampaignEvidence"]["content"] is None
    for gid, code in ((camp["id"], "NOT_FOUND"), (world.gid("Campaign", uuid.uuid4()), "NOT_FOUND"),
                      (world.gid("Case", uuid.uuid4()), "NOT_FOUND"), ("garbage", "VALIDATION")):
        got = await api.data(EXPORT, {"i": {"campaignId": gid, "format": "BRIEF"}}, token=other_world.tokens["admin"])
        out = got["exportCampaignEvidence"]
        assert out["errors"][0]["code"] == code and out["errors"][0]["field"] == "campaignId", gid
        assert out["content"] is None

    exports = await _exports(db, world)
    assert [e["detail"]["format"] for e in exports] == ["brief", "brief"]
    assert [e["user"] for e in exports] == [world.users["campaign_lead"], world.users["admin"]]
    assert await _exports(db, other_world) == []


async def test_no_evidence_routes_outside_graphql(client, world):
    """The evidence files come only from the exportCampaignEvidence mutation (POST /graphql, CSRF header)."""
    gid = world.gid("Campaign", uuid.uuid4())
    for path in (f"/campaigns/{gid}/evidence.csv", f"/campaigns/{gid}/evidence.json"):
        r = await client.get(path, headers={"Authorization": f"Bearer {world.tokens['campaign_lead']}"})
        assert r.status_code == 404, path
    # /campaigns/<id>/brief is no longer the server's: the browser app's page (its own "not found")
    r = await client.get(f"/campaigns/{gid}/brief", headers={"Authorization": f"Bearer {world.tokens['campaign_lead']}"})
    assert "Evidence brief" not in r.text
