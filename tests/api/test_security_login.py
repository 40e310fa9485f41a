"""Sign-in protection: throttling and lockout (aliases and parallel requests included), the TOTP second factor,
session rotation and session timeouts."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

import httpx
import pyotp
import pytest
from sqlalchemy import select, update

from api.app import create_app
from domain.config import Settings
from domain.db import utcnow
from domain.identity.models import Organization, Session, User
from domain.identity.service import token_digest
from domain.security.devices import device_of
from domain.security.models import LoginThrottle
from domain.security.totp import reseal_secrets
from tests.conftest import PASSWORD

LOGIN = "mutation($i: LoginInput!) { login(input: $i) { token errors { code message field } } }"
ME = "query { me { user { email } roles twoFactorEnabled twoFactorEnrollmentRequired } }"
BEGIN = """mutation($i: BeginTwoFactorEnrollmentInput!) {
  beginTwoFactorEnrollment(input: $i) { secret otpauthUri errors { code message field } } }"""
CONFIRM = ("mutation($i: ConfirmTwoFactorEnrollmentInput!) { confirmTwoFactorEnrollment(input: $i) "
           "{ ok token errors { code message field } } }")
DISABLE = "mutation($i: DisableTwoFactorInput!) { disableTwoFactor(input: $i) { ok errors { code message field } } }"
REQUIRE = ("mutation($i: SetTwoFactorRequirementInput!) { setTwoFactorRequirement(input: $i) "
           "{ organization { requireTwoFactor } errors { code message field } } }")
CASES = "query { cases(first: 5) { edges { node { id } } } }"
H = {"X-Advocase-CSRF": "1"}


class Caller:
    """An HTTP client of an app with its own settings, from a given client address."""

    def __init__(self, client: httpx.AsyncClient):
        self.c = client

    async def gql(self, query: str, variables: dict | None = None, token: str | None = None) -> dict:
        headers = dict(H, **({"Authorization": f"Bearer {token}"} if token else {}))
        r = await self.c.post("/graphql", json={"query": query, "variables": variables or {}}, headers=headers)
        assert r.status_code == 200, r.text
        return r.json()

    async def login(self, email: str, password: str = PASSWORD, code: str | None = None) -> dict:
        body = await self.gql(LOGIN, {"i": {"email": email, "password": password, "totpCode": code}})
        return body["data"]["login"]


def make_caller(app_db, settings, address: str = "198.51.100.7", **overrides):
    s = Settings.from_env({}, database_url=settings.database_url, env="test", **overrides)
    app = create_app(s, db=app_db)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=(address, 40000)),
                             base_url="http://testserver")


def code_of(body: dict) -> str | None:
    errors = body["errors"]
    return errors[0]["code"] if errors else None


async def shift_back(db, seconds: float, scope: str, key: str) -> None:
    """Time passes for a counter: its last attempt (and lock) move into the past."""
    async with db.transaction() as s:
        row = await s.scalar(select(LoginThrottle).where(LoginThrottle.scope == scope, LoginThrottle.key == key))
        row.last_attempt_at -= timedelta(seconds=seconds)
        if row.locked_until:
            row.locked_until -= timedelta(seconds=seconds)


# ---------------------------------------------------------------- throttling


async def test_failed_sign_ins_meet_growing_delays_then_a_lockout(db, app_db, settings, world):
    email = world.emails["viewer"]
    async with make_caller(app_db, settings, login_free_failures=3, login_lockout_failures=6) as c:
        caller = Caller(c)
        for _ in range(3):
            assert code_of(await caller.login(email, "wrong password")) == "UNAUTHENTICATED"
        refused = await caller.login(email, "wrong password")
        assert code_of(refused) == "RATE_LIMITED" and "Try again in 2 seconds" in refused["errors"][0]["message"]
        # the right password does not get through either while it must wait
        assert code_of(await caller.login(email)) == "RATE_LIMITED"
        await shift_back(db, 2, "account", email)
        assert code_of(await caller.login(email, "wrong password")) == "UNAUTHENTICATED"  # 4th failure
        assert "Try again in 4 seconds" in (await caller.login(email, "x" * 12))["errors"][0]["message"]
        await shift_back(db, 4, "account", email)
        assert code_of(await caller.login(email, "wrong password")) == "UNAUTHENTICATED"  # 5th
        await shift_back(db, 8, "account", email)
        assert code_of(await caller.login(email, "wrong password")) == "UNAUTHENTICATED"  # 6th: locked
        await shift_back(db, 300, "account", email)  # past any delay, not past the lock
        locked = await caller.login(email)
        assert code_of(locked) == "RATE_LIMITED" and "locked" in locked["errors"][0]["message"]
        assert "10 minutes" in locked["errors"][0]["message"]
        await shift_back(db, 15 * 60, "account", email)  # the lock is over
        ok = await caller.login(email)
        assert ok["errors"] == [] and ok["token"]
        # a success starts the account afresh
        assert code_of(await caller.login(email, "wrong password")) == "UNAUTHENTICATED"
        assert code_of(await caller.login(email, "wrong password")) == "UNAUTHENTICATED"


async def test_aliases_in_one_request_cannot_bypass_the_throttle(app_db, settings, world):
    email = world.emails["advocate"]
    attempts = " ".join(f'a{i}: login(input: {{email: "{email}", password: "guess number {i}"}}) '
                        f'{{ token errors {{ code }} }}' for i in range(6))
    right = f'ok: login(input: {{email: "{email}", password: "{PASSWORD}"}}) {{ token errors {{ code }} }}'
    async with make_caller(app_db, settings, login_free_failures=3, login_lockout_failures=10) as c:
        body = await Caller(c).gql(f"mutation {{ {attempts} {right} }}")
    got = [body["data"][f"a{i}"]["errors"][0]["code"] for i in range(6)]
    assert got == ["UNAUTHENTICATED"] * 3 + ["RATE_LIMITED"] * 3
    assert body["data"]["ok"]["token"] is None and body["data"]["ok"]["errors"][0]["code"] == "RATE_LIMITED"


async def test_parallel_requests_are_counted_too(app_db, settings, world):
    email = world.emails["campaign_lead"]
    async with make_caller(app_db, settings, login_free_failures=3, login_lockout_failures=10) as c:
        caller = Caller(c)
        results = await asyncio.gather(*[caller.login(email, f"parallel guess {i}") for i in range(8)])
    got = sorted(code_of(r) for r in results)
    assert got == ["RATE_LIMITED"] * 5 + ["UNAUTHENTICATED"] * 3


async def test_failures_are_counted_per_client_address(app_db, settings, world, other_world):
    limits = dict(login_address_free_failures=2, login_address_lockout_failures=50, login_free_failures=5)
    async with make_caller(app_db, settings, address="198.51.100.99", **limits) as c:
        here = Caller(c)
        assert code_of(await here.login(world.emails["viewer"], "wrong password")) == "UNAUTHENTICATED"
        assert code_of(await here.login(other_world.emails["viewer"], "wrong password")) == "UNAUTHENTICATED"
        # a third account from the same address must wait, even with its right password
        assert code_of(await here.login(world.emails["advocate"])) == "RATE_LIMITED"
    async with make_caller(app_db, settings, address="203.0.113.50", **limits) as c:
        elsewhere = await Caller(c).login(world.emails["advocate"])
        assert elsewhere["errors"] == [] and elsewhere["token"]


async def test_throttle_state_is_shared_through_the_database(app_db, settings, world):
    """Two app instances (as two uvicorn workers) see the same counters."""
    email = world.emails["admin"]
    limits = dict(login_free_failures=2, login_lockout_failures=10)
    async with make_caller(app_db, settings, **limits) as one, make_caller(app_db, settings, **limits) as two:
        assert code_of(await Caller(one).login(email, "wrong password")) == "UNAUTHENTICATED"
        assert code_of(await Caller(two).login(email, "wrong password")) == "UNAUTHENTICATED"
        assert code_of(await Caller(one).login(email, "wrong password")) == "RATE_LIMITED"
        assert code_of(await Caller(two).login(email)) == "RATE_LIMITED"


async def test_strangers_cannot_lock_a_member_out_of_the_browser_they_signed_in_with(db, app_db, settings, world):
    email, other = world.emails["viewer"], world.emails["advocate"]
    limits = dict(login_free_failures=4, login_lockout_failures=5)
    async with make_caller(app_db, settings, address="198.51.100.20", **limits) as member_browser, \
            make_caller(app_db, settings, address="203.0.113.66", **limits) as stranger_browser:
        member, stranger = Caller(member_browser), Caller(stranger_browser)
        assert (await member.login(email))["token"]
        device = member_browser.cookies.get("advocase_device")
        assert device and email not in device  # sealed: it does not show whose it is
        for _ in range(4):
            assert code_of(await stranger.login(email, "a guess")) == "UNAUTHENTICATED"
        await shift_back(db, 10, "account", email)
        assert code_of(await stranger.login(email, "a guess")) == "UNAUTHENTICATED"  # 5th: the account is locked
        locked = await stranger.login(email)
        assert code_of(locked) == "RATE_LIMITED" and "locked" in locked["errors"][0]["message"]
        # ... for unknown clients: the member's browser still signs in, and keeps its device cookie
        again = await member.login(email)
        assert again["errors"] == [] and again["token"]
        assert member_browser.cookies.get("advocase_device")
        assert code_of(await stranger.login(email)) == "RATE_LIMITED"  # the lock stands for the stranger
        # the member's own wrong passwords count for that browser alone
        assert code_of(await member.login(email, "a typo")) == "UNAUTHENTICATED"
        async with db.reader() as s:
            rows = {(r.scope, r.key): r.failures for r in await s.scalars(select(LoginThrottle))}
        device_id = device_of(settings.sealer("device"), device, email)
        assert rows[("account", email)] == 5 and rows[("device", device_id)] == 1
        # a device cookie counts only for the account that signed in with it; altered, it counts for none
        stranger_browser.cookies.set("advocase_device", device)
        assert code_of(await stranger.login(other, "a guess")) == "UNAUTHENTICATED"
        stranger_browser.cookies.set("advocase_device", device[:-4] + "AAAA")
        assert code_of(await stranger.login(email)) == "RATE_LIMITED"
        async with db.reader() as s:
            counted = await s.scalar(select(LoginThrottle.failures).where(
                LoginThrottle.scope == "account", LoginThrottle.key == other))
        assert counted == 1  # as an unknown client's


# ---------------------------------------------------------------- second factor


async def enroll(api, token: str) -> tuple[str, str]:
    """Turns the second factor on for the token's user: (secret, the new session token)."""
    begun = (await api.data(BEGIN, {"i": {"password": PASSWORD}}, token))["beginTwoFactorEnrollment"]
    assert begun["errors"] == [] and begun["otpauthUri"].startswith("otpauth://totp/Advocase:")
    wrong = (await api.data(CONFIRM, {"i": {"code": "000000"}}, token))["confirmTwoFactorEnrollment"]
    if pyotp.TOTP(begun["secret"]).now() != "000000":
        assert wrong["ok"] is False and wrong["errors"][0]["code"] == "VALIDATION"
    done = (await api.data(CONFIRM, {"i": {"code": pyotp.TOTP(begun["secret"]).now()}}, token))[
        "confirmTwoFactorEnrollment"]
    assert done["ok"] is True and done["errors"] == [] and done["token"] and done["token"] != token
    return begun["secret"], done["token"]


def next_code(secret: str) -> str:
    """A code of the next time step (accepted: one step of drift either way), unused so far."""
    return pyotp.TOTP(secret).at(time.time() + 30)


async def test_two_factor_sign_in(api, db, world):
    email = world.emails["advocate"]
    secret, token = await enroll(api, world.tokens["advocate"])
    assert (await api.data(ME, token=world.tokens["advocate"]))["me"] is None  # the session id changed
    assert (await api.data(ME, token=token))["me"]["twoFactorEnabled"] is True
    without = (await api.data(LOGIN, {"i": {"email": email, "password": PASSWORD}}))["login"]
    assert without["token"] is None and without["errors"] == [
        {"code": "TWO_FACTOR_REQUIRED", "message": "Enter the 6-digit code from your authenticator app.",
         "field": "totpCode"}]
    wrong = (await api.data(LOGIN, {"i": {"email": email, "password": PASSWORD, "totpCode": "12345x"}}))["login"]
    assert wrong["token"] is None and wrong["errors"][0]["code"] == "UNAUTHENTICATED"
    assert wrong["errors"][0]["field"] == "totpCode"
    code = next_code(secret)
    ok = (await api.data(LOGIN, {"i": {"email": email, "password": PASSWORD, "totpCode": code}}))["login"]
    assert ok["errors"] == [] and ok["token"]
    replay = (await api.data(LOGIN, {"i": {"email": email, "password": PASSWORD, "totpCode": code}}))["login"]
    assert replay["token"] is None and replay["errors"][0]["code"] == "UNAUTHENTICATED"
    # a wrong password with a right code is still a wrong password
    bad = (await api.data(LOGIN, {"i": {"email": email, "password": "not the password",
                                        "totpCode": next_code(secret)}}))["login"]
    assert bad["errors"][0]["code"] == "UNAUTHENTICATED" and bad["errors"][0]["field"] == "password"


async def test_second_factor_secrets_are_stored_sealed_and_outlive_a_key_change(api, db, app_db, settings, world):
    email = world.emails["campaign_lead"]
    secret, _ = await enroll(api, world.tokens["campaign_lead"])
    async with db.reader() as s:
        stored = (await s.get(User, world.users["campaign_lead"])).totp_secret
    assert secret not in stored and settings.sealer("totp").open(stored) == secret  # a copy of the table is no use
    new_key = "the deployment's new secret key, 32+ characters"
    async with make_caller(app_db, settings, secret_key=new_key) as c:  # changed, and the old key forgotten
        lost = await Caller(c).login(email, code=next_code(secret))
        assert code_of(lost) == "UNAVAILABLE" and "administrator" in lost["errors"][0]["message"]
    rotating = dict(secret_key=new_key, previous_secret_keys=(settings.secret_key,))
    async with make_caller(app_db, settings, **rotating) as c:
        ok = await Caller(c).login(email, code=next_code(secret))
        assert ok["errors"] == [] and ok["token"]
    try:
        assert await reseal_secrets(db, Settings.from_env({}, **rotating).sealer("totp")) >= 1
        async with db.reader() as s:  # the old key is no longer needed ...
            stored = (await s.get(User, world.users["campaign_lead"])).totp_secret
        assert Settings.from_env({}, secret_key=new_key).sealer("totp").open(stored) == secret
        async with make_caller(app_db, settings) as c:  # ... and no longer opens them
            assert code_of(await Caller(c).login(email, code=next_code(secret))) == "UNAVAILABLE"
    finally:  # the rest of the session's database back under the suite's key
        await reseal_secrets(db, Settings.from_env({}, secret_key=settings.secret_key,
                                                   previous_secret_keys=(new_key,)).sealer("totp"))


async def test_two_factor_can_be_turned_off_with_a_code(api, db, world):
    secret, token = await enroll(api, world.tokens["viewer"])
    again = (await api.data(BEGIN, {"i": {"password": PASSWORD}}, token))["beginTwoFactorEnrollment"]
    assert again["secret"] is None and again["errors"][0]["code"] == "CONFLICT"
    bad = (await api.data(DISABLE, {"i": {"code": "999999"}}, token))["disableTwoFactor"]
    assert bad["ok"] is False and bad["errors"][0]["code"] == "VALIDATION"
    off = (await api.data(DISABLE, {"i": {"code": next_code(secret)}}, token))["disableTwoFactor"]
    assert off == {"ok": True, "errors": []}
    login = (await api.data(LOGIN, {"i": {"email": world.emails["viewer"], "password": PASSWORD}}))["login"]
    assert login["errors"] == [] and login["token"]
    async with db.reader() as s:
        user = await s.get(User, world.users["viewer"])
        assert user.totp_secret is None and user.totp_enabled_at is None


async def test_admins_can_require_a_second_factor(api, db, world):
    refused = (await api.data(REQUIRE, {"i": {"required": True}}, world.tokens["advocate"]))[
        "setTwoFactorRequirement"]
    assert refused["organization"] is None and refused["errors"][0]["code"] == "FORBIDDEN"
    done = (await api.data(REQUIRE, {"i": {"required": True}}, world.tokens["admin"]))["setTwoFactorRequirement"]
    assert done == {"organization": {"requireTwoFactor": True}, "errors": []}
    # a member without a second factor can sign in, but can do nothing but enroll
    token = world.tokens["advocate"]
    me = (await api.data(ME, token=token))["me"]
    assert me["twoFactorEnrollmentRequired"] is True and me["roles"] == []
    body = await api(CASES, token=token)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    secret, new_token = await enroll(api, token)
    assert (await api.data(ME, token=new_token))["me"]["roles"] == ["advocate"]
    assert (await api.data(CASES, token=new_token))["cases"]["edges"] is not None
    # and cannot turn it off while it is required
    off = (await api.data(DISABLE, {"i": {"code": next_code(secret)}}, new_token))["disableTwoFactor"]
    assert off["ok"] is False and off["errors"][0]["code"] == "FORBIDDEN"
    async with db.reader() as s:
        assert (await s.get(Organization, world.org_id)).require_two_factor is True


# ---------------------------------------------------------------- sessions


async def test_sign_in_rotates_the_session_id(api, client, world):
    email = world.emails["viewer"]
    first = (await api.data(LOGIN, {"i": {"email": email, "password": PASSWORD}}))["login"]["token"]
    assert client.cookies.get("advocase_session") == first
    second = (await api.data(LOGIN, {"i": {"email": email, "password": PASSWORD}}))["login"]["token"]
    assert second != first and client.cookies.get("advocase_session") == second
    client.cookies.clear()
    assert (await api.data(ME, token=first))["me"] is None  # the session the client came with ended
    assert (await api.data(ME, token=second))["me"]["user"]["email"] == email


async def test_accepting_an_invitation_never_continues_the_browser_session(api, client, db, world):
    """Session fixation: the browser came with someone's session cookie (planted, or of whoever used the browser
    before); accepting the invitation signs the invitee in with a new session id and that old id stops working.
    A bearer token of another account (a script) is left alone."""
    from tests.api.admin_ops import ACCEPT, INVITE, link_token, user_uuid
    admin = world.tokens["admin"]
    email = f"fixation-{world.org_id.hex[:6]}@example.org"
    member = (await api.data(INVITE, {"i": {"email": email, "roles": ["advocate"]}}, admin))["inviteUser"]["member"]
    link = await link_token(db, user_uuid(member["user"]["id"]), "user_invitation")
    planted = (await api.data(LOGIN, {"i": {"email": world.emails["viewer"], "password": PASSWORD}}))["login"]["token"]
    assert client.cookies.get("advocase_session") == planted
    accepted = (await api.data(ACCEPT, {"i": {"token": link, "password": "a long new password",
                                              "displayName": "New Member"}}))["acceptInvitation"]
    assert accepted["errors"] == [] and accepted["me"]["user"]["email"] == email
    fresh = accepted["token"]
    assert fresh != planted and client.cookies.get("advocase_session") == fresh
    client.cookies.clear()
    assert (await api.data(ME, token=planted))["me"] is None  # the id the browser came with is dead
    assert (await api.data(ME, token=fresh))["me"]["user"]["email"] == email
    assert (await api.data(ME, token=admin))["me"]["user"]["email"] == world.emails["admin"]


async def test_a_password_reset_ends_the_browser_session_and_its_cookie(api, client, db, world):
    from tests.api.admin_ops import REQUEST_RESET, RESET, link_token
    email, uid = world.emails["advocate"], world.users["advocate"]
    browser = (await api.data(LOGIN, {"i": {"email": email, "password": PASSWORD}}))["login"]["token"]
    assert (await api.data(REQUEST_RESET, {"i": {"email": email}}))["requestPasswordReset"]["ok"]
    link = await link_token(db, uid, "password_reset")
    r = await api.raw(RESET, {"i": {"token": link, "newPassword": "a brand new password"}})  # with the cookie
    assert r.json()["data"]["resetPassword"] == {"ok": True, "errors": []}
    assert 'advocase_session=""' in r.headers.get("set-cookie", "") or "Max-Age=0" in r.headers.get("set-cookie", "")
    assert client.cookies.get("advocase_session") is None  # nobody is signed in by a reset
    assert (await api.data(ME, token=browser))["me"] is None


async def test_password_reset_requests_do_not_tell_whether_the_account_exists(api, client, db, app_db, world):
    """The same answer (status, headers, body) and the same reads for an account and for an address without one;
    only the account's request adds its token and outbox rows."""
    from sqlalchemy import event

    from tests.api.admin_ops import REQUEST_RESET, mails_to
    statements: list[str] = []

    def seen(_conn, _cursor, statement, *_args):
        statements.append(statement.lstrip().split(None, 1)[0].upper())

    async def ask(email: str) -> tuple[httpx.Response, list[str]]:
        await api.raw("query { __typename }")  # warm: the first request of a client does one-time work
        statements.clear()
        event.listen(app_db.engine.sync_engine, "before_cursor_execute", seen)
        try:
            r = await api.raw(REQUEST_RESET, {"i": {"email": email}})
        finally:
            event.remove(app_db.engine.sync_engine, "before_cursor_execute", seen)
        return r, list(statements)

    client.cookies.clear()
    known, known_sql = await ask(world.emails["viewer"])
    unknown, unknown_sql = await ask(f"nobody-{world.org_id.hex[:8]}@example.org")
    volatile = {"date", "x-request-id", "content-length"}
    assert known.status_code == unknown.status_code == 200 and known.content == unknown.content
    assert ({k: v for k, v in known.headers.items() if k not in volatile}
            == {k: v for k, v in unknown.headers.items() if k not in volatile})
    assert known.json() == {"data": {"requestPasswordReset": {"ok": True, "errors": []}}}
    assert [q for q in known_sql if q != "INSERT"] == [q for q in unknown_sql if q != "INSERT"]
    assert known_sql.count("INSERT") - unknown_sql.count("INSERT") <= 2  # the token and the outbox row
    assert len(await mails_to(db, world.users["viewer"], "password_reset")) == 1  # and the account did get its mail


async def test_a_role_change_gives_browser_sessions_a_new_id(api, client, db, app_db, settings, world):
    set_roles = ("mutation($i: SetUserRolesInput!) { setUserRoles(input: $i) { member { roles } "
                 "errors { code message } } }")
    async with make_caller(app_db, settings) as browser:  # the viewer, signed in with the cookie
        viewer = Caller(browser)
        assert (await viewer.login(world.emails["viewer"]))["errors"] == []
        before = browser.cookies.get("advocase_session")
        assert (await viewer.gql(ME))["data"]["me"]["roles"] == ["viewer"]
        assert browser.cookies.get("advocase_session") == before  # nothing changed: same session id
        target = world.gid("User", world.users["viewer"])
        body = await api.data(set_roles, {"i": {"userId": target, "roles": ["advocate"]}}, world.tokens["admin"])
        assert body["setUserRoles"]["errors"] == []
        # the next request goes through, with the new roles, under a new session id
        assert (await viewer.gql(ME))["data"]["me"]["roles"] == ["advocate"]
        after = browser.cookies.get("advocase_session")
        assert after and after != before
        assert (await viewer.gql(ME))["data"]["me"]["roles"] == ["advocate"]
        assert browser.cookies.get("advocase_session") == after  # rotated once
    async with db.reader() as s:
        old_s, new_s = [await s.scalar(select(Session).where(Session.token_hash == token_digest(x)))
                        for x in (before, after)]
    assert old_s.revoked_at is not None and new_s.revoked_at is None
    assert new_s.expires_at == old_s.expires_at  # the absolute timeout still counts from the sign-in
    assert (await api.data(ME, token=before))["me"] is None  # the old id is dead
    # a Bearer token (an API client: no page can plant it) keeps working, with the new roles at once
    assert (await api.data(ME, token=world.tokens["viewer"]))["me"]["roles"] == ["advocate"]
    # an admin changing their own roles in the browser gets the new session id in that very response
    login = (await api.data(LOGIN, {"i": {"email": world.emails["admin"], "password": PASSWORD}}))["login"]
    own_before = client.cookies.get("advocase_session")
    assert own_before == login["token"]
    changed = await api.data(set_roles, {"i": {"userId": world.gid("User", world.users["admin"]),
                                               "roles": ["admin", "viewer"]}})
    assert changed["setUserRoles"]["errors"] == []
    own_after = client.cookies.get("advocase_session")
    assert own_after and own_after != own_before
    assert (await api.data(ME))["me"]["roles"] == ["admin", "viewer"]
    client.cookies.clear()
    assert (await api.data(ME, token=own_before))["me"] is None


async def test_idle_and_absolute_timeouts_are_configurable(db, app_db, settings, world):
    token = world.tokens["campaign_lead"]
    async with db.transaction() as s:
        await s.execute(update(Session).where(Session.token_hash == token_digest(token))
                        .values(last_seen_at=utcnow() - timedelta(minutes=10)))
    async with make_caller(app_db, settings, session_idle_minutes=30) as c:
        assert (await Caller(c).gql(ME, token=token))["data"]["me"] is not None
    async with db.transaction() as s:
        await s.execute(update(Session).where(Session.token_hash == token_digest(token))
                        .values(last_seen_at=utcnow() - timedelta(minutes=10)))
    async with make_caller(app_db, settings, session_idle_minutes=5) as c:
        assert (await Caller(c).gql(ME, token=token))["data"]["me"] is None
    # absolute: however active, a session ends at expires_at (ADVOCASE_SESSION_TTL_HOURS after sign-in)
    async with make_caller(app_db, settings, session_ttl_hours=1) as c:
        fresh = await Caller(c).login(world.emails["viewer"])
    async with db.reader() as s:
        sess = await s.scalar(select(Session).where(Session.token_hash == token_digest(fresh["token"])))
        assert timedelta(minutes=59) < sess.expires_at - sess.created_at <= timedelta(hours=1, minutes=1)
    async with db.transaction() as s:
        await s.execute(update(Session).where(Session.id == sess.id)
                        .values(expires_at=utcnow() - timedelta(seconds=1), last_seen_at=utcnow()))
    async with make_caller(app_db, settings) as c:
        assert (await Caller(c).gql(ME, token=fresh["token"]))["data"]["me"] is None


@pytest.mark.parametrize("bad", [{"ADVOCASE_SESSION_IDLE_MINUTES": "0"},
                                 {"ADVOCASE_LOGIN_FREE_FAILURES": "10", "ADVOCASE_LOGIN_LOCKOUT_FAILURES": "5"}])
def test_bad_security_settings_are_refused(bad):
    with pytest.raises(ValueError):
        Settings.from_env(bad).validate()


async def test_turning_the_second_factor_on_asks_for_the_password_again(api, db, world):
    """A session alone (a borrowed or stolen one) cannot put its own second factor on the account."""
    token, user_id = world.tokens["advocate"], world.users["advocate"]
    for password in ("", "not the password"):
        wrong = (await api.data(BEGIN, {"i": {"password": password}}, token))["beginTwoFactorEnrollment"]
        assert wrong["secret"] is None and wrong["errors"] == [
            {"code": "VALIDATION", "message": "The password is not correct.", "field": "password"}]
    async with db.reader() as s:
        assert (await s.get(User, user_id)).totp_secret is None  # nothing started
    begun = (await api.data(BEGIN, {"i": {"password": PASSWORD}}, token))["beginTwoFactorEnrollment"]
    assert begun["errors"] == [] and begun["secret"] and begun["otpauthUri"]


async def test_wrong_passwords_for_the_second_factor_are_throttled(api, db, world):
    token, user_id = world.tokens["viewer"], world.users["viewer"]
    codes = []
    for _ in range(12):
        wrong = (await api.data(BEGIN, {"i": {"password": "guess"}}, token))["beginTwoFactorEnrollment"]
        codes.append(wrong["errors"][0]["code"])
        if codes[-1] == "RATE_LIMITED":
            break
    assert codes[0] == "VALIDATION" and codes[-1] == "RATE_LIMITED", codes
    # while it must wait, not even the right password starts anything
    right = (await api.data(BEGIN, {"i": {"password": PASSWORD}}, token))["beginTwoFactorEnrollment"]
    assert right["secret"] is None and right["errors"][0]["code"] == "RATE_LIMITED"
    async with db.reader() as s:
        assert (await s.get(User, user_id)).totp_secret is None
