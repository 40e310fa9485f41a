"""Test harness: every database test runs on SQLite and on PostgreSQL, migrated by Alembic.

PostgreSQL is a throwaway cluster started from the machine's binaries, unless
ADVOCASE_TEST_DATABASE_URL points at a database to use (it must be empty or disposable).
Tests isolate themselves by tenant: each one creates its own organizations.
"""

from __future__ import annotations

import os
import time

# Cheaper argon2id for the many test logins (same algorithm, lower cost); set before domain imports.
os.environ.setdefault("ADVOCASE_ARGON2_TIME_COST", "1")
os.environ.setdefault("ADVOCASE_ARGON2_MEMORY_KIB", "8192")
# The API tests compare dates with date.today(): the test process and the app under test (time_zone="UTC" below)
# agree on what today is on any machine. The zone-dependent "today" has its own test (test_cases.py); the e2e
# servers keep the default zone, the browser's (America/New_York).
os.environ["TZ"] = "UTC"
os.environ["ADVOCASE_TIME_ZONE"] = "UTC"  # the servers the CLI tests start
time.tzset()
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

import httpx
import pytest

from api.app import create_app
from api.relay import to_global_id
from domain.config import Settings
from domain.db import Database
from domain.directory.models import District, School
from domain.identity.models import Chapter
from domain.identity.service import create_organization, create_user, login
from migrations import upgrade

PASSWORD = "correct horse battery"
ROLES = ("admin", "campaign_lead", "advocate", "viewer")


@pytest.fixture(scope="session")
def pg_url():
    url = os.environ.get("ADVOCASE_TEST_DATABASE_URL")
    if url:
        yield url
        return
    from tests.pgcluster import Cluster
    cluster = Cluster()
    try:
        yield cluster.start()
    finally:
        cluster.stop()


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def db_url(request, tmp_path_factory) -> str:
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('sqlite') / 'test.sqlite3'}"
    else:
        url = request.getfixturevalue("pg_url")
    upgrade(url)
    return url


@pytest.fixture(scope="session")
async def db(db_url):
    """The database as its owner (the migrating role): for arranging and checking data behind the app's back."""
    database = Database(db_url)
    yield database
    await database.dispose()


APP_LOGIN_ROLE = "advocase_test_app"


def app_role_url(owner_url: str) -> str:
    """A URL for the same PostgreSQL database as a login role in the application role of migration 0006
    (created here if missing): no owner, no superuser, no BYPASSRLS."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    from migrations import sync_url
    engine = create_engine(sync_url(owner_url))
    with engine.begin() as conn:
        exists = conn.exec_driver_sql("SELECT 1 FROM pg_roles WHERE rolname = %s", (APP_LOGIN_ROLE,)).scalar()
        if not exists:
            conn.exec_driver_sql(f"CREATE ROLE {APP_LOGIN_ROLE} LOGIN PASSWORD '{APP_LOGIN_ROLE}' NOSUPERUSER "
                                 f"NOBYPASSRLS NOCREATEDB NOCREATEROLE IN ROLE advocase_app")
    engine.dispose()
    return make_url(owner_url).set(username=APP_LOGIN_ROLE, password=APP_LOGIN_ROLE).render_as_string(
        hide_password=False)


@pytest.fixture(scope="session")
def app_db_url(db_url) -> str:
    """What the app connects with: on PostgreSQL the restricted role, so row-level security is in effect
    for every API test; on SQLite the same file."""
    return db_url if db_url.startswith("sqlite") else app_role_url(db_url)


@pytest.fixture(scope="session")
async def app_db(app_db_url, db):
    """The app's own database handle (row-level security in effect on PostgreSQL)."""
    if app_db_url == db.url:
        yield db
        return
    database = Database(app_db_url)
    yield database
    await database.dispose()


@pytest.fixture(scope="session")
def settings(db_url) -> Settings:
    # Every test client comes from 127.0.0.1: the per-address sign-in throttle is tested on its own settings
    # (tests/api/test_security_login.py) and kept out of the way of the rest of the suite here.
    return Settings.from_env({}, database_url=db_url, env="test", login_address_free_failures=10_000,
                             login_address_lockout_failures=20_000, time_zone="UTC")


@pytest.fixture
async def client(app_db, settings):
    app = create_app(settings, db=app_db)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as c:
        yield c


class Api:
    """POSTs GraphQL to /graphql, as a given session token (or anonymously)."""

    def __init__(self, client: httpx.AsyncClient):
        self.client = client

    async def raw(self, query: str, variables: dict | None = None, token: str | None = None,
                  headers: dict | None = None) -> httpx.Response:
        h = {"X-Advocase-CSRF": "1", **(headers or {})}  # as the web app sends it (CSRF: README "Security")
        if token:
            h["Authorization"] = f"Bearer {token}"
        return await self.client.post("/graphql", json={"query": query, "variables": variables or {}}, headers=h)

    async def __call__(self, query: str, variables: dict | None = None, token: str | None = None) -> dict:
        r = await self.raw(query, variables, token)
        assert r.status_code == 200, r.text
        return r.json()

    async def data(self, query: str, variables: dict | None = None, token: str | None = None) -> dict:
        body = await self(query, variables, token)
        assert not body.get("errors"), body["errors"]
        return body["data"]


@pytest.fixture
def api(client) -> Api:
    return Api(client)


@dataclass
class World:
    """One organization with two chapters, a district with two schools and a user per role."""

    org_id: uuid.UUID
    chapters: dict[str, uuid.UUID]
    district_id: uuid.UUID
    school_ids: list[uuid.UUID]
    users: dict[str, uuid.UUID] = field(default_factory=dict)
    emails: dict[str, str] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    def gid(self, type_name: str, obj_id: uuid.UUID) -> str:
        return to_global_id(type_name, obj_id)

    @property
    def chapter_gids(self) -> dict[str, str]:
        return {k: to_global_id("Chapter", v) for k, v in self.chapters.items()}


async def make_world(db: Database, name: str = "Test Parents Union") -> World:
    tag = uuid.uuid4().hex[:8]
    async with db.transaction() as s:
        org, admin = await create_organization(
            s, name=f"{name} {tag}", chapters=["North", "South"], admin_email=f"admin-{tag}@example.org",
            admin_password=PASSWORD, admin_name="Ada Admin")
        from sqlalchemy import select
        chapters = {c.name: c.id for c in await s.scalars(select(Chapter).where(Chapter.organization_id == org.id))}
        district = District(organization_id=org.id, name=f"Riverton Public Schools {tag}", state="MA")
        s.add(district)
        await s.flush()
        schools = [School(organization_id=org.id, district_id=district.id, name=n, level=lvl)
                   for n, lvl in (("Riverton High School", "9-12"), ("Maple Street Elementary", "K-5"))]
        s.add_all(schools)
        await s.flush()
        world = World(org_id=org.id, chapters=chapters, district_id=district.id, school_ids=[x.id for x in schools])
        world.users["admin"], world.emails["admin"] = admin.id, admin.email
        for role, chapter in (("advocate", "North"), ("advocate_south", "South"), ("campaign_lead", None),
                              ("viewer", "North")):
            email = f"{role}-{tag}@example.org"
            user = await create_user(s, organization_id=org.id, email=email, password=PASSWORD,
                                     display_name=role.replace("_", " ").title(),
                                     roles=["advocate" if role.startswith("advocate") else role],
                                     chapter_ids=[chapters[chapter]] if chapter else [])
            world.users[role], world.emails[role] = user.id, email
    for role, email in world.emails.items():
        result = await login(db, email=email, password=PASSWORD, ttl=timedelta(hours=1))
        world.tokens[role] = result.token
    return world


@pytest.fixture
async def world(db) -> World:
    return await make_world(db)


@pytest.fixture
async def other_world(db) -> World:
    return await make_world(db, "Other Org")
