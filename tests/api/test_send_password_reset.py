"""An admin mails a member a password reset link (sendPasswordReset): the same link and mail as
requestPasswordReset, audited with the admin as actor, for active members of the admin's own organization only."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import select

from domain.audit.models import AuditEvent
from domain.db import utcnow
from domain.identity.models import TokenPurpose, UserToken
from tests.api.admin_ops import (
    DEACTIVATE, ERR, INVITE, LOGIN, ME, REQUEST_RESET, RESET, link_token, mails_to, user_uuid,
)
from tests.conftest import PASSWORD

SEND_RESET = (f"mutation($i: SendPasswordResetInput!) {{ sendPasswordReset(input: $i) {{"
              f" member {{ user {{ id email }} status }} expiresAt {ERR} }} }}")
NEW_PASSWORD = "a brand new passphrase"


async def _send(api, token: str, user_gid: str) -> dict:
    return (await api.data(SEND_RESET, {"i": {"userId": user_gid}}, token))["sendPasswordReset"]


async def test_an_admin_sends_a_member_a_reset_link(api, db, world, settings):
    uid, email = world.users["advocate"], world.emails["advocate"]
    before = utcnow()
    sent = await _send(api, world.tokens["admin"], world.gid("User", uid))
    assert sent["errors"] == [] and sent["member"] == {"user": {"id": world.gid("User", uid), "email": email},
                                                       "status": "ACTIVE"}
    expires = datetime.fromisoformat(sent["expiresAt"])
    ttl = timedelta(minutes=settings.password_reset_ttl_minutes)
    assert before + ttl - timedelta(seconds=5) <= expires <= utcnow() + ttl

    # the member gets the mail, to their own address, with the link the sign-in page's request would send
    [mail] = await mails_to(db, uid, "password_reset")
    assert mail.to_addrs == [email] and "http://127.0.0.1:8000/reset-password?token=" in mail.body_text
    assert f"{settings.password_reset_ttl_minutes} minutes" in mail.body_text
    token = await link_token(db, uid, "password_reset")
    # sending it signs nobody out; the admin never sees the link (not in the answer)
    assert (await api.data(ME, token=world.tokens["advocate"]))["me"] is not None
    assert token not in str(sent)

    # audited with the admin as the actor; the token row remembers who asked
    async with db.reader() as s:
        row = (await s.execute(select(AuditEvent.actor_user_id, AuditEvent.organization_id).where(
            AuditEvent.action == "password_reset.send", AuditEvent.entity_id == uid))).one()
        created_by = await s.scalar(select(UserToken.created_by_user_id).where(
            UserToken.user_id == uid, UserToken.purpose == TokenPurpose.PASSWORD_RESET))
    assert tuple(row) == (world.users["admin"], world.org_id) and created_by == world.users["admin"]

    # the link works once, as any reset link
    done = (await api.data(RESET, {"i": {"token": token, "newPassword": NEW_PASSWORD}}))["resetPassword"]
    assert done == {"ok": True, "errors": []}
    assert (await api.data(LOGIN, {"i": {"email": email, "password": NEW_PASSWORD}}))["login"]["token"]
    again = (await api.data(RESET, {"i": {"token": token, "newPassword": "yet another passphrase"}}))
    assert again["resetPassword"]["errors"][0]["field"] == "token"


async def test_only_active_members_of_my_organization_and_only_user_managers(api, db, world, other_world):
    admin = world.tokens["admin"]
    foreign = await _send(api, admin, world.gid("User", other_world.users["advocate"]))
    unknown = await _send(api, admin, world.gid("User", uuid.uuid4()))
    assert foreign == unknown == {"member": None, "expiresAt": None, "errors": [
        {"code": "NOT_FOUND", "field": "userId", "message": foreign["errors"][0]["message"]}]}
    assert await mails_to(db, other_world.users["advocate"], "password_reset") == []

    for role in ("advocate", "campaign_lead", "viewer"):
        denied = await _send(api, world.tokens[role], world.gid("User", world.users["viewer"]))
        assert denied["member"] is None and denied["errors"][0]["code"] == "FORBIDDEN", (role, denied)
    anonymous = (await api.data(SEND_RESET, {"i": {"userId": world.gid("User", world.users["viewer"])}}))
    assert anonymous["sendPasswordReset"]["errors"][0]["code"] == "UNAUTHENTICATED"
    assert await mails_to(db, world.users["viewer"], "password_reset") == []

    # an invitee has no password to reset (resend the invitation); a deactivated member cannot sign in here
    invited = (await api.data(INVITE, {"i": {"email": f"invitee-{uuid.uuid4().hex[:8]}@example.org",
                                             "roles": ["viewer"]}}, admin))["inviteUser"]["member"]
    pending = await _send(api, admin, invited["user"]["id"])
    assert pending["errors"][0]["code"] == "CONFLICT" and "resend the invitation" in pending["errors"][0]["message"]
    assert await mails_to(db, user_uuid(invited["user"]["id"]), "password_reset") == []
    gid = world.gid("User", world.users["campaign_lead"])
    assert (await api.data(DEACTIVATE, {"i": {"userId": gid}}, admin))["deactivateUser"]["errors"] == []
    gone = await _send(api, admin, gid)
    assert gone["errors"][0]["code"] == "CONFLICT" and gone["member"] is None
    assert await mails_to(db, world.users["campaign_lead"], "password_reset") == []


async def test_admin_and_self_service_resets_share_the_hourly_limit(api, db, world):
    uid, email = world.users["viewer"], world.emails["viewer"]
    asked = (await api.data(REQUEST_RESET.replace("ok", "ok validMinutes", 1), {"i": {"email": email}}))
    assert asked["requestPasswordReset"] == {"ok": True, "validMinutes": 60, "errors": []}
    await api.data(REQUEST_RESET, {"i": {"email": email}})
    assert (await _send(api, world.tokens["admin"], world.gid("User", uid)))["errors"] == []  # the third
    limited = await _send(api, world.tokens["admin"], world.gid("User", uid))
    assert limited["member"] is None and limited["errors"][0]["code"] == "RATE_LIMITED"
    await api.data(REQUEST_RESET, {"i": {"email": email}})  # still the same neutral answer, no fourth mail
    assert len(await mails_to(db, uid, "password_reset")) == 3
    # the viewer's password is as it was
    assert (await api.data(LOGIN, {"i": {"email": email, "password": PASSWORD}}))["login"]["token"]


async def test_a_retry_with_the_same_idempotency_key_sends_no_second_mail(api, db, world):
    uid, key = world.users["advocate_south"], f"reset-{uuid.uuid4().hex}"
    i = {"userId": world.gid("User", uid), "idempotencyKey": key}
    first = (await api.data(SEND_RESET, {"i": i}, world.tokens["admin"]))["sendPasswordReset"]
    again = (await api.data(SEND_RESET, {"i": i}, world.tokens["admin"]))["sendPasswordReset"]
    assert first["errors"] == [] and again == first
    assert len(await mails_to(db, uid, "password_reset")) == 1
    other = (await api.data(SEND_RESET, {"i": {**i, "userId": world.gid("User", world.users["viewer"])}},
                            world.tokens["admin"]))["sendPasswordReset"]
    assert other["member"] is None and other["errors"][0]["field"] == "idempotencyKey"
    assert await mails_to(db, world.users["viewer"], "password_reset") == []
