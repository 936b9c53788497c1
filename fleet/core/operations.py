"""What an operator does to robots: pause, resume, charge, take out of service.

Each takes the robot off its current work the same way (its jobs not yet loaded go
back to the planner; loaded ones stay on it) and is audited with the operator as
the actor.
"""

from __future__ import annotations

import math

from fleet.core.decision import Effects
from fleet.core.driving import start_mission, start_next
from fleet.core.errors import Conflict
from fleet.core.faults import stand_down
from fleet.core.missions import Purpose
from fleet.core.model import RobotState
from fleet.core.state import ON_ROBOT, FleetState, change_robot
from maps.errors import NoRouteError
from maps.model import PlaceKind
from maps.routing import route


def pause(
    state: FleetState, fx: Effects, robot_id: str, actor: str, now: float
) -> None:
    """The robot stops where it is; it keeps what it carries."""
    stand_down(state, fx, robot_id, now, f"robot {robot_id} paused by {actor}")
    change_robot(
        state, fx, robot_id, RobotState.PAUSED, now=now, actor=actor,
        reason="paused", mission_id=None,
    )  # fmt: skip


def resume(
    state: FleetState, fx: Effects, robot_id: str, actor: str, now: float
) -> None:
    """A paused (or failed) robot goes back to work."""
    robot = state.robots[robot_id]
    if robot.state not in (RobotState.PAUSED, RobotState.ERROR):
        raise Conflict(f"robot {robot_id!r} is {robot.state.value}, not paused")
    change_robot(
        state, fx, robot_id, RobotState.IDLE, now=now, actor=actor, reason="resumed"
    )
    state.schedule_replan(now)
    start_next(state, fx, robot_id, now)


def send_to_charger(
    state: FleetState, fx: Effects, robot_id: str, actor: str, now: float
) -> None:
    """Dock at the robot's home charger (else the nearest); stay until charged."""
    if state.robots[robot_id].state not in (RobotState.IDLE, RobotState.BUSY):
        raise Conflict(f"robot {robot_id!r} is {state.robots[robot_id].state.value}")
    charger = _charger_for(state, robot_id)
    if charger is None:
        raise Conflict(f"robot {robot_id!r} can reach no charger")
    stand_down(state, fx, robot_id, now, f"robot {robot_id} sent to charge by {actor}")
    state.charge_until[robot_id] = math.inf
    start_mission(state, fx, robot_id, Purpose.CHARGE, charger, None, now)


def _charger_for(state: FleetState, robot_id: str) -> str | None:
    robot, building = state.robots[robot_id], state.building
    home = robot.home_charger
    if home and building.has_place(home):
        return building.place(home).waypoint
    best: tuple[float, str] | None = None
    for place in building.places_of_kind(PlaceKind.CHARGER):
        try:
            seconds = route(building, robot.waypoint, place.waypoint).time_s
        except (NoRouteError, ValueError):
            continue
        if best is None or seconds < best[0]:
            best = (seconds, place.waypoint)
    return best[1] if best else None


def take_out_of_service(
    state: FleetState, fx: Effects, robot_id: str, actor: str, now: float
) -> None:
    """Never dispatched again until returned; refused while it carries items."""
    carried = state.jobs_of(robot_id, ON_ROBOT)
    if carried:
        ids = ", ".join(j.id for j in carried)
        raise Conflict(f"robot {robot_id!r} carries {ids}: deliver or recover first")
    stand_down(state, fx, robot_id, now, f"robot {robot_id} taken out of service")
    state.queues[robot_id] = []
    change_robot(
        state, fx, robot_id, RobotState.OUT_OF_SERVICE, now=now, actor=actor,
        reason="taken out of service", mission_id=None,
    )  # fmt: skip


def return_to_service(
    state: FleetState, fx: Effects, robot_id: str, actor: str, now: float
) -> None:
    if state.robots[robot_id].state != RobotState.OUT_OF_SERVICE:
        raise Conflict(f"robot {robot_id!r} is not out of service")
    change_robot(
        state, fx, robot_id, RobotState.IDLE, now=now, actor=actor,
        reason="returned to service",
    )  # fmt: skip
    state.schedule_replan(now)


def charge_if_low(state: FleetState, fx: Effects, now: float) -> None:
    """An idle robot with nothing planned and a low battery docks by itself (tick).

    It leaves for new work at once, unless it is below its reserve: then it stays
    until charged.
    """
    threshold = state.config.idle_charge_below_soc
    for robot_id in sorted(state.robots):
        robot = state.robots[robot_id]
        idle = robot.state == RobotState.IDLE and robot_id not in state.runs
        if not idle or state.queues.get(robot_id) or robot.battery_soc >= threshold:
            continue
        charger = _charger_for(state, robot_id)
        if charger is not None:
            flat = robot.battery_soc < state.config.battery_reserve_soc
            state.charge_until[robot_id] = math.inf if flat else now
            start_mission(state, fx, robot_id, Purpose.CHARGE, charger, None, now)
