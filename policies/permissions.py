"""Every (resource, action) the system knows. Policy rows may only name these."""

from __future__ import annotations

from typing import NamedTuple


class Permission(NamedTuple):
    resource: str
    action: str
    description: str

    @property
    def key(self) -> str:
        return f"{self.resource}:{self.action}"


PERMISSIONS: tuple[Permission, ...] = (
    Permission("case", "read", "See cases in one's record scope (chapters or assigned)"),
    Permission("case", "read_all", "See cases of every chapter of the organization"),
    Permission("case", "create", "Open cases"),
    Permission("case", "update", "Edit cases"),
    Permission("case", "transition", "Move cases through the status workflow"),
    Permission("case", "assign", "Assign cases to staff"),
    Permission("case", "note", "Add timeline entries (notes, calls, meetings)"),
    Permission("family", "read", "See families in one's record scope"),
    Permission("family", "identity", "See who a family is: names, contact, narratives, notes"),
    Permission("family", "create", "Create families and students"),
    Permission("family", "update", "Edit families and students"),
    Permission("consent", "record", "Record a family's consent"),
    Permission("consent", "revoke", "Revoke a family's consent"),
    Permission("directory", "read", "See districts, schools, district contacts and calendars"),
    Permission("directory", "manage", "Create, edit and import districts, schools, contacts and calendars"),
    Permission("escalation", "read", "See escalations of the cases one can see"),
    Permission("escalation", "send", "Escalate a case to a district contact"),
    Permission("escalation", "update", "Acknowledge, record responses to and close escalations"),
    Permission("escalation", "report", "See district responsiveness (aggregates, no family data)"),
    Permission("organization", "read", "See the organization's chapters and staff"),
    Permission("organization", "configure", "Configure the escalation ladder and deadline rules"),
)

KNOWN = frozenset((p.resource, p.action) for p in PERMISSIONS)

ROLES = ("admin", "campaign_lead", "advocate", "viewer")
