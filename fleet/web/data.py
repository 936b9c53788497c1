"""Read-only data routes the pages need beyond the public API (``/api/v1/web``).

- ``me``: who the token is (role, wards, the places of those wards), so the
  nursing page knows its ward and where a robot waits for it;
- ``levels/{level}/drawing``: everything on a level for the SVG floor plan
  (lanes, places, lifts, doors, zones with their rules), from
  :func:`maps.drawing.level_drawing`;
- ``facilities``: lifts and doors with their last reported state;
- ``kpis/today``: today's figures for operators (:mod:`fleet.web.kpis`).

Same tokens, same error shapes as the rest of the API.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import APIRouter

from fleet.api.auth import CurrentPrincipal
from fleet.api.deps import CurrentService
from fleet.core.access import ward_places
from fleet.core.errors import Forbidden, NotFound
from fleet.core.model import Role
from fleet.core.ports import DoorStatus, JobQuery, LiftStatus
from fleet.web.kpis import today_kpis
from maps.drawing import level_drawing

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/web", tags=["web pages"])

_STAFF = frozenset({Role.OPERATOR, Role.ADMIN})
#: More jobs than a hospital makes in a day; the KPI query reads at most this.
_DAY_LIMIT = 100_000


@router.get("/me")
async def me(principal: CurrentPrincipal, service: CurrentService) -> dict[str, Any]:
    """The caller: role, wards, and the places of those wards."""
    building = service.building
    own = sorted(set().union(*(ward_places(building, w) for w in principal.wards)))
    return {
        "id": principal.id,
        "role": principal.role.value,
        "wards": sorted(principal.wards),
        "places": own,
        "robot_id": principal.robot_id,
    }


@router.get("/levels/{level_id}/drawing")
async def drawing(
    level_id: str, _: CurrentPrincipal, service: CurrentService
) -> dict[str, Any]:
    """Lanes, places, lifts, doors and zones of one level, in metres."""
    building = service.building
    if level_id not in {lv.id for lv in building.levels}:
        raise NotFound("level", level_id)
    return dataclasses.asdict(level_drawing(building, level_id))


@router.get("/facilities")
async def facilities(_: CurrentPrincipal, service: CurrentService) -> dict[str, Any]:
    """Each lift and door with its last reported state (``None`` before any)."""
    lift_reports, door_reports = service.facility_reports()
    return {
        "lifts": [
            {
                "id": lift.id,
                "name": lift.name or lift.id,
                "in_service": lift.in_service,
                "levels": list(lift.stops),
                **_lift_state(lift_reports.get(lift.id)),
            }
            for lift in service.building.lifts
        ],
        "doors": [
            {
                "id": door.id,
                "name": door.name or door.id,
                "level": door.level,
                "kind": door.kind.value,
                **_door_state(door_reports.get(door.id)),
            }
            for door in service.building.doors
        ],
    }


def _lift_state(report: LiftStatus | None) -> dict[str, Any]:
    if report is None:
        return {"mode": None, "level": None, "doors_open": None, "moving": None}
    return {
        "mode": report.mode.value,
        "level": report.level,
        "doors_open": report.doors_open,
        "moving": report.moving,
        "session": report.session,
    }


def _door_state(report: DoorStatus | None) -> dict[str, Any]:
    if report is None:
        return {"open": None, "available": None}
    return {"open": report.open, "available": report.available}


@router.get("/kpis/today")
async def kpis(principal: CurrentPrincipal, service: CurrentService) -> dict[str, Any]:
    """Deliveries, on-time rate, STAT p95 and lead times of today (UTC), staff only."""
    if principal.role not in _STAFF:
        raise Forbidden(f"{principal.id} ({principal.role.value}) is not an operator")
    start = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    query = JobQuery(
        created_from=start.timestamp(),
        created_until=(start + timedelta(days=1)).timestamp(),
        limit=_DAY_LIMIT,
    )
    return today_kpis(service.jobs(query), day=start.date().isoformat())
