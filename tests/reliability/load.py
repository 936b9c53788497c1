"""Traffic against a running ``porter serve``: requests arriving, people confirming.

:class:`Traffic` runs two threads: one creating deliveries at a steady pace and
keeping the ids the server acknowledged (201), one confirming loading and
hand-offs whenever a robot waits. The server may die under it: failed calls are
counted, never raised, and the threads keep going until stopped.
"""

from __future__ import annotations

import itertools
import threading
import time
from typing import Any

import httpx

from fleet.core.lifecycle import JOB_TRANSITIONS
from fleet.core.model import AuditEvent, JobStatus

PIN = "2468"
SECURE = {"controlled_substance", "blood_product"}
ENDS = {"completed", "cancelled", "failed"}
WARDS = ("ward_2a", "ward_2b", "ward_3a", "ward_3b")


def a_delivery(n: int) -> dict[str, Any]:
    """The n-th request: medication to the wards, every fourth one secure."""
    body: dict[str, Any] = {
        "kind": "delivery",
        "pickup": "pharmacy",
        "dropoff": WARDS[n % len(WARDS)],
        "category": "medication",
    }
    if n % 4 == 3:
        body.update(category="controlled_substance", pin=PIN)
    return body


class Traffic:
    """Creates up to ``at_most`` requests, one every ``every_s``; confirms hand-offs."""

    def __init__(
        self, url: str, token: str, *, every_s: float = 0.1, at_most: int = 10_000
    ) -> None:
        self.url = url
        self.token = token
        self.every_s = every_s
        self.at_most = at_most
        self.creating = threading.Event()
        self.stopped = threading.Event()
        self.acknowledged: list[str] = []
        self.failures = 0
        self._lock = threading.Lock()
        self._threads = [
            threading.Thread(target=self._create, daemon=True),
            threading.Thread(target=self._confirm, daemon=True),
        ]

    def start(self) -> None:
        self.creating.set()
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        self.creating.clear()
        self.stopped.set()
        for thread in self._threads:
            thread.join(timeout=30)

    def _client(self) -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.token}"}
        return httpx.Client(base_url=self.url, headers=headers, timeout=5)

    def _create(self) -> None:
        with self._client() as api:
            for n in itertools.count():
                if self.stopped.is_set():
                    return
                if self.creating.is_set() and n < self.at_most:
                    try:
                        answer = api.post("/api/v1/requests", json=a_delivery(n))
                        if answer.status_code == 201:
                            with self._lock:
                                self.acknowledged.append(answer.json()["id"])
                    except httpx.HTTPError:
                        self.failures += 1
                time.sleep(self.every_s)

    def _confirm(self) -> None:
        with self._client() as api:
            while not self.stopped.is_set():
                try:
                    confirm_waiting(api)
                except httpx.HTTPError:
                    self.failures += 1
                time.sleep(0.2)

    def retarget(self, url: str) -> None:
        """Send later calls to another server (the restarted one)."""
        self.url = url


def confirm_waiting(api: httpx.Client) -> None:
    """Confirm every job a robot waits at (loading, hand-off with the PIN, return)."""
    waiting = api.get(
        "/api/v1/requests",
        params={"status": ["loading", "unloading", "returning"], "limit": 1000},
    )
    for job in waiting.json() if waiting.status_code == 200 else ():
        secure = job["category"] in SECURE and job["status"] == "unloading"
        body = {"pin": PIN} if secure else {}
        api.post(f"/api/v1/requests/{job['id']}/handoff", json=body)


def trail_problems(job_id: str, events: list[AuditEvent]) -> list[str]:
    """What is wrong with one job's audit trail (empty: nothing).

    The first event creates the job; each next one starts where the last ended
    and is a move the lifecycle table allows (or a change within one status).
    """
    if not events:
        return [f"{job_id}: no audit trail"]
    problems = []
    first = events[0]
    if first.before is not None or first.after != JobStatus.REQUESTED.value:
        problems.append(f"{job_id}: first event {first.before}->{first.after}")
    status = first.after
    for event in events[1:]:
        if event.before != status:
            problems.append(f"{job_id}: {event.before}->{event.after} after {status}")
        elif (
            (before := event.before) is not None
            and (after := event.after) is not None
            and after != before
        ):
            allowed = JOB_TRANSITIONS[JobStatus(before)]
            if JobStatus(after) not in allowed:
                problems.append(f"{job_id}: {event.before}->{event.after} not allowed")
        status = event.after if event.after is not None else status
    return problems
