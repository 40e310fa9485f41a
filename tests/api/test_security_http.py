"""Security over HTTP: query limits, production mode, CSRF, health, readiness, metrics, logs, database outages."""

from __future__ import annotations

import json
import logging
import re

import httpx
import pytest
from sqlalchemy import text

from api.app import create_app
from api.cli import main as cli_main
from api.limits import MAX_ALIASES, MAX_BODY_BYTES, MAX_COST, MAX_DEPTH, MAX_TOKENS
from api.observability import JsonFormatter
from domain.config import DEFAULT_SECRET, Settings
from domain.db import Database
from tests.conftest import PASSWORD

LOGIN = "mutation($i: LoginInput!) { login(input: $i) { token errors { code message field } } }"
ME = "query { me { user { email } } }"
PROD_SECRET = "x" * 48


def codes(body: dict) -> list[str]:
    return [(e.get("extensions") or {}).get("code") for e in body.get("errors") or []]


def nested_cases(levels: int) -> str:
    """cases -> edges -> node -> family -> cases ... : three levels of depth per round."""
    inner = "id"
    for _ in range(levels):
        inner = f"family {{ cases(first: 1) {{ edges {{ node {{ {inner} }} }} }} }}"
    return f"query {{ cases(first: 1) {{ edges {{ node {{ {inner} }} }} }} }}"


@pytest.fixture
async def prod(db, settings):
    s = Settings.from_env({}, database_url=settings.database_url, env="production", secret_key=PROD_SECRET,
                          login_address_free_failures=10_000, login_address_lockout_failures=20_000)
    app = create_app(s, db=db)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://advocase.test") as c:
        yield c


# ---------------------------------------------------------------- limits


async def test_query_depth_is_limited(api, world):
    token = world.tokens["admin"]
    ok = await api(nested_cases(2), token=token)  # depth 3 + 2*4 + 1 = 12
    assert "QUERY_TOO_DEEP" not in codes(ok) and not ok.get("errors"), ok
    deep = await api(nested_cases(3), token=token)
    assert codes(deep) == ["QUERY_TOO_DEEP"] and deep.get("data") is None
    assert f"maximum operation depth of {MAX_DEPTH}" in deep["errors"][0]["message"]


async def test_aliases_are_limited(api, world):
    many = lambda n: "query { " + " ".join(f"a{i}: __typename" for i in range(n)) + " }"
    assert (await api(many(MAX_ALIASES), token=world.tokens["viewer"]))["data"]["a0"] == "Query"
    body = await api(many(MAX_ALIASES + 1), token=world.tokens["viewer"])
    assert codes(body) == ["TOO_MANY_ALIASES"] and body.get("data") is None
    assert body["errors"][0]["extensions"]["limit"] == MAX_ALIASES


async def test_tokens_are_limited(api, world):
    body = await api("query { " + "__typename " * MAX_TOKENS + "}", token=world.tokens["viewer"])
    assert codes(body) == ["TOO_MANY_TOKENS"] and body.get("data") is None
    assert "tokens" in body["errors"][0]["message"]


async def test_cost_multiplies_by_page_size(api, world):
    q = ("query($n: Int, $m: Int) { cases(first: $n) { edges { node { id "
         "timeline(first: $m) { edges { node { id } } } } } } }")
    token = world.tokens["admin"]
    small = await api(q, {"n": 10, "m": 10}, token)
    assert not small.get("errors"), small
    big = await api(q, {"n": 100, "m": 100}, token)
    assert codes(big) == ["QUERY_TOO_COSTLY"] and big.get("data") is None
    assert big["errors"][0]["extensions"]["cost"] > MAX_COST
    # omitted page sizes count as the default page (25): 1 + 25 * (1 + 1 + 1 + (1 + 25 * 3)) = 2001
    assert not (await api(q, {}, token)).get("errors")
    # the same document refused through literals and through fragments
    frag = ("query { cases(first: 100) { edges { node { ...T } } } } "
            "fragment T on Case { timeline(first: 100) { edges { node { id } } } }")
    assert codes(await api(frag, token=token)) == ["QUERY_TOO_COSTLY"]


async def test_page_size_is_at_most_100(api, world):
    body = await api("query { cases(first: 101) { edges { node { id } } } }", token=world.tokens["admin"])
    assert codes(body) == ["VALIDATION"] and "between 1 and 100" in body["errors"][0]["message"]


async def test_no_batching_no_get_queries_no_multipart(client, world):
    auth = {"Authorization": f"Bearer {world.tokens['viewer']}"}
    batch = await client.post("/graphql", json=[{"query": ME}, {"query": ME}], headers=auth)
    assert batch.status_code == 400 and codes(batch.json()) == ["BATCHING_DISABLED"]
    get = await client.get("/graphql", params={"query": ME}, headers=auth)
    assert get.status_code == 405 and codes(get.json()) == ["METHOD_NOT_ALLOWED"] and "email" not in get.text
    multipart = await client.post("/graphql", headers=auth, files={"operations": (None, json.dumps({"query": ME})),
                                                                   "map": (None, "{}")})
    assert multipart.status_code == 400 and codes(multipart.json()) == ["UNSUPPORTED_CONTENT_TYPE"]
    broken = await client.post("/graphql", content=b"{not json", headers={**auth, "Content-Type": "application/json"})
    assert broken.status_code == 400 and codes(broken.json()) == ["BAD_REQUEST"]


CREATE_FAMILY = """mutation($i: CreateFamilyInput!) { createFamily(input: $i) { family { id } errors { code } } }"""
FAMILY_COUNT = "query { families(first: 1) { totalCount } }"


async def test_a_request_body_over_the_limit_is_refused_and_changes_nothing(client, api, world):
    auth = {"Authorization": f"Bearer {world.tokens['admin']}", "Content-Type": "application/json"}
    before = (await api(FAMILY_COUNT, token=world.tokens["admin"]))["data"]["families"]["totalCount"]
    payload = {"query": CREATE_FAMILY, "variables": {"i": {"displayName": "Big family",
                                                          "contactNotes": "x" * (MAX_BODY_BYTES + 10)}}}
    raw = json.dumps(payload).encode()
    announced = await client.post("/graphql", content=raw, headers=auth)
    assert announced.status_code == 413 and codes(announced.json()) == ["PAYLOAD_TOO_LARGE"]
    assert announced.headers["x-request-id"]

    async def stream():  # no Content-Length: counted as it arrives
        for i in range(0, len(raw), 1 << 20):
            yield raw[i:i + (1 << 20)]
    streamed = await client.post("/graphql", content=stream(), headers=auth)
    assert streamed.status_code == 413 and codes(streamed.json()) == ["PAYLOAD_TOO_LARGE"]
    after = (await api(FAMILY_COUNT, token=world.tokens["admin"]))["data"]["families"]["totalCount"]
    assert after == before
    # a large request under the limit is served as usual
    payload["variables"]["i"]["contactNotes"] = "y" * 2000
    padded = json.dumps(payload) + " " * (MAX_BODY_BYTES // 2)
    ok = await client.post("/graphql", content=padded.encode(), headers=auth)
    assert ok.status_code == 200 and ok.json()["data"]["createFamily"]["errors"] == []


# ---------------------------------------------------------------- production mode


async def test_production_refuses_a_default_or_missing_secret(monkeypatch, capsys):
    for secret in (DEFAULT_SECRET, "short"):
        with pytest.raises(ValueError, match="ADVOCASE_SECRET_KEY"):
            create_app(Settings.from_env({}, env="production", secret_key=secret))
    monkeypatch.setenv("ADVOCASE_ENV", "production")
    monkeypatch.delenv("ADVOCASE_SECRET_KEY", raising=False)
    assert cli_main(["serve"]) == 2
    assert "ADVOCASE_SECRET_KEY must be set" in capsys.readouterr().err


async def test_production_hides_the_schema(prod, api, world):
    token = {"Authorization": f"Bearer {world.tokens['admin']}"}
    intro = (await prod.post("/graphql", json={"query": "{ __schema { types { name } } }"}, headers=token)).json()
    assert intro.get("data") is None and "introspection" in intro["errors"][0]["message"].lower()
    ide = await prod.get("/graphql", headers={"Accept": "text/html"})
    assert ide.status_code == 405 and "graphiql" not in ide.text.lower()
    # development keeps introspection and suggestions
    assert (await api("{ __schema { queryType { name } } }"))["data"]["__schema"]["queryType"]["name"] == "Query"
    assert "Did you mean" in (await api("{ mee { user { email } } }", token=world.tokens["admin"]))["errors"][0][
        "message"]
    for bad in ("{ mee { user { email } } }", "{ cases(orderBy: OPENED_NEWES) { edges { node { id } } } }",
                "{ cases(firstt: 1) { edges { node { id } } } }"):
        body = (await prod.post("/graphql", json={"query": bad}, headers=token)).json()
        assert body["errors"] and all("Did you mean" not in e["message"] for e in body["errors"]), body


async def test_production_masks_unexpected_errors_but_not_typed_ones(prod, world):
    token = {"Authorization": f"Bearer {world.tokens['admin']}"}
    typed = (await prod.post("/graphql", json={"query": "{ cases(first: 0) { edges { node { id } } } }"},
                             headers=token)).json()
    assert codes(typed) == ["VALIDATION"] and "between 1 and 100" in typed["errors"][0]["message"]
    limit = (await prod.post("/graphql", json={"query": nested_cases(3)}, headers=token)).json()
    assert codes(limit) == ["QUERY_TOO_DEEP"]


async def test_production_tells_a_client_its_variables_are_wrong(prod, world):
    token = {"Authorization": f"Bearer {world.tokens['admin']}"}
    query = "query($s: [CaseStatus!]) { cases(filter: {status: $s}) { totalCount } }"
    body = (await prod.post("/graphql", json={"query": query, "variables": {"s": ["OPNE"]}}, headers=token)).json()
    assert codes(body) == ["BAD_VARIABLES"], body
    message = body["errors"][0]["message"]
    assert "'OPNE' does not exist in 'CaseStatus'" in message and "Did you mean" not in message


async def test_production_cookies_are_secure(prod, world):
    r = await prod.post("/graphql", json={"query": LOGIN, "variables": {
        "i": {"email": world.emails["viewer"], "password": PASSWORD}}})
    assert r.json()["data"]["login"]["errors"] == []
    cookie = r.headers["set-cookie"]
    assert "advocase_session=" in cookie and "Secure" in cookie and "HttpOnly" in cookie


# ---------------------------------------------------------------- CSRF


async def test_cookie_requests_need_json_and_the_csrf_header(client, world):
    r = await client.post("/graphql", json={"query": LOGIN, "variables": {
        "i": {"email": world.emails["viewer"], "password": PASSWORD}}})  # no cookie yet: no header needed
    assert r.json()["data"]["login"]["errors"] == [] and "advocase_session" in client.cookies
    bare = await client.post("/graphql", json={"query": ME})
    assert bare.status_code == 403 and codes(bare.json()) == ["CSRF_REQUIRED"]
    as_text = await client.post("/graphql", content=json.dumps({"query": ME}),
                                headers={"Content-Type": "text/plain", "X-Advocase-CSRF": "1"})
    assert as_text.status_code == 403
    form = await client.post("/graphql", data={"query": ME}, headers={"X-Advocase-CSRF": "1"})
    assert form.status_code == 403
    empty = await client.post("/graphql", json={"query": ME}, headers={"X-Advocase-CSRF": " "})
    assert empty.status_code == 403
    ok = await client.post("/graphql", json={"query": ME}, headers={"X-Advocase-CSRF": "1"})
    assert ok.status_code == 200 and ok.json()["data"]["me"]["user"]["email"] == world.emails["viewer"]


async def test_bearer_requests_need_no_csrf_header(client, world):
    client.cookies.set("advocase_session", "stale-cookie")
    r = await client.post("/graphql", json={"query": ME},
                          headers={"Authorization": f"Bearer {world.tokens['advocate']}"})
    assert r.status_code == 200 and r.json()["data"]["me"]["user"]["email"] == world.emails["advocate"]


async def test_graphiql_sends_the_csrf_header_in_development(client):
    page = await client.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200 and 'const defaultHeaders = {"X-Advocase-CSRF": "1"};' in page.text


async def test_no_page_of_the_app_leaks_its_address(client):
    """The pages mailed links open carry a token in the address (/accept-invite?token=…): the app is served with
    Referrer-Policy: no-referrer, those pages are never cached, and the app loads nothing from other origins."""
    for path in ("/", "/cases", "/accept-invite?token=secret", "/reset-password?token=secret&lang=es"):
        r = await client.get(path)
        assert r.status_code == 200 and r.headers["referrer-policy"] == "no-referrer", path
        assert r.headers["cache-control"] == ("no-store" if "token=" in path else "no-cache"), path
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", r.text), path


# ---------------------------------------------------------------- health, readiness, request ids, logs


async def test_health_and_readiness(client):
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    r = await client.get("/readyz")
    assert r.status_code == 200 and r.json() == {"status": "ready", "database": "ok"}


async def test_request_ids_in_and_out_and_in_the_json_log(client, caplog):
    caplog.set_level(logging.INFO, logger="advocase.http")
    r = await client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert r.headers["x-request-id"] == "abc-123"
    fresh = (await client.get("/healthz", headers={"X-Request-ID": "not ok; <script>"})).headers["x-request-id"]
    assert len(fresh) == 32 and fresh.isalnum()
    line = next(rec for rec in caplog.records if getattr(rec, "request_id", None) == "abc-123")
    entry = json.loads(JsonFormatter().format(line))
    assert entry["level"] == "INFO" and entry["path"] == "/healthz" and entry["status"] == 200
    assert entry["request_id"] == "abc-123" and entry["method"] == "GET" and "duration_ms" in entry


async def test_metrics_count_operations_and_the_outbox(db, settings, api, client, world):
    await api("query MetricsProbe { me { user { email } } }", token=world.tokens["viewer"])
    await api("query CostlyProbe { cases(first: 100) { edges { node { timeline(first: 100) { edges { node { id } } }"
              " } } } }", token=world.tokens["viewer"])
    r = await client.get("/metrics")
    assert r.status_code == 200
    assert 'advocase_graphql_operations_total{operation="CostlyProbe",outcome="QUERY_TOO_COSTLY",type="query"}' \
        in r.text
    assert 'advocase_graphql_operations_total{operation="MetricsProbe",outcome="ok",type="query"}' in r.text
    assert 'advocase_graphql_operation_seconds_count{operation="MetricsProbe",type="query"}' in r.text
    assert "advocase_outbox_backlog " in r.text and "advocase_http_requests_total" in r.text
    # not from elsewhere
    app = create_app(settings, db=db)
    outside = httpx.ASGITransport(app=app, client=("203.0.113.7", 4000))
    async with httpx.AsyncClient(transport=outside, base_url="http://t") as c:
        assert (await c.get("/metrics")).status_code == 403
    # with a token: the token, from anywhere (and nothing without it, not even from loopback)
    tokened = create_app(Settings.from_env({}, database_url=settings.database_url, env="test",
                                           metrics_token="s3cret-metrics"), db=db)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=tokened, client=("203.0.113.7", 4000)),
                                 base_url="http://t") as c:
        assert (await c.get("/metrics", headers={"Authorization": "Bearer s3cret-metrics"})).status_code == 200
        assert (await c.get("/metrics", headers={"Authorization": "Bearer wrong"})).status_code == 403
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=tokened), base_url="http://t") as c:
        assert (await c.get("/metrics")).status_code == 403


# ---------------------------------------------------------------- database outages


async def test_database_outage_is_a_clear_503(world):
    db = Database("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1")
    app = create_app(Settings.from_env({}, database_url=db.url, env="test"), db=db)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
            login = await c.post("/graphql", json={"query": LOGIN, "variables": {
                "i": {"email": "a@b.org", "password": "x"}}}, headers={"X-Request-Id": "outage-1"})
            signed_in = await c.post("/graphql", json={"query": ME},
                                     headers={"Authorization": f"Bearer {world.tokens['viewer']}"})
            ready = await c.get("/readyz")
    finally:
        await db.dispose()
    for r in (login, signed_in):
        assert r.status_code == 503 and r.headers["retry-after"] == "5", r.text
        assert codes(r.json()) == ["UNAVAILABLE"] and "psycopg" not in r.text and "127.0.0.1" not in r.text
    assert login.json()["errors"][0]["extensions"]["requestId"] == "outage-1"
    assert ready.status_code == 503 and ready.json()["status"] == "unavailable"


async def test_the_service_recovers_when_connections_are_cut(pg_url):
    """PostgreSQL ends every connection of the application (as a restart or failover does): the next requests
    still work, because the pool checks connections before use (pool_pre_ping). PostgreSQL only: connection
    loss is a client/server matter."""
    db = Database(pg_url)
    app = create_app(Settings.from_env({}, database_url=pg_url, env="test"), db=db)
    wrong = {"query": LOGIN, "variables": {"i": {"email": "recovery@example.org", "password": "wrong password"}}}
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
            assert (await c.get("/readyz")).status_code == 200
            assert (await c.post("/graphql", json=wrong)).json()["data"]["login"]["errors"][0]["code"] == \
                "UNAUTHENTICATED"
            async with Database(pg_url).engine.connect() as conn:
                killed = (await conn.execute(text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
                ))).scalar()
            assert killed >= 1
            assert (await c.get("/readyz")).status_code == 200
            body = (await c.post("/graphql", json=wrong)).json()
            assert body["data"]["login"]["errors"][0]["code"] == "UNAUTHENTICATED"
    finally:
        await db.dispose()
