"""``porter map ...``: validate, import, route and draw building maps."""

from __future__ import annotations

import typer

map_app = typer.Typer(
    help="Building maps: validate, import, route, draw.", no_args_is_help=True
)

from fleet.cli.map_import_cmd import import_map  # noqa: E402

map_app.command("import")(import_map)

from fleet.cli.map_validate_cmd import validate_map  # noqa: E402

map_app.command("validate")(validate_map)

from fleet.cli.map_route_cmds import demo, draw_map, route_map  # noqa: E402

map_app.command("route")(route_map)
map_app.command("draw")(draw_map)
map_app.command("demo")(demo)
