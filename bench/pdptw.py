"""Li & Lim PDPTW benchmark: Porter's dispatcher against the best-known solutions.

    .venv/bin/python -m bench.pdptw --instances ../shared/bench/pdptw/li_lim_100 \\
        --time-limit 30 [--only lc101,lr201] [--jobs 2] --json OUT.json \\
        [--markdown docs/benchmarks.md] [--skip-peer] [--porter-config JSON]

Each instance is solved twice, one solver thread each: by ``planners.dispatch`` and
by a plain OR-Tools configuration (PATH_CHEAPEST_ARC then GUIDED_LOCAL_SEARCH on the
same model, a large fixed cost per robot, nothing else tuned) as the peer. Every
plan is checked with ``planners.validate`` and re-evaluated in double precision
from its routes (:func:`bench.pdptw_instance.evaluate`); the distances reported
are those, never the solver's scaled integers.

For trials on subsets: ``--skip-peer`` solves with Porter only, and
``--porter-config '{"restarts": [], "robot_bound": false}'`` overrides fields of
:class:`planners.ortools.SearchConfig` (then ``solve_ortools`` is called directly).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

from bench.pdptw_instance import evaluate, parse, read_bks, to_problem
from bench.pdptw_report import write_markdown
from planners.dispatch import dispatch
from planners.ortools import PORTER, SearchConfig, solve_ortools
from planners.problem import Plan
from planners.validate import validate

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("PORTER_SHARED", ROOT / ".." / "shared"))
BKS = SHARED / "bench" / "pdptw" / "bks" / "bks_li_lim_100_200.csv"
PEER = SearchConfig(
    first_solution="PATH_CHEAPEST_ARC",
    metaheuristic="GUIDED_LOCAL_SEARCH",
    eliminate_routes=False,
    name="ortools-plain",
)


def _routes(plan: Plan) -> list[list[int]]:
    return [
        [int(stop.node) for stop in stops] for stops in plan.routes.values() if stops
    ]


def _measure(path: Path, plan: Plan | None, seconds: float) -> dict[str, Any]:
    instance = parse(path)
    if plan is None:
        return {"vehicles": None, "distance": None, "seconds": seconds, "valid": False}
    routes = _routes(plan)
    distance, broken = evaluate(instance, routes)
    violations = validate(to_problem(instance), plan)
    valid = not broken and not violations and not plan.unassigned
    return {
        "vehicles": len(routes),
        "distance": round(distance, 4),
        "seconds": round(seconds, 2),
        "valid": valid,
    }


def run_instance(
    path: Path,
    time_limit: float,
    bks: tuple[int, float],
    overrides: dict[str, Any] | None = None,
    peer: bool = True,
) -> dict:
    """Solve one instance with Porter and with the peer; one JSON row.

    ``overrides`` (SearchConfig fields) try another configuration of Porter's
    search: then ``solve_ortools`` is called with it instead of ``dispatch``.
    """
    problem = to_problem(parse(path))
    began = time.perf_counter()
    if overrides:
        config = replace(PORTER, **overrides)
        ours = solve_ortools(problem, time_limit_s=time_limit, config=config)
    else:
        ours = dispatch(problem, time_limit_s=time_limit)
    porter = _measure(path, ours, time.perf_counter() - began)
    theirs, began = None, time.perf_counter()
    if peer:
        theirs = solve_ortools(problem, time_limit_s=time_limit, config=PEER)
    peer_row = _measure(path, theirs, time.perf_counter() - began)
    return {
        "name": path.stem,
        **porter,
        "bks_vehicles": bks[0],
        "bks_distance": bks[1],
        "gap_pct": _gap(porter["distance"], bks[1]),
        "peer_vehicles": peer_row["vehicles"],
        "peer_distance": peer_row["distance"],
        "peer_gap_pct": _gap(peer_row["distance"], bks[1]),
        "peer_valid": peer_row["valid"],
        "notes": list(ours.notes) if ours is not None else [],
    }


def _overrides(raw: dict[str, Any] | None) -> dict[str, Any] | None:
    """JSON lists become tuples (SearchConfig is frozen and hashable)."""
    if raw is None:
        return None
    return {k: tuple(v) if isinstance(v, list) else v for k, v in raw.items()}


def _gap(distance: float | None, best: float) -> float | None:
    return None if distance is None else round(100 * (distance - best) / best, 3)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.pdptw", description=__doc__)
    parser.add_argument("--instances", type=Path, required=True)
    parser.add_argument("--time-limit", type=float, default=30.0)
    parser.add_argument("--only", default="", help="comma-separated instance names")
    parser.add_argument("--jobs", type=int, default=1, help="instances in parallel")
    parser.add_argument("--json", type=Path, required=True)
    parser.add_argument("--markdown", type=Path)
    parser.add_argument("--bks", type=Path, default=BKS)
    parser.add_argument(
        "--porter-config",
        type=json.loads,
        default=None,
        help="SearchConfig overrides as JSON, e.g. '{\"restarts\": []}'",
    )
    parser.add_argument("--skip-peer", action="store_true", help="Porter only")
    args = parser.parse_args(argv)
    if args.markdown and (args.skip_peer or args.porter_config):
        parser.error("--markdown records the default against the peer only")
    if not args.instances.is_dir():
        parser.error(f"--instances {args.instances}: not a directory")
    paths = sorted(args.instances.glob("*.txt"))
    if args.only:
        wanted = set(args.only.split(","))
        paths = [p for p in paths if p.stem in wanted]
        if missing := wanted - {p.stem for p in paths}:
            parser.error(f"--only: no instance named {', '.join(sorted(missing))}")
    bks = read_bks(args.bks)
    rows = []
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        futures = [
            pool.submit(
                run_instance,
                p,
                args.time_limit,
                bks[p.stem],
                _overrides(args.porter_config),
                not args.skip_peer,
            )
            for p in paths
        ]
        for future in futures:
            rows.append(future.result())
            row = rows[-1]
            print(
                f"{row['name']}: {row['vehicles']} / {row['distance']} "
                f"(BKS {row['bks_vehicles']} / {row['bks_distance']}), "
                f"peer {row['peer_vehicles']} / {row['peer_distance']}",
                flush=True,
            )
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(rows, indent=2) + "\n")
    if args.markdown:
        command = " ".join(["python -m bench.pdptw", *(argv or sys.argv[1:])])
        write_markdown(args.markdown, rows, command, args.time_limit, args.jobs)


if __name__ == "__main__":
    main()
