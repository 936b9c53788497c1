"""Screenshots of both pages at tablet and desktop sizes, in a busy moment.

The pictures go to ``out/screenshots/`` for a person to look at after a change;
the test checks that the pages show what the pictures are meant to show.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.flow import complete, delivery, wait_for_status
from tests.e2e.server import PorterServer, client
from tests.web.conftest import DESKTOP, TABLET, screenshot, sign_in

pytestmark = pytest.mark.slow


def test_screenshots_of_both_pages_at_tablet_and_desktop_sizes(
    porter: PorterServer, tokens: dict[str, str], open_page: Any
) -> None:
    """A delivered job, a secure hand-off waiting for its PIN, open jobs: both pages."""
    with client(porter, tokens["station_w"]) as ward:
        done = ward.post("/api/v1/requests", json=delivery(priority="stat"))
        assert done.status_code == 201, done.text
        complete(ward, done.json()["id"], timeout_s=60)
        secure = ward.post(
            "/api/v1/requests",
            json=delivery(
                category="controlled_substance", pin="2468", priority="urgent"
            ),
        ).json()["id"]
        for body in (
            delivery(pickup="ward_2a", dropoff="lab", category="specimen"),
            delivery(pickup="stores", category="supplies", compartments=2),
            {"kind": "guidance", "pickup": "reception", "dropoff": "ward_2a"},
        ):
            answer = ward.post("/api/v1/requests", json=body)
            assert answer.status_code == 201, answer.text
    with client(porter, tokens["pharmacy"]) as pharmacy:
        wait_for_status(pharmacy, secure, {"loading"}, timeout_s=60)
        assert pharmacy.post(f"/api/v1/requests/{secure}/handoff").status_code == 200

    station = open_page()
    sign_in(station, porter, "/station", tokens["station_w"])
    with client(porter, tokens["station_w"]) as ward:
        wait_for_status(ward, secure, {"unloading"}, timeout_s=60)
    station.locator(f"#notices .notice[data-job-id='{secure}'] input").wait_for()
    station.locator("#jobs .job[data-status='completed']").wait_for()
    ops = open_page()
    sign_in(ops, porter, "/ops", tokens["operator"])
    ops.wait_for_function(
        "Number(document.getElementById('kpi-deliveries').textContent) >= 1"
    )
    ops.locator("#stops [data-robot-id]").first.wait_for()

    for size_name, size in (("tablet", TABLET), ("desktop", DESKTOP)):
        for name, tab in (("station", station), ("ops", ops)):
            tab.set_viewport_size(size)
            path = screenshot(tab, f"{name}-{size_name}")
            assert path.stat().st_size > 10_000
