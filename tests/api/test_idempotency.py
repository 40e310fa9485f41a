"""Idempotency keys on the mutations that send mail (besides escalateCase's, tested with escalations)."""

from __future__ import annotations

import asyncio
import uuid

from sqlalchemy import func, select

from domain.outbox.models import OutboxMessage
from tests.api.admin_ops import INVITE, RESEND


async def _mails(db, org_id, kind: str) -> int:
    async with db.reader() as s:
        return await s.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.organization_id == org_id, OutboxMessage.kind == kind))


async def test_a_retried_invitation_sends_one_mail_and_answers_the_same(api, db, world):
    admin, key = world.tokens["admin"], f"invite-{uuid.uuid4().hex}"
    i = {"email": f"new-{uuid.uuid4().hex[:6]}@example.org", "roles": ["advocate"], "idempotencyKey": key}
    # a double tap: both at once, then a late retry
    first, second = await asyncio.gather(api.data(INVITE, {"i": i}, admin), api.data(INVITE, {"i": i}, admin))
    third = await api.data(INVITE, {"i": i}, admin)
    answers = [x["inviteUser"] for x in (first, second, third)]
    assert all(a["errors"] == [] for a in answers), answers
    assert len({a["member"]["user"]["id"] for a in answers}) == 1
    assert await _mails(db, world.org_id, "user_invitation") == 1

    # the same key for another request changes nothing and says so
    other = (await api.data(INVITE, {"i": {**i, "email": "someone-else@example.org"}}, admin))["inviteUser"]
    assert other["member"] is None and other["errors"][0]["field"] == "idempotencyKey"
    assert other["errors"][0]["code"] == "VALIDATION"
    assert await _mails(db, world.org_id, "user_invitation") == 1
    # without a key (or with a new one) a repeat is a new request: the address is taken
    again = (await api.data(INVITE, {"i": {**i, "idempotencyKey": None}}, admin))["inviteUser"]
    assert again["errors"][0]["code"] == "CONFLICT"

    user_id = answers[0]["member"]["user"]["id"]
    resend = {"userId": user_id, "idempotencyKey": f"resend-{uuid.uuid4().hex}"}
    for _ in range(3):
        assert (await api.data(RESEND, {"i": resend}, admin))["resendInvitation"]["errors"] == []
    assert await _mails(db, world.org_id, "user_invitation") == 2
    assert (await api.data(RESEND, {"i": {"userId": user_id}}, admin))["resendInvitation"]["errors"] == []
    assert await _mails(db, world.org_id, "user_invitation") == 3
