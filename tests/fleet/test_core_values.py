"""positional() builds the same frozen values as the dataclass's own __init__."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import pytest

from fleet.core.decision import Decision, Effects, robot_only
from fleet.core.model import ItemCategory, Job, JobKind, JobStatus, Robot, RobotState
from fleet.core.ports import CommandStatus, Pose, RobotUpdate
from fleet.core.values import positional, replacer


def test_a_built_value_equals_the_constructed_one_and_stays_frozen() -> None:
    """Same fields, equality and hash as ``cls(*values)``; still frozen."""
    values = ("r1", 12.5, Pose("L1", 1.0, 2.0, 0.0), 0.7, True, "c1",
              CommandStatus.SUCCEEDED, "")  # fmt: skip
    built = positional(RobotUpdate)(values)
    assert built == RobotUpdate(*values)
    assert hash(built) == hash(RobotUpdate(*values))
    with pytest.raises(dataclasses.FrozenInstanceError):
        built.at = 1.0  # type: ignore[misc]


def test_the_core_decisions_built_fast_equal_the_plain_ones() -> None:
    """A one-robot decision and an Effects' decision equal ``Decision(...)``."""
    robot = Robot("r1", state=RobotState.BUSY)
    assert robot_only(robot) == Decision(robots=((robot, ()),))
    fx = Effects()
    fx.robot(robot)
    fx.replan = True
    assert fx.decision() == Decision(robots=((robot, ()),), replan_needed=True)


def test_a_class_whose_init_does_more_is_refused() -> None:
    """A ``__post_init__`` or an ``init=False`` field would be skipped: refused."""

    @dataclass(frozen=True, slots=True)
    class Checked:
        n: int

        def __post_init__(self) -> None:
            assert self.n >= 0

    @dataclass(frozen=True)
    class Unslotted:
        n: int

    with pytest.raises(TypeError, match="Checked"):
        positional(Checked)
    with pytest.raises(TypeError, match="Unslotted"):
        positional(Unslotted)


def test_replacer_copies_as_dataclasses_replace_does() -> None:
    """Same value as ``dataclasses.replace``; an unknown field is a TypeError."""
    job = Job("j1", JobKind.DELIVERY, "a", "b", ItemCategory.MEDICATION, "w1", 3.0)
    changes = {"status": JobStatus.ASSIGNED, "robot_id": "r1", "version": 2}
    copy = replacer(Job)(job, **changes)
    assert copy == dataclasses.replace(job, **changes)
    assert hash(copy) == hash(dataclasses.replace(job, **changes))
    assert replacer(Job)(job) == job
    with pytest.raises(TypeError, match="no field 'colour'"):
        replacer(Job)(job, colour="red")
