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
    Permission("case", "import", "Import families, students and cases from CSV or Excel; manage column mappings"),
    Permission("case", "export", "Export the cases one can see (the caseload) to CSV or Excel"),
    Permission("family", "read", "See families in one's record scope"),
    Permission("family", "identity", "See who a family is: names, contact, narratives, notes"),
    Permission("family", "create", "Create families and students"),
    Permission("family", "update", "Edit families and students"),
    Permission("family", "erase", "Erase a family for good when it asks to be forgotten: the family, its students, "
                                  "consents and cases with everything on them (cannot be undone)"),
    Permission("consent", "record", "Record a family's consent"),
    Permission("consent", "revoke", "Revoke a family's consent"),
    Permission("directory", "read", "See districts, schools, district contacts and calendars"),
    Permission("directory", "manage", "Create, edit and import districts, schools, contacts and calendars"),
    Permission("escalation", "read", "See escalations of the cases one can see"),
    Permission("escalation", "send", "Escalate a case to a district contact"),
    Permission("escalation", "update", "Acknowledge, record responses to and close escalations"),
    Permission("escalation", "report", "See district responsiveness (aggregates, no family data)"),
    Permission("organization", "read", "See the organization's chapters and staff"),
    Permission("organization", "configure",
               "Configure the organization: chapters, languages, suppression threshold, escalation ladder, "
               "deadline rules"),
    Permission("user", "manage", "Invite users, change their roles and chapters, deactivate and reactivate them"),
    Permission("role", "manage", "Create and delete custom roles, grant and revoke permissions"),
    Permission("audit", "read", "Read and export the audit log"),
    Permission("campaign", "read", "See campaigns and their evidence (suppressed aggregates, consented stories)"),
    Permission("campaign", "manage", "Create and edit campaigns: goal, target, status, leads, criteria"),
    Permission("case", "link", "Link cases one can see to a campaign, and unlink them"),
    Permission("story", "read", "See de-identified stories: of one's cases, or all of them with story:approve"),
    Permission("story", "draft", "Draft and edit de-identified stories from cases one can see"),
    Permission("story", "approve", "Approve or reject stories drafted by someone else"),
    Permission("stats", "read", "Pivot the organization's cases (suppressed aggregates, no records)"),
    Permission("evidence", "export", "Export campaign evidence (CSV, JSON, printable brief)"),
    Permission("network", "lead", "See the suppressed aggregates of a network one leads"),
    Permission("network", "join", "Opt the organization in to (or out of) a network"),
    Permission("network", "manage", "Convene networks and choose their leads"),
)

KNOWN = frozenset((p.resource, p.action) for p in PERMISSIONS)

ROLES = ("admin", "campaign_lead", "advocate", "viewer")
