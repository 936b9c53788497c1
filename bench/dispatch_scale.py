"""Re-planning after one new request at hospital scale, and plan quality vs greedy.

    .venv/bin/python -m bench.dispatch_scale [--replans 20] [--seed 1]
        [--markdown docs/benchmarks.md]

On problems from :mod:`bench.dispatch_scale_problem` (demo hospital travel times,
the hospital mix of loads and priorities), for 50 robots x 300 open jobs (solver
limit 0.7 s, target p95 <= 1 s) and 200 robots x 2,000 open jobs (3.5 s, target
<= 5 s): plan once cold (four times the limit, not measured), then ``--replans``
times add one new request and time ``dispatch(problem, time_limit_s, previous=
plan)`` from call to returned plan (model building and plan conversion included).
Every plan is checked with ``validate``. On the last problem, the OR-Tools plan
and a greedy plan are compared: total and STAT lateness, travel, unassigned.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from bench.dispatch_scale_problem import HospitalGenerator
from bench.report import cpu_model, replace_section
from planners.dispatch import dispatch
from planners.greedy import dispatch_greedy
from planners.problem import DispatchProblem, Plan, Priority, StopKind
from planners.timeline import Visit, jobs_by_id, schedule
from planners.validate import validate

SECTION = "## Dispatch at hospital scale"
#: (robots, open jobs, solver time limit s, target p95 s)
SCALES = ((50, 300, 0.7, 1.0), (200, 2000, 3.5, 5.0))


@dataclass(frozen=True, slots=True)
class Quality:
    """A plan's figures on its problem (lateness, travel, waits in minutes)."""

    late_min: float
    stat_late_min: float
    travel_min: float
    unassigned: int
    invalid: int
    #: Mean time from ``now`` to the start of each planned drop-off (what the
    #: completion term of the objective weighs).
    dropoff_mean_min: float = 0.0


def quality(problem: DispatchProblem, plan: Plan) -> Quality:
    """Lateness, STAT lateness, travel and drop-off times re-derived by the
    timeline."""
    jobs = jobs_by_id(problem)
    late = stat = travel = 0.0
    drops: list[float] = []
    for robot in problem.robots:
        visits: list[Visit] = [
            (s.kind, s.node if s.kind is StopKind.CHARGE else str(s.job_id))
            for s in plan.routes.get(robot.id, ())
        ]
        route = schedule(problem, robot, visits, jobs=jobs)
        travel += route.travel_s
        drops += [
            s.start - problem.now for s in route.stops if s.kind is StopKind.DROPOFF
        ]
        for jid, seconds in route.lateness_s.items():
            late += seconds
            stat += seconds if jobs[jid].priority is Priority.STAT else 0.0
    return Quality(
        late / 60,
        stat / 60,
        travel / 60,
        len(plan.unassigned),
        len(validate(problem, plan)),
        float(np.mean(drops)) / 60 if drops else 0.0,
    )


def run_scale(
    robots: int, jobs: int, limit: float, replans: int, seed: int
) -> dict[str, object]:
    """Time ``replans`` warm re-plans after one new request each."""
    generator = HospitalGenerator(seed)
    problem = generator.problem(robots, jobs)
    plan = dispatch(problem, time_limit_s=4 * limit, seed=seed)
    walls: list[float] = []
    invalid = 0
    for _ in range(replans):
        problem = replace(problem, jobs=(*problem.jobs, generator.job(problem.now)))
        began = time.perf_counter()
        plan = dispatch(problem, time_limit_s=limit, seed=seed, previous=plan)
        walls.append(time.perf_counter() - began)
        invalid += bool(validate(problem, plan))
    began = time.perf_counter()
    greedy = dispatch_greedy(problem)
    greedy_s = time.perf_counter() - began
    return {
        "walls": walls,
        "invalid": invalid,
        "notes": plan.notes[:1],
        "ortools": quality(problem, plan),
        "greedy": quality(problem, greedy),
        "greedy_s": greedy_s,
    }


def _loadavg() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.1f} / {five:.1f}"


def markdown(results: list[tuple[tuple, dict]], argv: str, loads: list[str]) -> str:
    date = subprocess.run(["date"], capture_output=True, text=True).stdout.strip()
    lines = [
        SECTION,
        "",
        f"`{argv}` on {date}, {cpu_model()} (2 cores), "
        f"load average (1 / 5 min) before / after each scale: {', '.join(loads)}. "
        "Above 1, something else shared the cores and wall times are pessimistic.",
        "",
        "Problems: demo hospital travel times per item category (maps), mix of "
        "medication, controlled substances, specimens, blood, linen, soiled linen, "
        "meals, waste and guidances, STAT / urgent / routine, ready over the next "
        "hour, due 15 min / 45 min / 2 h after ready, 2-4 compartments, secure / "
        "refrigerated / guide robots, batteries, the hospital's chargers and docks, "
        "a fifth of the robots loaded (bench/dispatch_scale_problem.py). Each "
        "re-plan adds one request and warm-starts from the previous plan; wall "
        "time is the whole `dispatch` call. Above 200 open jobs `dispatch` "
        "decomposes (planners/decompose.py: sub-fleets of 10 robots, only the "
        "sub-fleet that receives the new request is re-solved, the others' routes "
        "are re-timed; cold, jobs and charging robots go to the sub-fleet of the "
        "robot greedy gives them in a plan of the whole problem, and each solved "
        "sub-fleet keeps its greedy plan when OR-Tools' costs more or is later).",
        "",
        "| robots | jobs | limit s | re-plans | median s | p95 s | max s | target "
        "| met | invalid plans |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for (robots, jobs, limit, target), out in results:
        walls = np.array(out["walls"])
        p95 = float(np.percentile(walls, 95))
        lines.append(
            f"| {robots} | {jobs} | {limit:g} | {len(walls)} "
            f"| {np.median(walls):.2f} | {p95:.2f} | {walls.max():.2f} "
            f"| <= {target:g} | {'yes' if p95 <= target else 'no'} "
            f"| {out['invalid']} |"
        )
    lines += [
        "",
        "Plan quality on the last problem of each scale (after the re-plans), "
        "OR-Tools (decomposed) vs greedy from scratch, both re-timed by "
        "planners.timeline (minutes):",
        "",
        "| robots x jobs | planner | total lateness | STAT lateness | travel "
        "| mean time to drop-off | unassigned | violations |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for (robots, jobs, _, _), out in results:
        for name in ("ortools", "greedy"):
            q: Quality = out[name]  # type: ignore[assignment]
            lines.append(
                f"| {robots} x {jobs} | {name} | {q.late_min:.1f} "
                f"| {q.stat_late_min:.1f} | {q.travel_min:.0f} "
                f"| {q.dropoff_mean_min:.1f} | {q.unassigned} "
                f"| {q.invalid} |"
            )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replans", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only-small", action="store_true")
    parser.add_argument("--markdown", type=Path)
    args = parser.parse_args()
    results, loads = [], []
    for scale in SCALES[:1] if args.only_small else SCALES:
        before = _loadavg()
        out = run_scale(scale[0], scale[1], scale[2], args.replans, args.seed)
        loads.append(f"{before} -> {_loadavg()}")
        walls = np.array(out["walls"])
        print(
            f"{scale[0]} robots x {scale[1]} jobs: median {np.median(walls):.2f} s, "
            f"p95 {np.percentile(walls, 95):.2f} s, invalid {out['invalid']}, "
            f"ortools {out['ortools']}, greedy {out['greedy']} "
            f"({out['greedy_s']:.2f} s)",
            flush=True,
        )
        results.append((scale, out))
    argv = ".venv/bin/python -m bench.dispatch_scale --markdown docs/benchmarks.md"
    if args.markdown:
        replace_section(args.markdown, SECTION, markdown(results, argv, loads))


if __name__ == "__main__":
    main()
