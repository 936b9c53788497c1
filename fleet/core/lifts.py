"""Lifts in fire or emergency mode: never entered; long waits for cars and doors.

A robot about to call a car that is in fire, emergency or offline mode takes
another car if its stop can be reached without a blocked one; otherwise it goes
to the nearest holding point on its level instead and waits there. Its jobs not yet
loaded go back to the planner; jobs on board wait with it, and an operator is
alerted. When the lift is back in normal service the robot goes on. A robot that
waits longer than ``resource_wait_alert_s`` for a car or a door is reported once.
"""

from __future__ import annotations

from fleet.core.decision import Alert, AlertKind, Effects
from fleet.core.driving import start_mission, start_next, stop_run
from fleet.core.faults import stand_down
from fleet.core.mission_routes import build_mission
from fleet.core.missions import CallLiftStep, OpenDoorStep, Purpose, RideLiftStep
from fleet.core.ports import LiftStatus
from fleet.core.runner import LIFT_BLOCKED
from fleet.core.state import ON_ROBOT, FleetState
from maps.errors import NoRouteError
from maps.model import PlaceKind
from maps.routing import route


def hold_for_lift(
    state: FleetState, fx: Effects, robot_id: str, lift_id: str, now: float
) -> None:
    """Send ``robot_id`` by another car, or to a holding point until ``lift_id``
    is usable again."""
    if _go_round(state, fx, robot_id, lift_id, now):
        return
    stand_down(state, fx, robot_id, now, f"lift {lift_id} out of robot service")
    state.held[robot_id] = lift_id
    waiting = tuple(j.id for j in state.jobs_of(robot_id, ON_ROBOT))
    mode = state.lifts[lift_id].mode.value if lift_id in state.lifts else "unavailable"
    fx.alert(
        Alert(
            AlertKind.LIFT_UNAVAILABLE,
            f"lift {lift_id} is in {mode} mode: robot {robot_id} holds"
            + (f" with {', '.join(waiting)} on board" if waiting else ""),
            now, robot_id, waiting,
        )
    )  # fmt: skip
    holding = _nearest_holding_point(state, robot_id)
    if holding is not None:
        start_mission(state, fx, robot_id, Purpose.HOLD, holding, None, now)


def _go_round(
    state: FleetState, fx: Effects, robot_id: str, lift_id: str, now: float
) -> bool:
    """Start the robot's mission again by cars that are all usable, if it can be."""
    run = state.runs.get(robot_id)
    if run is None:
        return False
    mission = run.mission
    other = build_mission(
        state, fx, robot_id, mission.purpose, mission.goal, mission.job_id, now
    )
    if other is None or any(
        lift in state.lifts and state.lifts[lift].mode in LIFT_BLOCKED
        for lift in other.lifts
    ):
        return False
    stop_run(state, fx, robot_id)
    mode = state.lifts[lift_id].mode.value if lift_id in state.lifts else "unavailable"
    fx.alert(
        Alert(
            AlertKind.LIFT_UNAVAILABLE,
            f"lift {lift_id} is in {mode} mode: robot {robot_id} goes by "
            + (", ".join(other.lifts) or "no lift"),
            now, robot_id,
        )
    )  # fmt: skip
    return start_mission(
        state, fx, robot_id, mission.purpose, mission.goal, mission.job_id, now
    )


def _nearest_holding_point(state: FleetState, robot_id: str) -> str | None:
    robot = state.robots[robot_id]
    level = robot.level
    best: tuple[float, str] | None = None
    for place in state.building.places_of_kind(PlaceKind.HOLDING_POINT):
        if state.building.waypoint(place.waypoint).level != level:
            continue
        try:
            seconds = route(state.building, robot.waypoint, place.waypoint).time_s
        except (NoRouteError, ValueError):
            continue
        if best is None or seconds < best[0]:
            best = (seconds, place.waypoint)
    return best[1] if best else None


def lift_changed(
    state: FleetState, fx: Effects, status: LiftStatus, now: float
) -> None:
    """A lift back in service frees the robots holding for it."""
    if status.mode in LIFT_BLOCKED:
        return
    for robot_id, lift_id in list(state.held.items()):
        if lift_id == status.lift_id:
            del state.held[robot_id]
            stop_run(state, fx, robot_id)
            start_next(state, fx, robot_id, now)
            state.schedule_replan(now)


def check_resource_waits(state: FleetState, fx: Effects, now: float) -> None:
    """Robots waiting too long for a car or a door: one alert per wait (tick)."""
    limit = state.config.resource_wait_alert_s
    for robot_id, run in sorted(state.runs.items()):
        step = run.step
        if run.wait_reported or now - run.step_since < limit:
            continue
        if isinstance(step, CallLiftStep | RideLiftStep):
            kind, what = AlertKind.LIFT_UNAVAILABLE, f"lift {step.lift}"
        elif isinstance(step, OpenDoorStep):
            kind, what = AlertKind.DOOR_UNAVAILABLE, f"door {step.door}"
        else:
            continue
        run.wait_reported = True
        waited = now - run.step_since
        jobs = tuple(j.id for j in state.jobs_of(robot_id, ON_ROBOT))
        fx.alert(
            Alert(kind, f"robot {robot_id} has waited {waited:.0f} s for {what}",
                  now, robot_id, jobs)
        )  # fmt: skip
