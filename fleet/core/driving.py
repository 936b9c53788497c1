"""Sending robots on missions, and what their progress means for jobs.

A robot serves its planned stops one mission at a time. Starting a mission for a
pickup moves the job to ``to_pickup``; arriving moves it to ``loading`` (or
``unloading`` at the drop-off); the confirm from the API ends the service and the
robot goes on to its next stop. A robot with no stop left goes idle.
"""

from __future__ import annotations

from fleet.core.decision import Alert, AlertKind, Effects
from fleet.core.missions import (
    DockStep,
    DriveStep,
    HoldStep,
    Mission,
    Purpose,
    ServiceStep,
    Step,
    steps_from_legs,
)
from fleet.core.model import ItemCategory, JobKind, JobStatus, RobotState
from fleet.core.runner import Output, Run, abort, advance, service_done
from fleet.core.state import (
    NOT_LOADED,
    ON_ROBOT,
    FleetState,
    change_job,
    change_robot,
    update_robot,
)
from maps.errors import NoRouteError
from maps.routing import RobotProfile, route
from planners.problem import Stop, StopKind

_DIRTY = frozenset({ItemCategory.WASTE, ItemCategory.SOILED_LINEN})
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
    mission = _build(state, fx, robot_id, purpose, goal, job_id, now)
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


def _build(
    state: FleetState,
    fx: Effects,
    robot_id: str,
    purpose: Purpose,
    goal: str,
    job_id: str | None,
    now: float,
) -> Mission | None:
    robot = state.robots[robot_id]
    profile = RobotProfile(capabilities=robot.capabilities)
    load = _load_for(state, robot_id, purpose, job_id)
    # A robot let into a restricted zone by its last load leaves it the same way.
    loads = dict.fromkeys([load, state.last_load.get(robot_id, load)])
    found, why = None, ""
    for attempt in loads:
        try:
            found = route(
                state.building, robot.waypoint, goal, load=attempt, robot=profile
            )
            break
        except NoRouteError as error:
            why = why or str(error)
    if found is None:
        _unroutable(state, fx, robot_id, job_id, why, now)
        return None
    state.last_load[robot_id] = attempt
    job = state.jobs.get(job_id or "")
    guiding = job is not None and job.kind == JobKind.GUIDANCE
    slow = (
        robot.speed_mps / state.config.guidance_walking_factor
        if guiding and purpose == Purpose.DROPOFF
        else None
    )
    steps: list[Step] = steps_from_legs(found.legs, max_speed_mps=slow)
    steps.append(_service(purpose, goal, job_id))
    return Mission(
        state.mission_id(robot_id), robot_id, purpose, goal, tuple(steps),
        job_id, found.time_s,
    )  # fmt: skip


def _unroutable(
    state: FleetState, fx: Effects, robot_id: str, job_id: str | None, why: str,
    now: float,
) -> None:  # fmt: skip
    """No legal route for this robot: alert; the job goes back or to recovery."""
    ids = (job_id,) if job_id else ()
    fx.alert(Alert(AlertKind.NO_ROUTE, f"{robot_id}: {why}", now, robot_id, ids))
    job = state.jobs.get(job_id or "")
    if job is None or job.robot_id != robot_id:
        return
    if job.status in NOT_LOADED:
        change_job(
            state, fx, job.id, JobStatus.REQUESTED, now=now, robot_id=None,
            eta_pickup=None, eta_dropoff=None, reason=f"no route for {robot_id}",
        )  # fmt: skip
        state.schedule_replan(now)
    elif job.status in ON_ROBOT - {JobStatus.LOADING}:
        change_job(
            state, fx, job.id, JobStatus.RECOVERY, now=now,
            reason=f"robot {robot_id} has no route to deliver it",
        )  # fmt: skip


def _load_for(
    state: FleetState, robot_id: str, purpose: Purpose, job_id: str | None
) -> str | None:
    """The load routing must honour: a dirty load on board wins (it may not pass
    clean zones); else the category of the job served (restricted zones admit
    some categories; on the way to fetch waste the robot is still clean); else
    whatever is on board."""
    onboard = state.jobs_of(robot_id, ON_ROBOT - {JobStatus.LOADING})
    dirty = [j for j in onboard if j.category in _DIRTY]
    job = state.jobs.get(job_id or "")
    fetching_dirt = (
        job is not None and purpose == Purpose.PICKUP and job.category in _DIRTY
    )
    served = [job] if job is not None and not fetching_dirt else []
    candidates = dirty + served + onboard
    for candidate in candidates:
        if candidate.category != ItemCategory.PERSON:
            return candidate.category.value
    return None


def _service(purpose: Purpose, goal: str, job_id: str | None) -> Step:
    if purpose == Purpose.CHARGE:
        return DockStep(goal)
    if purpose == Purpose.HOLD or job_id is None:
        return HoldStep(goal)
    return ServiceStep(job_id)


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
    out = abort(run)
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
