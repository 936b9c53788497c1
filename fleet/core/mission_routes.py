"""Building a robot's mission to a goal from a ``maps`` route with the right load.

The load a route must honour: a dirty load on board wins (it may not pass clean
zones); else the category of the job served (restricted zones admit some
categories; on the way to fetch waste the robot is still clean); else whatever is
on board. A robot let into a restricted zone by its last load leaves it the same
way. No legal route is an alert, and the job goes back to the planner (or to
recovery if it is on board).

Lifts are chosen with their queues in mind: each lift's rides cost, on top of the
map's expected wait, one car session per other robot of the fleet holding it,
waiting for it or with a ride of it ahead in its mission (and per session the car
reports that is not ours). So two cars side by side share the traffic, and a
robot takes a quiet car a little further away rather than queue. A car in fire,
emergency or offline mode costs an hour: another car if there is one.
"""

from __future__ import annotations

from fleet.core.decision import Alert, AlertKind, Effects
from fleet.core.missions import (
    DockStep,
    HoldStep,
    Mission,
    Purpose,
    ServiceStep,
    Step,
    steps_from_legs,
)
from fleet.core.model import ItemCategory, JobKind, JobStatus
from fleet.core.runner import LIFT_BLOCKED
from fleet.core.state import NOT_LOADED, ON_ROBOT, FleetState, change_job
from maps.errors import NoRouteError
from maps.model import Lift
from maps.routing import RobotProfile, route

DIRTY = frozenset({ItemCategory.WASTE, ItemCategory.SOILED_LINEN})
#: Seconds a robot takes to drive into a car and out again (maps have no figure).
BOARDING_S = 15.0
#: A car in fire, emergency or offline mode: taken only if no other way exists
#: (the robot then holds for it, see :mod:`fleet.core.lifts`).
BLOCKED_LIFT_S = 3600.0


def build_mission(
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
    # Never for a dirty load: clean zones stay closed to it whatever came before.
    dirty = load in {c.value for c in DIRTY}
    loads = dict.fromkeys([load] if dirty else [load, state.last_load.get(robot_id)])
    found, why = None, ""
    penalties = lift_penalties(state, robot_id)
    for attempt in loads:
        try:
            found = route(
                state.building, robot.waypoint, goal, load=attempt, robot=profile,
                lift_penalty_s=penalties,
            )  # fmt: skip
            break
        except (NoRouteError, ValueError) as error:
            # ValueError: the robot stands on no known waypoint (it never reported).
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


def lift_penalties(state: FleetState, robot_id: str) -> dict[str, float]:
    """Expected extra seconds of waiting for each lift, from the sessions ahead of
    ``robot_id``: the other robots holding or calling the car, or with a ride of it
    still ahead in their mission, and sessions the car reports that are not ours.
    One session keeps the car :func:`session_s`; a car for several robots shares
    its sessions among them (at best)."""
    ahead: dict[str, set[str]] = {}
    for other, run in state.runs.items():
        if other == robot_id:
            continue
        for lift in run.lifts_ahead():
            ahead.setdefault(lift, set()).add(other)
    for lift_id, status in state.lifts.items():
        for session in (status.session, *status.sessions):
            if session is not None and session != robot_id:
                ahead.setdefault(lift_id, set()).add(session)
    sessions_of = _session_seconds(state)
    penalties = {
        lift_id: len(sessions) * sessions_of[lift_id][0] / sessions_of[lift_id][1]
        for lift_id, sessions in ahead.items()
        if lift_id in sessions_of
    }
    for lift_id, status in state.lifts.items():
        if status.mode in LIFT_BLOCKED:
            penalties[lift_id] = penalties.get(lift_id, 0.0) + BLOCKED_LIFT_S
    return penalties


def _session_seconds(state: FleetState) -> dict[str, tuple[float, int]]:
    """Each lift's :func:`session_s` and capacity, worked out once per state (the
    building never changes; every mission routed asks them)."""
    if not state.lift_sessions:
        state.lift_sessions.update(
            (lift.id, (session_s(lift), lift.capacity)) for lift in state.building.lifts
        )
    return state.lift_sessions


def session_s(lift: Lift) -> float:
    """Seconds one robot's session keeps a car: the call (doors, half the shaft),
    driving in, the ride (doors, half the shaft), driving out."""
    shaft_s = lift.seconds_per_level * max(len(lift.stops) - 1, 1)
    return 4 * lift.door_time_s + shaft_s + BOARDING_S


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
    dirty = [j for j in onboard if j.category in DIRTY]
    job = state.jobs.get(job_id or "")
    fetching_dirt = (
        job is not None and purpose == Purpose.PICKUP and job.category in DIRTY
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
