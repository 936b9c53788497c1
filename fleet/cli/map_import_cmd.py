"""``porter map import FILE -o OUT.yaml``: an Open-RMF building map to Porter's form."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Annotated

import typer

from maps.errors import MapError
from maps.model import Building
from maps.native import save_native
from maps.openrmf import read_openrmf
from maps.validate import check


def import_map(
    file: Annotated[
        Path, typer.Argument(help="An Open-RMF traffic-editor *.building.yaml")
    ],
    output: Annotated[
        Path,
        typer.Option("--output", "-o", help="Where to write the native map (YAML)."),
    ],
    graph: Annotated[
        int, typer.Option("--graph", help="The nav graph (graph_idx) to keep.")
    ] = 0,
    all_graphs: Annotated[
        bool, typer.Option("--all-graphs", help="Keep the lanes of every nav graph.")
    ] = False,
) -> None:
    """Import an Open-RMF building map, validate it and write it as a native map."""
    try:
        result = read_openrmf(file, graph=None if all_graphs else graph)
        building = check(result.building)
    except MapError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(1) from None
    try:
        save_native(building, output)
    except OSError as error:
        typer.echo(f"{output}: cannot write: {error}", err=True)
        raise typer.Exit(1) from None
    for note in result.notes:
        typer.echo(f"note: {note}")
    typer.echo(f"{summary(building)}; wrote {output}")


def summary(building: Building) -> str:
    """One line: what the imported building holds."""
    kinds = Counter(place.kind.value for place in building.places)
    by_kind = ", ".join(f"{kind} {count}" for kind, count in sorted(kinds.items()))
    return (
        f"{building.name}: {len(building.levels)} levels, "
        f"{len(building.waypoints)} waypoints, {len(building.lanes)} lanes, "
        f"{len(building.places)} places ({by_kind or 'none'}), "
        f"{len(building.lifts)} lifts, {len(building.doors)} doors, "
        f"{len(building.zones)} zones"
    )
