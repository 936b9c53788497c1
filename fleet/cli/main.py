"""The ``porter`` command: one typer app, one sub-app per area.

The sub-apps are imported only when their command runs (or for ``--help``):
``porter serve`` should not pay for matplotlib, the simulator and the map
importer before it can start serving, nor ``porter token`` for any of it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

import typer
from typer.core import TyperGroup

if TYPE_CHECKING:
    from typer._click import Command  # the click Typer carries, its groups' type

#: Sub-command name -> (module, attribute): a Typer app, or a function that
#: returns one.
LAZY = {
    "map": ("fleet.cli.map_commands", "map_app"),
    "sim": ("fleet.cli.main", "sim_commands"),
    "token": ("fleet.cli.serve_cmds", "token_app"),
}


class LazyGroup(TyperGroup):
    """A click group whose sub-commands load on first use."""

    def list_commands(self, ctx: Any) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(LAZY))

    def get_command(self, ctx: Any, cmd_name: str) -> Command | None:
        if cmd_name not in LAZY:
            return super().get_command(ctx, cmd_name)
        module, attribute = LAZY[cmd_name]
        target = getattr(importlib.import_module(module), attribute)
        sub_app = target() if not isinstance(target, typer.Typer) else target
        # Mounted as add_typer would: a sub-app of one command stays a group.
        holder = typer.Typer()
        holder.add_typer(sub_app, name=cmd_name)
        group = typer.main.get_command(holder)
        assert isinstance(group, TyperGroup)
        return group.get_command(ctx, cmd_name)


def sim_commands() -> typer.Typer:
    """``porter sim``: the simulator, and the virtual ROS world for ROS tests."""
    from fleet.cli.ros_cmds import sim_rosbridge
    from fleet.cli.sim_cmds import sim_app

    if all(command.name != "rosbridge" for command in sim_app.registered_commands):
        sim_app.command("rosbridge")(sim_rosbridge)
    return sim_app


def _serve_command() -> None:
    from fleet.cli.serve_cmds import serve

    app.command("serve")(serve)


app = typer.Typer(
    name="porter",
    help="Porter: hospital robot and logistics fleet manager.",
    no_args_is_help=True,
    add_completion=False,
    cls=LazyGroup,
)


@app.callback()
def porter() -> None:
    """Porter: hospital robot and logistics fleet manager."""


_serve_command()


if __name__ == "__main__":
    app()
