"""What a follower process does with API calls while another process dispatches.

A new request is validated by a small intake core (the fleet's robots, no jobs:
the same checks and the same job and audit event the leader would make) and
written straight to the database with an "adopt" notice for the leader, in one
transaction, before it is acknowledged. Idempotency keys work as on the leader
(the job id comes from the key; the database's unique index settles races).
Cancels, hand-off confirmations and robot actions go to the leader through the
command box; reads come from the store.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

from fleet.core.errors import NotFound
from fleet.core.model import Job, Principal, Robot
from fleet.service.inbox import CommandBox, ask_leader, principal_to
from fleet.service.slow_hash import check_secret

if TYPE_CHECKING:
    from fleet.core.engine import FleetCore
    from fleet.core.ports import Clock, JobStore
    from fleet.core.requests import NewJob
    from fleet.service.service import CoreFactory

__all__ = ["FollowerDesk"]


class FollowerDesk:
    """The API calls of a process that does not dispatch."""

    def __init__(
        self,
        store: JobStore,
        box: CommandBox,
        core_factory: CoreFactory,
        clock: Clock,
        *,
        answer_timeout_s: float = 5.0,
        intake_refresh_s: float = 30.0,
        intake_jobs: int = 500,
    ) -> None:
        self.store = store
        self.box = box
        self.core_factory = core_factory
        self.clock = clock
        self.answer_timeout_s = answer_timeout_s
        self.intake_refresh_s = intake_refresh_s
        self.intake_jobs = intake_jobs
        self._intake: FleetCore | None = None
        self._intake_made = 0.0
        self._intake_count = 0

    async def request_job(
        self, new: NewJob, principal: Principal, job_id: str, key: str | None
    ) -> tuple[Job, bool]:
        """Validate and write a new job (PIN already hashed); ``(job, created)``."""
        if key is not None:
            try:
                return await asyncio.to_thread(self.store.get_job, job_id), False
            except NotFound:
                pass
        now = self.clock.now()
        decision = (await self._intake_core()).request_job(
            new, principal, job_id=job_id, now=now
        )
        self._intake_count += 1
        job, _, events = next(c for c in decision.jobs if c[0].id == job_id)
        earlier = await asyncio.to_thread(
            self.box.create_job, job, events, idempotency_key=key, now=now
        )
        return (job, True) if earlier is None else (earlier, False)

    async def cancel_job(self, job_id: str, principal: Principal, reason: str) -> Job:
        await self._ask("cancel", {"job_id": job_id, "reason": reason}, principal)
        return await asyncio.to_thread(self.store.get_job, job_id)

    async def confirm_handoff(
        self, job_id: str, pin: str | None, principal: Principal
    ) -> Job:
        """The PIN is checked here (scrypt in a thread); only the outcome travels."""
        payload: dict[str, object] = {"job_id": job_id, "pin_given": bool(pin)}
        job = await asyncio.to_thread(self.store.get_job, job_id)
        if pin and job.pin_hash:
            matches = await check_secret(pin, job.pin_hash)
            payload.update(pin_hash=job.pin_hash, matches=matches)
        await self._ask("handoff", payload, principal)
        return await asyncio.to_thread(self.store.get_job, job_id)

    async def robot_action(
        self, action: str, robot_id: str, principal: Principal
    ) -> Robot:
        await self._ask(
            "robot_action", {"action": action, "robot_id": robot_id}, principal
        )
        return await asyncio.to_thread(self.store.get_robot, robot_id)

    def robots(self) -> list[Robot]:
        return self.store.list_robots()

    def robot(self, robot_id: str) -> Robot:
        return self.store.get_robot(robot_id)

    async def _ask(
        self, kind: str, payload: dict[str, object], principal: Principal
    ) -> None:
        payload = {**payload, "principal": principal_to(principal)}
        await ask_leader(
            self.box,
            kind,
            payload,
            now=self.clock.now(),
            timeout_s=self.answer_timeout_s,
        )

    async def _intake_core(self) -> FleetCore:
        """A core with the fleet's robots and no jobs, made afresh now and then.

        Fresh so its robots (capabilities, out of service) follow the database,
        and so the jobs it has validated do not pile up in memory.
        """
        stale = time.monotonic() - self._intake_made > self.intake_refresh_s
        if self._intake is None or stale or self._intake_count >= self.intake_jobs:
            robots = await asyncio.to_thread(self.store.list_robots)
            self._intake = self.core_factory((), robots)
            self._intake_made, self._intake_count = time.monotonic(), 0
        return self._intake
