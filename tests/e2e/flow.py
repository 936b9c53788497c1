"""Helpers that walk a job through its life over HTTP, as a ward would."""

from __future__ import annotations

from typing import Any

import httpx

from tests.e2e.server import wait_until

#: Statuses in which a person at the robot confirms (loading, hand-off, return).
#: A returning job is confirmable once its robot is back at the pickup; until
#: then the confirm is refused with a 409, which the helpers ignore.
CONFIRMABLE = {"loading", "unloading", "returning"}


def job(api: httpx.Client, job_id: str) -> dict[str, Any]:
    answer = api.get(f"/api/v1/requests/{job_id}")
    assert answer.status_code == 200, answer.text
    return answer.json()


def wait_for_status(
    api: httpx.Client, job_id: str, statuses: set[str], timeout_s: float = 30.0
) -> dict[str, Any]:
    """Poll the job until its status is one of ``statuses``."""

    def reached() -> dict[str, Any] | None:
        current = job(api, job_id)
        return current if current["status"] in statuses else None

    return wait_until(reached, timeout_s=timeout_s, what=f"{job_id} in {statuses}")


def complete(
    api: httpx.Client, job_id: str, pin: str | None = None, timeout_s: float = 45.0
) -> dict[str, Any]:
    """Confirm loading and hand-off whenever the robot waits, until the job ends."""

    def finished() -> dict[str, Any] | None:
        current = job(api, job_id)
        if current["status"] in {"completed", "cancelled", "failed"}:
            return current
        if current["status"] in CONFIRMABLE:
            body = {"pin": pin} if pin and current["status"] == "unloading" else {}
            api.post(f"/api/v1/requests/{job_id}/handoff", json=body)
        return None

    return wait_until(finished, timeout_s=timeout_s, what=f"{job_id} to finish")


def statuses_in_history(detail: dict[str, Any]) -> list[str]:
    """The statuses the job went through, in order, without repeats."""
    seen: list[str] = []
    for event in detail["history"]:
        if event["after"] and (not seen or seen[-1] != event["after"]):
            seen.append(event["after"])
    return seen


def delivery(
    pickup: str = "pharmacy",
    dropoff: str = "ward_2a",
    category: str = "medication",
    **extra: Any,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "delivery",
        "pickup": pickup,
        "dropoff": dropoff,
        "category": category,
    }
    body.update(extra)
    return body
