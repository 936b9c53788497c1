"""kill -9 of ``porter serve`` under load, then a restart on the same database.

Requests keep arriving and virtual robots are mid-mission when the process is
killed. After the restart every acknowledged request is in the database with a
whole audit trail (created first, each move allowed by the lifecycle table, so a
job is never with two robots at once), and every job completes.
"""

from __future__ import annotations

import time
from pathlib import Path

import httpx

from bench.porter_process import PorterProcess
from fleet.cli.serve_cmds import create_token
from fleet.core.model import Role
from fleet.store import open_store
from tests.e2e.server import wait_until
from tests.reliability.load import ENDS, Traffic, confirm_waiting, trail_problems

MOVING = {"to_pickup", "to_dropoff"}


def _operator_token(database_url: str) -> str:
    store = open_store(database_url)
    try:
        return create_token(store.tokens, Role.OPERATOR)
    finally:
        store.close()


def _statuses(api: httpx.Client) -> dict[str, str]:
    answer = api.get("/api/v1/requests", params={"limit": 1000})
    return {job["id"]: job["status"] for job in answer.json()}


def test_kill_9_under_load_loses_nothing(database_url: str, tmp_path: Path) -> None:
    """Acknowledged jobs survive kill -9 with whole trails, and all complete."""
    token = _operator_token(database_url)
    headers = {"Authorization": f"Bearer {token}"}
    first = PorterProcess(database_url, tmp_path / "first.log", speed=100.0)
    first.start()
    traffic = Traffic(first.url, token, every_s=0.1, at_most=12)
    traffic.start()
    try:
        with httpx.Client(base_url=first.url, headers=headers, timeout=5) as api:
            wait_until(
                lambda: MOVING & set(_statuses(api).values()),
                timeout_s=60,
                what="a robot on its way with a job",
            )
        time.sleep(0.3)  # requests still arriving when the process dies
        first.kill()
        traffic.creating.clear()
        second = PorterProcess(database_url, tmp_path / "second.log", speed=100.0)
        second.start()
        traffic.retarget(second.url)
        acknowledged = list(traffic.acknowledged)
        assert acknowledged, "no request was acknowledged before the kill"
        with httpx.Client(base_url=second.url, headers=headers, timeout=5) as api:

            def all_ended() -> bool:
                confirm_waiting(api)
                statuses = _statuses(api)
                return all(statuses.get(j) in ENDS for j in acknowledged)

            wait_until(all_ended, timeout_s=120, what="every job to end")
            ended = _statuses(api)
    finally:
        traffic.stop()
        first.kill()
        if "second" in locals():
            second.stop()
    assert {ended[j] for j in acknowledged} == {"completed"}
    store = open_store(database_url)
    try:
        problems = [
            problem
            for job_id in acknowledged
            for problem in trail_problems(job_id, store.jobs.history("job", job_id))
        ]
    finally:
        store.close()
    assert not problems, problems
