"""A run's lifts ahead (held, or called at or after its step) without a walk of
its steps: the same set the walk gives, at every step of real missions."""

from __future__ import annotations

import random
from functools import cache

from fleet.core.missions import CallLiftStep, Mission, Purpose, steps_from_legs
from fleet.core.runner import Run
from maps.loading import load_sample
from maps.model import Building
from maps.routing import route


@cache
def hospital() -> Building:
    return load_sample("demo_hospital")


def _walked(run: Run) -> set[str]:
    """The lifts ahead as the steps say (the walk ``lift_penalties`` made)."""
    lifts = set(run.lifts_held)
    lifts.update(
        step.lift
        for step in run.mission.steps[run.index :]
        if isinstance(step, CallLiftStep)
    )
    return lifts


def test_lifts_ahead_are_the_walks_at_every_step() -> None:
    """Missions across levels, a run at each step, some lifts held: equal sets."""
    waypoints = sorted(w.id for w in hospital().waypoints)
    rnd = random.Random(3)
    calls = 0
    for n in range(30):
        start, goal = rnd.sample(waypoints, 2)
        legs = route(hospital(), start, goal).legs
        steps = tuple(steps_from_legs(legs))
        mission = Mission(f"m{n}", "r1", Purpose.DROPOFF, goal, steps)
        calls += len(mission.lifts)
        for index in range(len(steps) + 1):
            run = Run(mission, started_at=0.0, index=index)
            if rnd.random() < 0.5:
                run.lifts_held.add(rnd.choice(("lift_a", "lift_b", "lift_s")))
            assert run.lifts_ahead() == _walked(run)
    assert calls > 5  # some missions ride lifts
