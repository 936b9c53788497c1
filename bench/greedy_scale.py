"""Greedy dispatcher and plan validator at hospital scale.

    .venv/bin/python -m bench.greedy_scale [--robots 200] [--jobs 2000]
        [--nodes 400] [--repeat 5] [--seed 1] [--markdown docs/benchmarks.md]

On a generated problem (random places on a 300 m square, Euclidean times at 1 m/s,
a dirty load class 30 % slower, 10 chargers with 2 docks, mixed capacities,
secure drawers and guides, a third of the jobs with hard due times, batteries
between 30 % and 100 % draining 1 % per 40 m so that robots must charge), time
``dispatch_greedy`` (median and worst of ``--repeat`` runs) and one ``validate`` of
its plan. Target from issue 3's brief: 2,000 jobs x 200 robots in a couple of
seconds at most.
"""

from __future__ import annotations

import argparse
import collections
import statistics
import subprocess
import time
from pathlib import Path
from typing import Any

import numpy as np

from bench.report import machine_line, replace_section
from planners.greedy import dispatch_greedy
from planners.problem import (
    Charger,
    DispatchProblem,
    Job,
    JobKind,
    Priority,
    Robot,
    StopKind,
    TravelMatrix,
)
from planners.validate import validate

SECTION = "## Greedy dispatcher"


def generate(robots: int, jobs: int, nodes: int, seed: int) -> DispatchProblem:
    """A random hospital-sized problem (see the module docstring)."""
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0, 300, size=(nodes, 2))
    dist = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
    names = tuple(f"n{i}" for i in range(nodes))
    travel = TravelMatrix(names, {"standard": dist, "dirty": dist * 1.3}, dist)
    chargers = tuple(Charger(names[i], 2, 1 / 1800) for i in range(0, 40, 4))
    fleet = tuple(
        Robot(
            f"r{i}",
            names[rng.integers(nodes)],
            0.0,
            capacity=int(rng.integers(1, 5)),
            capabilities=frozenset(
                (["secure_drawer"] if i % 3 == 0 else [])
                + (["can_guide"] if i % 10 == 0 else [])
            ),
            battery_soc=float(rng.uniform(0.3, 1.0)),
            drain_per_m=1 / 4000,
            reserve_soc=0.2,
        )
        for i in range(robots)
    )
    return DispatchProblem(0.0, fleet, tuple(_jobs(rng, names, jobs)), travel, chargers)


def _jobs(rng: np.random.Generator, names: tuple[str, ...], count: int) -> list[Job]:
    found = []
    for j in range(count):
        p, q = rng.choice(len(names), 2, replace=False)
        ready = float(rng.uniform(0, 3600))
        found.append(
            Job(
                f"j{j}",
                names[p],
                names[q],
                kind=JobKind.GUIDANCE if j % 50 == 0 else JobKind.DELIVERY,
                size=int(rng.integers(1, 3)),
                requires=frozenset(["secure_drawer"] if j % 7 == 0 else []),
                priority=Priority(int(rng.integers(0, 3))),
                ready_at=ready,
                due_at=ready + 1800,
                due_is_hard=j % 3 == 0,
                pickup_service_s=30,
                dropoff_service_s=30,
                load_class="dirty" if j % 6 == 0 else "standard",
                created_at=float(j),
            )
        )
    return found


def measure(args: argparse.Namespace) -> dict[str, object]:
    problem = generate(args.robots, args.jobs, args.nodes, args.seed)
    seconds, cpu = [], []
    for _ in range(args.repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        plan = dispatch_greedy(problem)
        seconds.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    start = time.perf_counter()
    violations = validate(problem, plan)
    validate_s = time.perf_counter() - start
    stops = [s for route in plan.routes.values() for s in route]
    return {
        "median_s": statistics.median(seconds),
        "max_s": max(seconds),
        "cpu_s": statistics.median(cpu),
        "validate_s": validate_s,
        "violations": len(violations),
        "assigned": sum(1 for s in stops if s.kind is StopKind.PICKUP),
        "unassigned": collections.Counter(str(r) for r in plan.unassigned.values()),
        "charges": sum(1 for s in stops if s.kind is StopKind.CHARGE),
    }


def render(f: dict[str, Any], args: argparse.Namespace, command: str) -> str:
    date = subprocess.run(["date"], capture_output=True, text=True).stdout.strip()
    left = ", ".join(f"{n} {reason}" for reason, n in sorted(f["unassigned"].items()))
    return "\n".join(
        [
            SECTION,
            "",
            f"Command: `{command}`  ",
            f"Date: {date}  ",
            f"Machine: {machine_line()} (the CPU time of this process is the "
            "steadier figure).",
            "",
            f"Problem: generated, {args.robots} robots, {args.jobs} jobs, "
            f"{args.nodes} places, 10 chargers (see `bench/greedy_scale.py`).",
            "",
            "| step | figure | target |",
            "|---|---|---|",
            f"| `dispatch_greedy`, median of {args.repeat} | {f['median_s']:.2f} s "
            "| a couple of seconds |",
            f"| `dispatch_greedy`, worst of {args.repeat} | {f['max_s']:.2f} s | |",
            f"| `dispatch_greedy`, median CPU time of this process | "
            f"{f['cpu_s']:.2f} s | |",
            f"| `validate` of that plan | {f['validate_s']:.2f} s | |",
            "",
            f"Plan: {f['assigned']} jobs assigned, {f['charges']} charge stops, "
            f"left out: {left or 'none'}; validator violations: {f['violations']}.",
            "",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--robots", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=2000)
    parser.add_argument("--nodes", type=int, default=400)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--markdown", type=Path, default=None)
    args = parser.parse_args()
    command = ".venv/bin/python -m bench.greedy_scale" + (
        f" --markdown {args.markdown}" if args.markdown else ""
    )
    section = render(measure(args), args, command)
    print(section)
    if args.markdown:
        replace_section(args.markdown, SECTION, section)


if __name__ == "__main__":
    main()
