"""Cancelling at each stage: before loading it ends at once; after, items go back."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.e2e.flow import complete, delivery, job
from tests.e2e.server import (
    client,
    make_tokens,
    running,
    service_database,
    settings_for,
    wait_until,
)

pytestmark = pytest.mark.slow

#: Where each stage's delivery goes: the to_pickup one starts on another level so
#: its robot is on the way long enough to be caught there.
ROUTES = {"to_pickup": ("ward_2a", "lab")}

#: stage to cancel in -> statuses the job may be in right after the cancel.
STAGES = {
    "to_pickup": {"cancelled"},
    "loading": {"cancelled"},
    "to_dropoff": {"returning"},
    "unloading": {"returning"},
}


def test_cancel_before_any_robot_moves(tmp_path: Path) -> None:
    """A request cancelled at once ends cancelled; a second cancel is a 409."""
    database = service_database(tmp_path)
    tokens = make_tokens(database)
    with (
        running(settings_for(database, robots=0)) as server,
        client(server, tokens["station_w"]) as api,
    ):
        body = delivery(pickup="ward_2a", dropoff="pharmacy")
        job_id = api.post("/api/v1/requests", json=body).json()["id"]
        answer = api.post(f"/api/v1/requests/{job_id}/cancel", json={})
        assert answer.status_code == 200 and answer.json()["status"] == "cancelled"
        again = api.post(f"/api/v1/requests/{job_id}/cancel", json={})
    assert again.status_code == 409, again.text
    assert again.json()["detail"][0]["loc"][-1] == "job_id"


def test_cancel_at_each_stage(tmp_path: Path) -> None:
    """Four deliveries, each cancelled in its stage, end cancelled or returned."""
    database = service_database(tmp_path)
    tokens = make_tokens(database)
    with (
        running(settings_for(database, speed=30.0)) as server,
        client(server, tokens["station_w"]) as api,
    ):
        jobs = {}
        for stage in STAGES:
            pickup, dropoff = ROUTES.get(stage, ("pharmacy", "ward_2a"))
            body = delivery(pickup=pickup, dropoff=dropoff)
            jobs[api.post("/api/v1/requests", json=body).json()["id"]] = stage
        answers: dict[str, httpx.Response] = {}
        wait_until(
            lambda: _cancel_in_stage(api, jobs, answers),
            timeout_s=60,
            what="every job to reach its stage",
        )
        for job_id, stage in jobs.items():
            answer = answers[job_id]
            assert answer.status_code == 200, (stage, answer.text)
            assert answer.json()["status"] in STAGES[stage], stage
            final = complete(api, job_id)
            assert final["status"] in {"cancelled", "failed"}, stage


def _cancel_in_stage(
    api: httpx.Client, jobs: dict[str, str], answers: dict[str, httpx.Response]
) -> bool:
    """One poll: cancel jobs in their stage, confirm loading for the later ones."""
    for job_id, stage in jobs.items():
        if job_id in answers:
            continue
        status = job(api, job_id)["status"]
        if status == stage:
            reason = {"reason": f"test: cancel in {stage}"}
            answers[job_id] = api.post(f"/api/v1/requests/{job_id}/cancel", json=reason)
        elif status == "loading":
            api.post(f"/api/v1/requests/{job_id}/handoff", json={})
        elif status in {"completed", "cancelled", "failed"}:
            raise AssertionError(f"{job_id} ended {status} before reaching {stage}")
    return len(answers) == len(jobs)
