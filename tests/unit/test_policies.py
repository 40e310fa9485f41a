"""The default casbin policy: deny by default, and who holds which grant."""

from __future__ import annotations

import uuid

from policies.enforcer import build_enforcer, default_grants, permissions_of, roles_of, user_subject
from policies.permissions import KNOWN, ROLES


def _perms(role: str, extra_rows=()) -> set[tuple[str, str]]:
    org, user = str(uuid.uuid4()), uuid.uuid4()
    rows = [("p", r, org, res, act) for r, res, act in default_grants()]
    rows += [("g", user_subject(user), role, org, ""), *extra_rows]
    e = build_enforcer(org, rows)
    assert roles_of(e, user, org) == {role}
    return set(permissions_of(e, user, org))


def test_every_default_grant_is_a_known_permission_and_every_role_has_grants():
    assert {(res, act) for _, res, act in default_grants()} <= KNOWN
    assert {r for r, _, _ in default_grants()} == set(ROLES)


def test_roles():
    admin, advocate, lead, viewer = (_perms(r) for r in ("admin", "advocate", "campaign_lead", "viewer"))
    assert admin == set(KNOWN)
    assert ("case", "read_all") not in advocate and ("family", "identity") in advocate
    assert not any(res in ("case", "family", "consent") for res, _ in lead)  # no family identity, no records
    assert ("family", "identity") not in viewer and all(act in ("read", "report") for _, act in viewer)
    assert ("escalation", "report") in lead and ("escalation", "read") not in lead
    assert ("organization", "configure") not in advocate


def test_deny_by_default_and_no_cross_domain_grants():
    org, other, user = str(uuid.uuid4()), str(uuid.uuid4()), uuid.uuid4()
    rows = [("p", "advocate", other, "case", "read"), ("g", user_subject(user), "advocate", other, "")]
    e = build_enforcer(org, rows)
    assert permissions_of(e, user, org) == frozenset()
    nobody = build_enforcer(org, [("p", r, org, res, act) for r, res, act in default_grants()])
    assert permissions_of(nobody, user, org) == frozenset()


def test_enforcers_of_two_organizations_do_not_share_grants():
    a, b, user_a, user_b = str(uuid.uuid4()), str(uuid.uuid4()), uuid.uuid4(), uuid.uuid4()
    ea = build_enforcer(a, [("p", "advocate", a, "case", "read"), ("g", user_subject(user_a), "advocate", a, "")])
    eb = build_enforcer(b, [("p", "viewer", b, "family", "read"), ("g", user_subject(user_b), "viewer", b, "")])
    assert permissions_of(ea, user_a, a) == {("case", "read")}  # building b's enforcer left a's intact
    assert permissions_of(eb, user_b, b) == {("family", "read")}
    assert permissions_of(eb, user_a, a) == frozenset()
