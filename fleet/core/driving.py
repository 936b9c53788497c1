"""Sending robots on missions, and what their progress means for jobs.

A robot serves its planned stops one mission at a time. Starting a mission for a
pickup moves the job to ``to_pickup``; arriving moves it to ``loading`` (or
``unloading`` at the drop-off); the confirm from the API ends the service and the
robot goes on to its next stop. A robot with no stop left goes idle.
"""

from __future__ import annotations

from fleet.core.decision import Effects
from fleet.core.mission_routes import build_mission
from fleet.core.missions import DriveStep, Purpose
from fleet.core.model import JobKind, JobStatus, RobotState
from fleet.core.runner import Output, Run, abort, advance, service_done
from fleet.core.state import (
    NOT_LOADED,
    FleetState,
    change_job,
    change_robot,
    update_robot,
)
from planners.problem import Stop, StopKind

_CARRYING = frozenset({JobStatus.TO_DROPOFF, JobStatus.UNLOADING})
_DRIVING = frozenset({RobotState.IDLE, RobotState.BUSY, RobotState.CHARGING})


def emit(
    state: FleetState, fx: Effects, robot_id: str, out: Output, now: float
) -> None:
    """Pass a runner's output on, and react to arrival, finish or a blocked lift."""
    fx.commands.extend((robot_id, c) for c in out.commands)
    fx.cancels.extend((robot_id, c) for c in out.cancels)
    fx.lift_requests.extend(out.lift_requests)
    fx.door_requests.extend(out.door_requests)
    if out.blocked_lift is not None:
        from fleet.core.lifts import hold_for_lift

        hold_for_lift(state, fx, robot_id, out.blocked_lift, now)
    elif out.arrived:
        _arrived(state, fx, robot_id, now)
    elif out.finished:
        _finished(state, fx, robot_id, now)
    run = state.runs.get(robot_id)
    if run is not None and run.redirect and run.interruptible and not run.at_service:
        stop_run(state, fx, robot_id)
        start_next(state, fx, robot_id, now)


def start_next(state: FleetState, fx: Effects, robot_id: str, now: float) -> None:
    """Send an available robot to its next planned stop, or let it go idle."""
    robot = state.robots[robot_id]
    if robot_id in state.runs or robot.state not in _DRIVING or robot_id in state.held:
        return
    queue = state.queues.setdefault(robot_id, [])
    if queue and not _may_leave_charger(state, robot_id, now):
        return
    while queue:
        stop = queue.pop(0)
        if stop.kind == StopKind.CHARGE:
            state.charge_until[robot_id] = stop.departure
        purpose, goal = _purpose_of(state, robot_id, stop.kind, stop.job_id, stop.node)
        if purpose is not None and start_mission(
            state, fx, robot_id, purpose, goal, stop.job_id, now
        ):
            return
    if robot.state == RobotState.BUSY:
        change_robot(
            state, fx, robot_id, RobotState.IDLE, now=now, reason="no stops left",
            mission_id=None,
        )  # fmt: skip


def _may_leave_charger(state: FleetState, robot_id: str, now: float) -> bool:
    """A docked robot leaves when charged, or when its planned charge is over."""
    robot = state.robots[robot_id]
    if robot.state != RobotState.CHARGING:
        return True
    until = state.charge_until.get(robot_id)
    return (
        until is None or robot.battery_soc >= state.config.charged_soc or now >= until
    )


def _purpose_of(
    state: FleetState, robot_id: str, kind: StopKind, job_id: str | None, node: str
) -> tuple[Purpose | None, str]:
    """What a planned stop means now (``None``: the stop went stale)."""
    if kind == StopKind.CHARGE:
        return Purpose.CHARGE, node
    job = state.jobs.get(job_id or "")
    if job is None or job.robot_id != robot_id:
        return None, node
    place = state.building.place
    if kind == StopKind.PICKUP and job.status in NOT_LOADED | {JobStatus.LOADING}:
        return Purpose.PICKUP, place(job.pickup).waypoint
    if kind == StopKind.DROPOFF and job.status in _CARRYING:
        return Purpose.DROPOFF, place(job.dropoff).waypoint
    if kind == StopKind.DROPOFF and job.status == JobStatus.RETURNING:
        return Purpose.RETURN, place(job.pickup).waypoint
    return None, node


def start_mission(
    state: FleetState,
    fx: Effects,
    robot_id: str,
    purpose: Purpose,
    goal: str,
    job_id: str | None,
    now: float,
) -> bool:
    """Build and start a mission to ``goal``; ``False`` if there is no route."""
    mission = build_mission(state, fx, robot_id, purpose, goal, job_id, now)
    if mission is None:
        return False
    run = Run(mission, started_at=now)
    state.runs[robot_id] = run
    robot = state.robots[robot_id]
    if robot.state != RobotState.BUSY:
        change_robot(
            state, fx, robot_id, RobotState.BUSY, now=now,
            reason=f"mission {mission.id}: {purpose.value}", mission_id=mission.id,
        )  # fmt: skip
    else:
        update_robot(state, fx, robot_id, mission_id=mission.id)
    job = state.jobs.get(job_id or "")
    if purpose == Purpose.PICKUP and job and job.status == JobStatus.ASSIGNED:
        change_job(
            state, fx, job.id, JobStatus.TO_PICKUP, now=now,
            reason="robot on its way to the pickup", data={"mission": mission.id},
        )  # fmt: skip
    emit(state, fx, robot_id, advance(run, state.world, now), now)
    return True


def _arrived(state: FleetState, fx: Effects, robot_id: str, now: float) -> None:
    """The robot reached its stop: the job's status follows."""
    mission = state.runs[robot_id].mission
    job = state.jobs.get(mission.job_id or "")
    if mission.purpose == Purpose.HOLD:
        return
    if job is None or job.robot_id != robot_id:
        finish_service(state, fx, robot_id, now)
        return
    status, purpose = job.status, mission.purpose
    if purpose == Purpose.PICKUP and status == JobStatus.TO_PICKUP:
        change_job(
            state, fx, job.id, JobStatus.LOADING, now=now,
            reason="robot at the pickup", data={"place": job.pickup},
        )  # fmt: skip
    elif purpose == Purpose.DROPOFF and status == JobStatus.TO_DROPOFF:
        _at_dropoff(state, fx, robot_id, job.id, now)
    elif (purpose, status) not in _WAITING:
        # The stop went stale on the way (cancelled, moved): go on at once.
        finish_service(state, fx, robot_id, now)


#: Arrivals where the robot simply waits for a confirm (also after a restart).
_WAITING = frozenset(
    {
        (Purpose.PICKUP, JobStatus.LOADING),
        (Purpose.DROPOFF, JobStatus.UNLOADING),
        (Purpose.RETURN, JobStatus.RETURNING),
    }
)


def _at_dropoff(
    state: FleetState, fx: Effects, robot_id: str, job_id: str, now: float
) -> None:
    job = change_job(
        state, fx, job_id, JobStatus.UNLOADING, now=now,
        reason="robot at the drop-off", data={"place": state.jobs[job_id].dropoff},
    )  # fmt: skip
    if job.kind == JobKind.GUIDANCE:
        change_job(
            state, fx, job_id, JobStatus.COMPLETED, now=now,
            reason="guided to the destination",
        )  # fmt: skip
        finish_service(state, fx, robot_id, now)


def finish_service(state: FleetState, fx: Effects, robot_id: str, now: float) -> None:
    """The robot's wait at its stop is over: on to the next step or stop."""
    run = state.runs.get(robot_id)
    if run is not None:
        emit(state, fx, robot_id, service_done(run, state.world, now), now)


def _finished(state: FleetState, fx: Effects, robot_id: str, now: float) -> None:
    run = state.runs.pop(robot_id)
    if run.mission.purpose == Purpose.CHARGE:
        change_robot(
            state, fx, robot_id, RobotState.CHARGING, now=now, reason="docked",
            mission_id=None,
        )  # fmt: skip
        return
    start_next(state, fx, robot_id, now)


def redirect(state: FleetState, fx: Effects, robot_id: str, now: float) -> None:
    """Send the robot on to its next stop now, or at its first safe moment."""
    run = state.runs.get(robot_id)
    if run is None:
        start_next(state, fx, robot_id, now)
    elif run.at_service:
        finish_service(state, fx, robot_id, now)
    elif run.interruptible:
        stop_run(state, fx, robot_id)
        start_next(state, fx, robot_id, now)
    else:
        run.redirect = True


def stop_run(state: FleetState, fx: Effects, robot_id: str) -> None:
    """Take the robot off its mission now: cancel its command, free lifts, doors."""
    run = state.runs.pop(robot_id, None)
    if run is None:
        return
    step = run.step
    if isinstance(step, DriveStep) and run.command_id is not None:
        # Stopped mid-lane: it stands nearest to one of the drive's waypoints.
        robot = state.robots[robot_id]
        here = min(step.waypoints, key=lambda w: _distance(state, w, robot.x, robot.y))
        update_robot(state, fx, robot_id, waypoint=here)
    out = abort(run, state.world)
    fx.cancels.extend((robot_id, c) for c in out.cancels)
    fx.lift_requests.extend(out.lift_requests)
    fx.door_requests.extend(out.door_requests)


def _distance(state: FleetState, waypoint: str, x: float, y: float) -> float:
    point = state.building.waypoint(waypoint)
    return (point.x - x) ** 2 + (point.y - y) ** 2


def current_stop(state: FleetState, robot_id: str, now: float) -> Stop | None:
    """The loaded job's drop-off the robot's mission serves, as a stop to keep."""
    run = state.runs.get(robot_id)
    if run is None or run.mission.purpose not in (Purpose.DROPOFF, Purpose.RETURN):
        return None
    return Stop(StopKind.DROPOFF, run.mission.goal, run.mission.job_id, now, now, now)
