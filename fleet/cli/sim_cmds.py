"""``porter sim run|sweep|compare``: the floor-plan simulator from the command line."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from maps.errors import MapError
from sim.demand import DAY0
from sim.report import write_run
from sim.runner import RunConfig, Simulation
from sim.scenario import ScenarioError, check_places, load_scenario
from sim.sweep import (
    RunSpec,
    Target,
    compare_table,
    default_scenario,
    resolve_building,
    run_many,
    smallest_fleet,
    specs_for_sizes,
    sweep_markdown,
    sweep_plot,
    write_json,
)

sim_app = typer.Typer(help="Simulate a hospital day faster than real time.")

Building = Annotated[
    str, typer.Argument(help="A map file, or a sample building name (demo_hospital).")
]
ScenarioOpt = Annotated[
    Path | None,
    typer.Option("--scenario", help="Scenario YAML (default: the sample's own)."),
]
Hours = Annotated[float, typer.Option("--hours", help="Simulated hours.")]
Seed = Annotated[int, typer.Option("--seed", help="Seed of the random streams.")]
Limit = Annotated[
    float,
    typer.Option(
        "--time-limit",
        help="Dispatcher time limit per call (s): a safety bound (OR-Tools' descent "
        "stops at its local optimum long before; a shorter limit that cuts it makes "
        "the run depend on the machine's speed).",
    ),
]
Start = Annotated[float, typer.Option("--start-hour", help="Hour of day to start.")]
Gap = Annotated[
    float | None,
    typer.Option(
        "--replan-gap",
        help="Least simulated seconds between re-plans (default: the service's "
        "cadence, 0.25 s). Urgent re-plans (a STAT request, work "
        "waiting while a robot is idle) keep the service's cadence.",
    ),
]
Warm = Annotated[
    bool,
    typer.Option(
        "--warm-start/--cold-start",
        help="Start each plan from the previous one (as the service does).",
    ),
]


def _scenario(building: str, scenario: Path | None) -> str:
    if scenario is not None:
        return str(scenario)
    found = default_scenario(building)
    if found is None:
        typer.echo(
            f"no default scenario for {building!r}: give --scenario FILE", err=True
        )
        raise typer.Exit(2)
    return str(found)


def _load(building: str, scenario: str) -> tuple[object, object]:
    try:
        site = resolve_building(building)
        return site, check_places(load_scenario(scenario), site)
    except (MapError, ScenarioError, LookupError) as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(2) from None


def _config(base: RunConfig | None = None, **fields: object) -> RunConfig:
    """A run's settings (``base`` with ``fields`` changed); a bad value (robots
    0, a time limit of 0, an unknown dispatcher) exits 2 naming it."""
    try:
        if base is None:
            return RunConfig(**fields)  # type: ignore[arg-type]
        return replace(base, **fields)  # type: ignore[arg-type]
    except ValueError as error:
        typer.echo(f"bad setting: {error}", err=True)
        raise typer.Exit(2) from None


@sim_app.command("run")
def run(
    building: Building,
    scenario: ScenarioOpt = None,
    robots: Annotated[int, typer.Option("--robots")] = 8,
    hours: Hours = 24.0,
    seed: Seed = 1,
    dispatcher: Annotated[str, typer.Option("--dispatcher")] = "ortools",
    time_limit: Limit = 2.0,
    start_hour: Start = 0.0,
    replan_gap: Gap = None,
    warm_start: Warm = True,
    out: Annotated[Path, typer.Option("--out")] = Path("sim-out"),
) -> None:
    """Run one simulation; write kpis.json, events.jsonl, plots and report.md."""
    path = _scenario(building, scenario)
    site, plan = _load(building, path)
    config = _config(
        robots=robots,
        hours=hours,
        seed=seed,
        dispatcher=dispatcher,
        time_limit_s=time_limit,
        start_hour=start_hour,
        replan_gap_s=replan_gap,
        warm_start=warm_start,
    )
    with Progress(
        TextColumn("[bold]simulating"),
        BarColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
    ) as progress:
        task = progress.add_task("", total=hours)
        start = DAY0 + 3600.0 * start_hour

        def advance(now: float) -> None:
            done = (now - start) / 3600.0
            progress.update(task, completed=done, description=f"{done:5.1f} h")

        sim = Simulation(site, plan, config, _throttled(advance)).run()  # type: ignore[arg-type]
    kpis = write_run(sim, out)
    typer.echo(
        f"{kpis['requests']} requests; mean lead time "
        f"{(kpis['lead_time_s']['mean'] or 0) / 60:.1f} min; STAT p95 "
        f"{(kpis['stat_p95_s'] or 0) / 60:.1f} min; on time "
        f"{100 * (kpis['on_time_rate'] or 0):.1f} %; wall {sim.timing.wall_s:.1f} s"
    )
    typer.echo(f"wrote {out}/report.md")


def _throttled(advance: object) -> object:
    """Redraw the bar at most every simulated minute."""
    last = [float("-inf")]

    def call(now: float) -> None:
        if now - last[0] >= 60.0:
            last[0] = now
            advance(now)  # type: ignore[operator]

    return call


def _sizes(text: str) -> list[int]:
    if ":" in text:
        low, high, *step = (int(x) for x in text.split(":"))
        return list(range(low, high + 1, step[0] if step else 1))
    return [int(x) for x in text.split(",")]


@sim_app.command("sweep")
def sweep(
    building: Building,
    robots: Annotated[str, typer.Option("--robots", help="4:16, 4:16:2 or 4,8,12")],
    scenario: ScenarioOpt = None,
    jobs: Annotated[int, typer.Option("--jobs", help="Parallel processes.")] = 2,
    hours: Hours = 24.0,
    seed: Seed = 1,
    dispatcher: Annotated[str, typer.Option("--dispatcher")] = "ortools",
    time_limit: Limit = 2.0,
    start_hour: Start = 0.0,
    replan_gap: Gap = None,
    warm_start: Warm = True,
    stat_p95_min: Annotated[float, typer.Option("--stat-p95-min")] = 15.0,
    on_time: Annotated[float, typer.Option("--on-time", help="Share, 0-1.")] = 0.95,
    out: Annotated[Path, typer.Option("--out")] = Path("sim-sweep"),
) -> None:
    """Run several fleet sizes in parallel; plot KPIs; name the smallest fleet."""
    path = _scenario(building, scenario)
    _load(building, path)
    base = _config(
        hours=hours,
        seed=seed,
        dispatcher=dispatcher,
        time_limit_s=time_limit,
        start_hour=start_hour,
        replan_gap_s=replan_gap,
        warm_start=warm_start,
        keep_events=True,
    )
    out.mkdir(parents=True, exist_ok=True)
    specs = specs_for_sizes(building, path, base, _sizes(robots), out)
    with Progress() as progress:
        task = progress.add_task("fleet sizes", total=len(specs))
        results = run_many(specs, jobs, lambda: progress.advance(task))
    target = Target(stat_p95_min * 60.0, on_time)
    verdict = smallest_fleet(results, target)
    sweep_plot(results, target, out / "sweep.png")
    (out / "sweep.md").write_text(sweep_markdown(results, verdict))
    write_json(
        out / "sweep.json",
        {"target": target.words(), "verdict": verdict, "runs": results},
    )
    typer.echo(verdict)


@sim_app.command("compare")
def compare(
    building: Building,
    dispatcher: Annotated[str, typer.Option("--dispatcher")] = "ortools,greedy",
    scenario: ScenarioOpt = None,
    robots: Annotated[int, typer.Option("--robots")] = 8,
    jobs: Annotated[int, typer.Option("--jobs")] = 2,
    hours: Hours = 24.0,
    seed: Seed = 1,
    time_limit: Limit = 2.0,
    start_hour: Start = 0.0,
    replan_gap: Gap = None,
    warm_start: Warm = True,
    plots: Annotated[bool, typer.Option("--plots/--no-plots")] = True,
    out: Annotated[Path, typer.Option("--out")] = Path("sim-compare"),
) -> None:
    """The same demand under each dispatcher, side by side."""
    path = _scenario(building, scenario)
    _load(building, path)
    names = list(dict.fromkeys(d.strip() for d in dispatcher.split(",") if d.strip()))
    base = _config(
        robots=robots,
        hours=hours,
        seed=seed,
        time_limit_s=time_limit,
        start_hour=start_hour,
        replan_gap_s=replan_gap,
        warm_start=warm_start,
    )
    specs = [
        RunSpec(building, path, _config(base, dispatcher=name), str(out / name), plots)
        for name in names
    ]
    with Progress() as progress:
        task = progress.add_task("dispatchers", total=len(specs))
        results = run_many(specs, jobs, lambda: progress.advance(task))
    by_name = dict(zip(names, results, strict=True))
    table = compare_table(by_name)
    out.mkdir(parents=True, exist_ok=True)
    (out / "compare.md").write_text(f"# Dispatchers compared\n\n{table}")
    write_json(out / "compare.json", by_name)
    typer.echo(table)
