"""GraphQL operations and helpers shared by the administration tests."""

from __future__ import annotations

import re
import uuid

from sqlalchemy import select

from domain.outbox.models import OutboxMessage

ERR = "errors { code message field }"
MEMBER = "member { user { id email displayName } status roles chapters { name } joinedAt deactivatedAt }"
ROLE = "role { name description builtIn memberCount grants { key resource action } }"

INVITE = f"mutation($i: InviteUserInput!) {{ inviteUser(input: $i) {{ {MEMBER} {ERR} }} }}"
RESEND = f"mutation($i: ResendInvitationInput!) {{ resendInvitation(input: $i) {{ {MEMBER} {ERR} }} }}"
ACCEPT = f"""mutation($i: AcceptInvitationInput!) {{ acceptInvitation(input: $i) {{ token {ERR}
  me {{ user {{ email displayName }} organization {{ id }} roles permissions chapters {{ name }} }} }} }}"""
REQUEST_RESET = f"mutation($i: RequestPasswordResetInput!) {{ requestPasswordReset(input: $i) {{ ok {ERR} }} }}"
RESET = f"mutation($i: ResetPasswordInput!) {{ resetPassword(input: $i) {{ ok {ERR} }} }}"
SET_ROLES = f"mutation($i: SetUserRolesInput!) {{ setUserRoles(input: $i) {{ {MEMBER} {ERR} }} }}"
SET_CHAPTERS = f"mutation($i: SetUserChaptersInput!) {{ setUserChapters(input: $i) {{ {MEMBER} {ERR} }} }}"
DEACTIVATE = f"mutation($i: DeactivateUserInput!) {{ deactivateUser(input: $i) {{ {MEMBER} {ERR} }} }}"
REACTIVATE = f"mutation($i: ReactivateUserInput!) {{ reactivateUser(input: $i) {{ {MEMBER} {ERR} }} }}"
USERS = """query($f: UserFilter, $first: Int, $after: String) { users(filter: $f, first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor }
  edges { cursor node { user { id email displayName } status roles chapters { name } lastSeenAt } } } }"""

ROLES = "query { roles { name description builtIn memberCount grants { key } } }"
CATALOG = "query { permissionCatalog { key resource action description } }"
CREATE_ROLE = f"mutation($i: CreateRoleInput!) {{ createRole(input: $i) {{ {ROLE} {ERR} }} }}"
GRANT = f"mutation($i: GrantPermissionInput!) {{ grantPermission(input: $i) {{ {ROLE} {ERR} }} }}"
REVOKE = f"mutation($i: RevokePermissionInput!) {{ revokePermission(input: $i) {{ {ROLE} {ERR} }} }}"
DELETE_ROLE = f"mutation($i: DeleteRoleInput!) {{ deleteRole(input: $i) {{ ok {ERR} }} }}"

SETTINGS = f"""mutation($i: UpdateOrganizationSettingsInput!) {{ updateOrganizationSettings(input: $i) {{
  organization {{ id name suppressionThreshold languages version }} {ERR} }} }}"""
CREATE_CHAPTER = ("mutation($i: CreateChapterInput!) "
                  f"{{ createChapter(input: $i) {{ chapter {{ id name version }} {ERR} }} }}")
RENAME_CHAPTER = ("mutation($i: RenameChapterInput!) "
                  f"{{ renameChapter(input: $i) {{ chapter {{ id name version }} {ERR} }} }}")

AUDIT = """query($f: AuditEventFilter, $first: Int, $after: String) {
  auditEvents(filter: $f, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node { id at action actorId actor { id email } entityType entityId requestId detail } } } }"""
EXPORT = f"""mutation($i: ExportAuditEventsInput) {{ exportAuditEvents(input: $i) {{ csv rowCount truncated {ERR} }} }}"""

ME = "query { me { user { email displayName } roles permissions chapters { name } organization { id } } }"
LOGIN = f"""mutation($i: LoginInput!) {{ login(input: $i) {{ token {ERR} }} }}"""

TOKEN_RE = re.compile(r"[?&]token=([A-Za-z0-9_\-]+)")


async def mails_to(db, user_id: uuid.UUID, kind: str) -> list[OutboxMessage]:
    """Messages queued for a user (invitations, resets), oldest first."""
    async with db.reader() as s:
        return list(await s.scalars(select(OutboxMessage).where(
            OutboxMessage.related_type == "User", OutboxMessage.related_id == user_id, OutboxMessage.kind == kind)
            .order_by(OutboxMessage.created_at, OutboxMessage.id)))


async def link_token(db, user_id: uuid.UUID, kind: str) -> str:
    """The token of the newest link mailed to the user, read from the message body as the user would."""
    mails = await mails_to(db, user_id, kind)
    assert mails, f"no {kind} mail queued"
    match = TOKEN_RE.search(mails[-1].body_text)
    assert match, mails[-1].body_text
    return match.group(1)


def user_uuid(gid: str) -> uuid.UUID:
    from api.relay import from_global_id
    return from_global_id(gid)[1]
