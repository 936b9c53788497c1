"""A car serving several robots at once: each of them may board."""

from __future__ import annotations

from fleet.core.missions import CallLiftStep, DriveStep, Mission, Purpose, ServiceStep
from fleet.core.ports import LiftMode, LiftStatus, Navigate
from fleet.core.runner import Run, World, advance, forget_session, lift_changed
from maps.loading import load_sample


def _run_at_call() -> tuple[Run, World]:
    steps = (
        CallLiftStep("lift_1", "G"),
        DriveStep("G", ("G_lobby", "G_lift")),
        ServiceStep("j1"),
    )
    run = Run(Mission("m1", "r1", Purpose.DROPOFF, "G_lift", steps, "j1"), 0.0)
    return run, World(load_sample("small_clinic"), {}, {})


def test_a_robot_among_the_car_sessions_boards() -> None:
    """The car is open for r2 and r1 together: r1 drives in too."""
    run, world = _run_at_call()
    advance(run, world, 0.0)
    shared = LiftStatus("lift_1", 1.0, "G", True, LiftMode.AGV, session="r2",
                        sessions=("r2", "r1"))  # fmt: skip
    entered = lift_changed(run, shared, world, 1.0).commands
    assert len(entered) == 1 and isinstance(entered[0], Navigate)


def test_a_release_forgets_only_that_session() -> None:
    """After r1 lets go, the stale report no longer serves r1, and still names r2."""
    _, world = _run_at_call()
    world.lifts["lift_1"] = LiftStatus("lift_1", 1.0, "G", True, LiftMode.AGV,
                                       session="r2", sessions=("r2", "r1"))  # fmt: skip
    forget_session(world, "lift_1", "r1")
    after = world.lifts["lift_1"]
    assert not after.serves("r1") and after.session == "r2"
    assert after.sessions == ("r2",) and not after.doors_open
