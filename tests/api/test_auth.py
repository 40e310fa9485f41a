"""Login, sessions, logout, cookies, and unexpected errors masked with a request id."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import httpx
from sqlalchemy import select, update

from api.app import create_app
from domain.audit.models import AuditEvent
from domain.config import Settings
from domain.db import Database
from domain.identity.models import Session, User
from domain.identity.service import create_user, login
from tests.conftest import PASSWORD

LOGIN = """mutation($i: LoginInput!) { login(input: $i) { token expiresAt errors { code message field }
  me { user { email } organization { name } roles memberships { organization { id name } roles } } } }"""
ME = "query { me { user { email } organization { name } roles } }"


async def test_login_sets_httponly_cookie_and_bearer_or_cookie_work(api, client, world):
    r = await api.raw(LOGIN, {"i": {"email": world.emails["viewer"].upper(), "password": PASSWORD}})
    body = r.json()["data"]["login"]
    assert body["errors"] == [] and body["me"]["roles"] == ["viewer"]
    cookie = r.headers["set-cookie"]
    assert "advocase_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert (await api.data(ME, token=body["token"]))["me"]["user"]["email"] == world.emails["viewer"]
    # the client now holds the cookie: no header needed
    assert (await api.data(ME))["me"]["roles"] == ["viewer"]


async def test_wrong_password_and_unknown_email_look_the_same_and_are_audited(api, db, world):
    wrong = (await api.data(LOGIN, {"i": {"email": world.emails["admin"], "password": "nope nope nope"}}))["login"]
    unknown = (await api.data(LOGIN, {"i": {"email": "nobody@example.org", "password": PASSWORD}}))["login"]
    assert wrong["token"] is None and unknown["token"] is None
    assert wrong["errors"] == unknown["errors"] == [
        {"code": "UNAUTHENTICATED", "message": "Email or password is incorrect.", "field": "password"}]
    async with db.reader() as s:
        rows = list(await s.scalars(select(AuditEvent).where(AuditEvent.organization_id == world.org_id,
                                                             AuditEvent.action.like("login.%"))))
    actions = [(r.action, r.actor_user_id) for r in rows]
    assert ("login.failure", world.users["admin"]) in actions
    assert ("login.success", world.users["admin"]) in actions  # from the world fixture


async def test_logout_ends_the_session_on_the_server(api, world):
    token = world.tokens["advocate"]
    assert (await api.data(ME, token=token))["me"] is not None
    out = await api.data("mutation { logout { ok errors { code } } }", token=token)
    assert out["logout"] == {"ok": True, "errors": []}
    assert (await api.data(ME, token=token))["me"] is None
    denied = await api("query { cases { edges { node { id } } } }", token=token)
    assert denied["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_expired_idle_and_deactivated_sessions_stop_working(api, db, world):
    expired = await login(db, email=world.emails["advocate"], password=PASSWORD, ttl=timedelta(seconds=-1))
    assert (await api.data(ME, token=expired.token))["me"] is None
    idle = await login(db, email=world.emails["advocate"], password=PASSWORD, ttl=timedelta(hours=1))
    async with db.transaction() as s:
        await s.execute(update(Session).where(Session.user_id == world.users["advocate"])
                        .values(last_seen_at=datetime.now(timezone.utc) - timedelta(hours=5)))
    assert (await api.data(ME, token=idle.token))["me"] is None
    assert (await api.data(ME, token=world.tokens["viewer"]))["me"] is not None
    async with db.transaction() as s:
        await s.execute(update(User).where(User.id == world.users["viewer"]).values(active=False))
    assert (await api.data(ME, token=world.tokens["viewer"]))["me"] is None
    again = (await api.data(LOGIN, {"i": {"email": world.emails["viewer"], "password": PASSWORD}}))["login"]
    assert again["errors"][0]["code"] == "UNAUTHENTICATED"


async def test_member_of_two_organizations_chooses_where_to_act(api, db, world, other_world):
    async with db.transaction() as s:
        await create_user(s, organization_id=other_world.org_id, email=world.emails["advocate"], password=None,
                          display_name="Advocate", roles=["viewer"])
    other_gid = world.gid("Organization", other_world.org_id)
    body = (await api.data(LOGIN, {"i": {"email": world.emails["advocate"], "password": PASSWORD,
                                         "organizationId": other_gid}}))["login"]
    assert body["me"]["roles"] == ["viewer"]
    assert body["me"]["organization"]["name"].startswith("Other Org")
    assert sorted(m["roles"][0] for m in body["me"]["memberships"]) == ["advocate", "viewer"]
    bogus = (await api.data(LOGIN, {"i": {"email": world.emails["viewer"], "password": PASSWORD,
                                          "organizationId": other_gid}}))["login"]
    assert bogus["errors"][0]["code"] == "UNAUTHENTICATED"


async def test_unexpected_errors_are_masked_with_the_request_id(tmp_path):
    # A database without its tables (never migrated): the failure is unexpected, so the client sees only a
    # request id. (A database that cannot be reached is UNAVAILABLE instead: tests/api/test_security_http.py.)
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'empty.sqlite3'}")
    app = create_app(Settings.from_env({}, database_url=db.url, env="test"), db=db)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        r = await c.post("/graphql", json={"query": LOGIN, "variables": {"i": {"email": "a@b.org", "password": "x"}}},
                         headers={"X-Request-Id": "req-1234"})
    await db.dispose()
    assert r.headers["x-request-id"] == "req-1234"
    err = r.json()["errors"][0]
    assert err["message"] == "Unexpected error. Quote the request id when reporting it."
    assert err["extensions"] == {"code": "INTERNAL", "requestId": "req-1234"}
    assert "sqlite" not in r.text.lower() and "no such table" not in r.text
