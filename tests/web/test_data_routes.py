"""The pages' data routes over HTTP, and the pages and static files themselves."""

from __future__ import annotations

import pytest

from tests.e2e.server import PorterServer, client

pytestmark = pytest.mark.slow


def test_pages_and_static_files_are_served(porter: PorterServer) -> None:
    """``/``, ``/station``, ``/ops`` and their modules load without a token."""
    with client(porter, None) as anonymous:
        for path in ("/", "/station", "/ops"):
            answer = anonymous.get(path)
            assert answer.status_code == 200, path
            assert answer.headers["content-type"].startswith("text/html")
        script = anonymous.get("/static/station.js")
        assert script.status_code == 200
        assert "javascript" in script.headers["content-type"]
        assert anonymous.get("/static/%2e%2e/routes.py").status_code == 404


def test_data_routes_need_a_token(porter: PorterServer) -> None:
    """Every data route answers 401 without a token, like the rest of the API."""
    with client(porter, None) as anonymous:
        for path in ("me", "levels/L0/drawing", "facilities", "kpis/today"):
            assert anonymous.get(f"/api/v1/web/{path}").status_code == 401, path


def test_me_names_the_wards_places(
    porter: PorterServer, tokens: dict[str, str]
) -> None:
    """A station learns its ward and the places of that ward (ward and station)."""
    with client(porter, tokens["station_w"]) as station:
        me = station.get("/api/v1/web/me").json()
    assert me["role"] == "nursing_station"
    assert me["wards"] == ["ward_2a"]
    assert me["places"] == ["station_2", "ward_2a"]


def test_level_drawing_has_everything_the_plan_draws(
    porter: PorterServer, tokens: dict[str, str]
) -> None:
    """Lanes, places, lifts, doors and zones of a level; 404 naming an unknown one."""
    with client(porter, tokens["station_w"]) as station:
        drawing = station.get("/api/v1/web/levels/L2/drawing").json()
        missing = station.get("/api/v1/web/levels/L9/drawing")
    assert drawing["level"] == "L2"
    assert {"ward_2a", "station_2"} <= {p["id"] for p in drawing["places"]}
    assert drawing["lanes"] and drawing["lifts"] and drawing["doors"]
    assert {z["kind"] for z in drawing["zones"]} == {"clean", "quiet"}
    assert missing.status_code == 404
    assert missing.json()["detail"][0]["loc"] == ["path", "level_id"]


def test_facilities_list_every_lift_and_door(
    porter: PorterServer, tokens: dict[str, str]
) -> None:
    """Each lift and door of the building, with a state or ``None`` before a report."""
    with client(porter, tokens["operator"]) as operator:
        found = operator.get("/api/v1/web/facilities").json()
        lifts = operator.get("/api/v1/building/lifts").json()
        doors = operator.get("/api/v1/building/doors").json()
    assert [x["id"] for x in found["lifts"]] == [x["id"] for x in lifts]
    assert [x["id"] for x in found["doors"]] == [x["id"] for x in doors]
    assert all("mode" in x for x in found["lifts"])
    assert all("open" in x and "available" in x for x in found["doors"])


def test_kpis_are_for_operators(porter: PorterServer, tokens: dict[str, str]) -> None:
    """Operators read today's KPIs; a nursing station gets a 403."""
    with client(porter, tokens["operator"]) as operator:
        kpis = operator.get("/api/v1/web/kpis/today")
    with client(porter, tokens["station_w"]) as station:
        refused = station.get("/api/v1/web/kpis/today")
    assert kpis.status_code == 200
    assert {"deliveries", "on_time_rate", "stat_p95_s", "lead_times"} <= set(
        kpis.json()
    )
    assert refused.status_code == 403
