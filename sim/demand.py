"""The requests of one simulated day, drawn from a scenario with a seeded stream.

Each flow and each round draws from its own stream (seeded from the run's seed
and its position in the scenario), so the same scenario and seed always give the
same requests, and editing one flow leaves the others' draws alone. Flows are
Poisson processes whose rate follows their hourly profile; rounds put one
request per destination at each scheduled time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from fleet.core.model import SECURE_CATEGORIES, ItemCategory, JobKind, Priority
from fleet.core.requests import NewJob
from sim.scenario import Flow, Round, Scenario

__all__ = ["DAY0", "Request", "hour_of", "requests_for"]

#: Midnight of the simulated day (2026-01-05, a Monday, UTC): simulated times are
#: epoch seconds like the service's, so hours of day mean the same in both.
DAY0 = 1_767_571_200.0

T = TypeVar("T")


def hour_of(t: float) -> float:
    """The hour of day (0 to 24) of simulated time ``t``."""
    return ((t - DAY0) / 3600.0) % 24.0


@dataclass(frozen=True, slots=True)
class Request:
    """One request the simulated hospital makes at ``at``."""

    id: str
    at: float
    new: NewJob
    #: The flow or round it came from.
    source: str


def requests_for(
    scenario: Scenario, seed: int, start: float, end: float
) -> tuple[Request, ...]:
    """Every request made in ``[start, end)``, in time order, ids numbered so."""
    drawn: list[tuple[float, str, NewJob]] = []
    for i, flow in enumerate(scenario.flows):
        rng = np.random.default_rng([seed, 1, i])
        drawn.extend(_flow(flow, scenario, rng, start, end))
    for i, round_ in enumerate(scenario.rounds):
        rng = np.random.default_rng([seed, 2, i])
        drawn.extend(_round(round_, scenario, rng, start, end))
    drawn.sort(key=lambda item: (item[0], item[1], item[2].pickup, item[2].dropoff))
    return tuple(
        Request(f"job-{n:05d}", at, new, source)
        for n, (at, source, new) in enumerate(drawn, start=1)
    )


def _flow(
    flow: Flow,
    scenario: Scenario,
    rng: np.random.Generator,
    start: float,
    end: float,
) -> list[tuple[float, str, NewJob]]:
    total = sum(flow.profile)
    found: list[tuple[float, str, NewJob]] = []
    hour_start = DAY0 + 3600.0 * np.floor((start - DAY0) / 3600.0)
    while hour_start < end:
        hour = int(hour_of(hour_start + 1.0))
        rate = flow.per_day * flow.profile[hour] / total
        for offset in np.sort(rng.uniform(0.0, 3600.0, rng.poisson(rate))):
            at = round(float(hour_start + offset), 3)
            if start <= at < end:
                new = _draw(flow, scenario, rng, at)
                if new is not None:
                    found.append((at, flow.name, new))
        hour_start += 3600.0
    return found


def _draw(
    flow: Flow, scenario: Scenario, rng: np.random.Generator, at: float
) -> NewJob | None:
    origin = flow.origins[int(rng.integers(len(flow.origins)))]
    choices = [d for d in flow.destinations if d != origin]
    category = _pick(rng, flow.categories, ItemCategory.SUPPLIES)
    priority = _pick(rng, flow.priorities, Priority.ROUTINE)
    pin = f"{int(rng.integers(10000)):04d}"
    if not choices:
        return None
    return NewJob(
        kind=flow.kind,
        pickup=origin,
        dropoff=choices[int(rng.integers(len(choices)))],
        category=category,
        priority=priority,
        compartments=1 if flow.kind == JobKind.GUIDANCE else flow.compartments,
        due_at=at + scenario.due_after(priority),
        pin=pin if category in SECURE_CATEGORIES else None,
    )


def _pick(rng: np.random.Generator, shares: tuple[tuple[T, float], ...], rest: T) -> T:
    """One value by its share; ``rest`` takes whatever share is left over."""
    u = float(rng.uniform())
    for value, share in shares:
        if u < share:
            return value
        u -= share
    return rest


def _round(
    round_: Round,
    scenario: Scenario,
    rng: np.random.Generator,
    start: float,
    end: float,
) -> list[tuple[float, str, NewJob]]:
    found: list[tuple[float, str, NewJob]] = []
    first_day = int(np.floor((start - DAY0) / 86400.0))
    last_day = int(np.floor((end - DAY0) / 86400.0))
    due = round_.due_s or scenario.due_after(round_.priority)
    for day in range(first_day, last_day + 1):
        for time_s in round_.times_s:
            base = DAY0 + 86400.0 * day + time_s
            for k, destination in enumerate(round_.destinations):
                # Staff send a round's trolleys a little apart, not all at once.
                at = base + 30.0 * k
                if not start <= at < end or destination == round_.origin:
                    continue
                pin = f"{int(rng.integers(10000)):04d}"
                new = NewJob(
                    kind=JobKind.DELIVERY,
                    pickup=round_.origin,
                    dropoff=destination,
                    category=round_.category,
                    priority=round_.priority,
                    compartments=round_.compartments,
                    due_at=at + due,
                    pin=pin if round_.category in SECURE_CATEGORIES else None,
                )
                found.append((at, round_.name, new))
    return found
