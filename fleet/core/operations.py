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
    """Dock at the robot's home charger, else the nearest with a dock free (else
    home all the same); stay until charged."""
    if state.robots[robot_id].state not in (RobotState.IDLE, RobotState.BUSY):
        raise Conflict(f"robot {robot_id!r} is {state.robots[robot_id].state.value}")
    charger = _charger_for(state, robot_id)
    if charger is None:
        raise Conflict(f"robot {robot_id!r} can reach no charger")
    stand_down(state, fx, robot_id, now, f"robot {robot_id} sent to charge by {actor}")
    state.charge_until[robot_id] = math.inf
    start_mission(state, fx, robot_id, Purpose.CHARGE, charger, None, now)


def _charger_for(
    state: FleetState, robot_id: str, *, free_only: bool = False
) -> str | None:
    """The robot's home charger if a dock is free there, else the nearest charger
    with a free dock; with none free, the home (else nearest) one unless
    ``free_only``. A robot sent to a full charger would wait there for nothing."""
    robot, building = state.robots[robot_id], state.building
    taken = _docks_taken(state, robot_id)
    home = None
    if robot.home_charger and building.has_place(robot.home_charger):
        home = building.place(robot.home_charger)
        if taken.get(home.waypoint, 0) < home.docks:
            return home.waypoint
    nearest: list[tuple[float, str, bool]] = []
    for place in building.places_of_kind(PlaceKind.CHARGER):
        seconds = _route_time(state, robot.waypoint, place.waypoint)
        if seconds is None:
            continue
        free = taken.get(place.waypoint, 0) < place.docks
        nearest.append((seconds, place.waypoint, free))
    nearest.sort()
    found = next((waypoint for _, waypoint, free in nearest if free), None)
    if found is not None or free_only:
        return found
    return home.waypoint if home else (nearest[0][1] if nearest else None)


def _route_time(state: FleetState, start: str, goal: str) -> float | None:
    """Seconds of the plain route (``None``: none), remembered per core: it depends
    on the building only, and an idle low robot whose chargers are all taken asks
    again at every tick."""
    key = (start, goal)
    if key not in state.route_times:
        try:
            state.route_times[key] = route(state.building, start, goal).time_s
        except (NoRouteError, ValueError):
            state.route_times[key] = None
    return state.route_times[key]


def _docks_taken(state: FleetState, robot_id: str) -> dict[str, int]:
    """Docks taken per charger waypoint by other robots: docked, or on their way."""
    taken: dict[str, int] = {}
    for other_id, other in state.robots.items():
        run = state.runs.get(other_id)
        if other_id == robot_id:
            continue
        if run is not None and run.mission.purpose == Purpose.CHARGE:
            taken[run.mission.goal] = taken.get(run.mission.goal, 0) + 1
        elif run is None and other.state == RobotState.CHARGING:
            taken[other.waypoint] = taken.get(other.waypoint, 0) + 1
    return taken


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
    until charged. Only to a charger with a dock free; with none, it stays put
    and the next tick tries again (the planner books docks for its own charges).
    """
    threshold = state.config.idle_charge_below_soc
    for robot_id in sorted(state.robots):
        robot = state.robots[robot_id]
        idle = robot.state == RobotState.IDLE and robot_id not in state.runs
        if not idle or state.queues.get(robot_id) or robot.battery_soc >= threshold:
            continue
        charger = _charger_for(state, robot_id, free_only=True)
        if charger is not None:
            flat = robot.battery_soc < state.config.battery_reserve_soc
            state.charge_until[robot_id] = math.inf if flat else now
            start_mission(state, fx, robot_id, Purpose.CHARGE, charger, None, now)
