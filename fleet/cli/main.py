"""The ``porter`` command: one typer app, one sub-app per area."""

from __future__ import annotations

import typer

from fleet.cli.map_commands import map_app
from fleet.cli.ros_cmds import sim_rosbridge
from fleet.cli.serve_cmds import serve, token_app
from fleet.cli.sim_cmds import sim_app

app = typer.Typer(
    name="porter",
    help="Porter: hospital robot and logistics fleet manager.",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(map_app, name="map")
app.command("serve")(serve)
app.add_typer(token_app, name="token")
app.add_typer(sim_app, name="sim")
sim_app.command("rosbridge")(sim_rosbridge)


if __name__ == "__main__":
    app()
