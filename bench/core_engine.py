"""Fleet core speed: what one decision costs on the demo hospital.

    .venv/bin/python -m bench.core_engine [--scales 50x300 200x2000] [--seed 1]
        [--markdown docs/benchmarks.md]

Measures, on ``demo_hospital`` with generated robots and requests: ``request_job``
(plain and with a hashed PIN), ``robot_update`` (a pose report), ``tick``,
``dispatch_problem`` and ``apply_plan`` (of a greedy plan). The core is pure, so
these are CPU costs of the decisions the service makes on its event loop.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from bench.report import machine_line, replace_section
from fleet.core.engine import FleetCore, NewJob
from fleet.core.model import ItemCategory, JobKind, Principal, Robot, Role
from fleet.core.ports import Pose, RobotUpdate
from maps.loading import load_sample
from maps.model import Building, PlaceKind
from planners.greedy import dispatch_greedy

SECTION = "## Fleet core"
OPERATOR = Principal("ops", Role.OPERATOR)
SENDERS = (PlaceKind.PHARMACY, PlaceKind.LAB, PlaceKind.STORES, PlaceKind.KITCHEN)
RECEIVERS = (PlaceKind.WARD, PlaceKind.NURSING_STATION, PlaceKind.CLINIC)
CAPABILITIES = frozenset({"secure_drawer", "refrigerated", "can_guide", "icu_access"})


def fleet(building: Building, count: int, rng: random.Random) -> list[Robot]:
    waypoints = building.waypoints
    robots = []
    for i in range(count):
        spot = rng.choice(waypoints)
        robots.append(
            Robot(f"r{i}", compartments=4, capabilities=CAPABILITIES,
                  waypoint=spot.id, level=spot.level, x=spot.x, y=spot.y)
        )  # fmt: skip
    return robots


def requests(building: Building, count: int, rng: random.Random) -> list[NewJob]:
    senders = [p.id for p in building.places if p.kind in SENDERS]
    receivers = [p.id for p in building.places if p.kind in RECEIVERS]
    categories = [ItemCategory.MEDICATION, ItemCategory.SPECIMEN, ItemCategory.LINEN]
    return [
        NewJob(JobKind.DELIVERY, rng.choice(senders), rng.choice(receivers),
               rng.choice(categories))
        for _ in range(count)
    ]  # fmt: skip


def timed(action: Callable[[], object]) -> tuple[float, float]:
    """Wall and CPU seconds of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    action()
    return time.perf_counter() - wall, time.process_time() - cpu


def measure(robots: int, jobs: int, seed: int) -> dict[str, tuple[float, float]]:
    rng = random.Random(seed)
    building = load_sample("demo_hospital")
    core = FleetCore(building, robots=fleet(building, robots, rng))
    now = 1000.0
    figures: dict[str, tuple[float, float]] = {}
    calls = [
        timed(partial(core.request_job, n, OPERATOR, job_id=f"j{i}", now=now))
        for i, n in enumerate(requests(building, jobs, rng))
    ]
    figures["request_job (median)"] = _median(calls)
    secure = NewJob(
        JobKind.DELIVERY, "pharmacy", "ward_2a", ItemCategory.CONTROLLED_SUBSTANCE,
        pin="4321",
    )  # fmt: skip
    calls = [
        timed(partial(core.request_job, secure, OPERATOR, job_id=f"s{i}", now=now))
        for i in range(20)
    ]
    figures["request_job with a PIN to hash (median)"] = _median(calls)
    figures["dispatch_problem"] = timed(lambda: core.dispatch_problem(now=now))
    problem = core.dispatch_problem(now=now)
    plan = dispatch_greedy(problem)
    figures["apply_plan (greedy plan)"] = timed(lambda: core.apply_plan(plan, now=now))
    updates = [
        RobotUpdate(r.id, now, pose=Pose(r.level, r.x + 0.1, r.y), battery_soc=0.8)
        for r in core.robots()
    ]
    calls = [timed(partial(core.robot_update, u, now=now + 1)) for u in updates]
    figures["robot_update, pose report (median)"] = _median(calls)
    calls = [timed(partial(core.tick, now=now + 2 + k)) for k in range(20)]
    figures["tick (median)"] = _median(calls)
    return figures


def _median(calls: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(c[0] for c in calls), statistics.median(
        c[1] for c in calls
    )


def render(
    results: dict[str, dict[str, tuple[float, float]]], args: argparse.Namespace
) -> str:
    command = ".venv/bin/python -m bench.core_engine --scales " + " ".join(args.scales)
    if args.markdown:
        command += f" --markdown {args.markdown}"
    scales = list(results)
    steps = list(results[scales[0]])
    header = " | ".join(f"{s} wall | {s} CPU" for s in scales)
    rows = [
        f"| {step} | "
        + " | ".join(
            f"{results[s][step][0] * 1e3:.2f} ms | {results[s][step][1] * 1e3:.2f} ms"
            for s in scales
        )
        + " |"
        for step in steps
    ]
    return "\n".join(
        [
            SECTION,
            "",
            f"Command: `{command}`  ",
            f"Date: {time.strftime('%a %b %d %H:%M:%S UTC %Y', time.gmtime())}  ",
            f"Machine: {machine_line()}; the CPU columns are the steadier figures.",
            "",
            "Building: demo_hospital; robots x open delivery requests as in the column "
            "heads (robots at random waypoints, requests from senders to wards).",
            "",
            f"| decision | {header} |",
            "|---|" + "---|" * (2 * len(scales)),
            *rows,
            "",
            "A request's cost is mostly checking that the trip is legal for the load "
            "(a route query, remembered per trip); a PIN adds one scrypt hash. "
            "`apply_plan` includes building a route for every robot it starts.",
            "",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", nargs="+", default=["50x300", "200x2000"])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--markdown", type=Path, default=None)
    args = parser.parse_args()
    results = {}
    for scale in args.scales:
        robots, jobs = (int(x) for x in scale.split("x"))
        results[scale] = measure(robots, jobs, args.seed)
    section = render(results, args)
    print(section)
    if args.markdown:
        replace_section(args.markdown, SECTION, section)


if __name__ == "__main__":
    main()
