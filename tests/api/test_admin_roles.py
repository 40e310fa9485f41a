"""Roles and permissions over GraphQL: the catalog, custom roles, grants and revocations and their guard rails."""

from __future__ import annotations

from sqlalchemy import select

from domain.audit.models import AuditEvent
from domain.identity.models import Organization, PolicyRule
from policies.enforcer import default_grants
from policies.permissions import PERMISSIONS
from tests.api.admin_ops import CATALOG, CREATE_ROLE, DELETE_ROLE, GRANT, ME, REVOKE, ROLES, SET_ROLES
from tests.api.ops import create_family, open_case


async def _version(db, org_id) -> int:
    async with db.reader() as s:
        return await s.scalar(select(Organization.policy_version).where(Organization.id == org_id))


def _grants(role: str) -> list[str]:
    return sorted(f"{r}:{a}" for role_, r, a in default_grants() if role_ == role)


async def test_catalog_and_roles(api, world):
    admin = world.tokens["admin"]
    catalog = (await api.data(CATALOG, token=admin))["permissionCatalog"]
    assert [c["key"] for c in catalog] == [p.key for p in PERMISSIONS]
    assert {"user:manage", "role:manage", "audit:read"} <= {c["key"] for c in catalog}
    roles = {r["name"]: r for r in (await api.data(ROLES, token=admin))["roles"]}
    assert list(roles) == ["admin", "campaign_lead", "advocate", "viewer"]
    assert all(r["builtIn"] for r in roles.values())
    for name, role in roles.items():
        assert sorted(g["key"] for g in role["grants"]) == _grants(name)
    assert sorted(g["key"] for g in roles["admin"]["grants"]) == sorted(p.key for p in PERMISSIONS)
    assert roles["advocate"]["memberCount"] == 2 and roles["admin"]["memberCount"] == 1
    for token in (world.tokens["advocate"], world.tokens["viewer"], world.tokens["campaign_lead"]):
        for q in (CATALOG, ROLES):
            assert (await api(q, token=token))["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (await api(ROLES))["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_custom_roles_parent_leader_and_supervisor(api, db, world):
    admin = world.tokens["admin"]
    v0 = await _version(db, world.org_id)
    leader = (await api.data(CREATE_ROLE, {"i": {"name": "Parent leader", "basedOn": "advocate",
                                                 "description": "Trained parent leaders"}}, admin))["createRole"]
    assert leader["errors"] == []
    assert leader["role"]["name"] == "parent_leader" and not leader["role"]["builtIn"]
    assert sorted(g["key"] for g in leader["role"]["grants"]) == _grants("advocate")
    # parent leaders do not change the directory
    less = (await api.data(REVOKE, {"i": {"role": "parent_leader", "resource": "directory", "action": "manage"}},
                           admin))["revokePermission"]
    assert "directory:manage" not in [g["key"] for g in less["role"]["grants"]]

    sup = (await api.data(CREATE_ROLE, {"i": {"name": "supervisor", "basedOn": "advocate"}}, admin))["createRole"]
    assert sup["errors"] == []
    more = (await api.data(GRANT, {"i": {"role": "supervisor", "resource": "case", "action": "read_all"}},
                           admin))["grantPermission"]
    assert more["errors"] == [] and "case:read_all" in [g["key"] for g in more["role"]["grants"]]
    assert await _version(db, world.org_id) > v0

    # a case in South: the North advocate does not see it until they become a supervisor
    fam = await create_family(api, admin, world.chapter_gids["South"])
    case = await open_case(api, admin, fam["id"])
    q = "query($id: ID!) { case(id: $id) { id } }"
    adv = world.tokens["advocate"]
    assert (await api.data(q, {"id": case["id"]}, adv))["case"] is None
    gid = world.gid("User", world.users["advocate"])
    assert (await api.data(SET_ROLES, {"i": {"userId": gid, "roles": ["supervisor"]}}, admin))["setUserRoles"][
        "errors"] == []
    assert (await api.data(q, {"id": case["id"]}, adv))["case"]["id"] == case["id"]
    me = (await api.data(ME, token=adv))["me"]
    assert me["roles"] == ["supervisor"] and "case:read_all" in me["permissions"]

    roles = {r["name"]: r for r in (await api.data(ROLES, token=admin))["roles"]}
    assert list(roles)[4:] == ["parent_leader", "supervisor"]
    assert roles["parent_leader"]["description"] == "Trained parent leaders" and roles["supervisor"]["memberCount"] == 1
    dup = (await api.data(CREATE_ROLE, {"i": {"name": "SUPERVISOR"}}, admin))["createRole"]
    assert dup["errors"][0]["code"] == "CONFLICT"
    builtin = (await api.data(CREATE_ROLE, {"i": {"name": "admin"}}, admin))["createRole"]
    assert builtin["errors"][0]["code"] == "CONFLICT"
    bad = (await api.data(CREATE_ROLE, {"i": {"name": "user:evil"}}, admin))["createRole"]
    assert bad["errors"][0]["field"] == "name"
    nobase = (await api.data(CREATE_ROLE, {"i": {"name": "x_role", "basedOn": "wizard"}}, admin))["createRole"]
    assert nobase["errors"][0]["field"] == "basedOn"
    async with db.reader() as s:
        actions = list(await s.scalars(select(AuditEvent.action).where(AuditEvent.organization_id == world.org_id,
                                                                       AuditEvent.entity_type == "role")))
    assert actions.count("role.create") == 2 and "role.grant" in actions and "role.revoke" in actions


async def test_only_defined_permissions_and_admin_is_not_broken(api, db, world):
    admin = world.tokens["admin"]
    v0 = await _version(db, world.org_id)
    unknown = (await api.data(GRANT, {"i": {"role": "viewer", "resource": "case", "action": "delete"}},
                              admin))["grantPermission"]
    assert unknown["role"] is None and unknown["errors"][0]["code"] == "VALIDATION"
    assert unknown["errors"][0]["field"] == "action"
    norole = (await api.data(GRANT, {"i": {"role": "wizard", "resource": "case", "action": "read"}},
                             admin))["grantPermission"]
    assert norole["errors"][0] == {"code": "VALIDATION", "field": "role",
                                   "message": "No role named 'wizard' in this organization."}
    for perm in ("user:manage", "role:manage", "case:read"):
        r, a = perm.split(":")
        body = (await api.data(REVOKE, {"i": {"role": "admin", "resource": r, "action": a}}, admin))["revokePermission"]
        assert body["errors"][0]["code"] == "VALIDATION" and body["errors"][0]["field"] == "role"
    assert await _version(db, world.org_id) == v0  # refused changes changed nothing

    # other built-ins can gain and lose grants
    lost = (await api.data(REVOKE, {"i": {"role": "viewer", "resource": "escalation", "action": "report"}},
                           admin))["revokePermission"]
    assert lost["errors"] == [] and "escalation:report" not in [g["key"] for g in lost["role"]["grants"]]
    assert "escalation:report" not in (await api.data(ME, token=world.tokens["viewer"]))["me"]["permissions"]
    gained = (await api.data(GRANT, {"i": {"role": "campaign_lead", "resource": "case", "action": "read"}},
                             admin))["grantPermission"]
    assert "case:read" in [g["key"] for g in gained["role"]["grants"]]
    again = (await api.data(GRANT, {"i": {"role": "campaign_lead", "resource": "case", "action": "read"}},
                            admin))["grantPermission"]
    assert again["errors"] == [] and [g["key"] for g in again["role"]["grants"]].count("case:read") == 1
    async with db.reader() as s:
        rows = await s.scalar(select(PolicyRule.id).where(
            PolicyRule.organization_id == world.org_id, PolicyRule.v0 == "campaign_lead", PolicyRule.v3 == "read",
            PolicyRule.v2 == "case"))
    assert rows is not None
    # non-admins cannot change roles at all
    for token in (world.tokens["advocate"], world.tokens["viewer"]):
        body = (await api.data(GRANT, {"i": {"role": "viewer", "resource": "case", "action": "create"}},
                               token))["grantPermission"]
        assert body["errors"][0]["code"] == "FORBIDDEN"


async def test_role_managers_who_are_not_admins_grant_only_what_they_hold(api, world):
    admin = world.tokens["admin"]
    await api.data(CREATE_ROLE, {"i": {"name": "role_keeper", "basedOn": "viewer"}}, admin)
    await api.data(GRANT, {"i": {"role": "role_keeper", "resource": "role", "action": "manage"}}, admin)
    await api.data(SET_ROLES, {"i": {"userId": world.gid("User", world.users["viewer"]), "roles": ["role_keeper"]}},
                   admin)
    keeper = world.tokens["viewer"]
    ok = (await api.data(GRANT, {"i": {"role": "campaign_lead", "resource": "case", "action": "read"}},
                         keeper))["grantPermission"]
    assert ok["errors"] == []
    for perm in (("audit", "read"), ("user", "manage")):
        body = (await api.data(GRANT, {"i": {"role": "role_keeper", "resource": perm[0], "action": perm[1]}},
                               keeper))["grantPermission"]
        assert body["errors"][0]["code"] == "FORBIDDEN"
    based = (await api.data(CREATE_ROLE, {"i": {"name": "my_admin", "basedOn": "admin"}}, keeper))["createRole"]
    assert based["errors"][0]["code"] == "FORBIDDEN"


async def test_delete_role(api, db, world):
    admin = world.tokens["admin"]
    for name in ("advocate", "admin"):
        body = (await api.data(DELETE_ROLE, {"i": {"role": name}}, admin))["deleteRole"]
        assert body == {"ok": False, "errors": [{"code": "VALIDATION", "field": "role",
                                                 "message": "Built-in roles cannot be deleted."}]}
    await api.data(CREATE_ROLE, {"i": {"name": "temp_role", "basedOn": "viewer"}}, admin)
    gid = world.gid("User", world.users["viewer"])
    await api.data(SET_ROLES, {"i": {"userId": gid, "roles": ["temp_role"]}}, admin)
    held = (await api.data(DELETE_ROLE, {"i": {"role": "temp_role"}}, admin))["deleteRole"]
    assert held["ok"] is False and held["errors"][0]["code"] == "CONFLICT"
    await api.data(SET_ROLES, {"i": {"userId": gid, "roles": ["viewer"]}}, admin)
    v0 = await _version(db, world.org_id)
    assert (await api.data(DELETE_ROLE, {"i": {"role": "temp_role"}}, admin))["deleteRole"] == {"ok": True,
                                                                                               "errors": []}
    assert await _version(db, world.org_id) == v0 + 1
    assert "temp_role" not in [r["name"] for r in (await api.data(ROLES, token=admin))["roles"]]
    gone = (await api.data(DELETE_ROLE, {"i": {"role": "temp_role"}}, admin))["deleteRole"]
    assert gone["errors"][0]["code"] == "VALIDATION"
    async with db.reader() as s:
        left = await s.scalar(select(PolicyRule.id).where(PolicyRule.organization_id == world.org_id,
                                                          PolicyRule.v0 == "temp_role"))
    assert left is None


async def test_roles_are_per_organization(api, world, other_world):
    """Nothing names another organization: its custom roles are unknown here, and grants stay here."""
    await api.data(CREATE_ROLE, {"i": {"name": "elsewhere_only"}}, other_world.tokens["admin"])
    admin = world.tokens["admin"]
    for op, name in ((GRANT, "grantPermission"), (REVOKE, "revokePermission")):
        body = (await api.data(op, {"i": {"role": "elsewhere_only", "resource": "case", "action": "read"}},
                               admin))[name]
        assert body["errors"][0]["code"] == "VALIDATION"
    assert (await api.data(DELETE_ROLE, {"i": {"role": "elsewhere_only"}}, admin))["deleteRole"]["errors"][0][
        "code"] == "VALIDATION"
    assert "elsewhere_only" not in [r["name"] for r in (await api.data(ROLES, token=admin))["roles"]]
    # a grant to viewer here does not reach the other organization's viewers
    await api.data(GRANT, {"i": {"role": "viewer", "resource": "case", "action": "create"}}, admin)
    assert "case:create" in (await api.data(ME, token=world.tokens["viewer"]))["me"]["permissions"]
    assert "case:create" not in (await api.data(ME, token=other_world.tokens["viewer"]))["me"]["permissions"]
    other = {r["name"]: r for r in (await api.data(ROLES, token=other_world.tokens["admin"]))["roles"]}
    assert "case:create" not in [g["key"] for g in other["viewer"]["grants"]]


async def test_a_parent_leader_is_an_advocate_without_export(api, world):
    admin, adv = world.tokens["admin"], world.tokens["advocate"]
    export = "mutation { exportCases(input: {format: CSV}) { file { fileName } errors { code } } }"
    assert (await api.data(export, token=adv))["exportCases"]["errors"] == []  # advocates export
    leader = (await api.data(CREATE_ROLE, {"i": {"name": "parent leader", "basedOn": "advocate"}}, admin))["createRole"]
    assert leader["errors"] == []
    less = (await api.data(REVOKE, {"i": {"role": "parent_leader", "resource": "case", "action": "export"}},
                           admin))["revokePermission"]
    assert less["errors"] == [] and "case:export" not in [g["key"] for g in less["role"]["grants"]]
    assert "case:read" in [g["key"] for g in less["role"]["grants"]]
    gid = world.gid("User", world.users["advocate"])
    assert (await api.data(SET_ROLES, {"i": {"userId": gid, "roles": ["parent_leader"]}}, admin)
            )["setUserRoles"]["errors"] == []
    refused = (await api.data(export, token=adv))["exportCases"]
    assert refused["file"] is None and [e["code"] for e in refused["errors"]] == ["FORBIDDEN"]
    # everything else an advocate does still works
    assert (await api.data("query { cases(first: 5) { edges { node { id } } } }", token=adv))["cases"] is not None
