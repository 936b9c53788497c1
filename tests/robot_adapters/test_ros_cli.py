"""``porter sim rosbridge``: a real process serving rosbridge, with its fleet file."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from fleet.cli.main import app
from maps.loading import load_sample
from robot_adapters import connections
from robot_adapters.fleet_config import load_fleet
from tests.robot_adapters.bridge import free_port, wait_for_sync


def test_sim_rosbridge_command_serves_and_writes_its_fleet_file(tmp_path: Path) -> None:
    """The command serves the robots it lists; the fleet file it writes parses;
    Ctrl-C stops it even when it was started with SIGINT ignored."""
    port, fleet_file = free_port(), tmp_path / "fleet.yaml"
    command = [
        sys.executable, "-m", "fleet.cli.main", "sim", "rosbridge",
        "--robots", "2", "--port", str(port), "--profile", "move_base",
        "--write-fleet", str(fleet_file),
    ]  # fmt: skip
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, text=True, preexec_fn=_ignore_sigint
    )
    try:
        wait_for_sync(fleet_file.exists, what="the fleet file", timeout_s=30)
        config = load_fleet(fleet_file, load_sample("demo_hospital"))
        assert [r.id for r in config.robots] == ["porter-1", "porter-2"]
        assert config.robots[1].names.navigate_action == "/porter_2/move_base"
        assert config.robots[0].url == f"ws://127.0.0.1:{port}"
        link = connections.acquire(config.robots[0].url)
        try:
            wait_for_sync(lambda: link.connected, what="the bridge")
            assert "/porter_2/move_base/goal" in link.ros.get_topics()
        finally:
            connections.release(link)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            output, _ = process.communicate(timeout=20)
        finally:
            process.kill()  # a no-op once it has stopped; else it outlives the test
    assert "porter-2" in output


def _ignore_sigint() -> None:
    # As a background job, or a test runner's worker, may leave it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def test_serve_refuses_a_bad_fleet_file(tmp_path: Path) -> None:
    """``porter serve --fleet`` names the robot and field before starting anything."""
    fleet_file = tmp_path / "fleet.yaml"
    fleet_file.write_text(
        "robots:\n  - {id: porter-9, home: charger_0a, profile: ros3}\n"
    )
    result = CliRunner().invoke(
        app, ["serve", "--fleet", str(fleet_file), "--database", "sqlite://"]
    )
    assert result.exit_code == 2
    # typer may draw the error in a box, wrapped: compare the words only.
    words = " ".join(re.sub("[│╭╮╰╯─]", " ", result.output).split())
    assert "robot 'porter-9': field 'profile': 'ros3' is not one of" in words
