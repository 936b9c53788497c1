# ruff: noqa: E501  (the role table is easier to read one route a line)
"""Every route of the app, called with every role, against a table of who may do what.

The table lists each route once; a route the app has and the table does not (or
the reverse) fails :func:`test_the_table_covers_every_route`, so a new endpoint
cannot ship without someone deciding who may call it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from fleet.api.app import create_app
from fleet.api.compose import ServeSettings
from fleet.cli.serve_cmds import create_token
from fleet.core.model import Role
from fleet.store import open_store
from tests.e2e.flow import delivery
from tests.e2e.server import PorterServer, running, service_database, settings_for
from tests.security.routes import app_routes

#: The callers, in the table's column order.
ROLES = ("none", "ward_a", "ward_b", "pharmacy", "lab", "operator", "admin", "robot")

#: Robot controls answer 409 when the robot is already in that state.
CTL = frozenset({200, 409})
#: A hand-off confirm on a job nobody waits at: allowed callers get 409.
NOT_WAITING = 409

# The job used below is a medication delivery, pharmacy -> ward 2A, created by
# ward A's nursing station. Ward B, the lab and a robot not carrying it may not
# see it (403); the robot token is bound to a robot that never carries it.
# fmt: off
MATRIX: dict[tuple[str, str], tuple[int | frozenset[int], ...]] = {
    # route                                           none ward_a ward_b pharm lab oper admin robot
    ("GET", "/health"):                               (200, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "/ready"):                                (200, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "/openapi.json"):                         (200, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "/docs"):                                 (200, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "/docs/oauth2-redirect"):                 (200, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "/redoc"):                                (200, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "/"):                                     (200, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "/station"):                              (200, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "/ops"):                                  (200, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "/static"):                               (200, 200, 200, 200, 200, 200, 200, 200),
    ("POST", "/api/v1/requests"):                     (401, 201, 403, 201, 403, 201, 201, 403),
    ("GET", "/api/v1/requests"):                      (401, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "/api/v1/requests/{job_id}"):             (401, 200, 403, 200, 403, 200, 200, 403),
    ("POST", "/api/v1/requests/{job_id}/cancel"):     (401, 200, 403, 200, 403, 200, 200, 403),
    ("POST", "/api/v1/requests/{job_id}/handoff"):    (401, NOT_WAITING, 403, NOT_WAITING, 403, NOT_WAITING, NOT_WAITING, 403),
    ("GET", "/api/v1/robots"):                        (401, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "/api/v1/robots/{robot_id}"):             (401, 200, 200, 200, 200, 200, 200, 200),
    ("POST", "/api/v1/robots/{robot_id}/pause"):      (401, 403, 403, 403, 403, CTL, CTL, 403),
    ("POST", "/api/v1/robots/{robot_id}/resume"):     (401, 403, 403, 403, 403, CTL, CTL, 403),
    ("POST", "/api/v1/robots/{robot_id}/send-to-charger"): (401, 403, 403, 403, 403, CTL, CTL, 403),
    ("POST", "/api/v1/robots/{robot_id}/take-out-of-service"): (401, 403, 403, 403, 403, CTL, CTL, 403),
    ("POST", "/api/v1/robots/{robot_id}/return-to-service"): (401, 403, 403, 403, 403, CTL, CTL, 403),
    ("GET", "/api/v1/building/levels"):               (401, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "/api/v1/building/places"):               (401, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "/api/v1/building/lifts"):                (401, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "/api/v1/building/doors"):                (401, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "/api/v1/building/levels/{level_id}/drawing"): (401, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "/api/v1/plan"):                          (401, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "/api/v1/web/me"):                        (401, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "/api/v1/web/levels/{level_id}/drawing"): (401, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "/api/v1/web/facilities"):                (401, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "/api/v1/web/kpis/today"):                (401, 403, 403, 403, 403, 200, 200, 403),
    # WebSocket: 101 accepted, 401 refused (closed with a policy violation).
    ("WS", "/api/v1/events"):                         (401, 101, 101, 101, 101, 101, 101, 101),
}
# fmt: on

#: Every route that changes anything. None of them edits or deletes history.
MUTATIONS = {
    ("POST", "/api/v1/requests"),
    ("POST", "/api/v1/requests/{job_id}/cancel"),
    ("POST", "/api/v1/requests/{job_id}/handoff"),
    *(
        ("POST", f"/api/v1/robots/{{robot_id}}/{action}")
        for action in (
            "pause",
            "resume",
            "send-to-charger",
            "take-out-of-service",
            "return-to-service",
        )
    ),
}

WARD_A, WARD_B = "ward_2a", "ward_3a"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A server whose robots crawl (no job reaches a hand-off), and one token a role."""
    database = service_database(Path(tmp_path_factory.mktemp("matrix")))
    settings = settings_for(database, speed=1.0, robot_speed_mps=0.01)
    with running(settings) as server:
        tokens = _tokens(database)
        clients = {role: _api(server, token) for role, token in tokens.items()}
        operator = clients["operator"]
        values = {
            "robot_id": operator.get("/api/v1/robots").json()[-1]["id"],
            "level_id": operator.get("/api/v1/building/levels").json()[0]["id"],
        }
        yield {"server": server, "tokens": tokens, "clients": clients, **values}
        for api in clients.values():
            api.close()


def _tokens(database: str) -> dict[str, str | None]:
    store = open_store(database)
    try:
        tokens = store.tokens
        return {
            "none": None,
            "ward_a": create_token(
                tokens, Role.NURSING_STATION, wards=frozenset({WARD_A})
            ),
            "ward_b": create_token(
                tokens, Role.NURSING_STATION, wards=frozenset({WARD_B})
            ),
            "pharmacy": create_token(tokens, Role.PHARMACY),
            "lab": create_token(tokens, Role.LAB),
            "operator": create_token(tokens, Role.OPERATOR),
            "admin": create_token(tokens, Role.ADMIN),
            "robot": create_token(tokens, Role.ROBOT, robot_id="robot_not_here"),
        }
    finally:
        store.close()


def _api(server: PorterServer, token: str | None) -> httpx.Client:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.Client(base_url=server.url, headers=headers, timeout=10.0)


def test_the_table_covers_every_route() -> None:
    """The app's routes (HTTP, WebSocket, mounts) are exactly the table's rows."""
    app = create_app(ServeSettings())
    assert app_routes(app) == set(MATRIX)


def test_no_route_can_change_the_audit_trail() -> None:
    """Only the listed mutations exist, and none of them is on a history path."""
    app = create_app(ServeSettings())
    writes = {route for route in app_routes(app) if route[0] not in {"GET", "WS"}}
    assert writes == MUTATIONS
    assert not any("history" in path or "audit" in path for _, path in writes)


def _call(site: dict[str, Any], route: tuple[str, str], role: str) -> int:
    server: PorterServer = site["server"]
    tokens = site["tokens"]
    method, template = route
    if method == "WS":
        return _websocket(server, tokens[role])
    job_id = _fresh_job(site) if "{job_id}" in template else ""
    path = template.format(
        job_id=job_id, robot_id=site["robot_id"], level_id=site["level_id"]
    )
    if template == "/static":
        path = "/static/style.css"
    body = delivery() if template == "/api/v1/requests" else None
    answer = site["clients"][role].request(method, path, json=body)
    assert answer.status_code < 500, answer.text
    return answer.status_code


def _fresh_job(site: dict[str, Any]) -> str:
    """A new job of ward A (one per call: a cancel must not meet an ended job)."""
    answer = site["clients"]["ward_a"].post(
        "/api/v1/requests", json=delivery(dropoff=WARD_A)
    )
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


def _websocket(server: PorterServer, token: str | None) -> int:
    url = f"ws://127.0.0.1:{server.port}/api/v1/events"
    if token:
        url += f"?token={token}"
    try:
        with connect(url, open_timeout=10) as socket:
            try:
                socket.recv(timeout=0.2)
            except TimeoutError:
                return 101  # open and listening
            return 101
    except InvalidStatus as refused:
        return 401 if refused.response.status_code in {401, 403} else 0
    except Exception:  # closed right after the handshake: a refused token
        return 401


@pytest.mark.parametrize("route", sorted(MATRIX), ids=" ".join)
def test_every_role_gets_what_the_table_says(
    site: dict[str, Any], route: tuple[str, str]
) -> None:
    """Each role's status on this route is the table's."""
    got = {role: _call(site, route, role) for role in ROLES}
    wrong = {}
    for role, expected in zip(ROLES, MATRIX[route], strict=True):
        allowed = expected if isinstance(expected, frozenset) else {expected}
        if got[role] not in allowed:
            wrong[role] = (got[role], expected)
    assert not wrong, f"{route}: role -> (got, expected): {wrong}"
