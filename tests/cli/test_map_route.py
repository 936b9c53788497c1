"""``porter map route``, ``draw`` and ``demo``: exit codes, messages and files."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from fleet.cli.main import app
from maps.native import save_native
from tests.maps.handmade_buildings import CLEAN_KITCHEN, clinic, without_lanes

runner = CliRunner()


def test_route_between_wards_on_two_levels() -> None:
    """A ward-to-ward route on the demo hospital prints levels, lift and time."""
    result = runner.invoke(app, ["map", "route", "demo_hospital", "ward_2a", "ward_3c"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Route ward_2a -> ward_3c")
    assert "levels:    L2 -> L3" in result.stdout
    assert "ride lift" in result.stdout and "time:" in result.stdout


def test_waste_route_and_hour() -> None:
    """Waste from a ward reaches the waste hold; the hour is echoed."""
    result = runner.invoke(
        app,
        ["map", "route", "demo_hospital", "ward_2a", "waste_hold", "--load", "waste",
         "--hour", "23"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "carrying waste at hour 23" in result.stdout


def test_no_route_exits_1_naming_the_rule() -> None:
    """Waste into the ICU is refused with the restricted zone's name."""
    result = runner.invoke(
        app, ["map", "route", "demo_hospital", "pharmacy", "icu", "--load", "waste"]
    )
    assert result.exit_code == 1
    assert "restricted zone 'icu_restricted'" in result.stderr


def test_capability_opens_the_icu() -> None:
    """With --capability icu_access the same trip (without waste) is allowed."""
    args = ["map", "route", "demo_hospital", "pharmacy", "icu"]
    assert runner.invoke(app, args).exit_code == 1
    result = runner.invoke(app, [*args, "--capability", "icu_access"])
    assert result.exit_code == 0, result.output


def test_route_on_a_map_file(tmp_path: Path) -> None:
    """FILE may be a path; a blocked dirty trip names the clean zone."""
    path = tmp_path / "clinic.yaml"
    save_native(without_lanes(clinic(zones=(CLEAN_KITCHEN,)), "ef"), path)
    ok = runner.invoke(app, ["map", "route", str(path), "pharmacy", "waste_room"])
    assert ok.exit_code == 0, ok.output
    assert "length:    30.0 m" in ok.stdout
    blocked = runner.invoke(
        app, ["map", "route", str(path), "pharmacy", "waste_room", "--load", "waste"]
    )
    assert blocked.exit_code == 1
    assert "clean zone 'kitchen_corridor'" in blocked.stderr


def test_unknown_file_or_place_exits_2(tmp_path: Path) -> None:
    """A missing file or a misspelt place is a usage error."""
    missing = runner.invoke(app, ["map", "route", str(tmp_path / "x.yaml"), "a", "b"])
    assert missing.exit_code == 2
    assert "no such file" in missing.stderr
    typo = runner.invoke(app, ["map", "route", "demo_hospital", "pharmcy", "icu"])
    assert typo.exit_code == 2
    assert "no place or waypoint named 'pharmcy'" in typo.stderr


def test_draw_writes_a_png(tmp_path: Path) -> None:
    """porter map draw writes the level's PNG; an unknown level exits 2."""
    out = tmp_path / "plan.png"
    result = runner.invoke(
        app, ["map", "draw", "demo_hospital", "--level", "L1", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"\x89PNG")
    bad = runner.invoke(app, ["map", "draw", "demo_hospital", "--level", "L9"])
    assert bad.exit_code == 2 and "no level 'L9'" in bad.stderr


def test_demo_validates_draws_and_routes(tmp_path: Path) -> None:
    """porter map demo prints a summary and a route, and writes one drawing."""
    result = runner.invoke(app, ["map", "demo", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("demo_hospital: valid: 4 levels")
    assert "Route ward_" in result.stdout and "ride lift" in result.stdout
    (png,) = tmp_path.glob("porter-demo-*.png")
    assert png.stat().st_size > 10_000
