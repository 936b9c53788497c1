"""Building a robot's mission to a goal from a ``maps`` route with the right load.

The load a route must honour: a dirty load on board wins (it may not pass clean
zones); else the category of the job served (restricted zones admit some
categories; on the way to fetch waste the robot is still clean); else whatever is
on board. A robot let into a restricted zone by its last load leaves it the same
way. No legal route is an alert, and the job goes back to the planner (or to
recovery if it is on board).
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
from fleet.core.state import NOT_LOADED, ON_ROBOT, FleetState, change_job
from maps.errors import NoRouteError
from maps.routing import RobotProfile, route

DIRTY = frozenset({ItemCategory.WASTE, ItemCategory.SOILED_LINEN})


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
    for attempt in loads:
        try:
            found = route(
                state.building, robot.waypoint, goal, load=attempt, robot=profile
            )
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
