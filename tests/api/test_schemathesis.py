"""schemathesis (GraphQL) against a real server in production mode: no 5xx and no unmasked error.

Every query and mutation of the committed SDL (api/schema.graphql) gets generated documents (schemathesis
builds the selection sets and argument literals from the schema), sent as an admin of a seeded organization
to uvicorn on a throwaway PostgreSQL, connected as the restricted app role. Each answer must be below 500;
no error may show an exception's inside (no trace, no SQL, no driver or Python error names); and every error
raised while a document ran must be one the server meant to give: a stable code in its extensions, and not
INTERNAL (the masked answer to an unexpected exception, i.e. a bug). Documents refused before they run
(GraphQL validation, the query limits) carry the specification's messages.
"""

from __future__ import annotations

import asyncio
import re

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from api.cli import SCHEMA_PATH
from domain.db import Database
from migrations import upgrade
from tests.conftest import app_role_url, make_world
from tests.live import LiveServer
from tests.pgcluster import Cluster

schema = schemathesis.graphql.from_path(SCHEMA_PATH)

LEAKS = re.compile(r"Traceback|File \"|sqlalchemy|psycopg|asyncpg|sqlite|SELECT |INSERT |UPDATE |"
                   r"\b(KeyError|TypeError|ValueError|AttributeError|IndexError|AssertionError|RuntimeError)\b",
                   re.IGNORECASE)
EXAMPLES = 5


@pytest.fixture(scope="module")
def live():
    cluster = Cluster()
    try:
        owner_url = cluster.start()
        upgrade(owner_url)

        async def seed():
            owner = Database(owner_url)
            try:
                return await make_world(owner, "Fuzzed Parents")
            finally:
                await owner.dispose()
        world = asyncio.run(seed())
        with LiveServer(app_role_url(owner_url), env="production") as server:
            yield server, world.tokens["admin"]
    finally:
        cluster.stop()


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_no_server_error_and_no_unmasked_error(case, live):
    server, token = live
    response = case.call(base_url=server.url + "/graphql", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code < 500, (response.status_code, response.text[:500])
    body = response.json()
    for error in body.get("errors") or []:
        assert not LEAKS.search(error.get("message", "")), f"an error shows the inside: {error}"
        if "path" not in error:
            continue  # the document was refused before it ran (GraphQL validation, limits): the spec's messages
        code = (error.get("extensions") or {}).get("code")
        assert code, f"an error without a code: {error}"
        assert code != "INTERNAL", f"an unexpected error (masked, but a bug: see the server log): {error}"
        assert not LEAKS.search(error.get("message", "")), f"an error shows the inside: {error}"
    for payload in (body.get("data") or {}).values():  # typed errors (the selection may pick any of their fields)
        for error in (payload or {}).get("errors", []) if isinstance(payload, dict) else []:
            assert error.get("code", "x") and not LEAKS.search(error.get("message") or ""), error
