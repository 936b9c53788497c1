"""The settings of one simulation run, and the wall-clock figures it records."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from planners.values import by_fields


@dataclass(frozen=True, slots=True)
class RunConfig:
    robots: int = 8
    hours: float = 24.0
    seed: int = 1
    dispatcher: str = "greedy"
    #: The dispatcher's time limit per call (seconds of wall time): a safety bound,
    #: the service's 2 s. OR-Tools' hospital descent ends at its own local optimum
    #: well before it (tens of ms), so a day does not depend on the clock; a limit
    #: that cut descents short would make it depend again. Greedy ignores it.
    time_limit_s: float = 2.0
    #: Hour of day the run starts at.
    start_hour: float = 0.0
    #: A robot silent this long reports in (the core's offline timeout is 30 s).
    heartbeat_s: float = 25.0
    #: The core's timers run this often (and whenever a re-plan falls due).
    tick_s: float = 15.0
    #: Simulated seconds between two re-plans at the service's cadence (its
    #: re-plan worker's pause after a plan, with the plan's own thinking time).
    #: Apart from ``time_limit_s``: a planner whose limit is only a safety bound
    #: (OR-Tools' descent ends by itself) would otherwise re-plan seconds apart.
    replan_pause_s: float = 0.25
    #: Simulated seconds from one re-plan to the next at the least. ``None``: the
    #: service's own cadence, ``replan_pause_s`` (the service cannot start a plan
    #: while the last one is still thinking).
    replan_gap_s: float | None = None
    #: With a ``replan_gap_s``: a STAT request, a request while a robot has
    #: nothing to do, or a robot freed while requests or other robots' stops wait,
    #: still re-plans at the service's cadence (only then would the plan the gap
    #: delays change what a robot does at once; otherwise it reorders queues a
    #: little later).
    urgent_replans: bool = True
    #: Start each plan from the previous one, as the service does.
    warm_start: bool = True
    keep_events: bool = True

    def __post_init__(self) -> None:
        if self.robots < 1:
            raise ValueError(f"robots is {self.robots}; need at least one")
        if not self.hours > 0:
            raise ValueError(f"hours is {self.hours}; must be > 0")
        if not self.time_limit_s > 0:
            raise ValueError(f"time_limit_s is {self.time_limit_s}; must be > 0")
        if not self.replan_pause_s > 0:
            raise ValueError(f"replan_pause_s is {self.replan_pause_s}; must be > 0")
        if self.replan_gap_s is not None and self.replan_gap_s < 0:
            raise ValueError(f"replan_gap_s is {self.replan_gap_s}; must be >= 0")
        if self.dispatcher not in ("ortools", "greedy"):
            raise ValueError(f"dispatcher {self.dispatcher!r}: ortools or greedy")

    def __reduce__(self) -> tuple[type, tuple[Any, ...]]:
        return by_fields(self)  # picklable compiled too (planners.values)


@dataclass
class Timing:
    """Wall-clock figures of a run (kept out of kpis.json)."""

    wall_s: float = 0.0
    dispatch_s: float = 0.0
    dispatches: int = 0
    fallbacks: int = 0
