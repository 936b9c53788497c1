"""FastAPI dependencies: the running service and the building it serves.

They are ``async def`` on purpose: FastAPI runs a plain ``def`` dependency in a
worker thread, which cost more per request than the rest of the route.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from fleet.api.errors import ApiError
from fleet.service.service import FleetService
from maps.model import Building

__all__ = ["CurrentBuilding", "CurrentService"]


async def service_of(request: Request) -> FleetService:
    service: FleetService | None = getattr(request.app.state, "service", None)
    if service is None or not service.ready:
        raise ApiError(503, ["service"], "the fleet service is starting", "starting")
    return service


async def building_of(request: Request) -> Building:
    return (await service_of(request)).building


CurrentService = Annotated[FleetService, Depends(service_of)]
CurrentBuilding = Annotated[Building, Depends(building_of)]
