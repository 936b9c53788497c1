"""Writing a run out: ``kpis.json``, ``events.jsonl``, plots and ``report.md``.

``kpis.json`` holds only simulated figures (byte-identical for the same inputs
and seed); wall time goes to ``timing.json``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fleet.core.model import Priority
from sim import kpis as kpi_module
from sim import plots

if TYPE_CHECKING:
    from sim.runner import Simulation


def write_run(
    sim: Simulation, folder: str | Path, *, with_plots: bool = True
) -> dict[str, Any]:
    """Write everything about ``sim`` into ``folder``; return its KPIs."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    kpis = kpi_module.compute(sim)
    (out / "kpis.json").write_text(json.dumps(kpis, indent=2, sort_keys=True) + "\n")
    timing = sim.timing
    (out / "timing.json").write_text(
        json.dumps(
            {
                "wall_s": round(timing.wall_s, 3),
                "dispatch_wall_s": round(timing.dispatch_s, 3),
                "dispatches": timing.dispatches,
                "ortools_fallbacks_to_greedy": timing.fallbacks,
                "events_processed": sim.queue.processed,
            },
            indent=2,
        )
        + "\n"
    )
    sim.log.write(out / "events.jsonl")
    images = plots.all_plots(sim, kpis, out) if with_plots else []
    (out / "report.md").write_text(markdown(sim, kpis, [p.name for p in images]))
    return kpis


def _min(seconds: float | None) -> str:
    return "n/a" if seconds is None else f"{seconds / 60.0:.1f} min"


def _pct(share: float | None) -> str:
    return "n/a" if share is None else f"{100.0 * share:.1f} %"


def reading(sim: Simulation, kpis: dict[str, Any]) -> list[str]:
    """A few sentences on what the numbers say."""
    lines = []
    stat_due = sim.scenario.due_after(Priority.STAT)
    stat = kpis["stat_p95_s"]
    if stat is not None:
        verdict = "within" if stat <= stat_due else "over"
        lines.append(
            f"STAT jobs: 95 % were handed over within {_min(stat)}, {verdict} their "
            f"{_min(stat_due)} due time."
        )
    lines.append(
        f"{_pct(kpis['on_time_rate'])} of completed jobs were on time; the mean "
        f"lead time was {_min(kpis['lead_time_s']['mean'])}."
    )
    ratio = kpis["lead_over_lower_bound"]
    if ratio["p50"] is not None:
        lines.append(
            f"A typical job took {ratio['p50']:.1f}× its physical lower bound (direct "
            f"route plus its hand-offs); waiting for a robot makes up the rest."
        )
    share = kpis["robots_time_use"]["share"]
    busiest = sorted((v, k) for k, v in share.items() if k != "idle")[::-1][:3]
    lines.append(
        f"Robots were idle {_pct(share['idle'])} of the time; otherwise mostly "
        + ", ".join(f"{k} ({_pct(v)})" for v, k in busiest)
        + "."
    )
    lifts = kpis["lifts"]
    if lifts:
        worst = max(lifts, key=lambda lift: lifts[lift]["waits_s"]["mean"] or 0.0)
        waits = lifts[worst]["waits_s"]
        if waits["n"]:
            lines.append(
                f"The longest lift waits were at {worst}: mean {waits['mean']:.0f} s, "
                f"p95 {waits['p95']:.0f} s over {waits['n']} calls."
            )
        idle = sorted(lift for lift, v in lifts.items() if v["rides"] == 0)
        if idle and len(idle) < len(lifts):
            lines.append(
                f"{', '.join(idle)} carried no robot at all: every route took another "
                "car (routes pick the quickest lift, not the least busy)."
            )
    unserved = sum(kpis["unserved_at_end"].values())
    if unserved:
        lines.append(f"{unserved} jobs were still open when the run ended.")
    if kpis["stranded_robots"]:
        lines.append(
            f"Robots with a flat battery: {', '.join(kpis['stranded_robots'])}."
        )
    return lines


def markdown(sim: Simulation, kpis: dict[str, Any], images: list[str]) -> str:
    config = sim.config
    rows = [
        ("requests", str(kpis["requests"])),
        ("jobs by status", ", ".join(f"{k} {v}" for k, v in kpis["jobs"].items())),
        (
            "lead time mean / p50 / p95",
            " / ".join(_min(kpis["lead_time_s"][k]) for k in ("mean", "p50", "p95")),
        ),
        ("STAT p95", _min(kpis["stat_p95_s"])),
        ("on time", _pct(kpis["on_time_rate"])),
        ("distance driven", f"{kpis['distance_m']['total'] / 1000.0:.1f} km"),
    ]
    parts = [
        f"# Simulation: {kpis['scenario']} ({kpis['building']})",
        "",
        f"{config.robots} robots, {config.hours:g} h from {config.start_hour:g}:00, "
        f"seed {config.seed}, dispatcher `{config.dispatcher}` "
        f"(time limit {config.time_limit_s:g} s per call; the simulated clock stands "
        "still while the dispatcher thinks).",
        "",
        "| figure | value |",
        "|---|---|",
        *(f"| {name} | {value} |" for name, value in rows),
        "",
        "## Reading",
        "",
        *(f"- {line}" for line in reading(sim, kpis)),
        "",
        "## Lead time by priority",
        "",
        "| priority | n | mean | p50 | p95 |",
        "|---|---|---|---|---|",
    ]
    for name, s in kpis["lead_time_by_priority_s"].items():
        cells = " | ".join(_min(s[k]) for k in ("mean", "p50", "p95"))
        parts.append(f"| {name} | {s['n']} | {cells} |")
    parts += ["", "## Plots", ""]
    parts += [f"![{name}]({name})" for name in images]
    return "\n".join(parts) + "\n"
