"""Deliveries and guidance through a real server, database and virtual robots."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.flow import complete, delivery, statuses_in_history
from tests.e2e.server import (
    PorterServer,
    client,
    make_tokens,
    running,
    settings_for,
)

pytestmark = pytest.mark.slow


@pytest.fixture
def database(database_url: str) -> str:
    """Each test runs on a SQLite file and on a PostgreSQL database."""
    return database_url


@pytest.fixture
def server(database: str) -> Iterator[PorterServer]:
    with running(settings_for(database)) as started:
        yield started


def test_secure_delivery_goes_from_request_to_confirmed_handoff(
    server: PorterServer, database: str
) -> None:
    """A controlled substance reaches the ward and is handed over against the PIN."""
    tokens = make_tokens(database)
    with client(server, tokens["pharmacy"]) as pharmacy:
        body = delivery(category="controlled_substance", pin="4321", recipient="RN Ade")
        created = pharmacy.post("/api/v1/requests", json=body)
        assert created.status_code == 201, created.text
        job_id = created.json()["id"]
        assert created.json()["status"] == "requested"
        assert created.json()["ward"] == "ward_2a"
        done = complete(pharmacy, job_id, pin="4321")
        assert done["status"] == "completed"
        detail = pharmacy.get(f"/api/v1/requests/{job_id}").json()
    path = statuses_in_history(detail)
    assert path[0] == "requested" and path[-1] == "completed"
    for status in ("assigned", "to_pickup", "loading", "to_dropoff", "unloading"):
        assert status in path
    carrier = server.service.robot(done["robot_id"])
    assert "secure_drawer" in carrier.capabilities


def test_guidance_leads_a_person_to_the_ward(
    server: PorterServer, database: str
) -> None:
    """A guidance from reception is done by the guide robot and completes."""
    tokens = make_tokens(database)
    with client(server, tokens["station_w"]) as station:
        body = {"kind": "guidance", "pickup": "reception", "dropoff": "ward_2a"}
        created = station.post("/api/v1/requests", json=body)
        assert created.status_code == 201, created.text
        assert created.json()["category"] == "person"
        done = complete(station, created.json()["id"])
    assert done["status"] == "completed"
    assert "can_guide" in server.service.robot(done["robot_id"]).capabilities
