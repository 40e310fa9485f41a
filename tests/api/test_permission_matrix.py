"""The permission matrix: every Query and Mutation field, as every role, anonymously and from another organization.

The fields come from the schema itself, so a new field without an entry in MATRIX fails
`test_every_field_has_a_matrix_entry`. Each entry names the grant behind it (checked against
policies/default_policy.csv) and the roles that hold it; every other caller is refused (deny by default):

- an allowed role succeeds (no error, no typed error payload) and sees the record it targeted; a mutation that
  succeeded wrote at least one audit row (so every mutation, present and future, is on the record);
- a role without the grant gets FORBIDDEN (mutations and lists) or null (single-record fetches), anonymous
  callers UNAUTHENTICATED; nothing changes;
- an admin of another organization gets exactly the answer an unknown id gets, lists show none of the other
  organization's records, and nothing changes;
- every refusal is the same whether the targeted record exists or not (the call is repeated with unknown ids);
- public fields (`public=True`: acceptInvitation, requestPasswordReset, resetPassword) need no session: the link
  or the email is the authority, so every caller succeeds with a real link and is refused with a made-up one.

"Nothing changes" is checked in the database: the row count of every tenant table (audit and sessions aside), the
targeted rows, the organization row and its ladder, before and after. Callers: each default role, a member
without roles (`no_role`), `anonymous` and `other_org` (an admin of organization B). `node(id:)` has its own
matrix by the type of the id (NODE_TYPES).

Each call gets its own freshly created records (and, for `logout`, its own session), so calls never depend on
each other. Record scope (chapters), family identity, a person who belongs to two organizations and the policy
cache have their own tests at the end.

Adding a field: add an entry to MATRIX (operation, variables from Refs, grant, roles, kind, records it needs).
A new kind of target record: a field on Refs (an id: add it to Refs.TYPES; a name or token: to Refs.NAMES, so that
`unknown()` replaces it), a `needs` word that `make_refs` turns into a fresh record for each call, and (for the
"nothing changes" check) its model in MODELS or its rows in `snapshot`.
The app runs as the application's database role (row-level security on PostgreSQL); records and snapshots use
the owner's connection. Calls carry the Bearer token only (no cookie jar).
"""

from __future__ import annotations

import json
import secrets
import uuid
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Callable

import httpx
import pytest
from sqlalchemy import delete as sa_delete
from sqlalchemy import func, select

import domain.models  # noqa: F401  (every table, for the snapshot)
from api.app import create_app
from api.relay import from_global_id, to_global_id
from api.schema import schema
from domain.audit.models import AuditEvent
from domain.campaigns import networks as campaign_networks
from domain.campaigns import service as campaigns
from domain.campaigns import stories as campaign_stories
from domain.campaigns.models import Campaign, Network, NetworkKind, Story
from domain.cases import service as cases
from domain.cases.models import Case
from domain.cases.workflow import CaseStatus
from domain.db import Base
from domain.directory import service as directory
from domain.directory.models import District, DistrictContact, School
from domain.escalations import service as escalations
from domain.escalations.models import (
    DEFAULT_LADDER, DistrictClosure, Escalation, EscalationChannel, EscalationLevel,
)
from domain.identity import service as identity_service
from domain.identity import organization as org_settings
from domain.identity import roles as role_service
from domain.identity import users as user_service
from domain.identity.models import Chapter, CustomRole, Membership, MembershipChapter, Organization, PolicyRule, User
from domain.identity.service import bump_policy_version, create_user, login, resolve_actor
from domain.people import service as people
from domain.people.models import Consent, Family, Student
from policies import Actor
from policies.enforcer import PolicyCache, default_grants
from tests.api.admin_ops import link_token
from tests.api.ops import create_family, open_case
from tests.conftest import PASSWORD, Api, World, make_world

ROLES = ("admin", "advocate", "campaign_lead", "viewer")
# no_role: a member of the organization without any role (deny by default); other_org: an admin elsewhere.
CALLERS = ROLES + ("no_role", "anonymous", "other_org")
SIGNED_IN = frozenset(ROLES + ("no_role",))
ERRORS = "errors { code message field }"
REFUSED = "refused"  # any refusal, as long as it is the same answer an unknown id gets


# ---------------------------------------------------------------- the records a call targets


@dataclass(frozen=True)
class Refs:
    """Global ids of organization A's records that a call targets, plus the caller's sign-in email."""

    org: str
    chapter: str
    district: str
    school: str
    user: str
    email: str
    tag: str  # unique per call: in the names of what the call creates
    family: str | None = None
    student: str | None = None
    consent: str | None = None
    case: str | None = None
    escalation: str | None = None
    contact: str | None = None
    closure: str | None = None
    member: str | None = None  # a User: a fresh member of A (the target of user management)
    role: str | None = None  # the name of a fresh custom role of A
    secret: str | None = None  # the token of a fresh invitation or password-reset link (a capability, not an id)
    campaign: str | None = None  # campaigns: a fresh campaign, story (drafted by an advocate), network (convened by A)
    story: str | None = None
    network: str | None = None
    join_code: str = ""  # the network's join code (handed to invited organizations: any admin may use it)
    notification: str | None = None  # a notification of the caller (A's admin for callers outside A)
    mapping: str | None = None  # a saved import mapping of A
    family_version: int = 1  # fresh records are at version 1
    student_version: int = 1
    case_version: int = 1
    org_version: int = 1  # the version of A's settings (optimistic locking of updateOrganizationSettings)

    TYPES = {"org": "Organization", "chapter": "Chapter", "district": "District", "school": "School",
             "user": "User", "family": "Family", "student": "Student", "consent": "Consent", "case": "Case",
             "escalation": "Escalation", "contact": "DistrictContact", "closure": "DistrictClosure",
             "member": "User", "campaign": "Campaign", "story": "Story", "network": "Network",
             "notification": "Notification", "mapping": "ImportMapping"}
    # references that are not ids: what an unknown one looks like
    NAMES = {"role": lambda: f"role_{uuid.uuid4().hex[:12]}", "secret": lambda: secrets.token_urlsafe(32)}

    def unknown(self) -> "Refs":
        """The same refs with every id (and role name, link token) replaced by one that does not exist."""
        return replace(self, **{k: to_global_id(t, uuid.uuid4()) for k, t in self.TYPES.items()
                                if getattr(self, k) is not None},
                       **{k: make() for k, make in self.NAMES.items() if getattr(self, k) is not None})

    def replaced(self, other: "Refs") -> list[tuple[str, str]]:
        """(value here, value in `other`) for every reference that differs."""
        return [(getattr(self, k), getattr(other, k)) for k in (*self.TYPES, *self.NAMES)
                if getattr(self, k) != getattr(other, k)]

    def records(self) -> list[str]:
        """The family and case records (record scope applies to them)."""
        return [g for g in (self.family, self.student, self.consent, self.case, self.escalation) if g]

    def directory(self) -> list[str]:
        return [g for g in (self.district, self.school, self.contact, self.closure) if g]

    def campaigns(self) -> list[str]:
        return [g for g in (self.campaign, self.story, self.network) if g]


RECORDS = {"family", "student", "consent", "case", "escalatable", "escalation"}  # needs that make a family
MEMBERS = {"member", "invited", "deactivated", "reset"}  # needs that make a member
PUBLIC_URL = "http://testserver"


def member_email(tag: str) -> str:
    """The email of the member `make_refs` makes for a call (needs member, invited, deactivated or reset)."""
    return f"{tag}-member@example.org"


async def make_refs(o: "Orgs", needs: frozenset[str], chapter: str = "North", email: str = "") -> Refs:
    """Fresh records in organization A for one call, made by its admin through the domain services (quicker than
    through the API, which has its own tests for making them).

    needs: family, student, consent, case; escalatable (an open case with the family's district-sharing consent and
    a district contact); escalation (one sent); district, school, contact, closure (fresh directory records);
    member (an active member with the viewer role and no chapter, email `member_email(tag)`), invited (one invited
    and not joined yet, with the invitation's token in `secret`), deactivated (one deactivated), reset (an active one
    who asked for a password reset, the token in `secret`); role (a custom role granted case:read); chapter (a fresh
    chapter instead of North/South). Campaigns: campaign (a fresh one, no criteria); link (the case linked to it);
    story (a draft from the case by the chapter's advocate, so that admins and campaign leads may approve it; with
    consent, the family's SHARE_STORY consent is active); network (convened by A, led by its admin and campaign
    lead); joined (A is a member of it).
    """
    a, actor, today = o.a, o.admin, date.today()
    tag = f"m{uuid.uuid4().hex[:10]}"
    refs = Refs(org=a.gid("Organization", a.org_id), chapter=a.chapter_gids[chapter],
                district=a.gid("District", a.district_id), school=a.gid("School", a.school_ids[0]),
                user=a.gid("User", a.users["advocate"]), email=email, tag=tag)
    async with o.db.reader() as s:
        refs = replace(refs, org_version=await s.scalar(select(Organization.version)
                                                        .where(Organization.id == a.org_id)))
    district_id, school_id = a.district_id, a.school_ids[0]
    if needs & MEMBERS:
        refs = await _make_member(o, needs, refs)
    if "role" in needs:  # one grant only: every policy row makes every later permission check of A slower
        role = await role_service.create_role(o.db, actor, name=f"role {tag}", description=None, based_on=None)
        await role_service.set_grant(o.db, actor, role=role.name, resource="case", action="read", grant=True)
        refs = replace(refs, role=role.name)
    if "chapter" in needs:
        new_chapter = await org_settings.create_chapter(o.db, actor, f"Chapter {tag}")
        refs = replace(refs, chapter=a.gid("Chapter", new_chapter.id))
    if needs & {"district", "contact", "closure", "escalatable", "escalation"}:
        district_id = (await directory.create_district(o.db, actor, {"name": f"District {tag}", "state": "MA"})).id
        refs = replace(refs, district=a.gid("District", district_id))
    if "school" in needs:
        school_id = (await directory.create_school(o.db, actor, {"district_id": district_id, "name": f"School {tag}",
                                                                 "level": "K-5"})).id
        refs = replace(refs, school=a.gid("School", school_id))
    contact = None
    if needs & {"contact", "escalatable", "escalation"}:
        contact = await directory.create_district_contact(o.db, actor, {
            "district_id": district_id, "name": f"Contact {tag}", "email": f"{tag}@district.example.org",
            "office": "Office of Special Education", "ladder_level": 1})
        refs = replace(refs, contact=a.gid("DistrictContact", contact.id))
    if "closure" in needs:
        closure = await directory.add_district_closure(o.db, actor, district_id, {
            "name": "Winter break", "starts_on": today + timedelta(days=60)})
        refs = replace(refs, closure=a.gid("DistrictClosure", closure.id))
    campaign = None
    if needs & {"campaign", "link"}:
        campaign = await campaigns.create_campaign(o.db, actor, {"name": f"Campaign {tag}", "goal": "End OSS"})
        refs = replace(refs, campaign=a.gid("Campaign", campaign.id))
    if needs & {"network", "joined"}:
        view = await campaign_networks.create_network(o.db, actor, name=f"Network {tag}", kind=NetworkKind.COALITION)
        await campaign_networks.set_network_leads(o.db, actor, view.network.id,
                                                  [a.users["admin"], a.users["campaign_lead"]])
        if "joined" in needs:
            await campaign_networks.join_network(o.db, actor, view.network.join_code)
        refs = replace(refs, network=a.gid("Network", view.network.id), join_code=view.network.join_code)
    if needs & {"notification", "mapping"}:
        refs = await _make_notification_and_mapping(o, needs, refs)
    if not needs & RECORDS:
        return refs
    family = await people.create_family(o.db, actor, {
        "display_name": "Rivera family", "chapter_id": a.chapters[chapter], "preferred_language": "es",
        "guardians": [{"name": "Ana Rivera", "relationship": "mother", "phone": "+1 617 555 0100", "language": "es"}],
        "contact_channels": ["WHATSAPP", "PHONE"]})
    refs = replace(refs, family=a.gid("Family", family.id))
    student = None
    if "student" in needs:
        student = await people.create_student(o.db, actor, family.id, {"first_name": "Mateo", "last_name": "Rivera"})
        refs = replace(refs, student=a.gid("Student", student.id))
    if "consent" in needs:
        c = await people.record_consent(o.db, actor, family.id, {"kind": "SHARE_STORY", "method": "WRITTEN"},
                                        today=today)
        refs = replace(refs, consent=a.gid("Consent", c.id))
    if needs & {"case", "escalatable", "escalation"}:
        case = await cases.open_case(o.db, actor, {
            "family_id": family.id, "category": "DISCIPLINE", "subcategory": "OUT_OF_SCHOOL_SUSPENSION",
            "title": "3-day OSS without manifestation determination", "narrative": "Mateo was sent home for 3 days.",
            "tags": [tag], **({"student_id": student.id} if student else {}),
            # a letter goes to a contact of the case's own district
            **({"district_id": district_id} if needs & {"escalatable", "escalation"} else {})}, today=today)
        refs = replace(refs, case=a.gid("Case", case.id))
    if needs & {"escalatable", "escalation"}:
        await cases.transition_case(o.db, actor, case.id, case.version, CaseStatus.OPEN, today=today)
        await people.record_consent(o.db, actor, family.id, {
            "kind": "SHARE_WITH_DISTRICT", "method": "WRITTEN", "recipient": "The district",
            "purpose": "Resolve the suspension", "records": "Case summary"}, today=today)
    if "escalation" in needs:
        esc = await escalations.escalate_case(o.db, actor, escalations.EscalateInput(
            case_id=case.id, contact_id=contact.id, channel=EscalationChannel.EMAIL,
            summary="Mateo was suspended 3 days.", remedy_requested="Hold Mateo's manifestation determination.",
            notify_family=False), today=today)
        refs = replace(refs, escalation=a.gid("Escalation", esc.id))
    if "link" in needs:
        await campaigns.link_case(o.db, actor, campaign.id, case.id, "Same school, same practice.")
    if "story" in needs:
        drafter = await resolve_actor(o.db, a.tokens["advocate" if chapter == "North" else "advocate_south"],
                                      idle=timedelta(hours=1))
        story = await campaign_stories.draft_story(o.db, drafter, case.id, title="Sent home without a hearing",
                                                   body="A student with an IEP was suspended for three days.")
        refs = replace(refs, story=a.gid("Story", story.id))
    return refs


async def _make_notification_and_mapping(o: "Orgs", needs: frozenset[str], refs: Refs) -> Refs:
    """notification: one for the caller (by their email; A's admin when the caller is not in A); mapping: an import
    mapping of A."""
    from domain.imports import service as imports
    from domain.notifications.models import Notification, NotificationKind
    from domain.notifications.service import notify
    if "mapping" in needs:
        m = await imports.create_mapping(o.db, o.admin, name=f"Mapping {refs.tag}",
                                         columns={"family_external_id": "Family ID", "family_name": "Household"})
        refs = replace(refs, mapping=o.a.gid("ImportMapping", m.id))
    if "notification" in needs:
        async with o.db.transaction() as s:
            user_id = await s.scalar(select(User.id).join(Membership, Membership.user_id == User.id).where(
                User.email == refs.email, Membership.organization_id == o.a.org_id)) or o.a.users["admin"]
            await notify(s, organization_id=o.a.org_id, user_ids=[user_id], kind=NotificationKind.CASE_ASSIGNED,
                         dedupe_key=f"matrix:{refs.tag}", data={"caseReference": "AC-00000000", "caseTitle": refs.tag})
            n_id = await s.scalar(select(Notification.id).where(Notification.organization_id == o.a.org_id,
                                                                Notification.dedupe_key == f"matrix:{refs.tag}"))
        refs = replace(refs, notification=o.a.gid("Notification", n_id))
    return refs


async def _make_member(o: "Orgs", needs: frozenset[str], refs: Refs) -> Refs:
    a, email = o.a, member_email(refs.tag)
    if "invited" in needs:
        view = await user_service.invite_user(o.db, o.admin, email=email, display_name=None, roles=["viewer"],
                                              chapter_ids=None, language="en", public_url=PUBLIC_URL,
                                              ttl=timedelta(hours=1))
        user_id = view.user.id
        return replace(refs, member=a.gid("User", user_id),
                       secret=await link_token(o.db, user_id, "user_invitation"))
    async with o.db.transaction() as s:
        user_id = (await create_user(s, organization_id=a.org_id, email=email, password=PASSWORD,
                                     display_name=f"Member {refs.tag}", roles=["viewer"])).id
    refs = replace(refs, member=a.gid("User", user_id))
    if "deactivated" in needs:
        await user_service.deactivate_user(o.db, o.admin, user_id)
    if "reset" in needs:
        await user_service.request_password_reset(o.db, email=email, public_url=PUBLIC_URL,
                                                  ttl=timedelta(minutes=30))
        refs = replace(refs, secret=await link_token(o.db, user_id, "password_reset"))
    return refs


# ---------------------------------------------------------------- the matrix


@dataclass(frozen=True)
class Entry:
    op: str
    vars: Callable[[Refs], dict]
    permission: str | None  # the grant behind the field; None: any signed-in member
    roles: frozenset[str]  # who may call it; everyone else is refused
    # "mutation": typed error payload; "fetch": null when refused; "list": a read (a list, or a read-only mutation
    # such as an export) refused with FORBIDDEN, that shows other organizations nothing of A (not a refusal)
    kind: str = "mutation"
    needs: frozenset[str] = frozenset()  # records of organization A created for each call
    shows: str | None = None  # the Refs attribute whose id an allowed caller's answer contains
    anonymous: str = "UNAUTHENTICATED"  # what an anonymous caller gets
    fresh_session: bool = False  # the call ends the caller's session
    scoped: bool = True  # record scope (chapters) applies when it targets a family or case record
    public: bool = False  # no session needed: the link (or email) is the authority, so every caller succeeds
    allowed: str = "ok"  # what a caller who may make the call gets (a typed error when valid input can't be made up)


def grant(permission: str) -> frozenset[str]:
    """The roles granted the permission ("resource:action"), or any of several ("a:b|c:d")."""
    wanted = {tuple(p.split(":")) for p in permission.split("|")}
    return frozenset(r for r, res, act in default_grants() if (res, act) in wanted)


def entry(op: str, vars: Callable[[Refs], dict] = lambda r: {}, permission: str | None = None,
          needs: str = "", **kw) -> Entry:
    roles = kw.pop("roles", None) or (grant(permission) if permission else SIGNED_IN)
    return Entry(op, vars, permission, frozenset(roles), needs=frozenset(needs.split()), **kw)


IMPORT_HEADER = "district,school,school_level,contact_name,title,office,email,phone,issue_areas,ladder_level,state\n"


def mutation(name: str, input_type: str, selection: str) -> str:
    return f"mutation($i: {input_type}) {{ {name}(input: $i) {{ {selection} {ERRORS} }} }}"


# Roles are spelled out (not derived) so the matrix reads as a table; test_matrix_roles_follow_the_default_policy
# keeps them equal to the default policy.
CASE_READERS = {"admin", "advocate", "viewer"}
FAMILY_READERS = {"admin", "advocate", "viewer"}
EDITORS = {"admin", "advocate"}
EVERY_ROLE = set(ROLES)

MATRIX: dict[str, Entry] = {
    # ------------------------------------------------------------ queries
    "me": entry("query { me { organization { id name } roles } }", kind="fetch", shows="org", anonymous="null"),
    "node": entry("query($id: ID!) { node(id: $id) { id ... on Case { title } } }", lambda r: {"id": r.case},
                  "case:read", "case", roles=CASE_READERS, kind="fetch", shows="case"),
    "case": entry("query($id: ID!) { case(id: $id) { id title family { id } } }", lambda r: {"id": r.case},
                  "case:read", "case", roles=CASE_READERS, kind="fetch", shows="case"),
    "cases": entry("query($f: CaseFilter) { cases(filter: $f, first: 100) { edges { node { id title } } } }",
                   lambda r: {"f": {"tags": [r.tag], "chapterId": [r.chapter]}}, "case:read", "case",
                   roles=CASE_READERS, kind="list", shows="case"),
    "caseTaxonomy": entry("query { caseTaxonomy { code label } }", kind="list"),
    "family": entry("query($id: ID!) { family(id: $id) { id preferredLanguage } }", lambda r: {"id": r.family},
                    "family:read", "family", roles=FAMILY_READERS, kind="fetch", shows="family"),
    "families": entry("query($c: ID) { families(chapterId: $c, first: 100) { edges { node { id } } } }",
                      lambda r: {"c": r.chapter}, "family:read", "family", roles=FAMILY_READERS, kind="list",
                      shows="family"),
    "districts": entry("query { districts(first: 100) { edges { node { id name } } } }", permission="directory:read",
                       roles=EVERY_ROLE, kind="list", shows="district"),
    "schools": entry("query($d: ID) { schools(districtId: $d, first: 100) { edges { node { id name } } } }",
                     lambda r: {"d": r.district}, "directory:read", roles=EVERY_ROLE, kind="list", shows="school"),
    # ------------------------------------------------------------ mutations
    "login": entry(mutation("login", "LoginInput!", "token me { organization { id } }"),
                   lambda r: {"i": {"email": r.email, "password": PASSWORD, "organizationId": r.org}},
                   shows="org", anonymous="ok", fresh_session=True),  # ends the session it came with
    "logout": entry(mutation("logout", "LogoutInput", "ok"), fresh_session=True),
    "openCase": entry(mutation("openCase", "OpenCaseInput!", "case { id family { id } school { id } }"),
                      lambda r: {"i": {"familyId": r.family, "schoolId": r.school, "category": "DISCIPLINE",
                                       "subcategory": "EXPULSION", "title": "Expelled without a hearing"}},
                      "case:create", "family", roles=EDITORS, shows="family"),
    "recordIntake": entry(mutation("recordIntake", "RecordIntakeInput!",
                                   "family { id chapter { id } } student { id } case { id school { id } }"),
                          lambda r: {"i": {"family": {"displayName": "Matrix intake", "chapterId": r.chapter},
                                           "student": {"firstName": "Lia", "lastName": "Rivera", "schoolId": r.school},
                                           "case": {"schoolId": r.school, "category": "DISCIPLINE",
                                                    "subcategory": "EXPULSION", "title": "Expelled, no hearing"}}},
                          "case:create", roles=EDITORS, shows="chapter"),
    "updateCase": entry(mutation("updateCase", "UpdateCaseInput!", "case { id title version }"),
                        lambda r: {"i": {"id": r.case, "version": r.case_version, "title": "Expulsion, day 10"}},
                        "case:update", "case", roles=EDITORS, shows="case"),
    "transitionCase": entry(mutation("transitionCase", "TransitionCaseInput!", "case { id status }"),
                            lambda r: {"i": {"id": r.case, "version": r.case_version, "to": "OPEN"}},
                            "case:transition", "case", roles=EDITORS, shows="case"),
    "assignCase": entry(mutation("assignCase", "AssignCaseInput!", "case { id assignees { id } }"),
                        lambda r: {"i": {"id": r.case, "assigneeIds": [r.user]}},
                        "case:assign", "case", roles=EDITORS, shows="case"),
    "addCaseNote": entry(mutation("addCaseNote", "AddCaseNoteInput!", "event { id kind }"),
                         lambda r: {"i": {"caseId": r.case, "kind": "CALL", "body": "Called the principal."}},
                         "case:note", "case", roles=EDITORS),
    "createFamily": entry(mutation("createFamily", "CreateFamilyInput!", "family { id chapter { id } }"),
                          lambda r: {"i": {"displayName": "Matrix family", "chapterId": r.chapter}},
                          "family:create", roles=EDITORS, shows="chapter"),
    "updateFamily": entry(mutation("updateFamily", "UpdateFamilyInput!", "family { id version }"),
                          lambda r: {"i": {"id": r.family, "version": r.family_version, "phone": "617-555-0142"}},
                          "family:update", "family", roles=EDITORS, shows="family"),
    # erasing for good is the admins' (and the whole family goes: its case too)
    "eraseFamily": entry(mutation("eraseFamily", "EraseFamilyInput!", "ok cases"),
                         lambda r: {"i": {"id": r.family, "confirmDisplayName": "Rivera family"}}, "family:erase",
                         "family case", roles={"admin"}),
    "createStudent": entry(mutation("createStudent", "CreateStudentInput!", "student { id school { id } }"),
                           lambda r: {"i": {"familyId": r.family, "firstName": "Lia", "lastName": "Rivera",
                                            "schoolId": r.school}},
                           "family:create", "family", roles=EDITORS, shows="school"),
    "updateStudent": entry(mutation("updateStudent", "UpdateStudentInput!", "student { id grade }"),
                           lambda r: {"i": {"id": r.student, "version": r.student_version, "grade": "8"}},
                           "family:update", "student", roles=EDITORS, shows="student"),
    "recordConsent": entry(mutation("recordConsent", "RecordConsentInput!", "consent { id status }"),
                           lambda r: {"i": {"familyId": r.family, "kind": "SHARE_STORY", "method": "VERBAL"}},
                           "consent:record", "family", roles=EDITORS),
    "revokeConsent": entry(mutation("revokeConsent", "RevokeConsentInput!", "consent { id status }"),
                           lambda r: {"i": {"id": r.consent, "method": "WRITTEN"}},
                           "consent:revoke", "consent", roles=EDITORS, shows="consent"),
    # ------------------------------------------------------------ directory
    "districtContacts": entry("query($d: ID) { districtContacts(districtId: $d, first: 100) {"
                              " edges { node { id } } } }",
                              lambda r: {"d": r.district}, "directory:read", "contact", roles=EVERY_ROLE,
                              kind="list", shows="contact"),
    "createDistrict": entry(mutation("createDistrict", "CreateDistrictInput!", "district { id name }"),
                            lambda r: {"i": {"name": f"District {r.tag} new", "state": "MA"}},
                            "directory:manage", roles=EDITORS),
    "updateDistrict": entry(mutation("updateDistrict", "UpdateDistrictInput!", "district { id name }"),
                            lambda r: {"i": {"id": r.district, "version": 1, "name": f"District {r.tag} renamed"}},
                            "directory:manage", "district", roles=EDITORS, shows="district"),
    "createSchool": entry(mutation("createSchool", "CreateSchoolInput!", "school { id district { id } }"),
                          lambda r: {"i": {"districtId": r.district, "name": f"School {r.tag} new", "level": "6-8"}},
                          "directory:manage", roles=EDITORS, shows="district"),
    "updateSchool": entry(mutation("updateSchool", "UpdateSchoolInput!", "school { id level }"),
                          lambda r: {"i": {"id": r.school, "version": 1, "level": "6-8"}},
                          "directory:manage", "school", roles=EDITORS, shows="school"),
    "createDistrictContact": entry(
        mutation("createDistrictContact", "CreateDistrictContactInput!", "contact { id district { id } }"),
        lambda r: {"i": {"districtId": r.district, "name": f"Contact {r.tag} new", "ladderLevel": 2}},
        "directory:manage", roles=EDITORS, shows="district"),
    "updateDistrictContact": entry(
        mutation("updateDistrictContact", "UpdateDistrictContactInput!", "contact { id version }"),
        lambda r: {"i": {"id": r.contact, "version": 1, "title": "Principal"}},
        "directory:manage", "contact", roles=EDITORS, shows="contact"),
    "deleteDistrictContact": entry(
        mutation("deleteDistrictContact", "DeleteDistrictContactInput!", "deletedId contact { id }"),
        lambda r: {"i": {"id": r.contact}}, "directory:manage", "contact", roles=EDITORS, shows="contact"),
    "addDistrictClosure": entry(
        mutation("addDistrictClosure", "AddDistrictClosureInput!", "closure { id district { id } }"),
        lambda r: {"i": {"districtId": r.district, "name": "February vacation",
                         "startsOn": (date.today() + timedelta(days=90)).isoformat()}},
        "directory:manage", "district", roles=EDITORS, shows="district"),
    "removeDistrictClosure": entry(mutation("removeDistrictClosure", "RemoveDistrictClosureInput!", "removedId"),
                                   lambda r: {"i": {"id": r.closure}}, "directory:manage", "closure",
                                   roles=EDITORS, shows="closure"),
    "importDirectory": entry(mutation("importDirectory", "ImportDirectoryInput!", "report { imported }"),
                             lambda r: {"i": {"csv": IMPORT_HEADER + f"Imported {r.tag},,,,,,,,,,MA\n"}},
                             "directory:manage", roles=EDITORS),
    # ------------------------------------------------------------ escalations and deadlines
    "escalations": entry("query($f: EscalationFilter) { escalations(filter: $f, first: 100) {"
                         " edges { node { id } } } }",
                         lambda r: {"f": {"caseId": r.case}}, "escalation:read", "escalation",
                         roles=CASE_READERS, kind="list", shows="escalation"),
    "dashboard": entry("query { dashboard { dueSoonUntil openCases { id } overdueEscalations { id } } }",
                       permission="case:read", roles=CASE_READERS, kind="list"),
    "districtResponsiveness": entry(
        "query($d: ID) { districtResponsiveness(districtId: $d) { office sent district { id } } }",
        lambda r: {"d": r.district}, "escalation:report", "escalation", roles=EVERY_ROLE, kind="list",
        shows="district", scoped=False),  # organization-wide aggregates, not records
    "escalationLadder": entry("query { escalationLadder { level name } }", permission="organization:read",
                              roles=EVERY_ROLE, kind="list"),
    "deadlineProfiles": entry("query { deadlineProfiles { code } }", permission="organization:read",
                              roles=EVERY_ROLE, kind="list"),
    "escalateCase": entry(mutation("escalateCase", "EscalateCaseInput!", "escalation { id case { id } }"),
                          lambda r: {"i": {"caseId": r.case, "contactId": r.contact, "channel": "LETTER",
                                           "summary": "Suspended without a hearing.", "notifyFamily": False,
                                           "remedyRequested": "Expunge the suspension."}},
                          "escalation:send", "escalatable", roles=EDITORS, shows="case"),
    "escalationLetterPreview": entry(
        "query($i: EscalateCaseInput!) { escalationLetterPreview(input: $i) { subject text responseDueOn } }",
        lambda r: {"i": {"caseId": r.case, "contactId": r.contact, "channel": "LETTER",
                         "summary": "Suspended without a hearing.", "remedyRequested": "Expunge the suspension."}},
        "escalation:send", "escalatable", roles=EDITORS),  # a read that targets a case: refused like a mutation
    "acknowledgeEscalation": entry(
        f"mutation($id: ID!) {{ acknowledgeEscalation(id: $id) {{ escalation {{ id status }} {ERRORS} }} }}",
        lambda r: {"id": r.escalation}, "escalation:update", "escalation", roles=EDITORS, shows="escalation"),
    "recordEscalationResponse": entry(
        mutation("recordEscalationResponse", "RecordEscalationResponseInput!", "escalation { id status }"),
        lambda r: {"i": {"id": r.escalation, "respondedOn": date.today().isoformat(),
                         "notes": "The principal will meet the family."}},
        "escalation:update", "escalation", roles=EDITORS, shows="escalation"),
    "closeEscalation": entry(mutation("closeEscalation", "CloseEscalationInput!", "escalation { id status }"),
                             lambda r: {"i": {"id": r.escalation, "note": "Resolved at school level."}},
                             "escalation:update", "escalation", roles=EDITORS, shows="escalation"),
    "configureEscalationLadder": entry(  # the default ladder again: allowed calls leave it as it was
        f"mutation($l: [EscalationLevelInput!]!) {{ configureEscalationLadder(levels: $l) {{ levels {{ level }} "
        f"{ERRORS} }} }}",
        lambda r: {"l": [{"name": n, "responseWindowSchoolDays": d} for _, n, d in DEFAULT_LADDER]},
        "organization:configure", roles={"admin"}),
    "setDeadlineProfile": entry(  # the default profile again
        f"mutation($p: String!) {{ setDeadlineProfile(profile: $p) {{ organization {{ id }} {ERRORS} }} }}",
        lambda r: {"p": "FEDERAL_IDEA"}, "organization:configure", roles={"admin"}),
    "recordCaseMilestone": entry(
        mutation("recordCaseMilestone", "RecordCaseMilestoneInput!", "event { id } started { id }"),
        lambda r: {"i": {"caseId": r.case, "milestone": "EVALUATION_CONSENT_SIGNED",
                         "occurredOn": date.today().isoformat()}},
        "case:update", "case", roles=EDITORS),
    # ---- campaigns: campaigns, issue statistics, stories, evidence exports, networks
    "campaigns": entry("query { campaigns(first: 100) { edges { node { id name } } } }", permission="campaign:read",
                       needs="campaign", roles=EVERY_ROLE, kind="list", shows="campaign"),
    "campaign": entry("query($id: ID!) { campaign(id: $id) { id name } }", lambda r: {"id": r.campaign},
                      "campaign:read", "campaign", roles=EVERY_ROLE, kind="fetch", shows="campaign"),
    "issueStats": entry(  # organization-wide suppressed aggregates, not records: no record scope
        "query($f: StatsFilter) { issueStats(filter: $f, groupBy: [CATEGORY]) {"
        " cells { keys { value } cases { value suppressed } } total { cases { value suppressed } } } }",
        lambda r: {"f": {"tags": [r.tag]}}, "stats:read", "case", roles=EVERY_ROLE, kind="list", scoped=False),
    "stories": entry("query { stories(first: 100) { edges { node { id status } } } }", permission="story:read",
                     needs="consent case story", roles={"admin", "advocate", "campaign_lead"}, kind="list",
                     shows="story"),
    # ---- campaigns on the advocate's case page: a case's campaign links (also needs campaign:read, which every
    # case:read role has)
    "caseCampaignLinks": entry("query($c: ID!) { caseCampaignLinks(caseId: $c) { reason case { id } campaign { id } } }",
                               lambda r: {"c": r.case}, "case:read", "campaign case link", roles=CASE_READERS,
                               kind="list", shows="campaign"),
    "networks": entry("query { networks { id name iLead } }", permission="network:lead", needs="network",
                      roles={"admin", "campaign_lead"}, kind="list", shows="network"),
    "networkStats": entry(
        "query($n: ID!) { networkStats(networkId: $n) { combinedThreshold organizations { name }"
        " total { combined { cases { value suppressed } } } } }",
        lambda r: {"n": r.network}, "network:lead", "network joined", roles={"admin", "campaign_lead"},
        kind="fetch"),
    "createCampaign": entry(
        mutation("createCampaign", "CreateCampaignInput!", "campaign { id criteria { districts { id } } }"),
        lambda r: {"i": {"name": f"Campaign {r.tag} new", "criteria": {"districtIds": [r.district]}}},
        "campaign:manage", roles={"admin", "campaign_lead"}, shows="district"),
    "updateCampaign": entry(mutation("updateCampaign", "UpdateCampaignInput!", "campaign { id version }"),
                            lambda r: {"i": {"id": r.campaign, "version": 1, "goal": "Interpreters at every IEP"}},
                            "campaign:manage", "campaign", roles={"admin", "campaign_lead"}, shows="campaign"),
    "linkCaseToCampaign": entry(
        mutation("linkCaseToCampaign", "LinkCaseToCampaignInput!", "campaign { id }"),
        lambda r: {"i": {"campaignId": r.campaign, "caseId": r.case, "reason": "Same school, same practice."}},
        "case:link", "campaign case", roles=EDITORS, shows="campaign"),
    "unlinkCaseFromCampaign": entry(
        mutation("unlinkCaseFromCampaign", "UnlinkCaseFromCampaignInput!", "campaign { id }"),
        lambda r: {"i": {"campaignId": r.campaign, "caseId": r.case}}, "case:link", "case link",
        roles=EDITORS, shows="campaign"),
    "draftStory": entry(mutation("draftStory", "DraftStoryInput!", "story { id status case { id } }"),
                        lambda r: {"i": {"caseId": r.case, "title": "Suspended without a hearing",
                                         "body": "A student with an IEP was sent home for a week."}},
                        "story:draft", "case", roles=EDITORS, shows="case"),
    "updateStory": entry(mutation("updateStory", "UpdateStoryInput!", "story { id version }"),
                         lambda r: {"i": {"id": r.story, "version": 1, "title": "Suspended for a week"}},
                         "story:draft", "consent case story", roles=EDITORS, shows="story"),
    "approveStory": entry(mutation("approveStory", "ApproveStoryInput!", "story { id status }"),
                          lambda r: {"i": {"id": r.story, "version": 1}}, "story:approve", "consent case story",
                          roles={"admin", "campaign_lead"}, shows="story"),
    "rejectStory": entry(mutation("rejectStory", "RejectStoryInput!", "story { id status }"),
                         lambda r: {"i": {"id": r.story, "note": "Too specific about the school."}},
                         "story:approve", "consent case story", roles={"admin", "campaign_lead"}, shows="story"),
    "exportCampaignEvidence": entry(
        mutation("exportCampaignEvidence", "ExportCampaignEvidenceInput!", "filename contentType"),
        lambda r: {"i": {"campaignId": r.campaign, "format": "JSON"}}, "evidence:export", "campaign",
        roles={"admin", "campaign_lead"}),
    "createNetwork": entry(mutation("createNetwork", "CreateNetworkInput!", "network { id joinCode }"),
                           lambda r: {"i": {"name": f"Network {r.tag} new", "kind": "COALITION"}},
                           "network:manage", roles={"admin"}),
    "setNetworkLeads": entry(mutation("setNetworkLeads", "SetNetworkLeadsInput!", "network { id leads { id } }"),
                             lambda r: {"i": {"networkId": r.network, "userIds": [r.user]}}, "network:manage",
                             "network", roles={"admin"}, shows="network"),
    # the join code is handed to invited organizations: any admin who has it may opt in (other_org included)
    "joinNetwork": entry(mutation("joinNetwork", "JoinNetworkInput!", "network { id joined }"),
                         lambda r: {"i": {"joinCode": r.join_code}}, "network:join", "network", roles={"admin"},
                         shows="network"),
    "leaveNetwork": entry(mutation("leaveNetwork", "LeaveNetworkInput!", "network { id joined }"),
                          lambda r: {"i": {"networkId": r.network}}, "network:join", "network joined",
                          roles={"admin"}, shows="network"),
    # ---- end of campaigns
    # ------------------------------------------------------------ administration: members, roles, settings, audit
    "users": entry("query($f: UserFilter) { users(filter: $f, first: 100) { edges { node { user { id } } } } }",
                   lambda r: {"f": {"search": r.tag}}, "user:manage", "member", roles={"admin"}, kind="list",
                   shows="member"),
    # the people one may choose (assignees, campaign and network leads): names only, active members
    "colleagues": entry("query($s: String) { colleagues(search: $s) { id displayName } }",
                        lambda r: {"s": f"Member {r.tag}"}, "case:assign|campaign:manage|network:manage", "member",
                        roles={"admin", "advocate", "campaign_lead"}, kind="list", shows="member"),
    "roles": entry("query { roles { name builtIn grants { key } } }",  # role:manage or user:manage: admins
                   permission="role:manage", needs="role", roles={"admin"}, kind="list", shows="role"),
    "permissionCatalog": entry("query { permissionCatalog { key } }", permission="role:manage", roles={"admin"},
                               kind="list"),
    "auditEvents": entry("query($f: AuditEventFilter) { auditEvents(filter: $f, first: 100) {"
                         " edges { node { action entityId } } } }",
                         lambda r: {"f": {"entityId": r.member}}, "audit:read", "invited", roles={"admin"},
                         kind="list", shows="member"),
    "exportAuditEvents": entry(  # a read: other organizations' exports hold none of A's rows
        mutation("exportAuditEvents", "ExportAuditEventsInput", "csv rowCount"),
        lambda r: {"i": {"filter": {"entityId": r.member}}}, "audit:read", "invited", roles={"admin"},
        kind="list", shows="member"),
    "inviteUser": entry(mutation("inviteUser", "InviteUserInput!", "member { user { id } chapters { id } }"),
                        lambda r: {"i": {"email": f"{r.tag}-invitee@example.org", "roles": ["viewer"],
                                         "chapterIds": [r.chapter]}},
                        "user:manage", roles={"admin"}, shows="chapter"),
    "resendInvitation": entry(mutation("resendInvitation", "ResendInvitationInput!", "member { user { id } status }"),
                              lambda r: {"i": {"userId": r.member}}, "user:manage", "invited", roles={"admin"},
                              shows="member"),
    "setUserRoles": entry(mutation("setUserRoles", "SetUserRolesInput!", "member { user { id } roles }"),
                          lambda r: {"i": {"userId": r.member, "roles": ["advocate"]}}, "user:manage", "member",
                          roles={"admin"}, shows="member"),
    "setUserChapters": entry(mutation("setUserChapters", "SetUserChaptersInput!",
                                      "member { user { id } chapters { id } }"),
                             lambda r: {"i": {"userId": r.member, "chapterIds": [r.chapter]}}, "user:manage",
                             "member", roles={"admin"}, shows="member"),
    "deactivateUser": entry(mutation("deactivateUser", "DeactivateUserInput!", "member { user { id } status }"),
                            lambda r: {"i": {"userId": r.member}}, "user:manage", "member", roles={"admin"},
                            shows="member"),
    "reactivateUser": entry(mutation("reactivateUser", "ReactivateUserInput!", "member { user { id } status }"),
                            lambda r: {"i": {"userId": r.member}}, "user:manage", "deactivated", roles={"admin"},
                            shows="member"),
    "createRole": entry(mutation("createRole", "CreateRoleInput!", "role { name grants { key } }"),
                        lambda r: {"i": {"name": f"new role {r.tag}", "basedOn": "viewer"}}, "role:manage",
                        roles={"admin"}),
    "grantPermission": entry(mutation("grantPermission", "GrantPermissionInput!", "role { name grants { key } }"),
                             lambda r: {"i": {"role": r.role, "resource": "case", "action": "note"}},
                             "role:manage", "role", roles={"admin"}, shows="role"),
    "revokePermission": entry(mutation("revokePermission", "RevokePermissionInput!", "role { name grants { key } }"),
                              lambda r: {"i": {"role": r.role, "resource": "case", "action": "read"}},
                              "role:manage", "role", roles={"admin"}, shows="role"),
    "deleteRole": entry(mutation("deleteRole", "DeleteRoleInput!", "ok"), lambda r: {"i": {"role": r.role}},
                        "role:manage", "role", roles={"admin"}),
    "updateOrganizationSettings": entry(  # the default threshold again: allowed calls leave it as it was
        mutation("updateOrganizationSettings", "UpdateOrganizationSettingsInput!",
                 "organization { id suppressionThreshold }"),
        lambda r: {"i": {"version": r.org_version, "suppressionThreshold": 10}}, "organization:configure",
        roles={"admin"}, shows="org"),
    "createChapter": entry(mutation("createChapter", "CreateChapterInput!", "chapter { id name }"),
                           lambda r: {"i": {"name": f"Chapter {r.tag} new"}}, "organization:configure",
                           roles={"admin"}),
    "renameChapter": entry(mutation("renameChapter", "RenameChapterInput!", "chapter { id name }"),
                           lambda r: {"i": {"id": r.chapter, "version": 1, "name": f"Chapter {r.tag} renamed"}},
                           "organization:configure", "chapter", roles={"admin"}, shows="chapter"),
    # public: the link (or the email) is the authority, whoever calls
    "acceptInvitation": entry(mutation("acceptInvitation", "AcceptInvitationInput!",
                                       "token me { organization { id } }"),
                              lambda r: {"i": {"token": r.secret, "password": "a new long password",
                                               "displayName": "Invited Member"}},
                              needs="invited", anonymous="ok", public=True, shows="org"),
    "requestPasswordReset": entry(mutation("requestPasswordReset", "RequestPasswordResetInput!", "ok"),
                                  lambda r: {"i": {"email": member_email(r.tag)}}, needs="member",
                                  anonymous="ok", public=True),
    "resetPassword": entry(mutation("resetPassword", "ResetPasswordInput!", "ok"),
                           lambda r: {"i": {"token": r.secret, "newPassword": "another long password"}},
                           needs="reset", anonymous="ok", public=True),
    # ---- security: the second factor (any member, for themselves; the requirement: admins)
    "beginTwoFactorEnrollment": entry(mutation("beginTwoFactorEnrollment", "BeginTwoFactorEnrollmentInput!",
                                               "otpauthUri"), lambda r: {"i": {"password": PASSWORD}}),
    # a valid code needs the caller's fresh secret: allowed callers reach the check of the code
    "confirmTwoFactorEnrollment": entry(mutation("confirmTwoFactorEnrollment", "ConfirmTwoFactorEnrollmentInput!",
                                                 "ok token"), lambda r: {"i": {"code": "12345x"}},
                                        allowed="VALIDATION"),
    "disableTwoFactor": entry(mutation("disableTwoFactor", "DisableTwoFactorInput!", "ok"),
                              lambda r: {"i": {"code": "12345x"}}, allowed="CONFLICT"),  # it is not on
    "setTwoFactorRequirement": entry(  # not required, as it was
        mutation("setTwoFactorRequirement", "SetTwoFactorRequirementInput!", "organization { requireTwoFactor }"),
        lambda r: {"i": {"required": False}}, "organization:configure", roles={"admin"}),
    # ---- end of security
    # ---- my language (the language of my mail): any member, for themselves
    "setMyLanguage": entry(mutation("setMyLanguage", "SetMyLanguageInput!", "me { preferredLanguage }"),
                           lambda r: {"i": {"language": "es"}}),
    # ---- end of my language
    # ---- import, export, notifications
    "importFields": entry("query { importFields { name } }", permission="case:import", roles={"admin"}, kind="list"),
    "importMappings": entry("query { importMappings { id name } }", permission="case:import", roles={"admin"},
                            kind="list", needs="mapping", shows="mapping"),
    "createImportMapping": entry(
        mutation("createImportMapping", "CreateImportMappingInput!", "mapping { id name }"),
        lambda r: {"i": {"name": f"Mapping {r.tag} new", "columns": [{"field": "family_name", "column": "Name"}]}},
        "case:import", roles={"admin"}),
    "updateImportMapping": entry(
        mutation("updateImportMapping", "UpdateImportMappingInput!", "mapping { id name }"),
        lambda r: {"i": {"id": r.mapping, "version": 1, "name": f"Mapping {r.tag} renamed"}}, "case:import", "mapping",
        roles={"admin"}, shows="mapping"),
    "importRecords": entry(
        mutation("importRecords", "ImportRecordsInput!", "report { imported familiesCreated }"),
        lambda r: {"i": {"text": f"family_external_id,family_name\n{r.tag},Matrix family\n"}},
        "case:import", roles={"admin"}),
    "exportCases": entry(  # organization-wide by tag: the record scope of exports has its own test (test_imports)
        mutation("exportCases", "ExportCasesInput!", "file { rowCount }"),
        lambda r: {"i": {"filter": {"tags": [r.tag]}, "format": "XLSX"}}, "case:export", "case",
        roles={"admin", "advocate"}, scoped=False),
    "notifications": entry("query { notifications(first: 100) { unreadCount edges { node { id kind } } } }",
                           kind="list", needs="notification", shows="notification"),
    "notificationPreferences": entry("query { notificationPreferences { emailDigest } }", kind="fetch",
                                     anonymous="UNAUTHENTICATED"),
    "markNotificationRead": entry(mutation("markNotificationRead", "MarkNotificationReadInput!",
                                           "notification { id read }"),
                                  lambda r: {"i": {"id": r.notification}}, needs="notification",
                                  shows="notification"),
    "markAllNotificationsRead": entry(f"mutation {{ markAllNotificationsRead {{ count {ERRORS} }} }}",
                                      needs="notification"),
    "setNotificationPreferences": entry(  # on, as it was
        mutation("setNotificationPreferences", "SetNotificationPreferencesInput!", "preferences { emailDigest }"),
        lambda r: {"i": {"emailDigest": True}}),
    # ---- end of import, export, notifications
    # ---- password resets sent by an admin
    "sendPasswordReset": entry(mutation("sendPasswordReset", "SendPasswordResetInput!",
                                        "member { user { id } status } expiresAt"),
                               lambda r: {"i": {"userId": r.member}}, "user:manage", "member", roles={"admin"},
                               shows="member"),
    # ---- end of password resets sent by an admin
}

# node(id:) by the type of the id: the grant that lets one fetch it.
NODE_TYPES: dict[str, tuple[str, set[str]]] = {
    "Case": ("case:read", CASE_READERS),
    "CaseEvent": ("case:read", CASE_READERS),
    "Family": ("family:read", FAMILY_READERS),
    "Student": ("family:read", FAMILY_READERS),
    "Consent": ("family:read", FAMILY_READERS),
    "School": ("directory:read", EVERY_ROLE),
    "District": ("directory:read", EVERY_ROLE),
    "DistrictContact": ("directory:read", EVERY_ROLE),
    "DistrictClosure": ("directory:read", EVERY_ROLE),
    "Escalation": ("escalation:read", CASE_READERS),
    "CaseDeadline": ("case:read", CASE_READERS),
    "Organization": ("organization:read", EVERY_ROLE),
    "Chapter": ("organization:read", EVERY_ROLE),
    "User": ("organization:read", EVERY_ROLE),
    # ---- campaigns
    "Campaign": ("campaign:read", EVERY_ROLE),
    "Story": ("story:read", {"admin", "advocate", "campaign_lead"}),
    "Network": ("network:lead", {"admin", "campaign_lead"}),
}


def schema_fields() -> set[str]:
    s = schema._schema
    return set(s.query_type.fields) | set(s.mutation_type.fields)


def test_every_field_has_a_matrix_entry():
    fields_now = schema_fields()
    missing, stale = sorted(fields_now - MATRIX.keys()), sorted(MATRIX.keys() - fields_now)
    assert not missing and not stale, (
        f"permission matrix out of date: fields without an entry {missing}, entries for no field {stale}; "
        "add them to MATRIX in tests/api/test_permission_matrix.py")
    s = schema._schema
    nodes = {t.name for t in s.get_implementations(s.get_type("Node")).objects}
    assert nodes == NODE_TYPES.keys(), (
        f"NODE_TYPES out of date: types without an entry {sorted(nodes - NODE_TYPES.keys())}, "
        f"entries for no type {sorted(NODE_TYPES.keys() - nodes)}")


def test_matrix_roles_follow_the_default_policy():
    rows = [(k, e.permission, e.roles) for k, e in MATRIX.items()] + [
        (f"node:{k}", p, frozenset(roles)) for k, (p, roles) in NODE_TYPES.items()]
    for name, permission, roles in rows:
        expected = grant(permission) if permission else SIGNED_IN
        assert roles == expected, f"{name}: matrix says {sorted(roles)}, {permission} is granted to {sorted(expected)}"


# ---------------------------------------------------------------- fixtures (one pair of organizations per backend)


@dataclass
class Orgs:
    api: Api
    db: object
    a: World
    b: World
    tokens: dict[str, str | None] = field(default_factory=dict)  # caller -> session token
    emails: dict[str, str] = field(default_factory=dict)  # caller -> sign-in email
    orgs: dict[str, uuid.UUID] = field(default_factory=dict)  # caller -> organization acted in
    admin: Actor | None = None  # A's admin, for making records
    b_admin: Actor | None = None  # B's admin

    @property
    def mirror(self) -> "Orgs":
        """The same organizations the other way round: make_refs(o.mirror, ...) makes records in B."""
        return replace(self, a=self.b, b=self.a, admin=self.b_admin, b_admin=self.admin)

    @property
    def tag(self) -> str:
        return self.a.emails["admin"].split("@")[0].removeprefix("admin-")

    async def fresh_token(self, caller: str) -> str | None:
        if self.tokens.get(caller) is None:
            return None
        result = await login(self.db, email=self.emails[caller], password=PASSWORD,
                             organization_id=self.orgs[caller], ttl=timedelta(hours=1))
        return result.token


class BearerApi(Api):
    """Calls with the Bearer header only: the session cookie a sign-in sets (login, acceptInvitation) is dropped,
    so anonymous calls stay anonymous and no call rides on another call's session."""

    async def raw(self, *args, **kw):
        self.client.cookies.clear()
        return await super().raw(*args, **kw)


@pytest.fixture(scope="module")
async def orgs(db, app_db, settings):
    """The app runs as the application's database role (row-level security in effect on PostgreSQL); records are
    made and snapshots taken as the owner (`db`), which sees every organization."""
    app = create_app(settings, db=app_db)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as c:
        a, b = await make_world(db, "Matrix Org A"), await make_world(db, "Matrix Org B")
        email = a.emails["admin"].replace("admin-", "no-role-")
        async with db.transaction() as s:
            user = await create_user(s, organization_id=a.org_id, email=email, password=PASSWORD,
                                     display_name="No Role", roles=[], chapter_ids=[a.chapters["North"]])
        a.users["no_role"], a.emails["no_role"] = user.id, email
        a.tokens["no_role"] = (await login(db, email=email, password=PASSWORD, ttl=timedelta(hours=1))).token
        o = Orgs(BearerApi(c), db, a, b)
        for role in a.tokens:
            o.tokens[role], o.emails[role], o.orgs[role] = a.tokens[role], a.emails[role], a.org_id
        o.tokens["other_org"], o.emails["other_org"] = b.tokens["admin"], b.emails["admin"]
        o.orgs["other_org"] = b.org_id
        o.tokens["anonymous"], o.emails["anonymous"] = None, a.emails["advocate"]
        o.admin = await resolve_actor(db, a.tokens["admin"], idle=timedelta(hours=1))
        o.b_admin = await resolve_actor(db, b.tokens["admin"], idle=timedelta(hours=1))
        yield o


# ---------------------------------------------------------------- checking one call


def outcome(name: str, body: dict) -> str:
    """ok, null, or the one error code of the answer (GraphQL error or typed error payload)."""
    if body.get("errors"):
        codes = sorted({(e.get("extensions") or {}).get("code", "?") for e in body["errors"]})
        return codes[0] if len(codes) == 1 else repr(codes)
    value = (body.get("data") or {}).get(name)
    if value is None:
        return "null"
    if isinstance(value, dict) and value.get("errors"):
        codes = sorted({e["code"] for e in value["errors"]})
        return codes[0] if len(codes) == 1 else repr(codes)
    return "ok"


MODELS = {"Campaign": Campaign, "Story": Story, "Network": Network, "Family": Family, "Student": Student, "Consent": Consent, "Case": Case, "Escalation": Escalation,
          "District": District, "School": School, "DistrictContact": DistrictContact,
          "DistrictClosure": DistrictClosure}
UNTRACKED = {"audit_events", "sessions"}  # reads and sign-ins write these; a refusal changes nothing else


def _row(obj) -> tuple | None:
    return obj and tuple(getattr(obj, c.key) for c in obj.__table__.columns)


async def snapshot(o: Orgs, world: World, refs: Refs) -> dict:
    """What a refused mutation must not change in an organization: how many rows each of its tables holds, the
    records the call targeted, the organization itself and its escalation ladder."""
    org_id = world.org_id
    tables = [t for t in Base.metadata.sorted_tables if "organization_id" in t.c and t.name not in UNTRACKED]
    counts = select(*[select(func.count()).select_from(t).where(t.c.organization_id == org_id)
                      .scalar_subquery().label(t.name) for t in tables])
    async with o.db.reader() as s:
        state = {"counts": dict((await s.execute(counts)).one()._mapping),
                 "org": _row(await s.get(Organization, org_id)),
                 "ladder": [_row(r) for r in await s.scalars(
                     select(EscalationLevel).where(EscalationLevel.organization_id == org_id)
                     .order_by(EscalationLevel.level))]}
        for gid in refs.records() + refs.directory() + refs.campaigns():
            type_name, obj_id = from_global_id(gid)
            state[gid] = _row(await s.get(MODELS[type_name], obj_id, populate_existing=True))
        assert state["org"] and state["counts"]["memberships"], "the snapshot sees nothing: is it the owner's?"
        state["chapter"] = _row(await s.get(Chapter, from_global_id(refs.chapter)[1], populate_existing=True))
        if refs.member:
            user_id = from_global_id(refs.member)[1]
            state["member"] = (
                _row(await s.get(User, user_id, populate_existing=True)),
                [_row(m) for m in await s.scalars(select(Membership).where(Membership.user_id == user_id)
                                                  .order_by(Membership.id).execution_options(populate_existing=True))],
                sorted(map(str, await s.scalars(select(MembershipChapter.chapter_id).where(
                    MembershipChapter.user_id == user_id)))),
                sorted(await s.scalars(select(PolicyRule.v1).where(PolicyRule.ptype == "g",
                                                                   PolicyRule.v0 == f"user:{user_id}"))))
        if refs.role:
            state["role"] = (
                [_row(r) for r in await s.scalars(select(CustomRole).where(
                    CustomRole.organization_id == org_id, CustomRole.name == refs.role)
                    .execution_options(populate_existing=True))],
                sorted((r.v2, r.v3) for r in await s.scalars(select(PolicyRule).where(
                    PolicyRule.organization_id == org_id, PolicyRule.ptype == "p", PolicyRule.v0 == refs.role))))
    return state


async def audit_rows(o: Orgs) -> int:
    """Audit rows in every organization (and those of no organization, e.g. a public request for an unknown
    address), read with the owner's connection."""
    async with o.db.reader() as s:
        return await s.scalar(select(func.count()).select_from(AuditEvent))


def expectation(e: Entry, caller: str, refs: Refs) -> str:
    if e.public:
        return e.allowed
    if caller == "anonymous":
        return e.anonymous
    if caller == "other_org":
        targets_a = e.vars(refs) != e.vars(refs.unknown())
        return REFUSED if targets_a and e.kind != "list" else e.allowed
    if caller in e.roles:
        return e.allowed
    return "null" if e.kind == "fetch" else "FORBIDDEN"


async def check_call(o: Orgs, name: str, e: Entry, refs: Refs, expected: str, token: str | None, *, who: str,
                     home: World | None = None, compare: bool = False, shows: bool = True) -> dict:
    """Make the call and check it against `expected`.

    A refusal (and any call with `compare`) must give the answer the same call with unknown ids gives, and must
    change nothing in organization A (nor in `home`, the caller's own organization when it is another one).
    """
    worlds = [o.a] + ([home] if home else [])
    changes = e.kind == "mutation" and expected != "ok"  # a refused mutation must change nothing
    before = [await snapshot(o, w, refs) for w in worlds] if changes else None
    audited = await audit_rows(o) if e.kind == "mutation" and expected == "ok" else None
    body = await o.api(e.op, e.vars(refs), token)
    got = outcome(name, body)
    if audited is not None and got == "ok":  # every mutation that did something is on the record
        assert await audit_rows(o) > audited, f"{name} as {who} succeeded without an audit row"
    where = f"{name} as {who}: {json.dumps(body)[:600]}"
    if expected == REFUSED:
        assert got not in ("ok", "INTERNAL"), f"expected a refusal, got {where}"
    else:
        assert got == expected, f"expected {expected}, got {where}"
    other = refs.unknown()
    unknown_vars = e.vars(other)
    if (compare or expected != "ok") and unknown_vars != e.vars(refs):
        unknown = await o.api(e.op, unknown_vars, token)
        echoed = json.dumps(unknown)  # messages may echo the caller's own input (a role name): that is no leak
        for mine, theirs in refs.replaced(other):
            echoed = echoed.replace(theirs, mine)
        assert json.dumps(body) == echoed, (
            f"{name} as {who}: the answer differs from an unknown id's: {body} vs {unknown}")
    if before is not None:
        after = [await snapshot(o, w, refs) for w in worlds]
        assert after == before, f"{name} as {who} was refused but changed something"
    if expected == "ok" and shows and e.shows:
        assert appears(getattr(refs, e.shows), json.dumps(body)), f"{name} as {who}: the target is not in {body}"
    return body


def appears(ref: str, text: str) -> bool:
    """The reference is in the text: as itself or, for a global id, as the raw UUID (CSV exports)."""
    if ref in text:
        return True
    try:
        return str(from_global_id(ref)[1]) in text
    except Exception:  # a name or token, not a global id
        return False


def assert_no_trace_of(o: Orgs, refs: Refs, body: dict, who: str, sent: dict) -> None:
    """No id of A in the answer (nor A's role name, unless it is the caller's own input echoed in a message)."""
    text = json.dumps(body)
    a_ids = [refs.org, refs.chapter, refs.user, *refs.records(), *refs.directory(),
             *(o.a.gid("User", u) for u in o.a.users.values()), *o.a.chapter_gids.values(),
             *([refs.member] if refs.member else []),
             *([refs.role] if refs.role and refs.role not in json.dumps(sent) else [])]
    leaked = [g for g in a_ids if appears(g, text)] + ([o.tag] if o.tag in text else [])
    assert not leaked, f"{who} sees organization A's records {leaked}: {text[:600]}"


# ---------------------------------------------------------------- the matrix tests


@pytest.mark.parametrize("name, caller", [pytest.param(n, c, id=f"{n}-{c}") for n in MATRIX for c in CALLERS])
async def test_permission_matrix(orgs, name, caller):
    o, e = orgs, MATRIX[name]
    refs = await make_refs(o, e.needs, email=o.emails[caller])
    token = await o.fresh_token(caller) if e.fresh_session else o.tokens[caller]
    foreign = caller == "other_org"
    if e.public and e.vars(refs) != e.vars(refs.unknown()):  # a made-up link is refused, whoever uses it
        made_up = await o.api(e.op, e.vars(refs.unknown()), token)
        assert outcome(name, made_up) not in ("ok", "INTERNAL"), f"{name} as {caller} with a made-up link: {made_up}"
    body = await check_call(o, name, e, refs, expectation(e, caller, refs), token, who=caller,
                            home=o.b if foreign else None, compare=foreign and not e.public, shows=not foreign)
    if foreign and not e.public:
        assert_no_trace_of(o, refs, body, f"{name} as other_org", e.vars(refs))


@pytest.fixture(scope="module")
async def node_targets(orgs) -> dict[str, str]:
    """One record of every node type in organization A (read-only, shared by the node tests)."""
    o = orgs
    refs = await make_refs(o, frozenset({"student", "consent", "escalation", "school", "closure",
                                         "campaign", "story", "network"}))
    admin = o.a.tokens["admin"]
    timeline = await o.api.data("query($id: ID!) { case(id: $id) { timeline { edges { node { id } } } } }",
                                {"id": refs.case}, admin)
    milestone = await o.api.data(MATRIX["recordCaseMilestone"].op, MATRIX["recordCaseMilestone"].vars(refs), admin)
    return {"Case": refs.case, "CaseEvent": timeline["case"]["timeline"]["edges"][0]["node"]["id"],
            "Family": refs.family, "Student": refs.student, "Consent": refs.consent, "School": refs.school,
            "District": refs.district, "DistrictContact": refs.contact, "DistrictClosure": refs.closure,
            "Escalation": refs.escalation, "CaseDeadline": milestone["recordCaseMilestone"]["started"][0]["id"],
            "Organization": refs.org, "Chapter": refs.chapter, "User": refs.user,
            "Campaign": refs.campaign, "Story": refs.story, "Network": refs.network}


@pytest.mark.parametrize("type_name, caller",
                         [pytest.param(t, c, id=f"node.{t}-{c}") for t in NODE_TYPES for c in CALLERS])
async def test_node_by_type(orgs, node_targets, type_name, caller):
    o = orgs
    gid = node_targets[type_name]
    _, roles = NODE_TYPES[type_name]
    q = "query($id: ID!) { node(id: $id) { id } }"
    body = await o.api(q, {"id": gid}, o.tokens[caller])
    unknown = await o.api(q, {"id": to_global_id(type_name, uuid.uuid4())}, o.tokens[caller])
    got = outcome("node", body)
    if caller in roles:
        assert body == {"data": {"node": {"id": gid}}}, f"{type_name} as {caller}: {body}"
        return
    assert got == ("UNAUTHENTICATED" if caller == "anonymous" else "null"), f"{type_name} as {caller}: {body}"
    assert body == unknown, f"{type_name} as {caller}: answer differs from an unknown id's: {body} vs {unknown}"


def _references() -> list:
    """(field, Refs attribute) for every reference a field's variables carry (ids, role names; not links)."""
    dummy = Refs(org="", chapter="", district="", school="", user="", email="", tag="t")
    dummy = replace(dummy, **{k: f"@{k}@" for k in (*Refs.TYPES, *Refs.NAMES)})
    out = []
    for n, e in MATRIX.items():
        if e.public:
            continue
        sent = json.dumps(e.vars(dummy))
        out += [pytest.param(n, k, id=f"{n}.{k}") for k in (*Refs.TYPES, *Refs.NAMES) if f"@{k}@" in sent]
    return out


@pytest.mark.parametrize("name, ref", _references())
async def test_naming_another_organizations_record_looks_unknown(orgs, name, ref):
    """A's admin (who may make every call) names one record of organization B among A's own: the answer is the one
    an unknown id gets, nothing of B shows, and nothing changes in either organization."""
    o, e = orgs, MATRIX[name]
    refs = await make_refs(o, e.needs, email=o.emails["admin"])
    theirs = await make_refs(o.mirror, e.needs, email=o.b.emails["admin"])
    foreign = replace(refs, **{ref: getattr(theirs, ref)})
    unknown = replace(refs, **{ref: getattr(refs.unknown(), ref)})
    token = await o.fresh_token("admin") if e.fresh_session else o.tokens["admin"]
    changes = e.kind == "mutation"  # it must be refused and change nothing
    before = [await snapshot(o, w, foreign) for w in (o.a, o.b)] if changes else None
    body = await o.api(e.op, e.vars(foreign), token)
    where = f"{name} naming B's {ref}: {json.dumps(body)[:600]}"
    got = outcome(name, body)
    assert got != "INTERNAL", where
    if changes:
        assert got != "ok", f"expected a refusal: {where}"
        assert [await snapshot(o, w, foreign) for w in (o.a, o.b)] == before, f"{where} changed something"
    text = json.dumps(body)
    shown = [g for g in theirs.records() + theirs.directory() + theirs.campaigns() if g != getattr(theirs, ref)
             and appears(g, text)]
    assert not shown, f"{where} shows B's records {shown}"
    if e.fresh_session:
        token = await o.fresh_token("admin")
    other = await o.api(e.op, e.vars(unknown), token)
    echoed = json.dumps(other).replace(getattr(unknown, ref), getattr(foreign, ref))
    assert text == echoed, f"{where}: the answer differs from an unknown id's: {other}"


# ---------------------------------------------------------------- record scope and family identity


# Fields that target a family or case record: record scope applies to them on top of the role.
SCOPED = [n for n, e in MATRIX.items() if e.needs & RECORDS and e.scoped]


@pytest.mark.parametrize("name, caller", [pytest.param(n, c, id=f"{n}-{c}") for n in SCOPED
                                          for c in ("advocate", "viewer", "advocate_south")])
async def test_another_chapters_records_look_unknown(orgs, name, caller):
    """An advocate or viewer of North cannot read, change or detect a South record that is not theirs."""
    o, e = orgs, MATRIX[name]
    refs = await make_refs(o, e.needs, chapter="South", email=o.emails[caller])
    role = "advocate" if caller == "advocate_south" else caller
    if role not in e.roles:
        expected = "null" if e.kind == "fetch" else "FORBIDDEN"
    elif caller == "advocate_south":
        expected = "ok"  # the same call in the record's own chapter works
    else:
        expected = "ok" if e.kind == "list" else ("null" if e.kind == "fetch" else "NOT_FOUND")
    north = caller != "advocate_south"
    body = await check_call(o, name, e, refs, expected, o.tokens[caller], who=f"{caller} (record in South)",
                            compare=north, shows=not north)
    if north:
        leaked = [g for g in refs.records() if g in json.dumps(body)]
        assert not leaked, f"{name} as {caller} (North) sees South records {leaked}: {body}"


IDENTITY = ("Rivera family", "Ana Rivera", "+1 617 555 0100", "Mateo", "sent home", "Called Ms. Rivera")
READS = [  # every read path to a family's identity fields
    ("case", """query($case: ID!) { case(id: $case) { id narrative outcomeNotes
       family { displayName phone email guardians { name phone } contactNotes addressArea redacted
                students { firstName lastName raceEthnicity gender } }
       student { firstName lastName } timeline { edges { node { body } } } } }"""),
    ("cases", """query($tag: String!) { cases(filter: {tags: [$tag]}) { edges { node { id narrative
       family { displayName guardians { name } } student { firstName } timeline { edges { node { body } } } } } } }"""),
    ("family", """query($family: ID!) { family(id: $family) { id displayName phone guardians { name phone }
       students { firstName lastName }
       cases { edges { node { narrative timeline { edges { node { body } } } } } } } }"""),
    ("families", """query($chapter: ID) { families(chapterId: $chapter, first: 100) {
       edges { node { id displayName guardians { name } } } } }"""),
    ("node", """query($student: ID!, $case: ID!, $family: ID!) {
       s: node(id: $student) { id ... on Student { firstName lastName } }
       f: node(id: $family) { id ... on Family { displayName guardians { name phone } } }
       node(id: $case) { id ... on Case { narrative family { displayName } } } }"""),
    ("escalations", """query($case: ID!) { escalations(filter: {caseId: $case}) { edges { node { id summary
       remedyRequested responseNotes case { id narrative family { displayName guardians { name } } } } } } }"""),
]


async def test_family_identity_needs_its_own_permission(orgs):
    """Viewers see redacted records and campaign leads none at all: no read path hands out identity fields."""
    o = orgs
    admin = o.a.tokens["admin"]
    refs = await make_refs(o, frozenset({"student", "escalation"}))
    note = await o.api.data("mutation($i: AddCaseNoteInput!) { addCaseNote(input: $i) { event { id } } }",
                            {"i": {"caseId": refs.case, "body": "Called Ms. Rivera at home"}}, admin)
    assert note["addCaseNote"]["event"]
    variables = {"case": refs.case, "family": refs.family, "student": refs.student, "tag": refs.tag,
                 "chapter": refs.chapter}
    for name, q in READS:
        used = {k: v for k, v in variables.items() if f"${k}" in q}
        seen = json.dumps(await o.api.data(q, used, o.a.tokens["advocate"]))
        assert refs.family in seen or refs.case in seen, f"{name}: the advocate should see the record: {seen}"
        assert "Rivera family" in seen, f"{name}: the advocate should see identity fields: {seen[:600]}"
        for caller in ("viewer", "campaign_lead"):
            text = json.dumps(await o.api(q, used, o.a.tokens[caller]))
            shown = [s for s in IDENTITY if s in text]
            assert not shown, f"{name} as {caller} shows identity fields {shown}: {text[:600]}"
            if caller == "viewer":
                assert refs.family in text or refs.case in text, f"{name}: the viewer should see the record: {text}"
    # Searching for words only the narrative holds finds nothing without the identity permission.
    word = uuid.uuid4().hex
    hidden = await open_case(o.api, admin, refs.family, narrative=f"Sent home again ({word}).")
    by_narrative = "query($w: String) { cases(filter: {search: $w}) { edges { node { id } } } }"
    assert hidden["id"] in json.dumps(await o.api.data(by_narrative, {"w": word}, o.a.tokens["advocate"]))
    assert await o.api(by_narrative, {"w": word}, o.a.tokens["viewer"]) == {"data": {"cases": {"edges": []}}}
    by_name = "query { families(search: \"Rivera\", first: 100) { edges { node { id } } } }"
    assert outcome("families", await o.api(by_name, token=o.a.tokens["viewer"])) == "FORBIDDEN"


async def test_a_member_of_two_organizations_acting_in_the_other_cannot_reach_a(orgs):
    """The session's organization bounds access, not the person: A's advocate signed in to C (as its admin)
    answers every field as an outsider to A."""
    o = orgs
    c = await make_world(o.db, "Matrix Org C")
    email = o.a.emails["advocate"]
    async with o.db.transaction() as s:
        await create_user(s, organization_id=c.org_id, email=email, password=None, display_name="Advocate",
                          roles=["admin"])

    async def session_in_c() -> str:
        return (await login(o.db, email=email, password=PASSWORD, organization_id=c.org_id,
                            ttl=timedelta(hours=1))).token

    token = await session_in_c()
    for name, e in MATRIX.items():
        if name == "login":  # signing in to A is theirs to do
            continue
        refs = await make_refs(o, e.needs, email=email)
        expected = REFUSED if e.vars(refs) != e.vars(refs.unknown()) and e.kind != "list" else e.allowed
        if e.public:  # the link is the authority, not the session
            expected = e.allowed
        body = await check_call(o, name, e, refs, expected, await session_in_c() if e.fresh_session else token,
                                who="A's advocate acting in C", home=c, compare=not e.public, shows=False)
        leaked = [g for g in refs.records() if g in json.dumps(body)]
        assert not leaked, f"{name} acting in C shows A's records {leaked}: {body}"


# ---------------------------------------------------------------- the policy cache (regressions)


async def test_one_organizations_requests_leave_anothers_permissions_alone(orgs, monkeypatch):
    o = orgs
    monkeypatch.setattr(identity_service, "_policy_cache", PolicyCache())  # a cold cache
    me = "query { me { roles permissions } }"
    first = await o.api.data(me, token=o.a.tokens["admin"])
    assert first["me"]["roles"] == ["admin"]
    await o.api.data(me, token=o.b.tokens["admin"])  # organization B's enforcer is built now
    assert await o.api.data(me, token=o.a.tokens["admin"]) == first, "A's admin lost their roles after B's request"
    await create_family(o.api, o.a.tokens["admin"], o.a.chapter_gids["North"])


async def test_a_grant_removed_from_the_policy_stops_working(orgs, monkeypatch):
    o = orgs
    monkeypatch.setattr(identity_service, "_policy_cache", PolicyCache())  # a cold cache
    c = await make_world(o.db, "Matrix Org D")
    list_cases = "query { cases { edges { node { id } } } }"
    assert outcome("cases", await o.api(list_cases, token=c.tokens["viewer"])) == "ok"
    async with o.db.transaction() as s:
        await s.execute(sa_delete(PolicyRule).where(
            PolicyRule.organization_id == c.org_id, PolicyRule.ptype == "p", PolicyRule.v0 == "viewer",
            PolicyRule.v2 == "case", PolicyRule.v3 == "read"))
        await bump_policy_version(s, c.org_id)
    assert outcome("cases", await o.api(list_cases, token=c.tokens["viewer"])) == "FORBIDDEN", (
        "the viewer still reads cases after case:read was removed from the viewer role")
