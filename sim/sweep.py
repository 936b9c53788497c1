"""Many runs at once: fleet-size sweeps and dispatcher comparisons.

Each run is independent, so they go to worker processes (``jobs`` at a time).
A sweep plots the KPIs against the fleet size and names the smallest fleet that
meets a target (for example STAT p95 at most 15 min and on-time at least 95 %);
a comparison runs the same demand (same scenario and seed) under each
dispatcher and sets the figures side by side.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from matplotlib.figure import Figure

from maps.loading import load_building, load_sample
from maps.model import Building
from sim.report import write_run
from sim.runner import RunConfig, simulate
from sim.scenario import Scenario, load_scenario, scenario_path


def resolve_building(ref: str) -> Building:
    """A map file path, or the name of a sample building."""
    path = Path(ref)
    return load_building(path) if path.suffix in (".yaml", ".yml") else load_sample(ref)


def default_scenario(ref: str) -> Path | None:
    """The scenario shipped for a sample building, if there is one."""
    path = scenario_path(Path(ref).name.removesuffix(".yaml"))
    return path if path.is_file() else None


@dataclass(frozen=True, slots=True)
class RunSpec:
    building: str
    scenario: str
    config: RunConfig
    out: str | None = None
    plots: bool = True


def run_one(spec: RunSpec) -> dict[str, Any]:
    """Run one simulation (in a worker process); its KPIs and wall time."""
    building = resolve_building(spec.building)
    sim = simulate(building, load_scenario(spec.scenario), spec.config)
    if spec.out is not None:
        kpis = write_run(sim, spec.out, with_plots=spec.plots)
    else:
        from sim.kpis import compute

        kpis = compute(sim)
    return {"kpis": kpis, "wall_s": round(sim.timing.wall_s, 2)}


def run_many(
    specs: Sequence[RunSpec], jobs: int = 1, done: Callable[[], None] | None = None
) -> list[dict[str, Any]]:
    """Run ``specs`` in ``jobs`` processes; results in the order of ``specs``."""
    if jobs <= 1:
        results = []
        for spec in specs:
            results.append(run_one(spec))
            if done:
                done()
        return results
    found: dict[int, dict[str, Any]] = {}
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(run_one, spec): i for i, spec in enumerate(specs)}
        for future in as_completed(futures):
            found[futures[future]] = future.result()
            if done:
                done()
    return [found[i] for i in range(len(specs))]


@dataclass(frozen=True, slots=True)
class Target:
    stat_p95_s: float = 900.0
    on_time_rate: float = 0.95

    def met(self, kpis: dict[str, Any]) -> bool:
        stat, on_time = kpis["stat_p95_s"], kpis["on_time_rate"]
        unserved = sum(kpis["unserved_at_end"].values())
        return (
            (stat is None or stat <= self.stat_p95_s)
            and on_time is not None
            and on_time >= self.on_time_rate
            and unserved <= 0.02 * kpis["requests"]
        )

    def words(self) -> str:
        return (
            f"STAT p95 at most {self.stat_p95_s / 60:g} min and at least "
            f"{100 * self.on_time_rate:g} % on time"
        )


def smallest_fleet(results: list[dict[str, Any]], target: Target) -> str:
    """The smallest fleet meeting ``target``, in words."""
    ok = [r["kpis"]["robots"] for r in results if target.met(r["kpis"])]
    tried = sorted(r["kpis"]["robots"] for r in results)
    if not ok:
        return (
            f"No fleet size tried ({tried[0]} to {tried[-1]} robots) meets the target "
            f"({target.words()})."
        )
    best = min(ok)
    steady = all(n in ok for n in tried if n >= best)
    tail = "" if steady else " (though some larger fleets miss it: check the runs)"
    return (
        f"The smallest fleet that meets the target ({target.words()}) is "
        f"{best} robots{tail}."
    )


def sweep_plot(results: list[dict[str, Any]], target: Target, out: Path) -> Path:
    rows = sorted((r["kpis"] for r in results), key=lambda k: k["robots"])
    sizes = [k["robots"] for k in rows]
    figure = Figure(figsize=(9, 4.5))
    left, right = figure.subplots(1, 2)
    for key, label in (("mean", "mean"), ("p95", "p95")):
        left.plot(
            sizes,
            [_min(k["lead_time_s"][key]) for k in rows],
            marker="o",
            label=f"lead time {label}",
        )
    left.plot(
        sizes, [_min(k["stat_p95_s"]) for k in rows], marker="s", label="STAT p95"
    )
    left.axhline(
        target.stat_p95_s / 60, color="#d62728", linestyle=":", label="STAT target"
    )
    left.set_xlabel("robots")
    left.set_ylabel("minutes")
    left.legend(fontsize=8)
    right.plot(sizes, [100 * (k["on_time_rate"] or 0) for k in rows], marker="o")
    right.axhline(100 * target.on_time_rate, color="#d62728", linestyle=":")
    right.set_xlabel("robots")
    right.set_ylabel("on time (%)")
    figure.suptitle("KPIs against fleet size")
    figure.tight_layout()
    figure.savefig(out, dpi=100)
    return out


def sweep_markdown(results: list[dict[str, Any]], verdict: str) -> str:
    """The sweep as a page: the verdict, one row per fleet size, the plot."""
    lines = [
        "# Fleet-size sweep", "", verdict, "",
        "| robots | mean lead (min) | p95 lead (min) | STAT p95 (min) | on time "
        "| unserved at end |",
        "|---|---|---|---|---|---|",
    ]  # fmt: skip
    for r in sorted(results, key=lambda r: r["kpis"]["robots"]):
        k = r["kpis"]
        lines.append(
            f"| {k['robots']} | {_fmt(k['lead_time_s']['mean'])} "
            f"| {_fmt(k['lead_time_s']['p95'])} | {_fmt(k['stat_p95_s'])} "
            f"| {100 * (k['on_time_rate'] or 0):.1f} % "
            f"| {sum(k['unserved_at_end'].values())} |"
        )
    return "\n".join([*lines, "", "![KPIs against fleet size](sweep.png)", ""])


def _min(seconds: float | None) -> float:
    return float("nan") if seconds is None else seconds / 60.0


def compare_table(results: dict[str, dict[str, Any]]) -> str:
    """Markdown: one column per dispatcher."""
    names = list(results)
    rows: list[tuple[str, Callable[[dict[str, Any]], str]]] = [
        ("lead time mean (min)", lambda k: _fmt(k["lead_time_s"]["mean"])),
        ("lead time p50 (min)", lambda k: _fmt(k["lead_time_s"]["p50"])),
        ("lead time p95 (min)", lambda k: _fmt(k["lead_time_s"]["p95"])),
        ("STAT p95 (min)", lambda k: _fmt(k["stat_p95_s"])),
        ("on time", lambda k: f"{100 * (k['on_time_rate'] or 0):.1f} %"),
        ("lead / lower bound p50", lambda k: f"{k['lead_over_lower_bound']['p50']}"),
        ("distance (km)", lambda k: f"{k['distance_m']['total'] / 1000:.1f}"),
        ("unserved at end", lambda k: str(sum(k["unserved_at_end"].values()))),
    ]
    lines = ["| figure | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
    for label, cell in rows:
        lines.append(
            f"| {label} | " + " | ".join(cell(results[n]["kpis"]) for n in names) + " |"
        )
    return "\n".join(lines) + "\n"


def _fmt(seconds: float | None) -> str:
    return "n/a" if seconds is None else f"{seconds / 60:.1f}"


def write_json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")


def specs_for_sizes(
    building: str,
    scenario: Scenario | str,
    base: RunConfig,
    sizes: Sequence[int],
    out: Path,
) -> list[RunSpec]:
    path = scenario if isinstance(scenario, str) else scenario.source
    return [
        RunSpec(
            building,
            path,
            replace(base, robots=n),
            str(out / f"robots_{n:03d}"),
            plots=False,
        )
        for n in sizes
    ]
