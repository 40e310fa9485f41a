"""Users: invitations, password resets, roles, chapters, deactivation, the last-admin guard, tenant isolation."""

from __future__ import annotations

import hashlib
import re
import uuid
from datetime import timedelta

from sqlalchemy import select, update

from domain.audit.models import AuditEvent
from domain.db import utcnow
from domain.identity.models import TokenPurpose, User, UserToken
from tests.api.admin_ops import (
    ACCEPT, CREATE_ROLE, DEACTIVATE, GRANT, INVITE, LOGIN, ME, REACTIVATE, REQUEST_RESET, RESEND, RESET, SET_CHAPTERS,
    SET_ROLES, USERS, link_token, mails_to, user_uuid,
)
from tests.conftest import PASSWORD

NEW_PASSWORD = "a brand new passphrase"


async def _invite(api, world, email=None, **extra) -> dict:
    email = email or f"invitee-{uuid.uuid4().hex[:8]}@example.org"
    body = (await api.data(INVITE, {"i": {"email": email, "roles": ["advocate"], **extra}},
                           world.tokens["admin"]))["inviteUser"]
    assert body["errors"] == [], body
    return body["member"]


async def _audit_actions(db, org_id, entity_id=None) -> list[str]:
    async with db.reader() as s:
        q = select(AuditEvent.action).where(AuditEvent.organization_id == org_id)
        if entity_id is not None:
            q = q.where(AuditEvent.entity_id == entity_id)
        return list(await s.scalars(q.order_by(AuditEvent.at, AuditEvent.id)))


async def test_invitation_end_to_end(api, client, db, world):
    email = f"Nueva-{uuid.uuid4().hex[:8]}@Example.org"
    member = await _invite(api, world, email, displayName="Rosa", language="es",
                           chapterIds=[world.chapter_gids["North"]])
    assert member["status"] == "INVITED" and member["roles"] == ["advocate"]
    assert member["user"]["email"] == email.lower() and member["chapters"] == [{"name": "North"}]
    uid = user_uuid(member["user"]["id"])

    # the mail: Spanish, to the invitee, with the link on the default public URL
    [mail] = await mails_to(db, uid, "user_invitation")
    assert mail.to_addrs == [email.lower()] and mail.language == "es" and mail.status.value == "PENDING"
    assert "http://127.0.0.1:8000/accept-invite?token=" in mail.body_text and "Hola, Rosa:" in mail.body_text
    assert re.search(r"/accept-invite\?token=[A-Za-z0-9_\-]+&lang=es\s", mail.body_text)  # the page opens in Spanish
    token = await link_token(db, uid, "user_invitation")
    # only the token's SHA-256 is stored
    async with db.reader() as s:
        rows = list(await s.scalars(select(UserToken).where(UserToken.user_id == uid)))
    assert [r.token_hash for r in rows] == [hashlib.sha256(token.encode()).hexdigest()]
    assert rows[0].purpose == TokenPurpose.INVITATION and token not in rows[0].token_hash

    # not a member until the invitation is accepted
    denied = (await api.data(LOGIN, {"i": {"email": email, "password": NEW_PASSWORD}}))["login"]
    assert denied["errors"][0]["code"] == "UNAUTHENTICATED"

    short = (await api.data(ACCEPT, {"i": {"token": token, "password": "short", "displayName": "Rosa M."}}))
    assert short["acceptInvitation"]["errors"][0]["field"] == "password"  # and the link still works:
    r = await api.raw(ACCEPT, {"i": {"token": token, "password": NEW_PASSWORD, "displayName": "Rosa Martínez"}})
    body = r.json()["data"]["acceptInvitation"]
    assert body["errors"] == [] and body["token"]
    assert body["me"]["user"] == {"email": email.lower(), "displayName": "Rosa Martínez"}
    assert body["me"]["roles"] == ["advocate"] and body["me"]["chapters"] == [{"name": "North"}]
    assert body["me"]["organization"]["id"] == world.gid("Organization", world.org_id)
    assert "advocase_session=" in r.headers["set-cookie"]
    assert (await api.data(ME, token=body["token"]))["me"]["roles"] == ["advocate"]

    # single use
    again = (await api.data(ACCEPT, {"i": {"token": token, "password": NEW_PASSWORD, "displayName": "X"}}))
    assert again["acceptInvitation"]["errors"][0]["code"] == "VALIDATION"
    assert again["acceptInvitation"]["errors"][0]["field"] == "token" and again["acceptInvitation"]["token"] is None

    # signs in with the password chosen, and shows as active
    ok = (await api.data(LOGIN, {"i": {"email": email, "password": NEW_PASSWORD}}))["login"]
    assert ok["errors"] == [] and ok["token"]
    users = (await api.data(USERS, {"f": {"search": email.lower()}}, world.tokens["admin"]))["users"]
    assert [e["node"]["status"] for e in users["edges"]] == ["ACTIVE"]
    actions = await _audit_actions(db, world.org_id, uid)
    assert {"user.invite", "user.invite_accept", "login.success"} <= set(actions)


async def test_invitation_links_expire_and_a_new_one_replaces_the_old(api, db, world):
    member = await _invite(api, world)
    uid = user_uuid(member["user"]["id"])
    first = await link_token(db, uid, "user_invitation")
    async with db.transaction() as s:
        await s.execute(update(UserToken).where(UserToken.user_id == uid)
                        .values(expires_at=utcnow() - timedelta(minutes=1)))
    expired = (await api.data(ACCEPT, {"i": {"token": first, "password": NEW_PASSWORD, "displayName": "Late"}}))
    assert expired["acceptInvitation"]["errors"][0]["field"] == "token"

    resent = (await api.data(RESEND, {"i": {"userId": member["user"]["id"]}}, world.tokens["admin"]))
    assert resent["resendInvitation"]["errors"] == [] and resent["resendInvitation"]["member"]["status"] == "INVITED"
    second = await link_token(db, uid, "user_invitation")
    assert second != first and len(await mails_to(db, uid, "user_invitation")) == 2
    # the first link stays dead even if it had not expired: the new one replaced it
    async with db.transaction() as s:
        await s.execute(update(UserToken).where(UserToken.token_hash == hashlib.sha256(first.encode()).hexdigest())
                        .values(expires_at=utcnow() + timedelta(days=1)))
    old = (await api.data(ACCEPT, {"i": {"token": first, "password": NEW_PASSWORD, "displayName": "Late"}}))
    assert old["acceptInvitation"]["errors"][0]["field"] == "token"
    new = (await api.data(ACCEPT, {"i": {"token": second, "password": NEW_PASSWORD, "displayName": "Late"}}))
    assert new["acceptInvitation"]["errors"] == []
    # an accepted invitation cannot be resent
    late = (await api.data(RESEND, {"i": {"userId": member["user"]["id"]}}, world.tokens["admin"]))
    assert late["resendInvitation"]["errors"][0]["code"] == "CONFLICT"
    bogus = (await api.data(ACCEPT, {"i": {"token": "not-a-token", "password": NEW_PASSWORD, "displayName": "X"}}))
    assert bogus["acceptInvitation"]["errors"] == old["acceptInvitation"]["errors"]


async def test_invitation_input_is_checked(api, world, other_world):
    admin = world.tokens["admin"]

    async def err(i):
        body = (await api.data(INVITE, {"i": {"email": f"x-{uuid.uuid4().hex[:6]}@example.org", "roles": [],
                                              **i}}, admin))["inviteUser"]
        assert body["member"] is None
        return body["errors"][0]

    assert (await err({"roles": ["wizard"]}))["field"] == "roles"
    assert (await err({"email": "not an email"}))["field"] == "email"
    assert (await err({"chapterIds": [other_world.chapter_gids["North"]]})) == {
        "code": "VALIDATION", "message": "No such chapter in your organization.", "field": "chapterIds"}
    assert (await err({"email": world.emails["viewer"]}))["code"] == "CONFLICT"
    # only user managers may invite
    body = (await api.data(INVITE, {"i": {"email": "y@example.org", "roles": []}}, world.tokens["advocate"]))
    assert body["inviteUser"]["errors"][0]["code"] == "FORBIDDEN"


async def test_a_pending_invitation_shows_the_inviters_words_not_the_accounts_name(api, db, world, other_world):
    """Accounts are shared by the organizations a person belongs to: inviting an address that has an account
    elsewhere must not show the name it goes by there (nor find the invitation by that name)."""
    elsewhere = other_world.emails["admin"]  # "Ada Admin" in the other organization
    admin = world.tokens["admin"]
    plain = await _invite(api, world, elsewhere.upper())
    assert plain["status"] == "INVITED" and plain["user"]["displayName"] == elsewhere.split("@")[0]
    assert (await api.data(USERS, {"f": {"search": "Ada", "status": ["INVITED"]}}, admin))["users"]["edges"] == []
    [mail] = await mails_to(db, user_uuid(plain["user"]["id"]), "user_invitation")
    assert mail.body_text.startswith("Hello,")  # no name was given
    # nor does the account itself answer by its id until they join
    node = await api.data('query($id: ID!) { node(id: $id) { ... on User { displayName } } }',
                          {"id": plain["user"]["id"]}, admin)
    assert node == {"node": None}

    # a name given by the inviter is what this organization sees and finds, and what the invitation says
    named = other_world.emails["viewer"]
    member = await _invite(api, world, named, displayName="Helen from the PTA")
    assert member["user"]["displayName"] == "Helen from the PTA"
    found = (await api.data(USERS, {"f": {"search": "pta"}}, admin))["users"]["edges"]
    assert [e["node"]["user"]["email"] for e in found] == [named]
    [mail] = await mails_to(db, user_uuid(member["user"]["id"]), "user_invitation")
    assert mail.body_text.startswith("Hello Helen from the PTA,")
    # the other organization still sees its own member's name
    theirs = (await api.data(USERS, {"f": {"search": named}}, other_world.tokens["admin"]))["users"]["edges"]
    assert [e["node"]["user"]["displayName"] for e in theirs] == ["Viewer"]

    # once they join, the name they chose is shown
    token = await link_token(db, user_uuid(member["user"]["id"]), "user_invitation")
    joined = (await api.data(ACCEPT, {"i": {"token": token, "password": NEW_PASSWORD, "displayName": "Helen O."}}))
    assert joined["acceptInvitation"]["errors"] == []
    found = (await api.data(USERS, {"f": {"search": named}}, admin))["users"]["edges"]
    assert [(e["node"]["user"]["displayName"], e["node"]["status"]) for e in found] == [("Helen O.", "ACTIVE")]
    node = await api.data('query($id: ID!) { node(id: $id) { ... on User { displayName } } }',
                          {"id": member["user"]["id"]}, admin)
    assert node == {"node": {"displayName": "Helen O."}}


async def test_password_reset(api, db, world):
    email, uid = world.emails["advocate"], world.users["advocate"]
    other_session = (await api.data(LOGIN, {"i": {"email": email, "password": PASSWORD}}))["login"]["token"]
    known = await api.raw(REQUEST_RESET, {"i": {"email": email.upper()}})
    unknown = await api.raw(REQUEST_RESET, {"i": {"email": f"nobody-{uuid.uuid4().hex[:6]}@example.org"}})
    malformed = await api.raw(REQUEST_RESET, {"i": {"email": "nope"}})
    assert known.json() == unknown.json() == malformed.json() == {
        "data": {"requestPasswordReset": {"ok": True, "errors": []}}}
    assert known.headers.get("set-cookie") is None
    [mail] = await mails_to(db, uid, "password_reset")
    assert mail.to_addrs == [email] and "http://127.0.0.1:8000/reset-password?token=" in mail.body_text
    assert re.search(r"/reset-password\?token=[A-Za-z0-9_\-]+&lang=en\s", mail.body_text)  # the mail's language
    token = await link_token(db, uid, "password_reset")

    short = (await api.data(RESET, {"i": {"token": token, "newPassword": "short"}}))["resetPassword"]
    assert short == {"ok": False, "errors": [{"code": "VALIDATION", "field": "newPassword",
                                              "message": "Passwords need at least 10 characters."}]}
    done = (await api.data(RESET, {"i": {"token": token, "newPassword": NEW_PASSWORD}}))["resetPassword"]
    assert done == {"ok": True, "errors": []}
    # every session of the account ended; the old password is gone, the new one works
    for t in (world.tokens["advocate"], other_session):
        assert (await api.data(ME, token=t))["me"] is None
    old = (await api.data(LOGIN, {"i": {"email": email, "password": PASSWORD}}))["login"]
    assert old["errors"][0]["code"] == "UNAUTHENTICATED"
    assert (await api.data(LOGIN, {"i": {"email": email, "password": NEW_PASSWORD}}))["login"]["token"]
    # single use
    again = (await api.data(RESET, {"i": {"token": token, "newPassword": "yet another passphrase"}}))["resetPassword"]
    assert again["ok"] is False and again["errors"][0]["field"] == "token"
    assert "password_reset.complete" in await _audit_actions(db, world.org_id, uid)


async def test_password_reset_links_expire_and_mails_are_rate_limited(api, db, world):
    email, uid = world.emails["viewer"], world.users["viewer"]
    for _ in range(5):
        assert (await api.data(REQUEST_RESET, {"i": {"email": email}}))["requestPasswordReset"]["ok"]
    assert len(await mails_to(db, uid, "password_reset")) == 3  # at most 3 an hour
    token = await link_token(db, uid, "password_reset")
    async with db.transaction() as s:
        await s.execute(update(UserToken).where(UserToken.user_id == uid)
                        .values(expires_at=utcnow() - timedelta(seconds=1)))
    late = (await api.data(RESET, {"i": {"token": token, "newPassword": NEW_PASSWORD}}))["resetPassword"]
    assert late["ok"] is False and late["errors"][0]["field"] == "token"
    assert (await api.data(ME, token=world.tokens["viewer"]))["me"] is not None  # nothing changed


async def test_deactivation_ends_sessions_at_once_and_reactivation_restores_access(api, db, world):
    admin, gid = world.tokens["admin"], world.gid("User", world.users["advocate"])
    second = (await api.data(LOGIN, {"i": {"email": world.emails["advocate"], "password": PASSWORD}}))["login"]
    assert (await api.data(ME, token=world.tokens["advocate"]))["me"] is not None
    body = (await api.data(DEACTIVATE, {"i": {"userId": gid}}, admin))["deactivateUser"]
    assert body["errors"] == [] and body["member"]["status"] == "DEACTIVATED" and body["member"]["deactivatedAt"]
    for t in (world.tokens["advocate"], second["token"]):
        assert (await api.data(ME, token=t))["me"] is None
        denied = await api("query { cases { edges { node { id } } } }", token=t)
        assert denied["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    login = (await api.data(LOGIN, {"i": {"email": world.emails["advocate"], "password": PASSWORD}}))["login"]
    assert login["errors"][0]["code"] == "UNAUTHENTICATED"
    # a password reset does not bring them back here either
    await api.data(REQUEST_RESET, {"i": {"email": world.emails["advocate"]}})
    assert await mails_to(db, world.users["advocate"], "password_reset") == []

    back = (await api.data(REACTIVATE, {"i": {"userId": gid}}, admin))["reactivateUser"]
    assert back["errors"] == [] and back["member"]["status"] == "ACTIVE" and back["member"]["deactivatedAt"] is None
    login = (await api.data(LOGIN, {"i": {"email": world.emails["advocate"], "password": PASSWORD}}))["login"]
    assert login["errors"] == []
    myself = (await api.data(DEACTIVATE, {"i": {"userId": world.gid("User", world.users["admin"])}}, admin))
    assert myself["deactivateUser"]["errors"][0] == {"code": "VALIDATION", "field": "userId",
                                                     "message": "You cannot deactivate yourself."}
    actions = await _audit_actions(db, world.org_id, world.users["advocate"])
    assert "user.deactivate" in actions and "user.reactivate" in actions


async def test_an_organization_keeps_an_active_admin(api, world):
    admin, admin_gid = world.tokens["admin"], world.gid("User", world.users["admin"])
    lead_gid = world.gid("User", world.users["campaign_lead"])
    alone = (await api.data(SET_ROLES, {"i": {"userId": admin_gid, "roles": ["advocate"]}}, admin))["setUserRoles"]
    assert alone["member"] is None and alone["errors"][0]["code"] == "CONFLICT"
    # a second admin: now the first may step down, and the second is the last one
    promoted = (await api.data(SET_ROLES, {"i": {"userId": lead_gid, "roles": ["admin", "campaign_lead"]}}, admin))
    assert promoted["setUserRoles"]["member"]["roles"] == ["admin", "campaign_lead"]
    lead = world.tokens["campaign_lead"]
    assert "user:manage" in (await api.data(ME, token=lead))["me"]["permissions"]
    down = (await api.data(SET_ROLES, {"i": {"userId": admin_gid, "roles": ["advocate"]}}, lead))["setUserRoles"]
    assert down["errors"] == [] and down["member"]["roles"] == ["advocate"]
    last = (await api.data(SET_ROLES, {"i": {"userId": lead_gid, "roles": []}}, lead))["setUserRoles"]
    assert last["errors"][0]["code"] == "CONFLICT"
    assert (await api.data(ME, token=admin))["me"]["roles"] == ["advocate"]
    # the other way round: the first is admin again, deactivates the second; then cannot be removed
    assert (await api.data(SET_ROLES, {"i": {"userId": admin_gid, "roles": ["admin"]}}, lead))["setUserRoles"]["errors"] == []
    gone = (await api.data(DEACTIVATE, {"i": {"userId": lead_gid}}, admin))["deactivateUser"]
    assert gone["errors"] == []
    last = (await api.data(SET_ROLES, {"i": {"userId": admin_gid, "roles": ["viewer"]}}, admin))["setUserRoles"]
    assert last["errors"][0]["code"] == "CONFLICT"


async def test_user_managers_who_are_not_admins_cannot_escalate(api, world):
    admin = world.tokens["admin"]
    made = (await api.data(CREATE_ROLE, {"i": {"name": "Office Manager", "basedOn": "viewer"}}, admin))["createRole"]
    assert made["errors"] == [] and made["role"]["name"] == "office_manager"
    assert (await api.data(GRANT, {"i": {"role": "office_manager", "resource": "user", "action": "manage"}},
                           admin))["grantPermission"]["errors"] == []
    viewer_gid = world.gid("User", world.users["viewer"])
    assert (await api.data(SET_ROLES, {"i": {"userId": viewer_gid, "roles": ["office_manager"]}},
                           admin))["setUserRoles"]["errors"] == []
    manager = world.tokens["viewer"]
    # may give and take away what it holds (viewer, user:manage), not more
    lead = world.gid("User", world.users["campaign_lead"])
    taking = (await api.data(SET_ROLES, {"i": {"userId": lead, "roles": ["viewer"]}}, manager))["setUserRoles"]
    assert taking["errors"][0]["code"] == "FORBIDDEN"  # campaign_lead holds campaign permissions it lacks
    assert (await api.data(SET_ROLES, {"i": {"userId": lead, "roles": ["viewer"]}}, admin))["setUserRoles"][
        "errors"] == []
    for roles in (["office_manager"], ["viewer"]):
        ok = (await api.data(SET_ROLES, {"i": {"userId": lead, "roles": roles}}, manager))["setUserRoles"]
        assert ok["errors"] == [], ok
    for roles in (["admin"], ["advocate"]):
        body = (await api.data(SET_ROLES, {"i": {"userId": lead, "roles": roles}}, manager))["setUserRoles"]
        assert body["errors"][0]["code"] == "FORBIDDEN", body
    self_up = (await api.data(SET_ROLES, {"i": {"userId": viewer_gid, "roles": ["office_manager", "admin"]}},
                              manager))["setUserRoles"]
    assert self_up["errors"][0]["code"] == "FORBIDDEN"
    # and cannot act on someone holding more than it does
    admin_gid = world.gid("User", world.users["admin"])
    assert (await api.data(DEACTIVATE, {"i": {"userId": admin_gid}}, manager))["deactivateUser"]["errors"][0][
        "code"] == "FORBIDDEN"
    invite = (await api.data(INVITE, {"i": {"email": f"z-{uuid.uuid4().hex[:6]}@example.org", "roles": ["admin"]}},
                             manager))["inviteUser"]
    assert invite["errors"][0]["code"] == "FORBIDDEN"


async def test_chapter_scope_can_be_changed(api, world):
    gid = world.gid("User", world.users["advocate"])
    body = (await api.data(SET_CHAPTERS, {"i": {"userId": gid, "chapterIds": [world.chapter_gids["South"]]}},
                           world.tokens["admin"]))["setUserChapters"]
    assert body["errors"] == [] and body["member"]["chapters"] == [{"name": "South"}]
    assert (await api.data(ME, token=world.tokens["advocate"]))["me"]["chapters"] == [{"name": "South"}]
    both = (await api.data(SET_CHAPTERS, {"i": {"userId": gid, "chapterIds": list(world.chapter_gids.values())}},
                           world.tokens["admin"]))["setUserChapters"]
    assert [c["name"] for c in both["member"]["chapters"]] == ["North", "South"]


async def test_users_list_filters_and_pages(api, world):
    admin = world.tokens["admin"]
    invited = await _invite(api, world)
    await api.data(DEACTIVATE, {"i": {"userId": world.gid("User", world.users["viewer"])}}, admin)

    async def emails(f=None, first=None, after=None):
        page = (await api.data(USERS, {"f": f, "first": first, "after": after}, admin))["users"]
        return [e["node"]["user"]["email"] for e in page["edges"]], page

    everyone, page = await emails()
    assert page["totalCount"] == 6 and everyone == sorted(everyone)
    assert set(everyone) == set(world.emails.values()) | {invited["user"]["email"]}
    assert (await emails({"role": "advocate"}))[0] == sorted([world.emails["advocate"], world.emails["advocate_south"],
                                                              invited["user"]["email"]])
    assert (await emails({"search": "SOUTH"}))[0] == [world.emails["advocate_south"]]
    assert (await emails({"search": "%"}))[0] == []  # literally, not a wildcard
    assert (await emails({"status": ["INVITED"]}))[0] == [invited["user"]["email"]]
    assert (await emails({"status": ["DEACTIVATED"]}))[0] == [world.emails["viewer"]]
    inactive, _ = await emails({"active": False})
    assert sorted(inactive) == sorted([invited["user"]["email"], world.emails["viewer"]])
    assert len((await emails({"active": True}))[0]) == 4
    first, p1 = await emails(first=4)
    rest, p2 = await emails(first=4, after=p1["pageInfo"]["endCursor"])
    assert p1["pageInfo"]["hasNextPage"] and not p2["pageInfo"]["hasNextPage"] and first + rest == everyone
    denied = await api(USERS, token=world.tokens["advocate"])
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_other_organizations_members_are_unknown(api, world, other_world):
    admin = world.tokens["admin"]
    foreign = world.gid("User", other_world.users["advocate"])
    unknown = world.gid("User", uuid.uuid4())
    for op, name, extra in ((SET_ROLES, "setUserRoles", {"roles": ["viewer"]}),
                            (SET_CHAPTERS, "setUserChapters", {"chapterIds": []}),
                            (DEACTIVATE, "deactivateUser", {}), (REACTIVATE, "reactivateUser", {}),
                            (RESEND, "resendInvitation", {})):
        a = await api.data(op, {"i": {"userId": foreign, **extra}}, admin)
        b = await api.data(op, {"i": {"userId": unknown, **extra}}, admin)
        assert a == b and a[name]["errors"][0]["code"] == "NOT_FOUND", (name, a)
    # nothing changed over there
    assert (await api.data(ME, token=other_world.tokens["advocate"]))["me"]["roles"] == ["advocate"]
    everyone = (await api.data(USERS, {"first": 100}, admin))["users"]["edges"]
    assert not {e["node"]["user"]["email"] for e in everyone} & set(other_world.emails.values())
    # a member of both organizations is managed in each separately
    invited = (await api.data(INVITE, {"i": {"email": other_world.emails["viewer"], "roles": ["viewer"]}}, admin))
    assert invited["inviteUser"]["member"]["status"] == "INVITED"
    assert (await api.data(ME, token=other_world.tokens["viewer"]))["me"]["roles"] == ["viewer"]


async def test_an_existing_account_accepts_with_a_new_password_and_its_sessions_end(api, db, world, other_world):
    email, uid = other_world.emails["viewer"], other_world.users["viewer"]
    await api.data(INVITE, {"i": {"email": email, "roles": ["advocate"]}}, world.tokens["admin"])
    mail = (await mails_to(db, uid, "user_invitation"))[-1]
    assert mail.organization_id == world.org_id and "Hello," in mail.body_text  # no name: they have one already
    token = await link_token(db, uid, "user_invitation")
    body = (await api.data(ACCEPT, {"i": {"token": token, "password": NEW_PASSWORD, "displayName": "Vera"}}))
    me = body["acceptInvitation"]["me"]
    assert me["roles"] == ["advocate"] and me["organization"]["id"] == world.gid("Organization", world.org_id)
    # the link set the account's password: its other sessions end, as after a reset
    assert (await api.data(ME, token=other_world.tokens["viewer"]))["me"] is None
    there = (await api.data(LOGIN, {"i": {"email": email, "password": NEW_PASSWORD,
                                          "organizationId": world.gid("Organization", other_world.org_id)}}))
    assert there["login"]["errors"] == []
    assert (await api.data(ME, token=there["login"]["token"]))["me"]["roles"] == ["viewer"]


async def test_mailed_links_open_a_page_of_the_app(client):
    shell = (await client.get("/cases")).text  # the web app (or its placeholder before it is built)
    for path in ("/accept-invite", "/reset-password"):
        r = await client.get(f"{path}?token=abc&lang=es")
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html") and r.text == shell
        # the token in the address is never stored in a cache nor sent on as a Referer
        assert r.headers["cache-control"] == "no-store" and r.headers["referrer-policy"] == "no-referrer"


async def test_an_invitation_in_a_language_not_offered_is_refused(api, db, world):
    email = f"invitee-{uuid.uuid4().hex[:8]}@example.org"
    body = (await api.data(INVITE, {"i": {"email": email, "roles": ["advocate"], "language": "fr"}},
                           world.tokens["admin"]))["inviteUser"]
    assert body["member"] is None
    assert [(e["code"], e["field"]) for e in body["errors"]] == [("VALIDATION", "language")]
    assert "en, es" in body["errors"][0]["message"]
    async with db.reader() as s:  # nobody was created or invited
        assert await s.scalar(select(User).where(User.email == email)) is None
    ok = await _invite(api, world, email, language=" ES ")  # a code the organization offers, tidied
    [mail] = await mails_to(db, user_uuid(ok["user"]["id"]), "user_invitation")
    assert mail.language == "es"


COLLEAGUES = "query($s: String, $can: String, $first: Int) { colleagues(search: $s, can: $can, first: $first) { id displayName } }"


async def test_colleagues_to_choose_assignees_and_leads_from(api, world, other_world):
    names = lambda body: [u["displayName"] for u in body["colleagues"]]  # noqa: E731
    everyone = ["Ada Admin", "Advocate", "Advocate South", "Campaign Lead", "Viewer"]  # active members, by name
    for role in ("advocate", "campaign_lead", "admin"):
        assert names(await api.data(COLLEAGUES, token=world.tokens[role])) == everyone
    # only those whose roles grant a permission: who can work on a case assigned to them (not the viewer)
    assert names(await api.data(COLLEAGUES, {"can": "case:update"}, world.tokens["advocate"])) == [
        "Ada Admin", "Advocate", "Advocate South"]
    assert names(await api.data(COLLEAGUES, {"can": "network:lead"}, world.tokens["admin"])) == [
        "Ada Admin", "Campaign Lead"]
    assert names(await api.data(COLLEAGUES, {"s": "SOUTH"}, world.tokens["advocate"])) == ["Advocate South"]
    assert names(await api.data(COLLEAGUES, {"s": "%"}, world.tokens["advocate"])) == []  # literally
    assert names(await api.data(COLLEAGUES, {"first": 2}, world.tokens["advocate"])) == everyone[:2]
    # a viewer chooses nobody
    body = await api(COLLEAGUES, token=world.tokens["viewer"])
    assert body["data"] is None and body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    # a deactivated member is no longer offered
    done = (await api.data(DEACTIVATE, {"i": {"userId": world.gid("User", world.users["viewer"])}},
                           world.tokens["admin"]))["deactivateUser"]
    assert done["errors"] == []
    assert "Viewer" not in names(await api.data(COLLEAGUES, token=world.tokens["advocate"]))
    # bad input: a typed error
    # who holds other permissions (who the admins are) is not for them to list
    for variables, field in (({"can": "case:fly"}, "can"), ({"can": "user:manage"}, "can"), ({"can": "case:read"}, "can"),
                             ({"can": "family:erase"}, "can"), ({"first": 0}, "first"), ({"first": 101}, "first")):
        body = await api(COLLEAGUES, variables, world.tokens["advocate"])
        assert body["data"] is None and body["errors"][0]["extensions"]["code"] == "VALIDATION"
        assert body["errors"][0]["extensions"]["field"] == field
    # another organization's members are never listed (its own, named alike, are)
    theirs = (await api.data(COLLEAGUES, token=other_world.tokens["advocate"]))["colleagues"]
    assert [u["displayName"] for u in theirs] == everyone
    assert not {u["id"] for u in theirs} & {world.gid("User", u) for u in world.users.values()}
