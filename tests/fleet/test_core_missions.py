"""Mission steps from route legs, and the runner's waits for lifts and doors."""

from __future__ import annotations

from fleet.core.decision import DoorRequest, LiftRequest
from fleet.core.missions import (
    CallLiftStep,
    ChangeLevelStep,
    DriveStep,
    Mission,
    OpenDoorStep,
    Purpose,
    ReleaseDoorStep,
    ReleaseLiftStep,
    RideLiftStep,
    ServiceStep,
    steps_from_legs,
)
from fleet.core.ports import LiftMode, LiftStatus, Navigate
from fleet.core.runner import Run, World, abort, advance, lift_changed
from maps.legs import DoorLeg, DriveLeg, LiftLeg
from maps.loading import load_sample

DRIVE_G = DriveLeg("G", ("a", "b", "car_g"), 10.0, 10.0)
LIFT = LiftLeg("lift_1", "G", "L1", ("car_g", "car_1"), 30.0)
DRIVE_1 = DriveLeg("L1", ("car_1", "c", "d"), 10.0, 10.0)
DOOR = DoorLeg("door_1", "L1", ("d", "e"), 2.0, 5.0)


def test_lift_ride_steps_in_order() -> None:
    """Stop short of the car, call it, drive in, ride, change level, out, release,
    then drive on: the car is not held for the rest of the drive."""
    steps = steps_from_legs((DRIVE_G, LIFT, DRIVE_1))
    assert steps == [
        DriveStep("G", ("a", "b")),
        CallLiftStep("lift_1", "G"),
        DriveStep("G", ("b", "car_g")),
        RideLiftStep("lift_1", "L1"),
        ChangeLevelStep("L1", "car_1"),
        DriveStep("L1", ("car_1", "c")),
        ReleaseLiftStep("lift_1"),
        DriveStep("L1", ("c", "d")),
    ]


def test_the_car_is_released_before_a_door_after_the_ride() -> None:
    """A door right after the ride: out of the car, release the car, then the door."""
    steps = steps_from_legs((LIFT, DriveLeg("L1", ("car_1", "d"), 2.0, 2.0), DOOR))
    assert steps[2:] == [
        ChangeLevelStep("L1", "car_1"),
        DriveStep("L1", ("car_1", "d")),
        ReleaseLiftStep("lift_1"),
        OpenDoorStep("door_1"),
        DriveStep("L1", ("d", "e")),
        ReleaseDoorStep("door_1"),
    ]


def test_door_passage_steps() -> None:
    """Open, drive the lane through the door, release."""
    steps = steps_from_legs((DOOR,), max_speed_mps=0.5)
    assert steps == [
        OpenDoorStep("door_1"),
        DriveStep("L1", ("d", "e"), 0.5),
        ReleaseDoorStep("door_1"),
    ]


def test_starting_inside_the_car_needs_no_entering_drive() -> None:
    """A robot already on the car's waypoint calls the car and rides."""
    steps = steps_from_legs((LIFT,))
    assert steps[:2] == [CallLiftStep("lift_1", "G"), RideLiftStep("lift_1", "L1")]
    assert steps[-1] == ReleaseLiftStep("lift_1")


def _run_at_call() -> tuple[Run, World]:
    building = load_sample("small_clinic")
    steps = (
        CallLiftStep("lift_1", "G"),
        DriveStep("G", ("G_lobby", "G_lift")),
        ServiceStep("j1"),
    )
    run = Run(Mission("m1", "r1", Purpose.DROPOFF, "G_lift", steps, "j1"), 0.0)
    return run, World(building, {}, {})


def test_car_held_for_another_robot_is_not_entered() -> None:
    """Doors open on our level, but for r2: the robot keeps waiting."""
    run, world = _run_at_call()
    out = advance(run, world, 0.0)
    assert out.lift_requests == [LiftRequest("lift_1", "G", "r1")]
    assert out.commands == []
    other = LiftStatus("lift_1", 1.0, "G", True, LiftMode.AGV, session="r2")
    assert lift_changed(run, other, world, 1.0).commands == []
    ours = LiftStatus("lift_1", 2.0, "G", True, LiftMode.AGV, session="r1")
    entered = lift_changed(run, ours, world, 2.0).commands
    assert len(entered) == 1 and isinstance(entered[0], Navigate)


def test_fire_mode_blocks_the_call() -> None:
    """A car in fire mode is reported blocked, never entered."""
    run, world = _run_at_call()
    advance(run, world, 0.0)
    fire = LiftStatus("lift_1", 1.0, "G", True, LiftMode.FIRE, session="r1")
    out = lift_changed(run, fire, world, 1.0)
    assert out.blocked_lift == "lift_1" and out.commands == []


def test_abort_releases_what_the_run_holds() -> None:
    """Stopping a run cancels its command and frees its lift and doors."""
    run, world = _run_at_call()
    advance(run, world, 0.0)
    run.doors_held.add("door_1")
    out = abort(run)
    assert out.lift_requests == [LiftRequest("lift_1", None, "r1", release=True)]
    assert out.door_requests == [DoorRequest("door_1", False, "r1")]
