"""PostgreSQL stops under a running server, then comes back.

While it is down a create gets a clear 503 naming the database (and ``/ready``
says why); nothing of the refused request is written. Once it is back the same
server serves again and the database holds exactly what was acknowledged.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest

from fleet.cli.serve_cmds import create_token
from fleet.core.model import Role
from fleet.store import open_store
from tests.e2e.flow import delivery
from tests.e2e.server import client, running, settings_for, wait_until
from tests.fixtures.postgres import PostgresServer, started_server, unavailable_reason


@pytest.fixture
def own_postgres() -> Iterator[PostgresServer]:
    """A server of this test's own: stopping the shared one would hit others."""
    reason = unavailable_reason()
    if reason is not None:
        pytest.skip(reason)
    server = started_server()
    try:
        yield server
    finally:
        with contextlib.suppress(RuntimeError):  # already stopped
            server.stop()
        server.remove()


def test_database_down_is_503_then_recovers(own_postgres: PostgresServer) -> None:
    """503 with the reason while down; nothing half-written; serves again after."""
    url = own_postgres.new_database(migrated=True)
    store = open_store(url)
    token = create_token(store.tokens, Role.OPERATOR)
    store.close()
    with running(settings_for(url, speed=1.0)) as server, client(server, token) as api:
        before = api.post("/api/v1/requests", json=delivery())
        assert before.status_code == 201, before.text
        own_postgres.stop()
        refused = api.post("/api/v1/requests", json=delivery(dropoff="ward_3a"))
        assert refused.status_code == 503, refused.text
        assert refused.json()["detail"][0]["loc"] == ["database"]
        assert refused.json()["detail"][0]["msg"]
        ready = api.get("/ready")
        assert ready.status_code == 503 and ready.json()["reason"]
        own_postgres.start()
        wait_until(
            lambda: api.get("/ready").status_code == 200,
            timeout_s=60,
            what="ready again",
        )
        after = wait_until(
            lambda: (
                (a := api.post("/api/v1/requests", json=delivery())).status_code == 201
                and a
            ),
            timeout_s=30,
            what="a create to succeed again",
        )
        listed = {job["id"]: job for job in api.get("/api/v1/requests").json()}
    acknowledged = {before.json()["id"], after.json()["id"]}
    assert set(listed) == acknowledged
    assert not any(job["dropoff"] == "ward_3a" for job in listed.values())
