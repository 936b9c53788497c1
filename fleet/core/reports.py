"""What robots, lifts and doors report, and what the core does about it.

A robot's report refreshes its pose and battery and marks it seen; a command it
finished moves its mission on; a command that failed is a fault. A lift or door
report moves on the robots waiting for it; a lift going into fire or emergency
mode with a robot using it is an alert, and robots that would call it hold.
"""

from __future__ import annotations

from fleet.core import faults
from fleet.core.decision import Alert, AlertKind, Effects, LiftRequest
from fleet.core.dispatching import dispatchable
from fleet.core.driving import emit, start_next
from fleet.core.lifts import lift_changed as free_held_robots
from fleet.core.missions import CallLiftStep, OpenDoorStep, RideLiftStep
from fleet.core.model import Robot, RobotState
from fleet.core.ports import CommandStatus, DoorStatus, LiftStatus, RobotUpdate
from fleet.core.runner import (
    LIFT_BLOCKED,
    Run,
    command_succeeded,
    door_changed,
    lift_changed,
    position_after,
)
from fleet.core.state import (
    FleetState,
    changed_robot,
    reported_robot,
    update_robot,
)


def quiet_report(state: FleetState, update: RobotUpdate, now: float) -> Robot | None:
    """The robot refreshed by a report that moves nothing on, else ``None``.

    Most reports are heartbeats of a robot on a mission (its command still
    running), of one that may take no work, or of an idle (or docked) robot with
    no stop waiting (:func:`start_next` would find nothing to start): they only
    refresh its pose, battery and last-seen time, exactly as :func:`robot_update`
    would, and the caller can skip the general bookkeeping (the service hears a
    heartbeat every half second per robot; a simulated day, ~60,000, of which
    ~37,000 come from idle robots with nothing queued).
    """
    robot_id = update.robot_id
    robot = state.robots[robot_id]
    if not update.online or robot.state == RobotState.OFFLINE:
        return None
    run = state.runs.get(robot_id)
    if run is None:
        if dispatchable(state, robot_id) and (
            robot.state == RobotState.BUSY or state.queues.get(robot_id)
        ):
            return None
    elif update.command_id and update.command_id == run.command_id:
        return None
    if update.pose is None or _known_waypoint(state, robot.waypoint):
        robot = reported_robot(robot, now, update.pose, update.battery_soc)
    else:
        robot = changed_robot(robot, _report_changes(state, update, now))
    state.robots[robot_id] = robot
    return robot


def robot_update(
    state: FleetState, fx: Effects, update: RobotUpdate, now: float
) -> None:
    """Record the report; move the robot's mission on, or start its next stop."""
    if not update.online:
        return
    robot_id = update.robot_id
    update_robot(state, fx, robot_id, **_report_changes(state, update, now))
    faults.robot_back(state, fx, robot_id, now)
    run = state.runs.get(robot_id)
    if run is not None and update.command_id and update.command_id == run.command_id:
        _command_report(state, fx, update, now)
    elif run is None and dispatchable(state, robot_id):
        start_next(state, fx, robot_id, now)


def _report_changes(
    state: FleetState, update: RobotUpdate, now: float
) -> dict[str, object]:
    """What a report changes of its robot: last seen, pose, battery."""
    robot_id = update.robot_id
    changes: dict[str, object] = {"last_seen": now}
    if update.pose is not None:
        pose = update.pose
        changes.update(level=pose.level, x=pose.x, y=pose.y)
        if not _known_waypoint(state, state.robots[robot_id].waypoint):
            # A robot that never said where it stands: the nearest waypoint.
            nearest = _nearest_waypoint(state, pose.level, pose.x, pose.y)
            if nearest is not None:
                changes["waypoint"] = nearest
    if update.battery_soc is not None:
        changes["battery_soc"] = update.battery_soc
    return changes


def _command_report(
    state: FleetState, fx: Effects, update: RobotUpdate, now: float
) -> None:
    robot_id = update.robot_id
    run = state.runs[robot_id]
    if update.command_status == CommandStatus.SUCCEEDED:
        waypoint = position_after(run.step)
        if waypoint is not None:
            level = state.building.waypoint(waypoint).level
            update_robot(state, fx, robot_id, waypoint=waypoint, level=level)
        emit(state, fx, robot_id, command_succeeded(run, state.world, now), now)
    elif update.command_status in (CommandStatus.FAILED, CommandStatus.CANCELLED):
        # A cancel we asked for carries an old command id and never gets here.
        words = f": {update.message}" if update.message else ""
        faults.robot_lost(
            state, fx, robot_id, RobotState.ERROR, now,
            f"failed command {update.command_id} "
            f"({update.command_status.value}{words})",
        )  # fmt: skip


def lift_status(state: FleetState, fx: Effects, status: LiftStatus, now: float) -> None:
    state.lifts[status.lift_id] = status
    _release_if_unwanted(state, fx, status)
    world, lift_id = state.world, status.lift_id
    # Only a robot calling or riding this car moves on (the rest would get an
    # empty output): they are picked first, and each is checked again when its
    # turn comes (an earlier one's decision may have changed the runs).
    for robot_id, run in [
        (robot_id, run)
        for robot_id, run in state.runs.items()
        if _at_lift(run, lift_id)
    ]:
        if state.runs.get(robot_id) is run and _at_lift(run, lift_id):
            emit(state, fx, robot_id, lift_changed(run, status, world, now), now)
    if status.mode in LIFT_BLOCKED:
        for robot_id, run in state.runs.items():
            if status.lift_id in run.lifts_held:
                fx.alert(
                    Alert(
                        AlertKind.LIFT_UNAVAILABLE,
                        f"lift {status.lift_id} went to {status.mode.value} mode "
                        f"with robot {robot_id} using it",
                        now, robot_id,
                    )
                )  # fmt: skip
    free_held_robots(state, fx, status, now)


def door_status(state: FleetState, fx: Effects, status: DoorStatus, now: float) -> None:
    state.doors[status.door_id] = status
    for robot_id, run in list(state.runs.items()):
        if state.runs.get(robot_id) is not run:
            continue
        if not status.available and status.door_id in run.doors_held:
            fx.alert(
                Alert(
                    AlertKind.DOOR_UNAVAILABLE,
                    f"door {status.door_id} is unavailable; robot {robot_id} waits",
                    now, robot_id,
                )
            )  # fmt: skip
        if _at_door(run, status.door_id):
            emit(state, fx, robot_id, door_changed(run, status, state.world, now), now)


def _at_lift(run: Run, lift_id: str) -> bool:
    """Whether the run calls or rides ``lift_id`` now (``run.step`` read inline:
    every lift report asks it of every run, ~200,000 times a simulated day)."""
    steps, index = run.mission.steps, run.index
    if index >= len(steps):
        return False
    step = steps[index]
    return isinstance(step, _LIFT_WAITS) and step.lift == lift_id


def _at_door(run: Run, door_id: str) -> bool:
    """Whether the run waits for ``door_id`` to open (as :func:`_at_lift`)."""
    steps, index = run.mission.steps, run.index
    if index >= len(steps):
        return False
    step = steps[index]
    return isinstance(step, OpenDoorStep) and step.door == door_id


_LIFT_WAITS = (CallLiftStep, RideLiftStep)


def _release_if_unwanted(state: FleetState, fx: Effects, status: LiftStatus) -> None:
    """A car held for one of our robots that no longer needs it is given back.

    A stale call (the robot was sent elsewhere while queued for the car) would
    otherwise hold the lift for nobody and block every other robot.
    """
    for session in dict.fromkeys((status.session, *status.sessions)):
        if session is None or session not in state.robots:
            continue
        run = state.runs.get(session)
        if run is None or status.lift_id not in run.lifts_held:
            fx.lift_requests.append(
                LiftRequest(status.lift_id, None, session, release=True)
            )


def _known_waypoint(state: FleetState, waypoint: str) -> bool:
    try:
        state.building.waypoint(waypoint)
    except KeyError:
        return False
    return True


def _nearest_waypoint(state: FleetState, level: str, x: float, y: float) -> str | None:
    on_level = [w for w in state.building.waypoints if w.level == level]
    if not on_level:
        return None
    return min(on_level, key=lambda w: (w.x - x) ** 2 + (w.y - y) ** 2).id
