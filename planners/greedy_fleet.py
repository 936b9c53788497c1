"""The fleet of one snapshot as greedy reads it: fixed arrays, and where routes end.

:class:`FleetArrays` holds what does not change while greedy plans a snapshot (the
robots' speeds, drains and reserves, the travel matrices, the chargers nearest
each node), as numpy arrays for whole-fleet passes and as plain lists for reading
one robot at a time (numpy's scalars are slower than Python's floats).
:class:`RobotEnds` is where each robot's route ends so far: greedy appends there.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from planners.problem import DispatchProblem
from planners.timeline import EPS, STANDARD


class FleetArrays:
    """A snapshot's robots, travel matrices and chargers, as arrays."""

    def __init__(self, problem: DispatchProblem) -> None:
        travel = self.travel = problem.travel
        self.times = {k: np.asarray(v, dtype=float) for k, v in travel.times.items()}
        self.std = self.times[STANDARD]
        self.dist = np.asarray(travel.distances, dtype=float)
        robots = self.robots = problem.robots
        self.robot_index = {r.id: i for i, r in enumerate(robots)}
        self.reassignment = problem.costs.reassignment
        self.speed = _floats([r.speed_factor for r in robots])
        self.drain = _floats([r.drain_per_m for r in robots])
        self.reserve = _floats([r.reserve_soc for r in robots])
        self.floor = self.reserve - EPS
        self.drains = self.drain > 0
        self.capacity = np.array([r.capacity for r in robots])
        self.chargers = {c.node: c for c in problem.chargers}
        self.end_target = np.array(
            [-1 if r.end is None else travel.index(r.end) for r in robots], dtype=int
        )
        self.end_is_charger = np.array([r.end in self.chargers for r in robots])
        self.any_drain = bool(self.drains.any())
        self.any_end = bool((self.end_target >= 0).any())
        self.charger_idx = np.array([travel.index(n) for n in self.chargers], dtype=int)
        self.charger_rate = _floats([c.rate_per_s for c in self.chargers.values()])
        #: Per node, the chargers by travel time from it (nearest first).
        self.charger_order = np.argsort(
            self.std[:, self.charger_idx], axis=1, kind="stable"
        )
        self._lists()

    def _lists(self) -> None:
        """The same figures as lists, for one robot at a time."""
        self.speed_l: list[float] = self.speed.tolist()
        self.drain_l: list[float] = self.drain.tolist()
        self.reserve_l: list[float] = self.reserve.tolist()
        self.floor_l: list[float] = self.floor.tolist()
        self.drains_l: list[bool] = self.drains.tolist()
        self.end_target_l: list[int] = self.end_target.tolist()
        self.end_is_charger_l: list[bool] = self.end_is_charger.tolist()
        self.charger_idx_l: list[int] = self.charger_idx.tolist()
        self.charger_rate_l: list[float] = self.charger_rate.tolist()
        first = self.charger_order[:, 0] if len(self.charger_idx) else ()
        self.charger_first: list[int] = list(np.asarray(first, dtype=int).tolist())


@dataclass(slots=True)
class RobotEnds:
    """Per robot (by index), where and when its route ends so far and its charge
    there; ``dockless``: it found no charger with a dock when it needed one."""

    node: list[int]
    time: list[float]
    soc: list[float]
    dockless: list[bool]


def _floats(values: list[float]) -> np.ndarray:
    return np.array(values, dtype=float)
