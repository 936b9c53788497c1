"""The people at either end of a job: senders loading, nurses taking hand-offs.

They answer the fleet core the way staff answer the API: a confirm after a
delay drawn from the scenario's hand-off model (the nurse is not always at the
door), the recipient's PIN for secure items (sometimes mistyped first), now and
then nobody at all (the robot times out and takes the items back), and an
operator who settles jobs left in recovery by a broken robot.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from fleet.core.decision import Decision
from fleet.core.engine import FleetCore
from fleet.core.errors import Conflict, FleetError, NotFound
from fleet.core.model import Job, JobKind, JobStatus, Principal, Role
from sim.engine import EventQueue
from sim.log import EventLog
from sim.scenario import DelayModel, HandoffModel

#: Who confirms in the simulation: staff with an operator's reach, so every
#: place of any building (Open-RMF maps have no wards) can be served.
STAFF = Principal("sim-staff", Role.OPERATOR)
#: An operator settles a job in recovery this long after the robot broke down.
RECOVERY_DELAY_S = 600.0
#: Seconds between a sender's looks for a robot bringing items back.
RETURN_POLL_S = 30.0
#: Seconds a nurse takes to type the PIN again after a wrong one.
RETYPE_S = 20.0


class Staff:
    """Answers the jobs' waits (see the module docstring)."""

    def __init__(
        self,
        core: FleetCore,
        queue: EventQueue,
        log: EventLog,
        rng: np.random.Generator,
        model: HandoffModel,
        pins: dict[str, str],
        take: Callable[[Decision], None],
    ) -> None:
        self.core, self.queue, self.log, self.rng = core, queue, log, rng
        self.model, self.pins, self.take = model, pins, take
        self._seen: dict[str, tuple[JobStatus, str | None]] = {}
        self.absent = 0
        self.wrong_pins = 0

    def _delay(self, model: DelayModel) -> float:
        spread = model.mean_s - model.min_s
        return model.min_s + (float(self.rng.exponential(spread)) if spread > 0 else 0)

    def job_changed(self, job: Job) -> None:
        """React to a job's new status: schedule whoever must answer it."""
        seen = (job.status, job.robot_id)
        if self._seen.get(job.id) == seen:
            return
        self._seen[job.id] = seen
        status = job.status
        if status == JobStatus.LOADING:
            self._later(self._delay(self.model.loading), job.id, status, None)
        elif status == JobStatus.UNLOADING and job.kind == JobKind.DELIVERY:
            self._handoff(job)
        elif status == JobStatus.RETURNING:
            self._later(RETURN_POLL_S, job.id, status, None)
        elif status == JobStatus.RECOVERY:
            self.queue.after(RECOVERY_DELAY_S, lambda: self._recover(job.id))

    def _handoff(self, job: Job) -> None:
        if float(self.rng.uniform()) < self.model.absent_share:
            self.absent += 1
            self.log.add(self.queue.now, "nobody_there", job=job.id)
            return
        delay = self._delay(self.model.unloading)
        pin = self.pins.get(job.id) if job.is_secure else None
        if pin and float(self.rng.uniform()) < self.model.wrong_pin_share:
            wrong = f"{(int(pin) + 1) % 10 ** len(pin):0{len(pin)}d}"
            self._later(delay, job.id, JobStatus.UNLOADING, wrong)
            delay += RETYPE_S
        self._later(delay, job.id, JobStatus.UNLOADING, pin)

    def _later(
        self, delay: float, job_id: str, status: JobStatus, pin: str | None
    ) -> None:
        self.queue.after(delay, lambda: self._confirm(job_id, status, pin))

    def _status(self, job_id: str) -> JobStatus | None:
        try:
            return self.core.job(job_id).status
        except NotFound:  # finished long ago: the core has let it go
            return None

    def _confirm(self, job_id: str, status: JobStatus, pin: str | None) -> None:
        if self._status(job_id) != status:
            return
        now = self.queue.now
        try:
            decision = self.core.confirm_handoff(job_id, pin, STAFF, now=now)
        except Conflict:
            if status == JobStatus.RETURNING:
                # The robot is not back yet: look again in a while.
                self._later(RETURN_POLL_S, job_id, status, pin)
            return
        except FleetError as error:
            self.log.add(now, "refused", job=job_id, why=str(error))
            return
        self.take(decision)
        if decision.refused is not None:
            self.wrong_pins += 1
            self.log.add(now, "wrong_pin", job=job_id)

    def _recover(self, job_id: str) -> None:
        if self._status(job_id) != JobStatus.RECOVERY:
            return
        # The items are taken off the broken robot and sent again.
        decision = self.core.resolve_recovery(
            job_id, JobStatus.REQUESTED, STAFF, now=self.queue.now
        )
        self.take(decision)
