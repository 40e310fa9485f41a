"""A permission granted through one server process takes effect in another at once, and so does its revocation.

Two real `advocase serve` processes (uvicorn) share one database: a temporary SQLite file, and PostgreSQL.
Each caches the organization's casbin enforcer; Organization.policy_version tells it when to reload.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest

from domain.db import Database
from migrations import upgrade
from tests.api.admin_ops import DEACTIVATE, GRANT, ME, REVOKE
from tests.conftest import make_world

BIN = Path(sys.executable).parent / "advocase"
CREATE_DISTRICT = """mutation($i: CreateDistrictInput!) { createDistrict(input: $i) {
  district { id name } errors { code message field } } }"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, url: str, log: Path):
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "ADVOCASE_DATABASE_URL": url, "ADVOCASE_DEMO_ON_FIRST_START": "0",
               "ADVOCASE_ENV": "test"}
        self.log = log.open("w")
        self.proc = subprocess.Popen([str(BIN), "serve", "--port", str(self.port)], env=env, stdout=self.log,
                                     stderr=subprocess.STDOUT)

    def wait_ready(self) -> None:
        deadline = time.time() + 60
        while time.time() < deadline:
            assert self.proc.poll() is None, "the server exited; see its log"
            try:
                if httpx.get(f"{self.base}/healthz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise TimeoutError("server did not start")

    def gql(self, query: str, variables: dict | None = None, token: str | None = None) -> dict:
        r = httpx.post(f"{self.base}/graphql", json={"query": query, "variables": variables or {}},
                       headers={"Authorization": f"Bearer {token}"} if token else {}, timeout=30)
        assert r.status_code == 200, r.text
        body = r.json()
        assert not body.get("errors"), body
        return body["data"]

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


@pytest.fixture(params=["sqlite", "postgres"])
def shared_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'shared.sqlite3'}"
    else:
        url = request.getfixturevalue("pg_url")
    upgrade(url)  # before the servers start, so that neither migrates while the other runs
    return url


def test_grant_and_revoke_reach_another_process(shared_url, tmp_path):
    async def setup():
        db = Database(shared_url)
        try:
            return await make_world(db, "Two Process Union")
        finally:
            await db.dispose()

    world = asyncio.run(setup())
    servers = [Server(shared_url, tmp_path / f"server-{i}.log") for i in "ab"]
    try:
        for s in servers:
            s.wait_ready()
        a, b = servers
        admin, viewer = world.tokens["admin"], world.tokens["viewer"]

        def create_district(server: Server) -> dict:
            return server.gql(CREATE_DISTRICT, {"i": {"name": f"District {uuid.uuid4().hex[:8]}", "state": "MA"}},
                              viewer)["createDistrict"]

        def viewer_can_manage_directory(server: Server) -> bool:
            return "directory:manage" in server.gql(ME, token=viewer)["me"]["permissions"]

        # B has built (and cached) the organization's enforcer: the viewer may not change the directory
        assert create_district(b)["errors"][0]["code"] == "FORBIDDEN"
        assert not viewer_can_manage_directory(b)

        granted = a.gql(GRANT, {"i": {"role": "viewer", "resource": "directory", "action": "manage"}}, admin)
        assert granted["grantPermission"]["errors"] == []
        made = create_district(b)
        assert made["errors"] == [] and made["district"]["name"].startswith("District ")
        assert viewer_can_manage_directory(b)

        revoked = b.gql(REVOKE, {"i": {"role": "viewer", "resource": "directory", "action": "manage"}}, admin)
        assert revoked["revokePermission"]["errors"] == []
        assert create_district(a)["errors"][0]["code"] == "FORBIDDEN"
        assert create_district(b)["errors"][0]["code"] == "FORBIDDEN"
        assert not viewer_can_manage_directory(a)

        # deactivating through A ends the viewer's session in B at once
        assert b.gql(ME, token=viewer)["me"] is not None
        out = a.gql(DEACTIVATE, {"i": {"userId": world.gid("User", world.users["viewer"])}}, admin)
        assert out["deactivateUser"]["errors"] == []
        assert b.gql(ME, token=viewer)["me"] is None
    finally:
        for s in servers:
            s.stop()
