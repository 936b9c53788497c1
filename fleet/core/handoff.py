"""Hand-offs: loading confirms, recipients' PINs, lockout, and the bounded wait.

One confirm call serves every wait of a stop: the sender confirms loading, the
recipient confirms the hand-off (with a PIN for secure items, checked against
``Job.pin_hash``), the sender confirms taking returned items back. Wrong PINs are
counted on the job (audited, never with the PIN) and lock the hand-off after the
configured number, with an operator alert. A robot waits a bounded time at the
drop-off, then escalates as configured.
"""

from __future__ import annotations

from dataclasses import dataclass

from fleet.core.config import HandoffEscalation
from fleet.core.credentials import verify_secret
from fleet.core.decision import Alert, AlertKind, Effects
from fleet.core.driving import finish_service, redirect
from fleet.core.errors import Conflict, Forbidden, HandoffLocked
from fleet.core.missions import Purpose
from fleet.core.model import Job, JobStatus
from fleet.core.state import FleetState, amend, change_job
from planners.problem import Stop, StopKind


@dataclass(frozen=True, slots=True)
class PinCheck:
    """A PIN already checked against ``pin_hash`` by the caller.

    The scrypt check is slow on purpose (tens of milliseconds); a service on an
    event loop runs it in a worker thread and passes the outcome in, so the core
    stays pure and quick. The core trusts it only for the hash the job still
    holds, and checks the PIN itself otherwise. Counting and lockout are the same.
    """

    pin_hash: str
    matches: bool


def confirm(
    state: FleetState, fx: Effects, job_id: str, pin: str | None, actor: str,
    now: float, checked: PinCheck | None = None,
) -> None:  # fmt: skip
    """Confirm whatever ``job_id`` waits for; wrong PINs set ``fx.refused``."""
    job = state.jobs[job_id]
    run = state.runs.get(job.robot_id or "")
    waiting = run is not None and run.at_service and run.mission.job_id == job_id
    if job.status == JobStatus.LOADING and waiting:
        change_job(
            state, fx, job_id, JobStatus.TO_DROPOFF, now=now, actor=actor,
            reason="loaded" if job.kind.value == "delivery" else "person met",
        )  # fmt: skip
    elif job.status == JobStatus.UNLOADING and waiting:
        if job.is_secure and not _pin_ok(state, fx, job, pin, actor, now, checked):
            return
        change_job(
            state, fx, job_id, JobStatus.COMPLETED, now=now, actor=actor,
            reason="handed over", data={"confirmed_by": actor, "pin": job.is_secure},
        )  # fmt: skip
        state.escalated.discard(job_id)
    elif job.status == JobStatus.RETURNING and waiting:
        change_job(
            state, fx, job_id, JobStatus.FAILED, now=now, actor=actor,
            reason="returned to sender", data={"confirmed_by": actor},
        )  # fmt: skip
    else:
        raise Conflict(f"job {job_id!r} is {job.status.value}: nothing to confirm now")
    assert job.robot_id is not None
    finish_service(state, fx, job.robot_id, now)


def _pin_ok(
    state: FleetState, fx: Effects, job: Job, pin: str | None, actor: str,
    now: float, checked: PinCheck | None,
) -> bool:  # fmt: skip
    limit = state.config.pin_attempts
    if job.handoff_attempts >= limit:
        fx.refused = HandoffLocked(
            f"hand-off of job {job.id!r} is locked after {limit} wrong PINs: "
            "an operator must step in"
        )
        return False
    if pin and job.pin_hash and _matches(pin, job.pin_hash, checked):
        return True
    attempts = job.handoff_attempts + 1
    amend(
        state, fx, job.id, now=now, actor=actor, reason="wrong PIN",
        data={"attempt": attempts, "of": limit}, handoff_attempts=attempts,
    )  # fmt: skip
    if attempts >= limit:
        fx.alert(
            Alert(
                AlertKind.HANDOFF_LOCKED,
                f"job {job.id}: hand-off locked after {attempts} wrong PINs",
                now, job.robot_id, (job.id,),
            )
        )  # fmt: skip
        fx.refused = HandoffLocked(f"hand-off of job {job.id!r} is locked")
    else:
        fx.refused = Forbidden(f"wrong PIN for job {job.id!r} ({attempts} of {limit})")
    return False


def _matches(pin: str, pin_hash: str, checked: PinCheck | None) -> bool:
    if checked is not None and checked.pin_hash == pin_hash:
        return checked.matches
    return verify_secret(pin, pin_hash)


def unlock(state: FleetState, fx: Effects, job_id: str, actor: str, now: float) -> None:
    """An operator resets the wrong-PIN count of a locked hand-off."""
    amend(
        state, fx, job_id, now=now, actor=actor, reason="hand-off unlocked",
        handoff_attempts=0,
    )  # fmt: skip


def check_waits(state: FleetState, fx: Effects, now: float) -> None:
    """Robots waiting at a drop-off longer than allowed escalate (tick)."""
    limit = state.config.handoff_wait_s
    for robot_id, run in list(state.runs.items()):
        mission = run.mission
        if mission.purpose != Purpose.DROPOFF or not run.at_service:
            continue
        job = state.jobs.get(mission.job_id or "")
        if job is None or job.status != JobStatus.UNLOADING:
            continue
        if run.arrived_at is None or now - run.arrived_at < limit:
            continue
        if job.id not in state.escalated:
            _escalate(state, fx, robot_id, job, now)


def _escalate(
    state: FleetState, fx: Effects, robot_id: str, job: Job, now: float
) -> None:
    waited = state.config.handoff_wait_s
    if state.config.handoff_escalation == HandoffEscalation.ALERT_OPERATOR:
        state.escalated.add(job.id)
        fx.alert(
            Alert(
                AlertKind.HANDOFF_TIMEOUT,
                f"job {job.id}: nobody took the items at {job.dropoff} "
                f"for {waited:.0f} s; robot {robot_id} keeps waiting",
                now, robot_id, (job.id,),
            )
        )  # fmt: skip
        return
    send_back(
        state, fx, job.id, now, f"nobody took it at the drop-off in {waited:.0f} s"
    )
    fx.alert(
        Alert(
            AlertKind.HANDOFF_TIMEOUT,
            f"job {job.id}: no hand-off at {job.dropoff}; returning to {job.pickup}",
            now, robot_id, (job.id,),
        )
    )  # fmt: skip


def send_back(
    state: FleetState, fx: Effects, job_id: str, now: float, reason: str
) -> None:
    """Items on board go back to the sender: ``returning``, a stop at the pickup."""
    job = change_job(state, fx, job_id, JobStatus.RETURNING, now=now, reason=reason)
    robot_id = job.robot_id
    assert robot_id is not None
    node = state.building.place(job.pickup).waypoint
    queue = state.queues.setdefault(robot_id, [])
    queue[:] = [s for s in queue if s.job_id != job_id]
    queue.insert(0, Stop(StopKind.DROPOFF, node, job_id, now, now, now))
    run = state.runs.get(robot_id)
    if run is not None and run.mission.job_id == job_id:
        redirect(state, fx, robot_id, now)
    state.schedule_replan(now)
