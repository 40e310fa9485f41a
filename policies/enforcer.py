"""Builds casbin enforcers from policy rows and caches them per organization and policy version."""

from __future__ import annotations

import csv
import uuid
from functools import lru_cache
from pathlib import Path

import casbin

from policies.permissions import KNOWN, PERMISSIONS

HERE = Path(__file__).resolve().parent
MODEL_PATH = HERE / "model.conf"
DEFAULT_POLICY_PATH = HERE / "default_policy.csv"


def user_subject(user_id: uuid.UUID) -> str:
    return f"user:{user_id}"


@lru_cache(maxsize=1)
def default_grants() -> tuple[tuple[str, str, str], ...]:
    """(role, resource, action) rows of the default policy file; each must be a known permission."""
    rows = []
    with DEFAULT_POLICY_PATH.open() as f:
        for raw in csv.reader(line for line in f if line.strip() and not line.lstrip().startswith("#")):
            role, resource, action = (c.strip() for c in raw)
            if (resource, action) not in KNOWN:
                raise ValueError(f"default policy names unknown permission {resource}:{action}")
            rows.append((role, resource, action))
    return tuple(rows)


@lru_cache(maxsize=1)
def _model_text() -> str:
    return MODEL_PATH.read_text()


def _model() -> casbin.Model:
    # A fresh Model per enforcer: casbin keeps the policy inside the Model object, so a shared one
    # would mix (and on rebuild, wipe) the grants of different organizations.
    m = casbin.Model()
    m.load_model_from_text(_model_text())
    return m


def build_enforcer(domain: str, rows: list[tuple[str, str, str, str, str]]) -> casbin.Enforcer:
    """rows: (ptype, v0, v1, v2, v3) as stored. Returns an in-memory enforcer for one organization."""
    e = casbin.Enforcer(_model())
    e.enable_auto_save(False)
    p = [[v0, v1, v2, v3] for ptype, v0, v1, v2, v3 in rows if ptype == "p" and v1 == domain]
    g = [[v0, v1, v2] for ptype, v0, v1, v2, _ in rows if ptype == "g" and v2 == domain]
    if p:
        e.add_policies(p)
    if g:
        e.add_grouping_policies(g)
    return e


class PolicyCache:
    """One enforcer per organization, rebuilt when the organization's policy version moves."""

    def __init__(self):
        self._cache: dict[uuid.UUID, tuple[int, casbin.Enforcer]] = {}

    def get(self, organization_id: uuid.UUID, version: int) -> casbin.Enforcer | None:
        hit = self._cache.get(organization_id)
        return hit[1] if hit and hit[0] == version else None

    def put(self, organization_id: uuid.UUID, version: int, enforcer: casbin.Enforcer) -> None:
        self._cache[organization_id] = (version, enforcer)


def _memo(enforcer: casbin.Enforcer) -> dict:
    """Answers computed from one enforcer. Cached enforcers are never changed in place (a policy change bumps
    the organization's policy version and builds a new one), so the answers live exactly as long as it does."""
    memo = getattr(enforcer, "_advocase_memo", None)
    if memo is None:
        memo = enforcer._advocase_memo = {}
    return memo


def roles_of(enforcer: casbin.Enforcer, user_id: uuid.UUID, domain: str) -> frozenset[str]:
    key = ("roles", user_id, domain)
    memo = _memo(enforcer)
    if key not in memo:
        memo[key] = frozenset(enforcer.get_roles_for_user_in_domain(user_subject(user_id), domain))
    return memo[key]


def permissions_of(enforcer: casbin.Enforcer, user_id: uuid.UUID, domain: str) -> frozenset[tuple[str, str]]:
    """Every known permission the user holds: one casbin evaluation per permission (tens of milliseconds of
    CPU in all), so computed once per user and policy version rather than on every request."""
    key = ("permissions", user_id, domain)
    memo = _memo(enforcer)
    if key not in memo:
        sub = user_subject(user_id)
        memo[key] = frozenset(
            (p.resource, p.action) for p in PERMISSIONS if enforcer.enforce(sub, domain, p.resource, p.action))
    return memo[key]
