"""The API through a real server: tokens, roles and wards, errors, idempotency."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.e2e.flow import delivery
from tests.e2e.server import (
    PorterServer,
    client,
    make_tokens,
    running,
    settings_for,
)
from tests.fixtures.module_database import DATABASES, module_database


@pytest.fixture(scope="module", params=DATABASES)
def site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[PorterServer, dict[str, str]]]:
    """One server per database kind: scoping and filters run in SQL on both."""
    with module_database(request, tmp_path_factory) as database:
        tokens = make_tokens(database)
        with running(settings_for(database, speed=1.0)) as server:
            yield server, tokens


@pytest.fixture
def server(site: tuple[PorterServer, dict[str, str]]) -> PorterServer:
    return site[0]


@pytest.fixture
def tokens(site: tuple[PorterServer, dict[str, str]]) -> dict[str, str]:
    return site[1]


def test_health_and_ready_need_no_token(server: PorterServer) -> None:
    """The probes answer without a token."""
    with client(server, None) as anonymous:
        assert anonymous.get("/health").json() == {"status": "ok"}
        assert anonymous.get("/ready").status_code == 200


@pytest.mark.parametrize("token", [None, "prt_nope_nope", "garbage"])
def test_requests_need_a_valid_token(server: PorterServer, token: str | None) -> None:
    """No token or a bad one: 401 naming the Authorization header."""
    with client(server, token) as api:
        answer = api.get("/api/v1/requests")
    assert answer.status_code == 401
    assert answer.json()["detail"][0]["loc"] == ["header", "Authorization"]
    assert answer.headers["www-authenticate"] == "Bearer"


def test_station_cannot_see_or_cancel_another_wards_request(
    server: PorterServer, tokens: dict[str, str]
) -> None:
    """A request of ward 2A is 403 for the ward 3A station, visible to its own."""
    with (
        client(server, tokens["station_w"]) as own,
        client(server, tokens["station_other"]) as other,
    ):
        job_id = own.post("/api/v1/requests", json=delivery()).json()["id"]
        assert own.get(f"/api/v1/requests/{job_id}").status_code == 200
        assert other.get(f"/api/v1/requests/{job_id}").status_code == 403
        cancel = other.post(f"/api/v1/requests/{job_id}/cancel", json={})
        assert cancel.status_code == 403, cancel.text
        assert job_id not in {j["id"] for j in other.get("/api/v1/requests").json()}
        assert job_id in {j["id"] for j in own.get("/api/v1/requests").json()}
        wrong_ward = other.get("/api/v1/requests", params={"ward": "ward_2a"})
        assert wrong_ward.status_code == 403
        assert wrong_ward.json()["detail"][0]["loc"] == ["query", "ward"]


def test_station_cannot_send_between_other_wards(
    server: PorterServer, tokens: dict[str, str]
) -> None:
    """A station creating a request that does not touch its wards gets 403."""
    with client(server, tokens["station_other"]) as other:
        answer = other.post("/api/v1/requests", json=delivery())
    assert answer.status_code == 403, answer.text
    assert answer.json()["detail"][0]["msg"]


def test_robot_controls_are_for_operators(
    server: PorterServer, tokens: dict[str, str]
) -> None:
    """A station may list robots but not pause one; an operator may."""
    with (
        client(server, tokens["station_w"]) as station,
        client(server, tokens["operator"]) as operator,
    ):
        robots = station.get("/api/v1/robots").json()
        assert len(robots) == 6
        robot_id = robots[-1]["id"]
        assert station.post(f"/api/v1/robots/{robot_id}/pause").status_code == 403
        paused = operator.post(f"/api/v1/robots/{robot_id}/pause")
        assert paused.status_code == 200, paused.text
        assert paused.json()["state"] == "paused"
        resumed = operator.post(f"/api/v1/robots/{robot_id}/resume")
        assert resumed.status_code == 200 and resumed.json()["state"] != "paused"
        assert operator.get("/api/v1/robots/nobody").status_code == 404
        out = operator.post(f"/api/v1/robots/{robot_id}/take-out-of-service")
        assert out.status_code == 200 and out.json()["state"] == "out_of_service"
        back = operator.post(f"/api/v1/robots/{robot_id}/return-to-service")
        assert back.status_code == 200 and back.json()["state"] != "out_of_service"
        charge = operator.post(f"/api/v1/robots/{robot_id}/send-to-charger")
        assert charge.status_code == 200, charge.text


def test_same_idempotency_key_makes_one_job(
    server: PorterServer, tokens: dict[str, str]
) -> None:
    """Two creates with one Idempotency-Key: one job, the same id, 201 then 200."""
    headers = {"Idempotency-Key": "double-click-1"}
    with client(server, tokens["pharmacy"]) as api:
        first = api.post("/api/v1/requests", json=delivery(), headers=headers)
        second = api.post("/api/v1/requests", json=delivery(), headers=headers)
        listed = [j["id"] for j in api.get("/api/v1/requests").json()]
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert listed.count(first.json()["id"]) == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (delivery(pickup="nowhere"), "pickup"),
        (delivery(dropoff="pharmacy"), "dropoff"),
        (delivery(category="gold"), "category"),
        (delivery(compartments=0), "compartments"),
        (delivery(category="controlled_substance"), "pin"),
        (delivery(category="controlled_substance", pin="12"), "pin"),
        (
            {"kind": "delivery", "pickup": "pharmacy", "category": "medication"},
            "dropoff",
        ),
        ({"kind": "parcel", "pickup": "pharmacy", "dropoff": "ward_2a"}, "kind"),
    ],
)
def test_bad_requests_name_the_field(
    server: PorterServer, tokens: dict[str, str], body: dict[str, object], field: str
) -> None:
    """Every 422 says which field is wrong and why."""
    with client(server, tokens["pharmacy"]) as api:
        answer = api.post("/api/v1/requests", json=body)
    assert answer.status_code == 422, answer.text
    detail = answer.json()["detail"]
    assert any(field in [str(p) for p in item["loc"]] for item in detail), detail
    assert all(item["msg"] for item in detail)


def test_unknown_request_is_404_with_its_id_field(
    server: PorterServer, tokens: dict[str, str]
) -> None:
    """A request that does not exist: 404 at path/job_id."""
    with client(server, tokens["operator"]) as api:
        answer = api.get("/api/v1/requests/job-nope")
    assert answer.status_code == 404
    assert answer.json()["detail"][0]["loc"] == ["path", "job_id"]


def test_building_and_plan_are_served(
    server: PorterServer, tokens: dict[str, str]
) -> None:
    """Levels, places, lifts, doors, a level drawing and the plan answer."""
    with client(server, tokens["operator"]) as api:
        levels = api.get("/api/v1/building/levels").json()
        places = {p["id"]: p for p in api.get("/api/v1/building/places").json()}
        assert api.get("/api/v1/building/lifts").json()
        assert isinstance(api.get("/api/v1/building/doors").json(), list)
        drawing = api.get(f"/api/v1/building/levels/{levels[0]['id']}/drawing")
        plan = api.get("/api/v1/plan")
    assert len(levels) == 4
    assert places["ward_2a"]["kind"] == "ward"
    assert drawing.status_code == 200, drawing.text
    assert drawing.json()["level"] == levels[0]["id"]
    assert drawing.json()["lanes"] and drawing.json()["places"]
    assert plan.status_code == 200 and "routes" in plan.json()


def test_openapi_documents_the_routes(server: PorterServer) -> None:
    """The OpenAPI schema lists the request routes."""
    schema = httpx.get(f"{server.url}/openapi.json").json()
    assert "/api/v1/requests" in schema["paths"]
    assert "/api/v1/requests/{job_id}/handoff" in schema["paths"]


def test_list_filters_by_status_ward_and_day(
    server: PorterServer, tokens: dict[str, str]
) -> None:
    """Status, ward and date filters narrow the list; a bad status is a 422."""
    today = datetime.now(UTC).date()
    with client(server, tokens["operator"]) as api:
        mine = api.post("/api/v1/requests", json=delivery(dropoff="ward_3a")).json()
        by_ward = api.get("/api/v1/requests", params={"ward": "ward_3a"}).json()
        statuses = {"status": ["completed", "failed"]}
        ended = api.get("/api/v1/requests", params=statuses).json()
        on_day = api.get("/api/v1/requests", params={"date": today.isoformat()})
        before = (today - timedelta(days=1)).isoformat()
        day_before = api.get("/api/v1/requests", params={"date": before}).json()
        bad = api.get("/api/v1/requests", params={"status": "lost"})
    assert mine["id"] in {j["id"] for j in by_ward}
    assert all(j["ward"] == "ward_3a" for j in by_ward)
    assert all(j["status"] in {"completed", "failed"} for j in ended)
    assert mine["id"] in {j["id"] for j in on_day.json()}
    assert day_before == []
    assert bad.status_code == 422 and "status" in bad.json()["detail"][0]["loc"]


def test_a_racing_double_click_is_still_one_job(
    server: PorterServer, tokens: dict[str, str]
) -> None:
    """Eight creates with one key sent at once: one 201, the rest 200, one id."""
    headers = {"Idempotency-Key": "racing-click"}

    def create(_: int) -> httpx.Response:
        with client(server, tokens["pharmacy"]) as api:
            return api.post("/api/v1/requests", json=delivery(), headers=headers)

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(create, range(8)))
    codes = sorted(answer.status_code for answer in answers)
    assert codes == [200] * 7 + [201], [a.text for a in answers]
    assert len({answer.json()["id"] for answer in answers}) == 1
