"""``porter map validate FILE``: every problem of a map file, or a one-line summary."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from fleet.cli.map_import_cmd import summary
from maps.errors import MapError
from maps.loading import load_building, sample_path


def validate_map(
    file: Annotated[
        Path | None,
        typer.Argument(
            help="A native map (*.yaml) or an Open-RMF map (*.building.yaml).",
            show_default=False,
        ),
    ] = None,
    sample: Annotated[
        str | None,
        typer.Option("--sample", help="A sample building instead, e.g. demo_hospital."),
    ] = None,
) -> None:
    """Check a building map: print every problem (exit 1) or a summary (exit 0)."""
    if (file is None) == (sample is None):
        typer.echo("give either a map FILE or --sample NAME", err=True)
        raise typer.Exit(2)
    try:
        path = file if file is not None else sample_path(str(sample))
        building = load_building(path)
    except LookupError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(2) from None
    except MapError as error:
        for problem in error.problems:
            typer.echo(str(problem))
        count = len(error.problems)
        typer.echo(f"{count} problem{'s' if count != 1 else ''} in {path}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"{path}: valid. {summary(building)}")
