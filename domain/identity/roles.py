"""Roles and what they may do, as admins manage them.

Grants are casbin `p` rows (role, organization id, resource, action) and role assignments are `g` rows
(user subject, role, organization id), all in `policy_rules` with the organization as the domain, so nothing
here can reach another organization. Custom roles are also listed in `custom_roles` (name, description), so
that a role exists even before it is granted anything. Every change bumps `Organization.policy_version`, which
makes every server process rebuild the organization's enforcer on its next request.

Guard rails:
- only permissions of the registry (policies/permissions.py) can be granted;
- the built-in `admin` role keeps every grant (it is how an organization manages itself) and built-in roles
  cannot be deleted; other built-in roles can gain and lose grants (audited);
- a custom role can only be deleted when nobody holds it;
- no privilege escalation: someone who manages roles or users without being an admin can only give (or take
  from others) permissions they hold themselves.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain import validate as v
from domain.audit.service import record as audit
from domain.db import Database
from domain.errors import DomainError, ErrorCode, invalid
from domain.identity.models import CustomRole, Organization, PolicyRule
from domain.identity.service import bump_policy_version
from policies import Actor
from policies.permissions import KNOWN, PERMISSIONS, ROLES, Permission

ADMIN = "admin"
BUILT_IN_DESCRIPTIONS = {
    "admin": "Runs the organization: every permission, including users, roles, settings and the audit log.",
    "campaign_lead": "Turns cases into de-identified evidence; sees aggregates, never a family's identity.",
    "advocate": "Works with families: cases, families, consents, escalations and the directory.",
    "viewer": "Reads the cases and families of their chapters.",
}
ROLE_NAME_RE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
_ORDER = {(p.resource, p.action): i for i, p in enumerate(PERMISSIONS)}
_BY_KEY = {(p.resource, p.action): p for p in PERMISSIONS}


@dataclass
class RoleView:
    name: str
    description: str
    built_in: bool
    grants: list[Permission]
    member_count: int


def normalize_role_name(name: str | None, field: str = "name") -> str:
    """"Parent leader" -> "parent_leader": lower case, spaces and dashes as underscores."""
    n = re.sub(r"[\s\-]+", "_", (name or "").strip().lower())
    if not ROLE_NAME_RE.fullmatch(n):
        raise invalid("A role name is 2 to 40 letters, digits, spaces or underscores and starts with a letter.",
                      field)
    return n


def permission_keys(perms) -> list[str]:
    return [f"{r}:{a}" for r, a in sorted(perms, key=lambda p: _ORDER.get(p, 10**6))]


def known_permission(resource: str, action: str, field: str = "action") -> tuple[str, str]:
    key = ((resource or "").strip(), (action or "").strip())
    if key not in KNOWN:
        raise invalid(f"Unknown permission {key[0]}:{key[1]}; permissionCatalog lists the ones that exist.", field)
    return key


def check_may_confer(actor: Actor, perms: set[tuple[str, str]], field: str | None) -> None:
    """Someone who is not an admin can only give (or take away) permissions they hold themselves."""
    if ADMIN in actor.roles:
        return
    missing = set(perms) - set(actor.permissions)
    if missing:
        raise DomainError(ErrorCode.FORBIDDEN, "You can only give or take away permissions you hold yourself "
                          f"(not {', '.join(permission_keys(missing))}).", field)


async def lock_organization(s: AsyncSession, org_id: uuid.UUID) -> None:
    """Serialize changes that guard an invariant of the organization (e.g. it keeps an active admin).

    PostgreSQL: a row lock on the organization; SQLite: the unit of work already holds the write lock."""
    await s.execute(select(Organization.id).where(Organization.id == org_id).with_for_update())


async def grants_by_role(s: AsyncSession, org_id: uuid.UUID) -> dict[str, set[tuple[str, str]]]:
    rows = await s.execute(select(PolicyRule.v0, PolicyRule.v2, PolicyRule.v3).where(
        PolicyRule.organization_id == org_id, PolicyRule.ptype == "p", PolicyRule.v1 == str(org_id)))
    out: dict[str, set[tuple[str, str]]] = {}
    for role, resource, action in rows:
        out.setdefault(role, set()).add((resource, action))
    return out


async def custom_roles(s: AsyncSession, org_id: uuid.UUID) -> dict[str, CustomRole]:
    rows = await s.scalars(select(CustomRole).where(CustomRole.organization_id == org_id))
    return {r.name: r for r in rows}


async def all_role_names(s: AsyncSession, org_id: uuid.UUID) -> set[str]:
    return set(ROLES) | set(await custom_roles(s, org_id)) | set(await grants_by_role(s, org_id))


def holders_of(org_id: uuid.UUID, resource: str, action: str):
    """A select of the role-assignment subjects (`user:<id>`) whose roles grant resource:action in the organization."""
    granting = select(PolicyRule.v0).where(
        PolicyRule.organization_id == org_id, PolicyRule.ptype == "p", PolicyRule.v1 == str(org_id),
        PolicyRule.v2 == resource, PolicyRule.v3 == action)
    return select(PolicyRule.v0).where(
        PolicyRule.organization_id == org_id, PolicyRule.ptype == "g", PolicyRule.v2 == str(org_id),
        PolicyRule.v1.in_(granting))


async def permissions_of_roles(s: AsyncSession, org_id: uuid.UUID, roles) -> set[tuple[str, str]]:
    grants = await grants_by_role(s, org_id)
    return set().union(*(grants.get(r, set()) for r in roles)) if roles else set()


async def _views(s: AsyncSession, org_id: uuid.UUID, only: str | None = None) -> list[RoleView]:
    grants = await grants_by_role(s, org_id)
    custom = await custom_roles(s, org_id)
    counts = dict((await s.execute(select(PolicyRule.v1, func.count()).where(
        PolicyRule.organization_id == org_id, PolicyRule.ptype == "g", PolicyRule.v2 == str(org_id))
        .group_by(PolicyRule.v1))).all())
    names = [r for r in ROLES] + sorted((set(custom) | set(grants)) - set(ROLES))
    views = []
    for name in names:
        if only is not None and name != only:
            continue
        perms = grants.get(name, set())
        views.append(RoleView(
            name=name, built_in=name in ROLES,
            description=BUILT_IN_DESCRIPTIONS.get(name) or (custom[name].description if name in custom else "") or "",
            grants=[_BY_KEY[p] for p in sorted(perms, key=lambda p: _ORDER.get(p, 10**6)) if p in _BY_KEY],
            member_count=counts.get(name, 0)))
    return views


def _require_role_manager(actor: Actor) -> None:
    if not actor.can("role", "manage"):
        raise DomainError(ErrorCode.FORBIDDEN, "You do not have permission to manage roles.")


# ---------------------------------------------------------------- reads


async def list_roles(db: Database, actor: Actor) -> list[RoleView]:
    """Built-in roles first, then custom ones by name. For role managers and user managers (to pick roles)."""
    if not (actor.can("role", "manage") or actor.can("user", "manage")):
        raise DomainError(ErrorCode.FORBIDDEN, "You do not have permission to see roles.")
    async with db.reader() as s:
        return await _views(s, actor.organization_id)


def permission_catalog(actor: Actor) -> tuple[Permission, ...]:
    _require_role_manager(actor)
    return PERMISSIONS


# ---------------------------------------------------------------- changes


async def create_role(db: Database, actor: Actor, *, name: str, description: str | None,
                      based_on: str | None) -> RoleView:
    _require_role_manager(actor)
    name = normalize_role_name(name)
    description = v.text(description, "description", max_len=300) or ""
    org_id = actor.organization_id
    async with db.transaction() as s:
        await lock_organization(s, org_id)
        existing = await all_role_names(s, org_id)
        if name in existing:
            raise DomainError(ErrorCode.CONFLICT, f"There is already a role named {name}.", "name")
        perms: set[tuple[str, str]] = set()
        if based_on is not None:
            base = re.sub(r"[\s\-]+", "_", based_on.strip().lower())
            if base not in existing:
                raise invalid(f"No role named {based_on!r} in this organization.", "basedOn")
            perms = (await grants_by_role(s, org_id)).get(base, set())
            check_may_confer(actor, perms, "basedOn")
        s.add(CustomRole(organization_id=org_id, name=name, description=description))
        for resource, action in perms:
            s.add(PolicyRule(organization_id=org_id, ptype="p", v0=name, v1=str(org_id), v2=resource, v3=action))
        await bump_policy_version(s, org_id)
        audit(s, actor, "role.create", entity_type="role", detail={
            "role": name, "description": description, "based_on": based_on, "grants": permission_keys(perms)})
        await s.flush()
        return (await _views(s, org_id, only=name))[0]


async def set_grant(db: Database, actor: Actor, *, role: str, resource: str, action: str, grant: bool) -> RoleView:
    """grantPermission / revokePermission. Granting what the role has, or revoking what it lacks, changes nothing."""
    _require_role_manager(actor)
    perm = known_permission(resource, action, "action")
    org_id = actor.organization_id
    async with db.transaction() as s:
        await lock_organization(s, org_id)
        name = (role or "").strip()
        if name not in await all_role_names(s, org_id):
            raise invalid(f"No role named {role!r} in this organization.", "role")
        if not grant and name == ADMIN:
            raise invalid("The admin role keeps every grant: it is how the organization manages users, roles "
                          "and settings. Create a custom role for a narrower admin.", "role")
        check_may_confer(actor, {perm}, "action")
        where = (PolicyRule.organization_id == org_id, PolicyRule.ptype == "p", PolicyRule.v0 == name,
                 PolicyRule.v1 == str(org_id), PolicyRule.v2 == perm[0], PolicyRule.v3 == perm[1])
        has = bool(await s.scalar(select(func.count()).select_from(PolicyRule).where(*where)))
        changed = has != grant
        if changed and grant:
            s.add(PolicyRule(organization_id=org_id, ptype="p", v0=name, v1=str(org_id), v2=perm[0], v3=perm[1]))
        elif changed:
            await s.execute(delete(PolicyRule).where(*where))
        if changed:
            await bump_policy_version(s, org_id)
        audit(s, actor, "role.grant" if grant else "role.revoke", entity_type="role",
              detail={"role": name, "permission": f"{perm[0]}:{perm[1]}", "changed": changed})
        await s.flush()
        return (await _views(s, org_id, only=name))[0]


async def delete_role(db: Database, actor: Actor, *, role: str) -> None:
    _require_role_manager(actor)
    org_id = actor.organization_id
    name = (role or "").strip()
    async with db.transaction() as s:
        await lock_organization(s, org_id)
        if name in ROLES:
            raise invalid("Built-in roles cannot be deleted.", "role")
        if name not in await all_role_names(s, org_id):
            raise invalid(f"No role named {role!r} in this organization.", "role")
        holders = await s.scalar(select(func.count()).select_from(PolicyRule).where(
            PolicyRule.organization_id == org_id, PolicyRule.ptype == "g", PolicyRule.v1 == name,
            PolicyRule.v2 == str(org_id)))
        if holders:
            raise DomainError(ErrorCode.CONFLICT, f"{holders} member(s) still hold the role {name}; change their "
                              "roles first.", "role")
        perms = (await grants_by_role(s, org_id)).get(name, set())
        check_may_confer(actor, perms, "role")
        await s.execute(delete(PolicyRule).where(PolicyRule.organization_id == org_id, PolicyRule.ptype == "p",
                                                 PolicyRule.v0 == name, PolicyRule.v1 == str(org_id)))
        await s.execute(delete(CustomRole).where(CustomRole.organization_id == org_id, CustomRole.name == name))
        await bump_policy_version(s, org_id)
        audit(s, actor, "role.delete", entity_type="role", detail={"role": name, "grants": permission_keys(perms)})
