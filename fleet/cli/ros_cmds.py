"""``porter sim rosbridge``: virtual ROS robots, lifts and doors behind a rosbridge.

To roslibpy (and so to ``porter serve --fleet``) it looks like rosbridge_suite
in front of real robots: Nav2 or move_base robots at the building's chargers,
Open-RMF lift and door adapters, and rosapi. ``--write-fleet`` writes the
matching ``fleet.yaml`` for ``porter serve --fleet``.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml

from maps.errors import MapError
from sim.ros_world import PROFILES, RosWorld, namespace_for, ros_world

__all__ = ["fleet_document", "sim_rosbridge"]


def sim_rosbridge(
    building: Annotated[
        str, typer.Option(help="A map file, or a sample building's name.")
    ] = "demo_hospital",
    robots: Annotated[int, typer.Option(min=0, help="Virtual ROS robots.")] = 3,
    port: Annotated[int, typer.Option(help="Port of the rosbridge WebSocket.")] = 9090,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    profile: Annotated[str, typer.Option(help="nav2 (ROS 2) or move_base (ROS 1).")] = (
        "nav2"
    ),
    speed: Annotated[
        float, typer.Option(min=0.1, help="Speed-up of the virtual world.")
    ] = 1.0,
    write_fleet: Annotated[
        Path | None,
        typer.Option(help="Write the fleet.yaml for `porter serve --fleet` here."),
    ] = None,
) -> None:
    """Serve virtual ROS robots, lifts and doors over the rosbridge protocol."""
    from fleet.api.compose import site_building

    if profile not in PROFILES:
        raise typer.BadParameter(" or ".join(PROFILES), param_hint="--profile")
    try:
        site = site_building(building)
    except (MapError, OSError) as error:
        raise typer.BadParameter(str(error), param_hint="--building") from error
    world = ros_world(
        site, robots=robots, profile=profile, host=host, port=port, speedup=speed
    )
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(world, write_fleet))


async def _serve(world: RosWorld, write_fleet: Path | None) -> None:
    await world.start()
    typer.echo(
        f"rosbridge (virtual, {world.profile}) on {world.url}: "
        f"{len(world.robots)} robots of {world.building.name}, "
        f"{len(world.building.lifts)} lifts, {len(world.building.doors)} doors"
    )
    for robot in world.fleet:
        typer.echo(
            f"  {robot.id:<12} /{namespace_for(robot.id)}  at {robot.home_charger}"
        )
    if write_fleet is not None:
        document = fleet_document(world)
        write_fleet.write_text(yaml.safe_dump(document, sort_keys=False))
        typer.echo(f"fleet file: {write_fleet}  (porter serve --fleet {write_fleet})")
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    # Both stop it, as they stop uvicorn: Ctrl-C too even when the parent left
    # SIGINT ignored (a background job; a test runner's worker).
    with contextlib.suppress(NotImplementedError):  # no signal handlers on Windows
        for stop_signal in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(stop_signal, stopping.set)
    try:
        await stopping.wait()
    finally:
        await world.stop()


def fleet_document(world: RosWorld, url: str | None = None) -> dict[str, Any]:
    """The fleet.yaml that reaches ``world``'s robots, lifts and doors."""
    return {
        "rosbridge": url or world.url,
        "robots": [
            {
                "id": robot.id,
                "profile": world.profile,
                "namespace": namespace_for(robot.id),
                "home": robot.home_charger,
                "model": robot.model,
                "capabilities": sorted(robot.capabilities),
                "compartments": robot.compartments,
                "speed_mps": robot.speed_mps,
            }
            for robot in world.fleet
        ],
        "lifts": {
            "lifts": {lift.id: {"name": lift.id} for lift in world.building.lifts}
        },
        "doors": {
            "doors": {door.id: {"name": door.id} for door in world.building.doors}
        },
    }
