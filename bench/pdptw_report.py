"""The Li & Lim results as numbers (targets of issue 3) and as a Markdown section."""

from __future__ import annotations

import datetime
import os
from pathlib import Path
from statistics import mean
from typing import Any

from bench.report import cpu_model, replace_section

SECTION = "## Dispatch: Li & Lim PDPTW"


def _better(row: dict[str, Any]) -> bool:
    """Fewer robots than the peer, or as many and less distance."""
    if row["vehicles"] is None or not row["valid"]:
        return False
    if row["peer_vehicles"] is None or not row.get("peer_valid", True):
        return True
    if row["vehicles"] != row["peer_vehicles"]:
        return row["vehicles"] < row["peer_vehicles"]
    return row["distance"] < row["peer_distance"] - 1e-6


def _tied_at_bks(row: dict[str, Any]) -> bool:
    """Porter and the peer both at the BKS robots and distance: nothing can beat
    the peer there, so such rows bound the "better than peer" share."""
    if row["vehicles"] is None or row["peer_vehicles"] is None:
        return False
    at = row["vehicles"] == row["peer_vehicles"] == row["bks_vehicles"]
    return at and abs(row["gap_pct"]) < 0.01 and abs(row["peer_gap_pct"]) < 0.01


def _not_worse(row: dict[str, Any]) -> bool:
    """Better than the peer, or the same robots and distance (to the cent)."""
    if _better(row):
        return True
    if row["vehicles"] is None or not row["valid"]:
        return False
    return row["vehicles"] == row["peer_vehicles"] and round(
        row["distance"], 2
    ) <= round(row["peer_distance"], 2)


def summary(rows: list[dict[str, Any]]) -> dict[str, float]:
    """Shares and means over the rows (the three targets and context)."""
    n = max(len(rows), 1)
    at_bks = [r for r in rows if r["vehicles"] == r["bks_vehicles"] and r["valid"]]
    peer_at = [r for r in rows if r["peer_vehicles"] == r["bks_vehicles"]]
    return {
        "instances": len(rows),
        "valid_share": sum(r["valid"] for r in rows) / n,
        "bks_vehicles_share": len(at_bks) / n,
        "mean_gap_pct_at_bks_vehicles": mean([r["gap_pct"] for r in at_bks] or [0.0]),
        "better_than_peer_share": sum(map(_better, rows)) / n,
        "not_worse_than_peer_share": sum(map(_not_worse, rows)) / n,
        "tied_at_bks_share": sum(map(_tied_at_bks, rows)) / n,
        "peer_bks_vehicles_share": len(peer_at) / n,
        "peer_mean_gap_pct_at_bks_vehicles": mean(
            [r["peer_gap_pct"] for r in peer_at] or [0.0]
        ),
        "extra_vehicles": sum(
            (r["vehicles"] or 0) - r["bks_vehicles"] for r in rows if r["vehicles"]
        ),
    }


def _load() -> str:
    try:
        return " / ".join(f"{x:.1f}" for x in os.getloadavg()) + " over 1/5/15 min"
    except OSError:
        return "unknown"


def _fmt(value: Any, digits: int = 2) -> str:
    if value is None:
        return "-"
    return f"{value:.{digits}f}" if isinstance(value, float) else str(value)


def render(
    rows: list[dict[str, Any]],
    command: str,
    limit: float,
    jobs: int,
    when: str | None = None,
    load: str | None = None,
) -> str:
    s = summary(rows)
    when = when or f"{datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC"
    lines = [
        SECTION,
        "",
        f"Command: `{command}`  ",
        f"Date: {when}; machine: "
        f"{cpu_model()}, {os.cpu_count()} cores, {jobs} instance(s) at a time, one "
        f"solver thread each; load average at the end {load or _load()} (the run's own "
        f"{jobs} searches account for {jobs}; more means other work shared the "
        "cores and some searches got less than their time).",
        "",
        f"{limit:g} s per instance and solver. Objective: fewest robots, then "
        "distance (double precision, recomputed from the routes). Peer: plain "
        "OR-Tools (PATH_CHEAPEST_ARC + GUIDED_LOCAL_SEARCH, large fixed cost per "
        "robot) on the same model.",
        "",
        "How Porter searches (first solve, an ejection pool on plain fleets, "
        "then route elimination) and why: "
        "`planners/ortools/__init__.py`. Plans are checked by "
        "`planners.validate` and by an independent double-precision checker "
        "(windows, capacity, pairing, depot horizon).",
        "",
        "| measure | Porter | peer | target |",
        "| --- | --- | --- | --- |",
        f"| plans valid | {s['valid_share']:.0%} | | 100% |",
        f"| at BKS robot count | {s['bks_vehicles_share']:.0%} | "
        f"{s['peer_bks_vehicles_share']:.0%} | >= 90% |",
        f"| mean distance gap where robot count = BKS | "
        f"{s['mean_gap_pct_at_bks_vehicles']:.2f}% | "
        f"{s['peer_mean_gap_pct_at_bks_vehicles']:.2f}% | <= 1% |",
        f"| better than peer | {s['better_than_peer_share']:.0%} | | >= 80% |",
        f"| no worse than peer | {s['not_worse_than_peer_share']:.0%} | | |",
        "| both at the BKS, tied (cannot be better) | "
        f"{s['tied_at_bks_share']:.0%} | | |",
        f"| robots above BKS, total | {s['extra_vehicles']} | | |",
        "",
        "| instance | robots | distance | BKS | gap % | s | valid | peer "
        "| peer gap % |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        lines.append(
            f"| {r['name']} | {_fmt(r['vehicles'])} | {_fmt(r['distance'])} | "
            f"{r['bks_vehicles']} / {r['bks_distance']:.2f} | {_fmt(r['gap_pct'])} | "
            f"{_fmt(r['seconds'], 1)} | {'yes' if r['valid'] else 'NO'} | "
            f"{_fmt(r['peer_vehicles'])} / {_fmt(r['peer_distance'])} | "
            f"{_fmt(r['peer_gap_pct'])} |"
        )
    return "\n".join(lines) + "\n"


def write_markdown(
    path: Path,
    rows: list[dict[str, Any]],
    command: str,
    limit: float,
    jobs: int,
    when: str | None = None,
    load: str | None = None,
) -> None:
    """Replace (or append) this benchmark's section of ``path``; others untouched."""
    replace_section(path, SECTION, render(rows, command, limit, jobs, when, load))


def main(argv: list[str] | None = None) -> None:
    """Re-render the section from a JSON file written by ``bench.pdptw``."""
    import argparse
    import json

    parser = argparse.ArgumentParser(prog="python -m bench.pdptw_report")
    parser.add_argument("json", type=Path)
    parser.add_argument("--markdown", type=Path, required=True)
    parser.add_argument("--command", required=True, help="the run's command line")
    parser.add_argument("--time-limit", type=float, required=True)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--date", help="when the run finished (default: now)")
    parser.add_argument("--load", help="load averages at the run's end (default: now)")
    args = parser.parse_args(argv)
    rows = json.loads(args.json.read_text())
    write_markdown(
        args.markdown,
        rows,
        args.command,
        args.time_limit,
        args.jobs,
        args.date,
        args.load,
    )


if __name__ == "__main__":
    main()
