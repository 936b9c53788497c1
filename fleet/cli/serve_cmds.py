"""``porter serve`` and ``porter token create``.

``porter serve --demo`` is the one command a new user runs: the demo hospital,
SQLite in the working folder, virtual robots at a speed-up, and demo tokens
printed with the URL.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from fleet.core.credentials import new_token
from fleet.core.model import Principal, Role
from maps.model import Building

token_app = typer.Typer(help="API tokens: create (printed once, stored hashed).")

DEMO_TOKENS_FILE = "porter-demo-tokens.txt"


def create_token(
    tokens: object,
    role: Role,
    *,
    wards: frozenset[str] = frozenset(),
    places: frozenset[str] = frozenset(),
    robot_id: str | None = None,
    label: str = "",
) -> str:
    """Store a new token's hash in ``tokens`` (a TokenStore); return the token."""
    token, token_id, secret_hash = new_token()
    principal = Principal(
        id=token_id, role=role, wards=wards, places=places, robot_id=robot_id
    )
    tokens.add_token(secret_hash, principal, created_at=time.time(), label=label)  # type: ignore[attr-defined]
    return token


@token_app.command("create")
def token_create(
    role: Annotated[Role, typer.Option(help="Who the token speaks for.")],
    ward: Annotated[
        list[str] | None, typer.Option(help="A ward a nursing station serves.")
    ] = None,
    place: Annotated[
        list[str] | None, typer.Option(help="A place pharmacy or lab sends from.")
    ] = None,
    robot: Annotated[
        str | None, typer.Option(help="The robot a robot token is.")
    ] = None,
    label: Annotated[
        str, typer.Option(help="A note for whoever reads the table.")
    ] = "",
    database: Annotated[
        str | None,
        typer.Option(
            help="Database URL (default: PORTER_DATABASE_URL or ./porter.db)."
        ),
    ] = None,
) -> None:
    """Create an API token: printed once here, only its hash is stored."""
    from fleet.store import open_store

    wards = frozenset(ward or ())
    if role == Role.NURSING_STATION and not wards:
        raise typer.BadParameter("a nursing station needs --ward", param_hint="--ward")
    if role == Role.ROBOT and not robot:
        raise typer.BadParameter("a robot token needs --robot", param_hint="--robot")
    store = open_store(database)
    try:
        token = create_token(
            store.tokens,
            role,
            wards=wards,
            places=frozenset(place or ()),
            robot_id=robot,
            label=label,
        )
    finally:
        store.close()
    typer.echo(token)


def serve(
    demo: Annotated[
        bool, typer.Option("--demo", help="Demo hospital, virtual robots, demo tokens.")
    ] = False,
    building: Annotated[
        str, typer.Option(help="A map file, or a sample building's name.")
    ] = "demo_hospital",
    database: Annotated[
        str | None,
        typer.Option(
            help="Database URL (default: PORTER_DATABASE_URL or ./porter.db)."
        ),
    ] = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    robots: Annotated[int, typer.Option(min=0, help="Virtual robots.")] = 6,
    speed: Annotated[
        float, typer.Option(min=0.1, help="Speed-up of the virtual world.")
    ] = 10.0,
    solver: Annotated[
        str, typer.Option(help="Dispatcher: ortools or greedy.")
    ] = "ortools",
    demo_traffic: Annotated[
        bool, typer.Option("--demo-traffic", help="Send a trickle of demo requests.")
    ] = False,
    log_level: Annotated[str, typer.Option(help="uvicorn log level.")] = "info",
    fleet: Annotated[
        Path | None,
        typer.Option(help="fleet.yaml: real robots, lifts, doors over rosbridge."),
    ] = None,
) -> None:
    """Run the fleet service and its API (with virtual robots, or --fleet)."""
    import uvicorn

    from fleet.api.app import create_app
    from fleet.api.compose import ServeSettings, site_building

    if solver not in {"ortools", "greedy"}:
        raise typer.BadParameter("ortools or greedy", param_hint="--solver")
    site = site_building(building)
    settings = ServeSettings(
        building=building,
        database_url=database,
        robots=robots,
        speed=speed,
        solver=solver,  # type: ignore[arg-type]
        demo_traffic=demo_traffic,
        fleet_file=str(fleet) if fleet else None,
    )
    if fleet is not None:
        _check_fleet(fleet, site)
    fleet_words = (
        f"robots of {fleet}" if fleet else f"{robots} virtual robots at {speed:g}x"
    )
    typer.echo(
        f"Porter: {site.name}, {fleet_words}, "
        f"on http://{host}:{port}/ (API docs: http://{host}:{port}/docs)"
    )
    if demo:
        _print_demo_tokens(database, site, f"http://{host}:{port}")
    app = create_app(settings)
    uvicorn.run(app, host=host, port=port, log_level=log_level, access_log=False)


def _check_fleet(path: Path, site: object) -> None:
    """Refuse a bad fleet file before starting, naming the robot and field."""
    from robot_adapters.fleet_config import FleetConfigError, load_fleet

    try:
        config = load_fleet(path, site)  # type: ignore[arg-type]
    except FleetConfigError as error:
        raise typer.BadParameter(str(error), param_hint="--fleet") from error
    if getattr(site, "lifts", ()) and not (config.lifts and config.lifts.lifts):
        typer.echo(f"note: {path} lists no lifts: robots will not ride lifts", err=True)


def _print_demo_tokens(database: str | None, site: Building, url: str) -> None:
    from fleet.cli.demo_tokens import demo_tokens

    tokens = demo_tokens(database, site, Path(DEMO_TOKENS_FILE))
    typer.echo(f"Demo tokens (kept in ./{DEMO_TOKENS_FILE}):")
    for role, token in tokens:
        typer.echo(f"  {role:<32} {token}")
    typer.echo(f"Nursing station page: {url}/station  (sign in with a station token)")
    typer.echo(f"Operations page:      {url}/ops  (sign in with the operator token)")
    typer.echo(
        f"Try: curl -H 'Authorization: Bearer <operator token>' {url}/api/v1/requests"
    )
