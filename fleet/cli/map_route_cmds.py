"""``porter map route``, ``porter map draw`` and ``porter map demo``.

FILE is a map file (native ``*.yaml`` or Open-RMF ``*.building.yaml``) or the name
of a packaged sample building such as ``demo_hospital``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from maps.drawing import level_drawing
from maps.errors import MapError, NoRouteError
from maps.legs import DoorLeg, DriveLeg, LiftLeg, Route
from maps.loading import load_building, load_sample, sample_names
from maps.model import Building, PlaceKind
from maps.render import render_level_png, route_overlay
from maps.routing import RobotProfile, route

FileArgument = Annotated[
    str,
    typer.Argument(
        help="A map file (*.yaml, *.building.yaml) or a sample name (demo_hospital).",
        show_default=False,
    ),
]


def open_building(file: str) -> Building:
    """Load FILE as a path, else as a sample name; exit 2 or 1 with the reason."""
    try:
        if Path(file).is_file() or file not in sample_names():
            return load_building(file)
        return load_sample(file)
    except MapError as error:
        typer.echo(str(error), err=True)
        code = 2 if "no such file" in str(error) else 1
        if code == 2:
            samples = ", ".join(sample_names())
            typer.echo(f"(FILE may also be a sample: {samples})", err=True)
        raise typer.Exit(code) from None


def route_map(
    file: FileArgument,
    start: Annotated[str, typer.Argument(help="Place or waypoint id to start from.")],
    goal: Annotated[str, typer.Argument(help="Place or waypoint id to go to.")],
    load: Annotated[
        str | None,
        typer.Option(help="Item category carried: waste, medication, specimen..."),
    ] = None,
    capability: Annotated[
        list[str] | None,
        typer.Option(help="A robot capability, e.g. icu_access (repeatable)."),
    ] = None,
    hour: Annotated[
        float | None,
        typer.Option(help="Hour of day, for quiet zones (default: all in force)."),
    ] = None,
) -> None:
    """Print the quickest legal route, or why there is none (exit 1)."""
    building = open_building(file)
    robot = RobotProfile(capabilities=frozenset(capability or ()))
    try:
        found = route(building, start, goal, load=load, robot=robot, hour=hour)
    except NoRouteError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(1) from None
    except ValueError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(2) from None
    typer.echo(describe_route(found, load=load, hour=hour))


def describe_route(
    found: Route, *, load: str | None = None, hour: float | None = None
) -> str:
    """A route as a few readable lines: levels, lifts, doors, length, time, legs."""
    title = f"Route {found.start} -> {found.goal}"
    title += f" carrying {load}" if load else ""
    title += f" at hour {hour:g}" if hour is not None else ""
    lifts = ", ".join(f"{r.lift} {r.from_level} -> {r.to_level}" for r in found.lifts)
    minutes, seconds = divmod(round(found.time_s), 60)
    lines = [
        title,
        f"  levels:    {' -> '.join(found.levels)}",
        f"  lifts:     {lifts or 'none'}",
        f"  doors:     {', '.join(found.doors) or 'none'}",
        f"  length:    {found.length_m:.1f} m",
        f"  time:      {found.time_s:.1f} s ({minutes} min {seconds:02d} s)",
        "  legs:",
        *(f"    {i}. {_leg(leg)}" for i, leg in enumerate(found.legs, 1)),
        f"  waypoints: {' '.join(found.waypoints)}",
    ]
    return "\n".join(lines)


def _leg(leg: DriveLeg | DoorLeg | LiftLeg) -> str:
    if isinstance(leg, LiftLeg):
        return (
            f"ride lift {leg.lift} {leg.from_level} -> {leg.to_level}"
            f"  {leg.time_s:.1f} s"
        )
    if isinstance(leg, DoorLeg):
        return (
            f"pass door {leg.door} ({leg.level})"
            f"  {leg.length_m:.1f} m  {leg.time_s:.1f} s"
        )
    return (
        f"drive {leg.waypoints[0]} -> {leg.waypoints[-1]} ({leg.level}, "
        f"{len(leg.waypoints)} waypoints)  {leg.length_m:.1f} m  {leg.time_s:.1f} s"
    )


def draw_map(
    file: FileArgument,
    level: Annotated[str, typer.Option("--level", "-l", help="Level id to draw.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="PNG file to write.")] = Path(
        "plan.png"
    ),
) -> None:
    """Draw one level (lanes, places by kind, lifts, doors, zones) to a PNG."""
    building = open_building(file)
    try:
        drawing = level_drawing(building, level)
    except ValueError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(2) from None
    render_level_png(drawing, out)
    typer.echo(f"drew level {level} of {building.name} to {out}")


def demo(
    out: Annotated[Path, typer.Option("--out", help="Folder for the drawing.")] = Path(
        "."
    ),
) -> None:
    """Validate the demo hospital, draw a ward level, route between two floors."""
    building = load_sample("demo_hospital")
    typer.echo(
        f"demo_hospital: valid: {len(building.levels)} levels, "
        f"{len(building.waypoints)} waypoints, {len(building.lanes)} lanes, "
        f"{len(building.places)} places, {len(building.lifts)} lifts, "
        f"{len(building.doors)} doors, {len(building.zones)} zones"
    )
    found = _ward_to_ward(building)
    level = found.levels[0]
    points = [
        (w.x, w.y) for w in map(building.waypoint, found.waypoints) if w.level == level
    ]
    out.mkdir(parents=True, exist_ok=True)
    png = render_level_png(
        level_drawing(building, level),
        out / f"porter-demo-{level}.png",
        overlay=route_overlay(points),
    )
    typer.echo(f"drew level {level}, with the route's part on it, to {png}")
    typer.echo(describe_route(found))


def _ward_to_ward(building: Building) -> Route:
    """The first ward-to-ward route between two levels that is legal both ways.

    Both ways, so the demo shows an ordinary trip: a robot may leave a restricted
    ward such as the ICU empty, but not enter it.
    """
    wards = building.places_of_kind(PlaceKind.WARD)
    for a in wards:
        for b in wards:
            level_a = building.waypoint(a.waypoint).level
            if building.waypoint(b.waypoint).level == level_a:
                continue
            try:
                route(building, b.id, a.id)
                return route(building, a.id, b.id)
            except NoRouteError:
                continue
    raise typer.Exit(1)
