"""``porter sim run|sweep|compare`` and the sweep's verdict in words."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from fleet.cli.main import app
from sim.run_config import RunConfig
from sim.scenario import scenario_path
from sim.sweep import RunSpec, Target, run_many, smallest_fleet


def test_sim_run_writes_kpis_events_plots_and_a_report(tmp_path: Path) -> None:
    """One short run writes every output; kpis.json holds no wall time."""
    out = tmp_path / "run"
    result = CliRunner().invoke(
        app,
        ["sim", "run", "small_clinic", "--robots", "2", "--hours", "1",
         "--start-hour", "9", "--dispatcher", "greedy", "--out", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    names = {p.name for p in out.iterdir()}
    assert {"kpis.json", "events.jsonl", "report.md", "timing.json"} <= names
    assert {"lead_time_by_priority.png", "time_use.png", "hourly.png"} <= names
    assert {"heatmap_G.png", "heatmap_L1.png"} <= names
    kpis = json.loads((out / "kpis.json").read_text())
    assert "wall" not in json.dumps(kpis)
    assert kpis["robots"] == 2 and kpis["dispatcher"] == "greedy"
    report = (out / "report.md").read_text()
    assert "## Reading" in report and "![time_use.png](time_use.png)" in report


def test_sim_run_refuses_a_bad_scenario(tmp_path: Path) -> None:
    """A scenario naming a missing place exits 2 with the field in the message."""
    bad = tmp_path / "bad.yaml"
    bad.write_text("demand:\n  - {from: pharmacy, to: nowhere, per_day: 3}\n")
    result = CliRunner().invoke(
        app, ["sim", "run", "small_clinic", "--scenario", str(bad), "--hours", "1"]
    )
    assert result.exit_code == 2
    assert "no place 'nowhere'" in result.output


def test_sim_compare_sets_dispatchers_side_by_side(tmp_path: Path) -> None:
    """compare runs the same demand under both dispatchers and tabulates them."""
    out = tmp_path / "cmp"
    result = CliRunner().invoke(
        app,
        ["sim", "compare", "small_clinic", "--dispatcher", "ortools,greedy",
         "--robots", "2", "--hours", "1", "--start-hour", "9", "--jobs", "1",
         "--no-plots", "--out", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    table = (out / "compare.md").read_text()
    assert "| figure | ortools | greedy |" in table
    assert "| lead time mean (min) |" in table


def test_sim_sweep_names_the_smallest_fleet(tmp_path: Path) -> None:
    """sweep runs each fleet size and states its verdict in words."""
    out = tmp_path / "sweep"
    result = CliRunner().invoke(
        app,
        ["sim", "sweep", "small_clinic", "--robots", "1,3", "--hours", "1",
         "--start-hour", "9", "--dispatcher", "greedy", "--jobs", "1",
         "--out", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "robots" in result.output
    assert (out / "sweep.png").is_file()
    assert "# Fleet-size sweep" in (out / "sweep.md").read_text()
    data = json.loads((out / "sweep.json").read_text())
    assert [r["kpis"]["robots"] for r in data["runs"]] == [1, 3]


def _kpis(robots: int, stat: float, on_time: float) -> dict[str, object]:
    return {"kpis": {"robots": robots, "stat_p95_s": stat, "on_time_rate": on_time,
                     "unserved_at_end": {}, "requests": 100}}  # fmt: skip


def test_the_verdict_names_the_smallest_fleet_meeting_the_target() -> None:
    """The smallest size meeting STAT p95 and on-time targets is named."""
    runs = [_kpis(4, 1500, 0.80), _kpis(6, 800, 0.96), _kpis(8, 600, 0.99)]
    verdict = smallest_fleet(runs, Target(900, 0.95))
    assert "is 6 robots" in verdict
    assert "No fleet size" in smallest_fleet(runs[:1], Target(900, 0.95))


def test_sim_refuses_bad_settings_with_the_setting_named() -> None:
    """A time limit of 0, no robots or an unknown dispatcher exits 2 naming it."""
    cases = [
        (["sim", "run", "small_clinic", "--time-limit", "0"], "time_limit_s"),
        (["sim", "run", "small_clinic", "--robots", "0"], "robots"),
        (["sim", "compare", "small_clinic", "--dispatcher", "ortools,simplex"],
         "simplex"),
    ]  # fmt: skip
    for argv, named in cases:
        result = CliRunner().invoke(app, [*argv, "--hours", "1"])
        assert result.exit_code == 2, result.output
        assert "bad setting" in result.output and named in result.output


def test_a_sweep_in_two_processes_gives_the_runs_of_one() -> None:
    """Each run's configuration crosses to its worker by pickle (compiled, a
    frozen dataclass must pickle through its __init__) and comes back the same."""
    specs = [
        RunSpec("small_clinic", str(scenario_path("small_clinic")),
                RunConfig(robots=n, hours=1.0, start_hour=9.0, dispatcher="greedy",
                          keep_events=False))
        for n in (1, 2)
    ]  # fmt: skip
    alone, side_by_side = run_many(specs, jobs=1), run_many(specs, jobs=2)
    assert [json.dumps(r["kpis"], sort_keys=True) for r in side_by_side] == [
        json.dumps(r["kpis"], sort_keys=True) for r in alone
    ]
    assert [r["kpis"]["robots"] for r in side_by_side] == [1, 2]
