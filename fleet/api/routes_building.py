"""``/api/v1/building`` and ``/api/v1/plan``: what the pages draw."""

from __future__ import annotations

import dataclasses
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel

from fleet.api.auth import CurrentPrincipal
from fleet.api.deps import CurrentService
from fleet.api.schemas import ErrorOut, when
from fleet.core.access import can_see
from fleet.core.errors import NotFound
from fleet.core.model import Role
from maps import drawing as maps_drawing

router = APIRouter(
    prefix="/api/v1",
    tags=["building"],
    responses={code: {"model": ErrorOut} for code in (401, 404, 503)},
)


class LevelOut(BaseModel):
    id: str
    name: str
    elevation_m: float


class PlaceOut(BaseModel):
    id: str
    kind: str
    name: str
    level: str
    waypoint: str
    x: float
    y: float
    nursing_station: str | None


class LiftOut(BaseModel):
    id: str
    name: str
    stops: dict[str, str]
    in_service: bool
    shared_with_people: bool


class DoorOut(BaseModel):
    id: str
    name: str
    level: str
    kind: str
    start: str
    end: str


@router.get("/building/levels", response_model=list[LevelOut])
async def levels(_: CurrentPrincipal, service: CurrentService) -> list[LevelOut]:
    return [
        LevelOut(id=lv.id, name=lv.name or lv.id, elevation_m=lv.elevation_m)
        for lv in service.building.levels
    ]


@router.get("/building/places", response_model=list[PlaceOut])
async def places(_: CurrentPrincipal, service: CurrentService) -> list[PlaceOut]:
    building = service.building
    found = []
    for place in building.places:
        waypoint = building.waypoint(place.waypoint)
        found.append(
            PlaceOut(
                id=place.id,
                kind=place.kind.value,
                name=place.name or place.id,
                level=waypoint.level,
                waypoint=place.waypoint,
                x=waypoint.x,
                y=waypoint.y,
                nursing_station=place.nursing_station,
            )
        )
    return found


@router.get("/building/lifts", response_model=list[LiftOut])
async def lifts(_: CurrentPrincipal, service: CurrentService) -> list[LiftOut]:
    return [
        LiftOut(
            id=lift.id,
            name=lift.name or lift.id,
            stops=dict(lift.stops),
            in_service=lift.in_service,
            shared_with_people=lift.shared_with_people,
        )
        for lift in service.building.lifts
    ]


@router.get("/building/doors", response_model=list[DoorOut])
async def doors(_: CurrentPrincipal, service: CurrentService) -> list[DoorOut]:
    return [
        DoorOut(
            id=door.id,
            name=door.name or door.id,
            level=door.level,
            kind=door.kind.value,
            start=door.start,
            end=door.end,
        )
        for door in service.building.doors
    ]


@router.get("/building/levels/{level_id}/drawing")
async def level_drawing(
    level_id: str, _: CurrentPrincipal, service: CurrentService, request: Request
) -> dict[str, Any]:
    """Everything on one level (lanes, places, lifts, doors, zones) for drawing.

    The data of :func:`maps.drawing.level_drawing`, in metres of the building
    frame: the pages draw it as SVG, ``porter map draw`` as a PNG.
    """
    building = service.building
    if level_id not in {lv.id for lv in building.levels}:
        raise NotFound("level", level_id)
    # The building never changes while the service runs: draw each level once.
    drawings: dict[str, dict[str, Any]] = request.app.state.drawings
    if level_id not in drawings:
        drawings[level_id] = dataclasses.asdict(
            maps_drawing.level_drawing(building, level_id)
        )
    return drawings[level_id]


@router.get("/plan", tags=["plan"])
async def plan(principal: CurrentPrincipal, service: CurrentService) -> dict[str, Any]:
    """The current plan: each robot's stops with ETAs, and the jobs left waiting.

    Staff see every stop; other callers see the stops of jobs they may see.
    """
    current = service.plan()
    if current is None:
        return {"solver": None, "routes": {}, "unassigned": {}, "notes": []}
    staff = principal.role in {Role.OPERATOR, Role.ADMIN}

    def visible(job_id: str | None) -> bool:
        if staff:
            return True
        if job_id is None:
            return False
        try:
            return can_see(service.building, principal, service.job(job_id))
        except NotFound:
            return False

    routes = {
        robot_id: [
            {
                "kind": stop.kind.value,
                "node": stop.node,
                "job_id": stop.job_id,
                "arrival": when(stop.arrival),
                "departure": when(stop.departure),
            }
            for stop in stops
            if visible(stop.job_id)
        ]
        for robot_id, stops in current.routes.items()
    }
    if not staff:
        routes = {robot: stops for robot, stops in routes.items() if stops}
    return {
        "solver": current.solver,
        "routes": routes,
        "unassigned": {
            job: reason.value
            for job, reason in current.unassigned.items()
            if visible(job)
        },
        "notes": list(current.notes) if staff else [],
    }
