"""The key figures of a run, as one plain dict (``kpis.json``).

Everything here is a function of the simulated run only (no wall time), and
rounded, so the same inputs and seed give byte-identical ``kpis.json``.

- lead time: request to completed (seconds), mean, p50 and p95, overall, by
  priority and by category; on-time rate (completed by the due time); STAT p95;
- the ratio of each job's lead time to its physical lower bound: the direct
  route from pickup to drop-off (at walking pace for a guidance) plus the
  hand-off time that job actually had;
- robot time use (shares of the run), distance driven, lift rides and waits,
  and the jobs still unserved at the end.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, SupportsFloat

import numpy as np

from fleet.core.model import JobKind, Priority
from maps.matrix import TravelTimes
from sim.demand import hour_of
from sim.jobbook import JobRecord
from sim.world import ACTIVITIES

if TYPE_CHECKING:
    from sim.runner import Simulation

_DIRTY = frozenset({"waste", "soiled_linen"})


def _r(value: SupportsFloat, digits: int = 1) -> float:
    return round(float(value), digits)


def summary(values: Iterable[float]) -> dict[str, Any]:
    data = np.asarray(list(values), dtype=float)
    if data.size == 0:
        return {"n": 0, "mean": None, "p50": None, "p95": None, "max": None}
    return {
        "n": int(data.size),
        "mean": _r(data.mean()),
        "p50": _r(np.percentile(data, 50)),
        "p95": _r(np.percentile(data, 95)),
        "max": _r(data.max()),
    }


def lead_time(record: JobRecord) -> float | None:
    done = record.done_at
    return None if done is None else done - record.request.at


def lower_bound(record: JobRecord, travel: TravelTimes, walking: float) -> float:
    """Direct route pickup to drop-off plus the hand-off time this job had."""
    new = record.request.new
    load = "dirty" if new.category.value in _DIRTY else None
    route = travel.matrix((new.pickup, new.dropoff), load=load).time(
        new.pickup, new.dropoff
    )
    if new.kind == JobKind.GUIDANCE:
        route *= walking
    times = record.times
    loading = times.get("to_dropoff", 0.0) - times.get("loading", 0.0)
    unloading = times.get("completed", 0.0) - times.get("unloading", 0.0)
    return route + max(0.0, loading) + max(0.0, unloading)


def compute(sim: Simulation) -> dict[str, Any]:
    """The KPIs of a finished simulation (see the module docstring)."""
    records = sorted(sim.book.records.values(), key=lambda r: r.id)
    # Each finished job with its lead time, in the records' order.
    done = [(r, lead) for r in records if (lead := lead_time(r)) is not None]
    walking = sim.core.config.guidance_walking_factor
    travel = sim.core_travel
    ratios = [
        lead / bound
        for r, lead in done
        if (bound := lower_bound(r, travel, walking)) > 0
    ]
    on_time = [
        done_at <= due
        for r, _ in done
        if (due := r.request.new.due_at) is not None
        and (done_at := r.done_at) is not None
    ]
    stat = [lead for r, lead in done if r.request.new.priority == Priority.STAT]
    return {
        "scenario": sim.scenario.name,
        "building": sim.building.name,
        "robots": sim.config.robots,
        "hours": sim.config.hours,
        "seed": sim.config.seed,
        "dispatcher": sim.config.dispatcher,
        "requests": len(records),
        "jobs": sim.book.counts(),
        "unserved_at_end": _unserved(records),
        "lead_time_s": summary(lead for _, lead in done),
        "lead_time_by_priority_s": {
            p.name.lower(): summary(
                lead for r, lead in done if r.request.new.priority == p
            )
            for p in Priority
        },
        "lead_time_by_category_s": {
            c: summary(lead for r, lead in done if r.request.new.category.value == c)
            for c in sorted({r.request.new.category.value for r in records})
        },
        "on_time_rate": _r(np.mean(on_time), 4) if on_time else None,
        "stat_p95_s": summary(stat)["p95"],
        "lead_over_lower_bound": summary(ratios),
        "robots_time_use": _time_use(sim),
        "distance_m": _distance(sim),
        "lifts": _lifts(sim),
        "handoffs": {
            "nobody_there": sim.staff.absent,
            "wrong_pins": sim.staff.wrong_pins,
        },
        "stranded_robots": sorted(
            r.id for r in sim.world.robots.robots.values() if r.stranded
        ),
        "min_battery_soc": _r(sim.world.robots.min_soc, 4),
        "hourly": hourly(records),
    }


def _unserved(records: list[JobRecord]) -> dict[str, int]:
    found: dict[str, int] = {}
    for record in records:
        if record.refused is None and not record.status.is_final:
            found[record.status.value] = found.get(record.status.value, 0) + 1
    return dict(sorted(found.items()))


def _time_use(sim: Simulation) -> dict[str, Any]:
    use = sim.world.time_use
    total = {a: sum(use[r][a] for r in use) for a in ACTIVITIES}
    whole = sum(total.values()) or 1.0
    return {
        "share": {a: _r(total[a] / whole, 4) for a in ACTIVITIES},
        "hours": {a: _r(total[a] / 3600.0, 2) for a in ACTIVITIES},
        "by_robot_h": {
            r: {a: _r(use[r][a] / 3600.0, 2) for a in ACTIVITIES} for r in sorted(use)
        },
    }


def _distance(sim: Simulation) -> dict[str, Any]:
    robots = sim.world.robots.robots
    return {
        "total": _r(sum(r.distance_m for r in robots.values())),
        "by_robot": {r: _r(robots[r].distance_m) for r in sorted(robots)},
    }


def _lifts(sim: Simulation) -> dict[str, Any]:
    cars = sim.world.lifts
    return {
        lift: {
            "rides": cars.rides[lift],
            "waits_s": summary(w for lift_id, w in cars.waits if lift_id == lift),
            "people_delay_s": _r(cars.people_s[lift]),
        }
        for lift in sorted(cars.cars)
    }


def hourly(records: list[JobRecord]) -> dict[str, list[Any]]:
    """Requests made in each hour of day and the mean lead time of those done."""
    made = [0] * 24
    leads: list[list[float]] = [[] for _ in range(24)]
    for record in records:
        hour = int(hour_of(record.request.at))
        made[hour] += 1
        lead = lead_time(record)
        if lead is not None:
            leads[hour].append(lead)
    return {
        "requests": made,
        "mean_lead_time_s": [_r(np.mean(x)) if x else None for x in leads],
    }


__all__ = ["compute", "hourly", "lead_time", "lower_bound", "summary"]
