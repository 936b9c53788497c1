"""``porter map validate``: exit codes and messages."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml
from typer.testing import CliRunner

from fleet.cli.main import app
from maps.loading import sample_path

ROOT = Path(__file__).resolve().parents[2]


def _broken_map(tmp_path: Path) -> Path:
    """A map with three problems: a dangling lane, a bad door time, an orphan ward."""
    data = {
        "building": "Broken",
        "levels": [
            {
                "id": "L1",
                "waypoints": {"a": [0, 0], "b": [10, 0]},
                "lanes": [
                    {"id": "L1-a", "from": "a", "to": "b"},
                    {"id": "L1-x", "from": "b", "to": "x9"},
                ],
                "places": [
                    {
                        "id": "ward_1",
                        "kind": "ward",
                        "waypoint": "a",
                        "nursing_station": "station_9",
                    }
                ],
                "doors": [{"id": "d1", "between": ["a", "b"], "opening_s": 0}],
            }
        ],
    }
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_valid_file_prints_one_summary_line() -> None:
    """A valid map: exit 0 and one line with the counts and places by kind."""
    path = sample_path("small_clinic")
    result = CliRunner().invoke(app, ["map", "validate", str(path)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1
    for part in (
        "2 levels",
        "19 waypoints",
        "17 lanes",
        "ward 1",
        "1 lifts",
        "2 doors",
        "2 zones",
    ):
        assert part in lines[0]


def test_sample_option() -> None:
    """--sample NAME validates a shipped building."""
    result = CliRunner().invoke(app, ["map", "validate", "--sample", "demo_hospital"])
    assert result.exit_code == 0, result.output
    assert "Demo Hospital" in result.stdout and "3 lifts" in result.stdout


def test_problems_are_printed_one_per_line(tmp_path: Path) -> None:
    """A broken map: exit 1 and every problem on its own line, naming the file."""
    path = _broken_map(tmp_path)
    result = CliRunner().invoke(app, ["map", "validate", str(path)])
    assert result.exit_code == 1
    lines = result.stdout.strip().splitlines()
    assert lines == [
        f"{path}: level L1: lane L1-x: end waypoint 'x9' does not exist",
        f"{path}: level L1: door d1: opening_s must be positive, got 0",
        f"{path}: level L1: place ward_1: nursing station 'station_9' does not exist",
    ]
    assert "3 problems" in result.stderr


def test_structural_problems_exit_1(tmp_path: Path) -> None:
    """YAML that is not a map at all is reported like any other problem."""
    path = tmp_path / "bad.yaml"
    path.write_text("building: [unclosed\n")
    result = CliRunner().invoke(app, ["map", "validate", str(path)])
    assert result.exit_code == 1
    assert "YAML syntax error" in result.stdout


def test_missing_file_and_unknown_sample() -> None:
    """A missing file exits 1; an unknown sample or no argument exits 2 and says why."""
    runner = CliRunner()
    missing = runner.invoke(app, ["map", "validate", "no/such/map.yaml"])
    assert missing.exit_code == 1 and "no such file" in missing.stdout
    unknown = runner.invoke(app, ["map", "validate", "--sample", "castle"])
    assert unknown.exit_code == 2 and "available: " in unknown.stderr
    neither = runner.invoke(app, ["map", "validate"])
    assert neither.exit_code == 2 and "--sample" in neither.stderr


def test_installed_command_runs_as_a_process(tmp_path: Path) -> None:
    """The real `porter` script: exit codes 0 and 1 as a user sees them."""
    porter = Path(sys.executable).parent / "porter"
    if not porter.exists():
        porter = ROOT / ".venv" / "bin" / "porter"
    ok = subprocess.run(
        [str(porter), "map", "validate", "--sample", "small_clinic"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr
    assert "Small Clinic" in ok.stdout
    bad = subprocess.run(
        [str(porter), "map", "validate", str(_broken_map(tmp_path))],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert bad.returncode == 1
    assert len(bad.stdout.strip().splitlines()) == 3
