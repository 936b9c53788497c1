"""Deliveries and guidance through a real server, database and virtual robots."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest

from tests.e2e.flow import complete, delivery, job, statuses_in_history
from tests.e2e.server import (
    PorterServer,
    client,
    make_tokens,
    running,
    settings_for,
    wait_until,
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


def test_the_promised_drop_off_time_holds_in_a_sped_up_world(database: str) -> None:
    """At 50x the ETA a ward sees is the wall-clock time the delivery arrives
    (it was 50x too late when the core timed travel at the robots' own speed)."""
    with running(settings_for(database, speed=50.0)) as server:
        tokens = make_tokens(database)
        with client(server, tokens["station_w"]) as station:
            created = station.post("/api/v1/requests", json=delivery())
            assert created.status_code == 201, created.text
            job_id = created.json()["id"]
            planned = wait_until(
                lambda: job(station, job_id)["eta_dropoff"], what="a drop-off ETA"
            )
            done = complete(station, job_id)
            detail = station.get(f"/api/v1/requests/{job_id}").json()
    assert done["status"] == "completed"
    requested = _moment(created.json()["created_at"])
    promised = _moment(planned) - requested
    arrived = _moment(_first_at(detail, "unloading")) - requested
    assert 0 < promised < 30.0  # seconds of wall time at 50x
    assert abs(arrived - promised) <= 0.5 * promised + 2.0, (promised, arrived)


def _moment(iso: str) -> float:
    return datetime.fromisoformat(iso).timestamp()


def _first_at(detail: dict[str, Any], status: str) -> str:
    return next(e["at"] for e in detail["history"] if e["after"] == status)
