"""Serving the browser app: its assets, index.html for client routes, and nothing of the server shadowed."""

from __future__ import annotations

import httpx
import pytest
from starlette.applications import Starlette

from api import web


@pytest.fixture
def dist(tmp_path):
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text('<!doctype html><div id="root"></div>')
    (tmp_path / "assets" / "index-abc123.js").write_text("console.log('app')")
    (tmp_path.parent / "secret.txt").write_text("not for the web")
    return tmp_path


async def _get(app, path: str, method: str = "GET") -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as c:
        return await c.request(method, path)


async def test_client_routes_get_the_app_and_assets_are_cached(dist):
    anywhere, last = web.routes(dist)
    app = Starlette(routes=[*anywhere, *last])
    for path in ("/cases", "/cases/Q2FzZTox", "/intake", "/campaigns/abc/edit"):
        r = await _get(app, path)
        assert r.status_code == 200 and 'id="root"' in r.text, path
        assert r.headers["cache-control"] == "no-cache" and r.headers["referrer-policy"] == "no-referrer"
    for path in ("/accept-invite?token=abc", "/reset-password?token=abc&lang=es"):  # the pages mailed links open
        r = await _get(app, path)
        assert r.status_code == 200 and 'id="root"' in r.text, path
        assert r.headers["cache-control"] == "no-store" and r.headers["referrer-policy"] == "no-referrer"
    r = await _get(app, "/assets/index-abc123.js")
    assert r.status_code == 200 and "immutable" in r.headers["cache-control"]
    for path in ("/assets/missing.js", "/assets/../../secret.txt", "/assets/%2e%2e/%2e%2e/secret.txt", "/favicon.ico",
                 "/graphql/x", "/healthz/x"):
        r = await _get(app, path)
        assert r.status_code == 404, path
        assert "not for the web" not in r.text
    assert (await _get(app, "/cases", "POST")).status_code == 405


async def test_placeholder_before_the_app_is_built(tmp_path):
    anywhere, last = web.routes(tmp_path / "nothing-here")
    r = await _get(Starlette(routes=[*anywhere, *last]), "/dashboard")
    assert r.status_code == 200 and "Advocase" in r.text


async def test_the_server_routes_still_answer(client):
    r = await client.get("/cases/whatever")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    r = await client.post("/graphql", json={"query": "{ me { user { id } } }"}, headers={"X-Advocase-CSRF": "1"})
    assert r.status_code == 200 and r.json() == {"data": {"me": None}}
    r = await client.get("/graphql", headers={"Accept": "text/html"})
    assert r.status_code == 200 and "graphiql" in r.text.lower()
    assert (await client.get("/healthz")).json()["status"] == "ok"
    r = await client.get("/accept-invite")  # a page of the app (mailed links open it): never cached
    assert r.status_code == 200 and ('id="root"' in r.text or "has not been built" in r.text)
    assert r.headers["cache-control"] == "no-store" and r.headers["referrer-policy"] == "no-referrer"
