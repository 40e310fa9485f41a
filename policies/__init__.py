"""Who may do what: the casbin model, default policy, the permission registry and record scope."""

from policies.actor import Actor, CaseScope
from policies.permissions import PERMISSIONS, Permission

__all__ = ["Actor", "CaseScope", "PERMISSIONS", "Permission"]
