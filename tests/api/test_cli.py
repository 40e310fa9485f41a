"""The `advocase` console script, run as a user would: create an org and a user, serve, sign in."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

BIN = Path(sys.executable).parent / "advocase"


def _env(tmp_path) -> dict:
    return {**os.environ, "ADVOCASE_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'cli.sqlite3'}",
            "ADVOCASE_DEMO_ON_FIRST_START": "0"}


def _run(env, *args) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN), *args], env=env, capture_output=True, text=True, timeout=120)


def test_create_org_create_user_serve_and_sign_in(tmp_path):
    env = _env(tmp_path)
    assert _run(env, "db", "upgrade").returncode == 0
    org = _run(env, "create-org", "--name", "Lynn Parents United", "--admin-email", "admin@lynn.example.org",
               "--admin-password", "admin password 1", "--chapter", "West Lynn")
    assert org.returncode == 0, org.stderr
    org_id = org.stdout.strip().splitlines()[-1]
    user = _run(env, "create-user", "--org", org_id, "--email", "ana@lynn.example.org", "--role", "advocate",
                "--password", "advocate password 1", "--chapter", "West Lynn")
    assert user.returncode == 0, user.stderr
    bad = _run(env, "create-user", "--org", org_id, "--email", "x@lynn.example.org", "--role", "wizard",
               "--password", "advocate password 1")
    assert bad.returncode == 2 and "Unknown role" in bad.stderr

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([str(BIN), "serve", "--port", str(port)], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if httpx.get(f"{base}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        assert "Advocase" in httpx.get(base).text
        assert "graphiql" in httpx.get(f"{base}/graphql", headers={"Accept": "text/html"}).text.lower()
        r = httpx.post(f"{base}/graphql", json={"query": """mutation { login(input: {email: "ana@lynn.example.org",
            password: "advocate password 1"}) { token me { roles chapters { name } organization { name } } } }"""})
        me = r.json()["data"]["login"]["me"]
        assert me == {"roles": ["advocate"], "chapters": [{"name": "West Lynn"}],
                      "organization": {"name": "Lynn Parents United"}}
        assert "advocase_session=" in r.headers["set-cookie"]
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_production_refuses_to_start_without_a_secret(tmp_path):
    env = {**_env(tmp_path), "ADVOCASE_ENV": "production"}
    env.pop("ADVOCASE_SECRET_KEY", None)
    out = _run(env, "serve")
    assert out.returncode == 2 and "ADVOCASE_SECRET_KEY" in out.stderr


def test_export_schema_writes_the_sdl(tmp_path):
    from api.cli import export_schema
    target = tmp_path / "schema.graphql"
    sdl = export_schema(target)
    assert target.read_text() == sdl and "type Query" in sdl and "openCase(input: OpenCaseInput!)" in sdl


def test_reseal_secrets_after_a_key_change(tmp_path):
    import sqlite3

    from domain.security.sealing import Sealer
    old, new = "the-old-secret-key-of-the-deployment-32+", "the-new-secret-key-of-the-deployment-32+"
    env = {**_env(tmp_path), "ADVOCASE_SECRET_KEY": old}
    assert _run(env, "db", "upgrade").returncode == 0
    with sqlite3.connect(tmp_path / "cli.sqlite3") as conn:
        conn.execute("INSERT INTO users (id, email, display_name, preferred_language, active, created_at, totp_secret) "
                     "VALUES ('0123456789abcdef0123456789abcdef', 'ana@example.org', 'Ana', 'en', 1, "
                     "'2026-01-01 00:00:00', ?)", (Sealer(old, "totp").seal("JBSWY3DPEHPK3PXP"),))

    def stored() -> str:
        with sqlite3.connect(tmp_path / "cli.sqlite3") as conn:
            return conn.execute("SELECT totp_secret FROM users").fetchone()[0]

    before = stored()
    lost = _run({**env, "ADVOCASE_SECRET_KEY": new}, "reseal-secrets")  # the old key not listed
    assert lost.returncode == 2 and "nothing was changed" in lost.stderr and stored() == before
    done = _run({**env, "ADVOCASE_SECRET_KEY": new, "ADVOCASE_PREVIOUS_SECRET_KEYS": old}, "reseal-secrets")
    assert done.returncode == 0 and "sealed 1 second-factor secret(s)" in done.stdout, done.stderr
    assert Sealer(new, "totp").open(stored()) == "JBSWY3DPEHPK3PXP"


def test_purge_audit_keeps_at_least_a_year(tmp_path):
    env = _env(tmp_path)
    assert _run(env, "db", "upgrade").returncode == 0
    short = _run(env, "purge-audit", "--older-than-days", "90")
    assert short.returncode == 2 and "kept at least 365 days" in short.stderr
    dry = _run(env, "purge-audit", "--older-than-days", "730", "--dry-run")
    assert dry.returncode == 0 and "would delete 0 audit event(s) older than 730 days" in dry.stdout, dry.stderr
