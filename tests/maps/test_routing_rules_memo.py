"""A router's remembered rules are rules_for's, and a bad load stays an error."""

from __future__ import annotations

import pytest

from maps import routing
from maps.loading import load_sample
from maps.model import LoadClass
from maps.routing import Router
from maps.rules import RobotProfile, rules_for

LOADS = (None, "waste", "medication", "linen", LoadClass.DIRTY, "specimen")
ROBOTS = (None, RobotProfile(), RobotProfile(frozenset({"secure_drawer"})))
HOURS = (None, 3.0, 12.0, 23.5)


def test_remembered_rules_are_rules_for() -> None:
    """Every load, robot and hour asked twice: rules_for's answer both times."""
    building = load_sample("demo_hospital")
    router = Router(building)
    for _ in range(2):
        for load in LOADS:
            for robot in ROBOTS:
                for hour in HOURS:
                    assert router.rules(load, robot, hour) == rules_for(
                        building, load, robot, hour
                    )


def test_an_unknown_load_is_refused_every_time(monkeypatch) -> None:
    """A bad load raises ValueError, and is never remembered; the memo is bounded."""
    monkeypatch.setattr(routing, "_RULES_ASKED_KEPT", 3)
    router = Router(load_sample("small_clinic"))
    for _ in range(2):
        with pytest.raises(ValueError, match="unknown load"):
            router.rules("plutonium")
    for load in LOADS:
        router.rules(load)
    assert len(router._rules) <= 3
