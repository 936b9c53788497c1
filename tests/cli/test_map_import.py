"""``porter map import``: Open-RMF maps to native files, and its errors."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fleet.cli.main import app
from maps.native import load_native
from maps.openrmf import import_openrmf

SHARED = Path(
    os.environ.get(
        "PORTER_SHARED", Path(__file__).resolve().parents[2] / ".." / "shared"
    )
)

runner = CliRunner()


def _real_map(name: str) -> Path:
    path = SHARED / "maps" / "open-rmf" / f"{name}.building.yaml"
    if not path.is_file():
        pytest.skip(f"{path} is missing (set PORTER_SHARED to the shared folder)")
    return path


def test_import_writes_a_native_map_that_loads_back(tmp_path: Path) -> None:
    """The hotel imports; the written file loads back to the same building."""
    source = _real_map("hotel")
    out = tmp_path / "hotel.yaml"
    result = runner.invoke(app, ["map", "import", str(source), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "hotel: 3 levels" in result.stdout
    assert "2 lifts" in result.stdout and f"wrote {out}" in result.stdout
    loaded = load_native(out)
    imported = import_openrmf(source)
    assert loaded.lifts == imported.lifts
    assert loaded.doors == imported.doors
    assert sorted(p.id for p in loaded.places) == sorted(p.id for p in imported.places)
    assert len(loaded.lanes) == len(imported.lanes)


def test_import_all_graphs(tmp_path: Path) -> None:
    """``--all-graphs`` keeps the cleaning robots' lanes too."""
    out = tmp_path / "hotel.yaml"
    args = ["map", "import", str(_real_map("hotel")), "-o", str(out), "--all-graphs"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert load_native(out).has_place("cleanerbot_charger1")


def test_import_broken_map_exits_1_naming_the_problem(tmp_path: Path) -> None:
    """A map without scale: exit 1, the problem on stderr, no file written."""
    source = tmp_path / "clinic.building.yaml"
    source.write_text(
        "name: clinic\n"
        "levels:\n"
        "  L1:\n"
        "    vertices: [[0, 0, 0, a], [100, 0, 0, b]]\n"
        "    lanes: [[0, 1, {bidirectional: [4, true]}]]\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.yaml"
    result = runner.invoke(app, ["map", "import", str(source), "-o", str(out)])
    assert result.exit_code == 1
    assert f"{source}: level L1: level L1 has no scale" in result.stderr
    assert not out.exists()


def test_import_missing_file_exits_1(tmp_path: Path) -> None:
    """A file that does not exist: exit 1 and its name on stderr."""
    missing = tmp_path / "nowhere.building.yaml"
    result = runner.invoke(app, ["map", "import", str(missing), "-o", "x.yaml"])
    assert result.exit_code == 1
    assert "nowhere.building.yaml: cannot read the file" in result.stderr
