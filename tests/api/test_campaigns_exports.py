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


async def test_printable_brief_route(api, client, db, world, other_world):
    camp = await _setup(api, db, world)
    url = f"/campaigns/{camp['id']}/brief"
    r = await client.get(url, headers={"Authorization": f"Bearer {world.tokens['campaign_lead']}"})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/html")
    assert r.headers["cache-control"] == "no-store" and "default-src 'none'" in r.headers["content-security-policy"]
    html = r.text
    assert "<svg" in html and "Cases by month" in html and "Keep kids in class" in html
    assert "Riverton School Committee" in html and "<script" not in html.lower()
    assert "suppressed" in html and "Not recorded" in html
    assert "Chidi" not in html and "Okafor" not in html and "restrained" not in html

    # the session cookie works too (a browser printing to PDF)
    client.cookies.set("advocase_session", world.tokens["admin"])
    try:
        r = await client.get(url)
        assert r.status_code == 200
    finally:
        client.cookies.clear()

    assert (await client.get(url)).status_code == 401
    r = await client.get(url, headers={"Authorization": f"Bearer {world.tokens['advocate']}"})
    assert r.status_code == 403
    for other_url in (url, f"/campaigns/{world.gid('Campaign', uuid.uuid4())}/brief", "/campaigns/garbage/brief"):
        r = await client.get(other_url, headers={"Authorization": f"Bearer {other_world.tokens['admin']}"})
        assert r.status_code == 404, other_url

    r = await client.get(f"/campaigns/{camp['id']}/evidence.csv",
                         headers={"Authorization": f"Bearer {world.tokens['campaign_lead']}"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert r.headers["content-disposition"].startswith('attachment; filename="evidence-keep-kids-in-class-')
    r = await client.get(f"/campaigns/{camp['id']}/evidence.json",
                         headers={"Authorization": f"Bearer {world.tokens['campaign_lead']}"})
    assert r.status_code == 200 and r.json()["summary"]["cases"]["value"] == 19

    exports = await _exports(db, world)
    assert [e["detail"]["format"] for e in exports] == ["brief", "brief", "csv", "json"]
    assert [e["user"] for e in exports[:2]] == [world.users["campaign_lead"], world.users["admin"]]
