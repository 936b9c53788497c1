"""``porter serve --fleet`` in front of the virtual rosbridge, for e2e tests.

A :mod:`sim.ros_world` runs in a thread (:mod:`tests.robot_adapters.bridge`);
its fleet file is written as ``porter sim rosbridge --write-fleet`` writes it,
and a real Porter server is started on it through the composition root
(``ServeSettings.fleet_file``), so robots, lifts and doors are reached only
through roslibpy over WebSockets.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import yaml

from fleet.cli.ros_cmds import fleet_document
from tests.e2e.server import PorterServer, running, settings_for, wait_until
from tests.robot_adapters.bridge import BridgeThread, virtual_bridge


@contextmanager
def ros_porter(
    folder: Path, database_url: str, *, profile: str, robots: int = 2,
    speedup: float = 50.0,
) -> Iterator[tuple[PorterServer, BridgeThread]]:  # fmt: skip
    """A virtual rosbridge world and a Porter server driving it through a fleet file."""
    with virtual_bridge(profile=profile, robots=robots, speedup=speedup) as bridge:
        fleet_file = folder / "fleet.yaml"
        fleet_file.write_text(yaml.safe_dump(fleet_document(bridge.world)))
        settings = settings_for(database_url, fleet_file=str(fleet_file))
        with running(settings) as server:
            wait_until(lambda: server.service.ready, what="the service")
            yield server, bridge
