"""What the leading process does with API calls: the core decides, the journal
writes, and the call returns once its own decision is in the database.

The follower's counterpart is :class:`~fleet.service.follower.FollowerDesk`;
:class:`~fleet.service.service.FleetService` hands each call to the desk of the
role it has at that moment.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from fleet.core.errors import FleetError, NotFound, TransitionNotAllowed
from fleet.core.handoff import PinCheck
from fleet.core.model import Job, JobStatus, Principal, Robot
from fleet.service.slow_hash import check_secret

if TYPE_CHECKING:
    from fleet.core.decision import Decision
    from fleet.core.engine import FleetCore
    from fleet.core.requests import NewJob
    from fleet.service.service import FleetService

__all__ = ["LeaderDesk"]


class LeaderDesk:
    """The API calls of the process that runs the core."""

    def __init__(self, service: FleetService) -> None:
        self.service = service

    async def request_job(
        self, new: NewJob, principal: Principal, job_id: str, key: str | None
    ) -> tuple[Job, bool]:
        """Create a job (PIN already hashed), written before this returns:
        ``(job, created)``; a known ``key`` returns the first job, once written."""
        service = self.service
        if key is not None:
            if _known(service.core, job_id):
                await service.journal.drained()
            with contextlib.suppress(NotFound):
                return service.store.get_job(job_id), False
        decision = service.core.request_job(
            new, principal, job_id=job_id, now=service.clock.now()
        )
        await service.commit(decision, idempotency_key=key)
        return self._latest(decision, job_id), True

    async def cancel_job(self, job_id: str, principal: Principal, reason: str) -> Job:
        service = self.service
        try:
            decision = service.core.cancel_job(
                job_id, principal, now=service.clock.now(), reason=reason
            )
        except NotFound:
            ended = service.store.get_job(job_id)  # NotFound here: no such job at all
            raise TransitionNotAllowed(
                "job", job_id, ended.status, JobStatus.CANCELLED
            ) from None
        await service.commit(decision)
        return self._latest(decision, job_id)

    async def confirm_handoff(
        self,
        job_id: str,
        pin: str | None,
        principal: Principal,
        checked: PinCheck | None,
    ) -> Job:
        """The core counts the attempt and locks the hand-off as always; it only
        receives the outcome of the slow PIN check (``checked``: done already, by
        a follower process) instead of doing it on the loop."""
        service = self.service
        if checked is None:
            checked = await self._check_pin(job_id, pin, principal)
        decision = service.core.confirm_handoff(
            job_id, pin, principal, now=service.clock.now(), checked=checked
        )
        await service.commit(decision)
        return self._latest(decision, job_id)

    async def robot_action(
        self, action: str, robot_id: str, principal: Principal
    ) -> Robot:
        service = self.service
        method = getattr(service.core, action)
        await service.commit(method(robot_id, principal, now=service.clock.now()))
        return service.core.robot(robot_id)

    def robots(self) -> list[Robot]:
        return list(self.service.core.robots())

    def robot(self, robot_id: str) -> Robot:
        return self.service.core.robot(robot_id)

    async def _check_pin(
        self, job_id: str, pin: str | None, principal: Principal
    ) -> PinCheck | None:
        """scrypt in a worker thread; ``None`` where the core decides alone."""
        try:
            pin_hash = self.service.core.job(job_id, principal).pin_hash
        except FleetError:
            return None  # the core raises the same error when called
        if not pin or not pin_hash:
            return None
        matches = await check_secret(pin, pin_hash)
        return PinCheck(pin_hash, matches)

    def _latest(self, decision: Decision, job_id: str) -> Job:
        """The job as ``decision`` left it, else as the store holds it."""
        latest = None
        for job, _, _ in decision.jobs:
            if job.id == job_id:
                latest = job
        return latest or self.service.store.get_job(job_id)


def _known(core: FleetCore, job_id: str) -> bool:
    try:
        core.job(job_id)
    except NotFound:
        return False
    return True
