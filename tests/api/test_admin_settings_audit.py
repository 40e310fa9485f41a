"""Organization settings, and the audit log: filters, paging, CSV export, append-only (PostgreSQL trigger)."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DBAPIError

from api.schema import schema
from domain.audit.models import AuditEvent
from domain.audit.service import record
from tests.api.admin_ops import AUDIT, CREATE_CHAPTER, EXPORT, ME, RENAME_CHAPTER, SETTINGS, SET_ROLES
from tests.api.ops import GET_CASE, create_family, open_case

ORG = "query { me { organization { suppressionThreshold languages deadlineProfile } organizationChapters { name } } }"
ORG_VERSION = "query { me { organization { version } } }"


async def test_organization_settings(api, db, world, other_world):
    admin = world.tokens["admin"]
    assert (await api.data(ORG, token=world.tokens["viewer"]))["me"]["organization"] == {
        "suppressionThreshold": 10, "languages": ["en", "es"], "deadlineProfile": "FEDERAL_IDEA"}

    async def settings(i, token=admin):
        version = (await api.data(ORG_VERSION, token=token))["me"]["organization"]["version"]
        return (await api.data(SETTINGS, {"i": {"version": version, **i}}, token))["updateOrganizationSettings"]

    low = await settings({"suppressionThreshold": 4})
    assert low["organization"] is None and low["errors"][0]["field"] == "suppressionThreshold"
    assert (await settings({"languages": []}))["errors"][0]["field"] == "languages"
    assert (await settings({"languages": ["en", "klingon!"]}))["errors"][0]["field"] == "languages"
    ok = await settings({"suppressionThreshold": 5, "languages": ["en", "ES", "pt-BR", "ht", "es"]})
    assert ok["errors"] == [] and ok["organization"]["suppressionThreshold"] == 5
    assert ok["organization"]["languages"] == ["en", "es", "pt-br", "ht"]
    assert ok["organization"]["version"] == 2
    # optimistic locking: a save based on version 1 after that one changes nothing
    stale = (await api.data(SETTINGS, {"i": {"version": 1, "suppressionThreshold": 50, "name": "Stale"}},
                            admin))["updateOrganizationSettings"]
    assert stale["organization"] is None
    assert [(e["code"], e["field"]) for e in stale["errors"]] == [("CONFLICT", "version")]
    assert "version 2" in stale["errors"][0]["message"]
    assert (await api.data(ORG, token=admin))["me"]["organization"]["suppressionThreshold"] == 5
    only_name = await settings({"name": "Renamed Union " + uuid.uuid4().hex[:6]})
    assert only_name["organization"]["suppressionThreshold"] == 5  # what was not sent is left alone
    assert (await api.data(ORG, token=world.tokens["advocate"]))["me"]["organization"]["languages"][2] == "pt-br"
    assert (await settings({"suppressionThreshold": 20}, world.tokens["advocate"]))["errors"][0]["code"] == "FORBIDDEN"
    # the other organization is untouched
    assert (await api.data(ORG, token=other_world.tokens["admin"]))["me"]["organization"]["suppressionThreshold"] == 10

    made = (await api.data(CREATE_CHAPTER, {"i": {"name": "  Lynn  "}}, admin))["createChapter"]
    assert made["errors"] == [] and made["chapter"]["name"] == "Lynn"
    dup = (await api.data(CREATE_CHAPTER, {"i": {"name": "north"}}, admin))["createChapter"]
    assert dup["errors"][0]["code"] == "CONFLICT"
    assert made["chapter"]["version"] == 1
    renamed = (await api.data(RENAME_CHAPTER, {"i": {"id": made["chapter"]["id"], "version": 1, "name": "West Lynn"}},
                              admin))["renameChapter"]
    assert renamed["chapter"] == {"id": made["chapter"]["id"], "name": "West Lynn", "version": 2}
    stale = (await api.data(RENAME_CHAPTER, {"i": {"id": made["chapter"]["id"], "version": 1, "name": "East Lynn"}},
                            admin))["renameChapter"]
    assert stale["chapter"] is None and [(e["code"], e["field"]) for e in stale["errors"]] == [("CONFLICT", "version")]
    clash = (await api.data(RENAME_CHAPTER, {"i": {"id": made["chapter"]["id"], "version": 2, "name": "South"}},
                            admin))["renameChapter"]
    assert clash["errors"][0]["code"] == "CONFLICT" and clash["errors"][0]["field"] == "name"
    names = [c["name"] for c in (await api.data(ORG, token=admin))["me"]["organizationChapters"]]
    assert names == ["North", "South", "West Lynn"]
    foreign = (await api.data(RENAME_CHAPTER, {"i": {"id": other_world.chapter_gids["North"], "version": 1,
                                                     "name": "Mine"}}, admin))["renameChapter"]
    unknown = (await api.data(RENAME_CHAPTER, {"i": {"id": world.gid("Chapter", uuid.uuid4()), "version": 1,
                                                     "name": "Mine"}}, admin))["renameChapter"]
    assert foreign == unknown and foreign["errors"][0]["code"] == "NOT_FOUND"
    assert (await api.data(CREATE_CHAPTER, {"i": {"name": "Nope"}}, world.tokens["advocate"]))["createChapter"][
        "errors"][0]["code"] == "FORBIDDEN"
    async with db.reader() as s:
        actions = set(await s.scalars(select(AuditEvent.action).where(AuditEvent.organization_id == world.org_id)))
    assert {"organization.settings", "chapter.create", "chapter.rename"} <= actions


async def _all_events(api, token, f=None) -> list[dict]:
    out, after = [], None
    while True:
        page = (await api.data(AUDIT, {"f": f, "first": 100, "after": after}, token))["auditEvents"]
        out += [e["node"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return out
        after = page["pageInfo"]["endCursor"]


async def test_audit_log_filters_and_pages(api, client, db, world, other_world):
    admin, adv = world.tokens["admin"], world.tokens["advocate"]
    fam = await create_family(api, adv, world.chapter_gids["North"])
    case = await open_case(api, adv, fam["id"])
    await client.post("/graphql", json={"query": GET_CASE, "variables": {"id": case["id"]}},
                      headers={"Authorization": f"Bearer {adv}", "X-Request-Id": "audit-filter-1"})
    adv_gid = world.gid("User", world.users["advocate"])

    events = await _all_events(api, admin)
    ats = [e["at"] for e in events]
    assert ats == sorted(ats, reverse=True), "newest first"
    assert len({e["id"] for e in events}) == len(events)
    assert not [e for e in events if e["actorId"] in {world.gid("User", u) for u in other_world.users.values()}]

    mine = await _all_events(api, admin, {"actorId": adv_gid})
    assert mine and all(e["actorId"] == adv_gid and e["actor"]["email"] == world.emails["advocate"] for e in mine)
    assert {"family.create", "case.open", "case.read", "login.success"} <= {e["action"] for e in mine}

    reads = await _all_events(api, admin, {"action": ["case.read"]})
    assert [e["requestId"] for e in reads] == ["audit-filter-1"] and reads[0]["entityId"] == case["id"]
    by_entity = await _all_events(api, admin, {"entityId": case["id"]})
    assert {e["action"] for e in by_entity} >= {"case.open", "case.read"}
    assert all(e["entityId"] == case["id"] for e in by_entity)
    by_type = await _all_events(api, admin, {"entityType": "family"})
    assert by_type and {e["entityType"] for e in by_type} == {"family"}
    families = await _all_events(api, admin, {"action": ["family.*", "login.success"]})
    assert {e["action"] for e in families} >= {"family.create", "login.success"}
    assert all(e["action"].startswith("family.") or e["action"] == "login.success" for e in families)

    # date range: a row from last year only shows in a range that holds it
    async with db.transaction() as s:
        old = record(s, None, "test.old_event", organization_id=world.org_id, detail={"n": 1})
        old.at = datetime(2025, 3, 1, 12, tzinfo=timezone.utc)
    window = await _all_events(api, admin, {"since": "2025-03-01T00:00:00Z", "until": "2025-03-02T00:00:00"})
    assert [e["action"] for e in window] == ["test.old_event"] and window[0]["detail"] == {"n": 1}
    recent = await _all_events(api, admin, {"since": (datetime.now(timezone.utc) - timedelta(hours=1)).isoformat()})
    assert "test.old_event" not in {e["action"] for e in recent} and recent
    bad = await api(AUDIT, {"f": {"since": "2025-03-02T00:00:00Z", "until": "2025-03-01T00:00:00Z"}}, admin)
    assert bad["errors"][0]["extensions"]["code"] == "VALIDATION"

    # paging: no overlap, same order as one big page
    p1 = (await api.data(AUDIT, {"f": {"actorId": adv_gid}, "first": 2}, admin))["auditEvents"]
    p2 = (await api.data(AUDIT, {"f": {"actorId": adv_gid}, "first": 2, "after": p1["pageInfo"]["endCursor"]},
                         admin))["auditEvents"]
    ids = [e["node"]["id"] for e in p1["edges"] + p2["edges"]]
    assert ids == [e["id"] for e in mine[:4]] and p1["totalCount"] == len(mine)

    # reading the log is on the record; only audit:read may read it
    assert (await _all_events(api, admin, {"action": ["audit.read"]}))
    for role in ("advocate", "viewer", "campaign_lead"):
        denied = await api(AUDIT, token=world.tokens[role])
        assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    other = await _all_events(api, other_world.tokens["admin"], {"entityId": case["id"]})
    assert other == []


async def test_audit_export_csv(api, db, world):
    admin = world.tokens["admin"]
    adv_gid = world.gid("User", world.users["advocate"])
    await create_family(api, world.tokens["advocate"], world.chapter_gids["North"], displayName="=HYPERLINK(1)")
    async with db.transaction() as s:
        record(s, None, "test.formula", organization_id=world.org_id, purpose="=cmd|' /C calc'!A0")
    out = (await api.data(EXPORT, {"i": {"filter": {"actorId": adv_gid}}}, admin))["exportAuditEvents"]
    assert out["errors"] == [] and out["truncated"] is False
    rows = list(csv.DictReader(io.StringIO(out["csv"])))
    assert out["rowCount"] == len(rows) > 0
    assert list(rows[0]) == ["at", "action", "actor_id", "actor_email", "entity_type", "entity_id", "request_id",
                             "purpose", "detail"]
    assert {r["actor_email"] for r in rows} == {world.emails["advocate"]}
    assert {r["actor_id"] for r in rows} == {str(world.users["advocate"])}
    assert [r["at"] for r in rows] == sorted((r["at"] for r in rows), reverse=True)
    assert "family.create" in {r["action"] for r in rows}
    # cells that a spreadsheet would run as formulas are defused
    everything = (await api.data(EXPORT, {"i": {"filter": {"action": ["test.formula"]}}}, admin))["exportAuditEvents"]
    [row] = list(csv.DictReader(io.StringIO(everything["csv"])))
    assert row["purpose"] == "'=cmd|' /C calc'!A0"
    # the export itself is audited
    exports = (await api.data(AUDIT, {"f": {"action": ["audit.export"]}}, admin))["auditEvents"]["edges"]
    assert len(exports) == 2 and exports[-1]["node"]["detail"]["rows"] == out["rowCount"]
    assert exports[-1]["node"]["detail"]["filter"] == {"actor_id": str(world.users["advocate"])}
    denied = (await api.data(EXPORT, {"i": {}}, world.tokens["advocate"]))["exportAuditEvents"]
    assert denied["csv"] is None and denied["errors"][0]["code"] == "FORBIDDEN"


def test_no_api_changes_the_audit_log():
    mutations = set(schema._schema.mutation_type.fields)
    assert [m for m in mutations if "audit" in m.lower()] == ["exportAuditEvents"]


async def test_the_database_refuses_to_update_or_delete_audit_rows(db, world):
    """Triggers of migration 0004 on both backends; SQLite has no TRUNCATE (an unqualified DELETE is its truncate)."""
    async with db.transaction() as s:
        event = record(s, None, "test.immutable", organization_id=world.org_id)
    for stmt in (update(AuditEvent).where(AuditEvent.id == event.id).values(action="test.tampered"),
                 delete(AuditEvent).where(AuditEvent.id == event.id),
                 delete(AuditEvent),
                 *([] if db.is_sqlite else [text("TRUNCATE audit_events")])):
        with pytest.raises(DBAPIError, match="append-only"):
            async with db.transaction() as s:
                await s.execute(stmt)
    async with db.reader() as s:
        assert await s.scalar(select(AuditEvent.action).where(AuditEvent.id == event.id)) == "test.immutable"


async def test_the_operator_purges_audit_events_past_the_retention(db, world, other_world):
    """`advocase purge-audit` (owner connection): only rows older than the cutoff go, at least a year old, each
    organization is told, and the log stays append-only for everything else (SQLite: its trigger is back)."""
    from domain.audit.retention import purge_audit
    from domain.db import utcnow
    from domain.errors import DomainError

    now = utcnow()
    async with db.transaction() as s:
        for org, days in ((world.org_id, 800), (world.org_id, 500), (world.org_id, 100), (other_world.org_id, 700)):
            s.add(AuditEvent(organization_id=org, action="test.aged", entity_type="test",
                             at=now - timedelta(days=days), detail={"days": days}))
    ours = lambda counts: {o: counts.get(o) for o in (world.org_id, other_world.org_id)}  # noqa: E731
    with pytest.raises(DomainError) as refused:
        await purge_audit(db, older_than_days=30, now=now)
    assert refused.value.field == "olderThanDays" and "365 days" in refused.value.message
    assert ours(await purge_audit(db, older_than_days=400, now=now, dry_run=True)) == {
        world.org_id: 2, other_world.org_id: 1}

    async def aged(org) -> list[int]:
        async with db.reader() as s:
            return sorted(e.detail["days"] for e in await s.scalars(select(AuditEvent).where(
                AuditEvent.organization_id == org, AuditEvent.action == "test.aged")))

    assert await aged(world.org_id) == [100, 500, 800]  # a dry run deletes nothing
    assert ours(await purge_audit(db, older_than_days=400, now=now)) == {world.org_id: 2, other_world.org_id: 1}
    assert await aged(world.org_id) == [100] and await aged(other_world.org_id) == []
    async with db.reader() as s:
        told = list(await s.scalars(select(AuditEvent).where(AuditEvent.organization_id == world.org_id,
                                                             AuditEvent.action == "audit.purge")))
    assert [(e.detail["deleted"], e.detail["retention_days"]) for e in told] == [(2, 400)]
    with pytest.raises(DBAPIError, match="append-only"):
        async with db.transaction() as s:
            await s.execute(delete(AuditEvent).where(AuditEvent.organization_id == world.org_id))
    assert await aged(world.org_id) == [100]


async def test_set_roles_is_audited_with_before_and_after(api, db, world):
    gid = world.gid("User", world.users["viewer"])
    await api.data(SET_ROLES, {"i": {"userId": gid, "roles": ["advocate", "viewer"]}}, world.tokens["admin"])
    rows = (await api.data(AUDIT, {"f": {"action": ["user.roles"], "entityId": gid}}, world.tokens["admin"]))
    [row] = [e["node"] for e in rows["auditEvents"]["edges"]]
    assert row["detail"] == {"from": ["viewer"], "to": ["advocate", "viewer"], "changed": True}
    assert row["actorId"] == world.gid("User", world.users["admin"])
    assert (await api.data(ME, token=world.tokens["viewer"]))["me"]["roles"] == ["advocate", "viewer"]
