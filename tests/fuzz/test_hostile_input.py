"""Hostile request bodies: odd unicode, negative and huge numbers, far-off times.

Each is refused with a 4xx naming the field (or accepted when it is harmless),
never a 5xx; the property test over any create body is tests/fleet/test_api_fuzz.py.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.flow import delivery
from tests.e2e.server import (
    PorterServer,
    client,
    make_tokens,
    running,
    service_database,
    settings_for,
)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    database = service_database(Path(tmp_path_factory.mktemp("hostile")))
    tokens = make_tokens(database)
    with running(settings_for(database, speed=1.0)) as server:
        yield {"server": server, "token": tokens["operator"]}


REFUSED = [
    (delivery(pickup="pharmacy\u0000"), "pickup"),
    (delivery(pickup="\u202epharmacy"), "pickup"),
    (delivery(dropoff="🚑" * 40), "dropoff"),
    (delivery(compartments=-1), "compartments"),
    (delivery(compartments=10**30), "compartments"),
    (delivery(compartments=1.5), "compartments"),
    (delivery(ready_at="0001-01-01T00:00:00Z"), "ready_at"),
    (delivery(due_at="9999-12-31T23:59:59Z"), "due_at"),
    (delivery(due_at="1970-01-01T00:00:00Z"), "due_at"),
    (delivery(due_at="-1"), "due_at"),
    (delivery(ready_at=1e308), "ready_at"),
    (delivery(note="x" * 501), "note"),
    (delivery(note="ward 2A\u0000; DROP TABLE jobs"), "note"),
    (delivery(recipient="Dr \u0007Who"), "recipient"),
    (delivery(recipient="\ud800"), "recipient"),
    (delivery(category="controlled_substance", pin="١٢٣٤"), "pin"),
    (delivery(priority="stat\u200b"), "priority"),
]


@pytest.mark.parametrize(("body", "field"), REFUSED)
def test_hostile_bodies_get_a_4xx_naming_the_field(
    site: dict[str, Any], body: dict[str, Any], field: str
) -> None:
    """Refused with 422 (or 403) whose detail names the field; never a 5xx."""
    server: PorterServer = site["server"]
    with client(server, site["token"]) as api:
        # json.dumps escapes a lone surrogate, which httpx's json= cannot encode.
        answer = api.post(
            "/api/v1/requests",
            content=json.dumps(body),
            headers={"Content-Type": "application/json"},
        )
    assert 400 <= answer.status_code < 500, answer.text
    locs = [item["loc"] for item in answer.json()["detail"]]
    assert any(field in loc for loc in locs), (field, locs)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/requests/" + "9" * 5000,
        "/api/v1/requests/%00",
        "/api/v1/requests/..%2f..%2fetc%2fpasswd",
        "/api/v1/robots/🚑",
        "/api/v1/requests?limit=-1",
        "/api/v1/requests?offset=99999999999999999999999",
        "/api/v1/requests?date=0000-00-00",
        "/api/v1/requests?status=requested%00",
        "/api/v1/requests?ward=ward_2a%00",
        "/api/v1/robots/%00/pause",
        "/api/v1/building/levels/%ff/drawing",
    ],
)
def test_hostile_paths_and_queries_are_4xx(site: dict[str, Any], path: str) -> None:
    """Odd ids, path tricks and out-of-range queries: a 4xx, never a 5xx."""
    with client(site["server"], site["token"]) as api:
        answer = api.get(path)
    assert 400 <= answer.status_code < 500, (path, answer.status_code, answer.text)
