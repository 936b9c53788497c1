"""How OR-Tools should search a hospital snapshot: the demo day's snapshots, each
planned by several searches, compared by plan cost and time.

    .venv/bin/python -m bench.snapshot_search [--every 5] \
        [--markdown docs/benchmarks.md]

Runs the demo hospital's default day (20 robots, 24 h, seed 1) with OR-Tools
in the loop and keeps every ``--every``-th re-plan's problem and previous
plan. Each is then planned (warm-started from that previous plan, as the service
does) by: guided local search with OR-Tools' default operators for 0.1 s and for
0.02 s (session 3's clock-bound searches), a greedy descent with every default
operator, and Porter's hospital descent (:data:`planners.ortools.search.
HOSPITAL_OPERATORS`). Reports each search's CPU and wall time per snapshot, the
sum of the plans' objectives, and on how many snapshots it beat or lost to the
0.1 s search. With ``--markdown``, replaces the ``## Dispatch: searching a
hospital snapshot`` section of that file.
"""

from __future__ import annotations

import argparse
import os
import time
from dataclasses import dataclass, replace
from pathlib import Path

from bench.report import machine_line, replace_section
from maps.loading import load_sample
from planners.ortools import PORTER, SearchConfig, solve_ortools
from planners.problem import DispatchProblem, Plan
from sim.runner import RunConfig, Simulation
from sim.scenario import load_scenario, scenario_path

HEADING = "## Dispatch: searching a hospital snapshot"


@dataclass(frozen=True, slots=True)
class Search:
    label: str
    config: SearchConfig
    time_limit_s: float


def searches() -> list[Search]:
    """Session 3's guided searches against the descents (the hospital branch of
    ``solve_ortools`` reads the ``hospital_*`` fields)."""
    guided = replace(
        PORTER,
        hospital_metaheuristic="GUIDED_LOCAL_SEARCH",
        hospital_operators=(),
    )
    every_operator = replace(PORTER, hospital_operators=())
    return [
        Search("guided local search, default operators, 0.1 s", guided, 0.1),
        Search("guided local search, default operators, 0.02 s", guided, 0.02),
        Search("descent, default operators", every_operator, 5.0),
        Search("descent, Porter's operators (hospital default)", PORTER, 5.0),
    ]


def snapshots(every: int) -> list[tuple[DispatchProblem, Plan | None]]:
    """Every ``every``-th re-plan of the demo day, OR-Tools in the loop as in
    ``bench.sim_speed`` (its plans are the next snapshots' previous plans)."""
    building = load_sample("demo_hospital")
    scenario = load_scenario(scenario_path("demo_hospital"))
    config = RunConfig(
        robots=20,
        hours=24.0,
        seed=1,
        dispatcher="ortools",
        time_limit_s=2.0,
        replan_gap_s=60.0,
        keep_events=False,
    )
    sim = Simulation(building, scenario, config)
    caught: list[tuple[DispatchProblem, Plan | None]] = []
    sim.on_dispatch = lambda problem, previous, _plan: caught.append(
        (problem, previous)
    )
    sim.run()
    return caught[::every]


def measure(
    search: Search, problems: list[tuple[DispatchProblem, Plan | None]]
) -> dict[str, object]:
    objectives: list[float] = []
    walls: list[float] = []
    cpu = time.process_time()
    for problem, previous in problems:
        began = time.perf_counter()
        plan = solve_ortools(
            problem,
            time_limit_s=search.time_limit_s,
            previous=previous,
            config=search.config,
        )
        walls.append(time.perf_counter() - began)
        objectives.append(plan.objective if plan is not None else float("inf"))
    return {
        "search": search,
        "cpu_s": time.process_time() - cpu,
        "walls": sorted(walls),
        "objectives": objectives,
    }


def markdown(results: list[dict], count: int, args: argparse.Namespace) -> str:
    reference = results[0]["objectives"]
    lines = [
        HEADING,
        "",
        f"Command: `.venv/bin/python -m bench.snapshot_search --every {args.every} "
        "--markdown docs/benchmarks.md`  ",
        f"Date: {time.strftime('%a %b %d %H:%M:%S UTC %Y', time.gmtime())}  ",
        f"Machine: {machine_line(args.load_before)}.",
        "",
        f"{count} snapshots of the demo hospital's day (every {args.every}th "
        "re-plan; 20 robots, 24 h, seed 1, OR-Tools in the loop), each planned "
        "warm from its previous plan by OR-Tools alone (`solve_ortools`, no greedy "
        "floor). Objective: the plan's cost (`Plan.objective`), summed; "
        "better/worse: snapshots where the search's plan cost less/more than the "
        "0.1 s guided search's.",
        "",
        "| search | CPU per snapshot (ms) | wall p50 (ms) | wall p95 (ms) "
        "| wall max (ms) | objective, sum | better | worse |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        walls, objectives = r["walls"], r["objectives"]
        better = sum(
            o < ref - 1e-6 for o, ref in zip(objectives, reference, strict=True)
        )
        worse = sum(
            o > ref + 1e-6 for o, ref in zip(objectives, reference, strict=True)
        )
        lines.append(
            f"| {r['search'].label} | {1000 * r['cpu_s'] / count:.1f} "
            f"| {1000 * walls[len(walls) // 2]:.0f} "
            f"| {1000 * walls[int(0.95 * (len(walls) - 1))]:.0f} "
            f"| {1000 * walls[-1]:.0f} | {sum(objectives):,.0f} | {better} "
            f"| {worse} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--every", type=int, default=5)
    parser.add_argument("--markdown", type=Path, default=None)
    args = parser.parse_args()
    args.load_before = os.getloadavg()[0]
    problems = snapshots(args.every)
    results = []
    for search in searches():
        result = measure(search, problems)
        print(f"{search.label}: CPU {result['cpu_s']:.1f} s", flush=True)
        results.append(result)
    section = markdown(results, len(problems), args)
    print(section)
    if args.markdown is not None:
        replace_section(args.markdown, HEADING, section)


if __name__ == "__main__":
    main()
