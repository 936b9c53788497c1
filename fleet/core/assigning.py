"""Applying a :class:`Plan` to the fleet (see :mod:`fleet.core.dispatching`).

The plan was computed on a snapshot; the fleet may have moved on since (a job
cancelled or loaded, a robot gone offline), so every stop is checked against the
current state and stale ones are skipped.
"""

from __future__ import annotations

from typing import Any

from fleet.core.decision import Effects
from fleet.core.driving import redirect, start_next
from fleet.core.faults import release_job
from fleet.core.missions import Purpose
from fleet.core.model import Job, JobStatus
from fleet.core.state import NOT_LOADED, ON_ROBOT, FleetState, amend, change_job
from planners.problem import Plan, Stop, StopKind

_MATCHES = {
    StopKind.PICKUP: (Purpose.PICKUP,),
    StopKind.DROPOFF: (Purpose.DROPOFF, Purpose.RETURN),
    StopKind.CHARGE: (Purpose.CHARGE,),
}


def apply_plan(state: FleetState, fx: Effects, plan: Plan, now: float) -> None:
    """Assignments, moves, releases, ETAs and each robot's stops (audited)."""
    from fleet.core.dispatching import dispatchable

    routes = {r: s for r, s in plan.routes.items() if dispatchable(state, r)}
    etas = _etas(routes)
    touched = set(routes)
    for robot_id, stops in routes.items():
        for job_id in dict.fromkeys(s.job_id for s in stops if s.job_id):
            touched |= _assign(state, fx, job_id, robot_id, etas, plan, now)
    for job_id, reason in plan.unassigned.items():
        job = state.jobs.get(job_id)
        if job is not None and job.status in NOT_LOADED:
            touched.add(job.robot_id or "")
            release_job(state, fx, job_id, now, f"left out of the plan: {reason.value}")
    # Jobs the plan places on robots that can take them, or leaves out.
    known = {s.job_id for stops in routes.values() for s in stops} | set(
        plan.unassigned
    )
    for robot_id in sorted(touched & set(state.robots)):
        planned = routes.get(robot_id, ())
        _give_stops(
            state, fx, robot_id, planned + _unknown_to(state, robot_id, known), now
        )
    state.plan = plan


def _etas(routes: dict[str, tuple[Stop, ...]]) -> dict[str, dict[str, Any]]:
    etas: dict[str, dict[str, Any]] = {}
    for stops in routes.values():
        for stop in stops:
            if stop.job_id is not None:
                field = "eta_pickup" if stop.kind == StopKind.PICKUP else "eta_dropoff"
                etas.setdefault(stop.job_id, {})[field] = stop.start
    return etas


def _assign(
    state: FleetState, fx: Effects, job_id: str, robot_id: str,
    etas: dict[str, dict[str, Any]], plan: Plan, now: float,
) -> set[str]:  # fmt: skip
    """Give ``job_id`` to ``robot_id`` if it may move; return robots affected."""
    job = state.jobs.get(job_id)
    if job is None or job.status.is_final:
        return set()
    eta = etas.get(job_id, {})
    data = {"solver": plan.solver} if plan.solver else {}
    if job.status == JobStatus.REQUESTED:
        change_job(
            state, fx, job_id, JobStatus.ASSIGNED, now=now, robot_id=robot_id,
            reason="assigned by the plan", data=data, **eta,
        )  # fmt: skip
        return set()
    if job.status in NOT_LOADED and job.robot_id != robot_id:
        old = job.robot_id or ""
        if job.status == JobStatus.TO_PICKUP:
            change_job(
                state, fx, job_id, JobStatus.REQUESTED, now=now, robot_id=None,
                reason=f"moved from {old} to {robot_id} by the plan",
            )  # fmt: skip
            change_job(
                state, fx, job_id, JobStatus.ASSIGNED, now=now, robot_id=robot_id,
                reason="reassigned by the plan", data={"from": old, **data}, **eta,
            )  # fmt: skip
        else:
            amend(
                state, fx, job_id, now=now, robot_id=robot_id,
                reason="reassigned by the plan", data={"from": old, **data}, **eta,
            )  # fmt: skip
        return {old}
    if job.robot_id == robot_id:
        _update_eta(state, fx, state.jobs[job_id], eta, now)
    return set()


def _update_eta(
    state: FleetState, fx: Effects, job: Job, eta: dict[str, Any], now: float
) -> None:
    threshold = state.config.eta_audit_threshold_s
    moved: dict[str, Any] = {
        field: value
        for field, value in eta.items()
        if getattr(job, field) is None or abs(getattr(job, field) - value) > threshold
    }
    if moved:
        amend(state, fx, job.id, now=now, reason="ETA updated", **moved)


def _give_stops(
    state: FleetState, fx: Effects, robot_id: str, planned: tuple[Stop, ...], now: float
) -> None:
    """Set the robot's stops; redirect it if it drives to a stop no longer first."""
    stops = [s for s in planned if _still_ours(state, robot_id, s)]
    run = state.runs.get(robot_id)
    _keep_onboard(state, robot_id, stops, run.mission.job_id if run else None)
    if run is None:
        state.queues[robot_id] = stops
        start_next(state, fx, robot_id, now)
        return
    current = [
        s for s in stops if _is_current(run.mission.purpose, run.mission.job_id, s)
    ]
    rest = [s for s in stops if s not in current]
    purpose = run.mission.purpose
    keep = (
        run.at_service
        or purpose in (Purpose.HOLD, Purpose.CHARGE)
        or bool(stops and current and stops[0] is current[0])
        # Loaded jobs are never dropped from their robot, whatever the plan says.
        or (not current and purpose in (Purpose.DROPOFF, Purpose.RETURN))
    )
    if keep:
        state.queues[robot_id] = rest
    else:
        state.queues[robot_id] = stops
        redirect(state, fx, robot_id, now)


def _unknown_to(
    state: FleetState, robot_id: str, known: set[str | None]
) -> tuple[Stop, ...]:
    """Stops of the robot's jobs the plan never saw (assigned after its snapshot):
    kept, after the planned ones, for the next plan to place."""
    queued = state.queues.get(robot_id, [])
    kept = [s for s in queued if s.job_id is not None and s.job_id not in known]
    run = state.runs.get(robot_id)
    current = None if run is None else run.mission.job_id
    if run is not None and current is not None and current not in known:
        mission = run.mission
        kind = (
            StopKind.PICKUP if mission.purpose == Purpose.PICKUP else StopKind.DROPOFF
        )
        kept.insert(0, Stop(kind, mission.goal, mission.job_id, 0.0, 0.0, 0.0))
    return tuple(kept)


def _still_ours(state: FleetState, robot_id: str, stop: Stop) -> bool:
    if stop.kind == StopKind.CHARGE:
        return True
    job = state.jobs.get(stop.job_id or "")
    return job is not None and job.robot_id == robot_id and not job.status.is_final


def _is_current(purpose: Purpose, job_id: str | None, stop: Stop) -> bool:
    return purpose in _MATCHES[stop.kind] and stop.job_id == job_id


def _keep_onboard(
    state: FleetState, robot_id: str, stops: list[Stop], current_job: str | None
) -> None:
    """Every loaded job keeps a drop-off stop on its robot (safety net)."""
    covered = {s.job_id for s in stops if s.kind == StopKind.DROPOFF}
    for job in state.jobs_of(robot_id, ON_ROBOT):
        if job.id in covered or (
            job.id == current_job and job.status != JobStatus.LOADING
        ):
            continue
        place = job.pickup if job.status == JobStatus.RETURNING else job.dropoff
        node = state.building.place(place).waypoint
        stops.append(Stop(StopKind.DROPOFF, node, job.id, 0.0, 0.0, 0.0))
