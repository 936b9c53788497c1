"""The dispatcher's plain input and output: :class:`DispatchProblem` -> :class:`Plan`.

These types know nothing of the database, the clock or ROS. ``fleet.core`` builds a
problem from a snapshot of the fleet; the simulator and the benchmarks build them
directly. All times are seconds on one clock (``DispatchProblem.now`` is "now" on
it); travel times and distances come from matrices indexed by node.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from typing import Any

import numpy as np

from planners.values import by_fields


class Priority(IntEnum):
    """Lower value = more urgent. Sorting jobs by priority puts STAT first."""

    STAT = 0
    URGENT = 1
    ROUTINE = 2


class JobKind(StrEnum):
    DELIVERY = "delivery"
    GUIDANCE = "guidance"


class StopKind(StrEnum):
    PICKUP = "pickup"
    DROPOFF = "dropoff"
    CHARGE = "charge"


class UnassignedReason(StrEnum):
    NO_CAPABLE_ROBOT = "no_capable_robot"
    TOO_LARGE = "too_large"
    WINDOW_IMPOSSIBLE = "window_impossible"
    UNREACHABLE = "unreachable"
    BATTERY = "battery"
    #: Feasible in isolation, but the solver left it out (not worth its cost now).
    NOT_SCHEDULED = "not_scheduled"


@dataclass(frozen=True, slots=True)
class Robot:
    """A robot as the dispatcher sees it.

    ``start`` is the node where the robot will be free at ``available_at`` (its
    current position, or the stop it is heading to). ``onboard`` lists jobs already
    picked up: they are also in ``DispatchProblem.jobs``, they must be dropped by
    this robot, and the plan has only their drop-off stop.
    """

    id: str
    start: str
    available_at: float
    capacity: int = 1
    capabilities: frozenset[str] = frozenset()
    battery_soc: float = 1.0
    #: Fraction of a full battery spent per metre driven.
    drain_per_m: float = 0.0
    #: The robot must not plan below this state of charge.
    reserve_soc: float = 0.0
    onboard: tuple[str, ...] = ()
    #: Node the route must end at (``None``: the route ends at its last stop).
    end: str | None = None
    #: Robot speed relative to the matrix's nominal speed (1.0 = as in the matrix).
    speed_factor: float = 1.0

    def __reduce__(self) -> tuple[type, tuple[Any, ...]]:
        return by_fields(self)  # picklable compiled too (planners.values)


@dataclass(frozen=True, slots=True)
class Job:
    """A pickup-and-drop-off the dispatcher may assign.

    A guidance is a job of kind ``GUIDANCE``: the pickup is where the person is met,
    ``walking_factor`` > 1 slows the escorted leg, and ``size`` should equal the guide
    robot's capacity (the robot does nothing else meanwhile).
    """

    id: str
    pickup: str
    dropoff: str
    kind: JobKind = JobKind.DELIVERY
    size: int = 1
    requires: frozenset[str] = frozenset()
    priority: Priority = Priority.ROUTINE
    ready_at: float = 0.0
    due_at: float | None = None
    due_is_hard: bool = False
    pickup_service_s: float = 0.0
    dropoff_service_s: float = 0.0
    load_class: str = "standard"
    created_at: float = 0.0
    walking_factor: float = 1.0
    #: Latest start of pickup service (hard). ``None``: no limit.
    pickup_latest: float | None = None
    #: Earliest start of drop-off service (hard; the robot waits if early).
    #: ``None``: no limit. Used by benchmarks with delivery windows (Li & Lim).
    dropoff_ready_at: float | None = None

    def __reduce__(self) -> tuple[type, tuple[Any, ...]]:
        return by_fields(self)  # picklable compiled too (planners.values)


@dataclass(frozen=True, slots=True)
class Charger:
    """A charger at ``node`` with ``docks`` places to charge at once.

    ``occupied_until`` has one time per dock taken when the problem is made (a
    robot docked there, or on its way to dock): the dock is free again from that
    time, the robot's ``available_at``. A plan's charge stops and these together
    never hold more robots than ``docks``. Empty: every dock is free now.
    """

    node: str
    docks: int = 1
    #: State of charge gained per second docked.
    rate_per_s: float = 1.0 / 3600.0
    occupied_until: tuple[float, ...] = ()

    def __reduce__(self) -> tuple[type, tuple[Any, ...]]:
        return by_fields(self)  # picklable compiled too (planners.values)


#: Default ``Costs.completion_per_s`` (seconds-equivalent per second waited),
#: chosen on the demo hospital's simulated morning (docs/benchmarks.md).
HOSPITAL_COMPLETION_PER_S: Mapping[Priority, float] = {
    Priority.STAT: 4.0,
    Priority.URGENT: 2.0,
    Priority.ROUTINE: 1.0,
}


@dataclass(frozen=True, slots=True)
class Costs:
    """Weights of the objective, in seconds-equivalent."""

    #: Lateness cost per second late, by priority.
    lateness_per_s: Mapping[Priority, float] = field(
        default_factory=lambda: {
            Priority.STAT: 100.0,
            Priority.URGENT: 10.0,
            Priority.ROUTINE: 1.0,
        }
    )
    #: Penalty for leaving a job unassigned, by priority.
    unassigned: Mapping[Priority, float] = field(
        default_factory=lambda: {
            Priority.STAT: 1e7,
            Priority.URGENT: 1e6,
            Priority.ROUTINE: 1e5,
        }
    )
    #: Cost of moving a job to another robot than in the previous plan.
    reassignment: float = 120.0
    #: Fixed cost per robot used (0 in a hospital; large for vehicle minimisation).
    per_robot: float = 0.0
    #: Cost per second of travel.
    travel_per_s: float = 1.0
    #: Cost per second from ``now`` until a job's drop-off starts, by priority: the
    #: sum of these is what lead time measures (request to drop-off, less a
    #: constant per job). Without it a routine job due in two hours costs nothing
    #: for waiting 100 minutes, and plans deliver late-but-in-time. The weights keep
    #: STAT first and stay well below the lateness weights. A hospital's default;
    #: benchmarks that count only robots and distance (Li & Lim) set it empty.
    completion_per_s: Mapping[Priority, float] = field(
        default_factory=lambda: dict(HOSPITAL_COMPLETION_PER_S)
    )

    def __reduce__(self) -> tuple[type, tuple[Any, ...]]:
        return by_fields(self)  # picklable compiled too (planners.values)


@dataclass(frozen=True, slots=True)
class TravelMatrix:
    """Travel times (s) and distances (m) between nodes, per load class.

    ``times[load_class][i, j]`` is the time from ``nodes[i]`` to ``nodes[j]`` carrying
    that load class; ``np.inf`` marks "no legal route". ``distances`` is in metres
    and follows the same route as ``times['standard']``.
    """

    nodes: tuple[str, ...]
    times: Mapping[str, np.ndarray]
    distances: np.ndarray
    _index: dict[str, int] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        n = len(self.nodes)
        self._index.update({node: i for i, node in enumerate(self.nodes)})
        if len(self._index) != n:
            raise ValueError("TravelMatrix.nodes has duplicates")
        if "standard" not in self.times:
            raise ValueError("TravelMatrix.times needs a 'standard' load class")
        for load, matrix in self.times.items():
            if matrix.shape != (n, n):
                raise ValueError(
                    f"times[{load!r}] is {matrix.shape}, expected {(n, n)}"
                )
        if self.distances.shape != (n, n):
            raise ValueError(f"distances is {self.distances.shape}, expected {(n, n)}")

    def index(self, node: str) -> int:
        return self._index[node]

    def time(self, a: str, b: str, load_class: str = "standard") -> float:
        matrix = self.times.get(load_class, self.times["standard"])
        return float(matrix[self._index[a], self._index[b]])

    def distance(self, a: str, b: str) -> float:
        return float(self.distances[self._index[a], self._index[b]])

    def __reduce__(self) -> tuple[type, tuple[Any, ...]]:
        return by_fields(self)  # picklable compiled too (planners.values)


@dataclass(frozen=True, slots=True)
class Stop:
    """One stop of a planned route, with its predicted times."""

    kind: StopKind
    node: str
    job_id: str | None
    arrival: float
    #: When service starts (after waiting for a ready time, if early).
    start: float
    departure: float
    #: Compartments on board after this stop.
    load_after: int = 0

    def __reduce__(self) -> tuple[type, tuple[Any, ...]]:
        return by_fields(self)  # picklable compiled too (planners.values)


@dataclass(frozen=True, slots=True)
class Plan:
    """For each robot an ordered list of stops; the jobs left out with a reason."""

    routes: Mapping[str, tuple[Stop, ...]]
    unassigned: Mapping[str, UnassignedReason]
    objective: float = 0.0
    solver: str = ""
    #: Human-readable remarks (e.g. "ortools found no solution; greedy used").
    notes: tuple[str, ...] = ()

    def robots_by_job(self) -> dict[str, str]:
        """The robot each planned job is on."""
        return {
            stop.job_id: robot_id
            for robot_id, stops in self.routes.items()
            for stop in stops
            if stop.job_id is not None
        }

    def robot_of(self, job_id: str) -> str | None:
        for robot_id, stops in self.routes.items():
            if any(stop.job_id == job_id for stop in stops):
                return robot_id
        return None

    def __reduce__(self) -> tuple[type, tuple[Any, ...]]:
        return by_fields(self)  # picklable compiled too (planners.values)


@dataclass(frozen=True, slots=True)
class DispatchProblem:
    """A snapshot to plan: robots, open jobs, travel times, chargers, weights."""

    now: float
    robots: tuple[Robot, ...]
    jobs: tuple[Job, ...]
    travel: TravelMatrix
    chargers: tuple[Charger, ...] = ()
    costs: Costs = field(default_factory=Costs)

    def job(self, job_id: str) -> Job:
        for job in self.jobs:
            if job.id == job_id:
                return job
        raise KeyError(job_id)

    def __reduce__(self) -> tuple[type, tuple[Any, ...]]:
        return by_fields(self)  # picklable compiled too (planners.values)
