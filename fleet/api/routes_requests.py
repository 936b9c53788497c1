"""``/api/v1/requests``: create, list, read, cancel, and confirm hand-offs."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Body, Header, Query, Response

from fleet.api.auth import CurrentPrincipal
from fleet.api.deps import CurrentService
from fleet.api.errors import ApiError
from fleet.api.schemas import (
    CancelIn,
    ErrorOut,
    EventOut,
    HandoffIn,
    JobDetailOut,
    JobOut,
    RequestIn,
)
from fleet.core.access import can_see
from fleet.core.errors import Forbidden
from fleet.core.model import Job, JobStatus, Principal, Role
from fleet.core.ports import JobQuery
from fleet.service.service import FleetService

router = APIRouter(
    prefix="/api/v1/requests",
    tags=["requests"],
    responses={code: {"model": ErrorOut} for code in (401, 403, 404, 409, 422, 503)},
)

IdempotencyKey = Annotated[
    str | None,
    Header(
        min_length=1,
        max_length=200,
        description="Repeat a create with the same key: one job, the same answer.",
    ),
]


@router.post("", status_code=201, response_model=JobOut)
async def create_request(
    body: Annotated[RequestIn, Body()],
    principal: CurrentPrincipal,
    service: CurrentService,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> JobOut:
    """Ask for a delivery or a guidance; committed before the answer."""
    job, created = await service.request_job(
        body.to_core(), principal, idempotency_key=idempotency_key
    )
    if not created:
        response.status_code = 200
    response.headers["Location"] = f"/api/v1/requests/{job.id}"
    return JobOut.of(job)


@router.get("", response_model=list[JobOut])
async def list_requests(
    principal: CurrentPrincipal,
    service: CurrentService,
    ward: Annotated[str | None, Query(max_length=64)] = None,
    status: Annotated[list[JobStatus] | None, Query()] = None,
    day: Annotated[date | None, Query(alias="date", description="UTC day")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0,
) -> list[JobOut]:
    """The requests the caller may see, oldest first, filtered."""
    start = None if day is None else datetime(day.year, day.month, day.day, tzinfo=UTC)
    query = JobQuery(
        statuses=frozenset(status) if status else None,
        wards=_wards(principal, ward),
        created_from=None if start is None else start.timestamp(),
        created_until=None if start is None else (start + timedelta(1)).timestamp(),
        limit=limit,
        offset=offset,
    )
    building = service.building
    return [
        JobOut.of(job)
        for job in service.jobs(query)
        if can_see(building, principal, job)
    ]


def _wards(principal: Principal, ward: str | None) -> frozenset[str] | None:
    """The ward filter: a station is always held to its own wards."""
    if principal.role != Role.NURSING_STATION:
        return None if ward is None else frozenset({ward})
    if ward is None:
        return principal.wards
    if ward not in principal.wards:
        raise ApiError(
            403,
            ["query", "ward"],
            f"{principal.id} does not serve ward {ward}",
            "forbidden",
        )
    return frozenset({ward})


@router.get("/{job_id}", response_model=JobDetailOut)
async def get_request(
    job_id: str, principal: CurrentPrincipal, service: CurrentService
) -> JobDetailOut:
    """One request: status, robot, ETAs and its whole history."""
    job = _visible(service, principal, job_id)
    history = [EventOut.of(event) for event in service.job_history(job_id)]
    return JobDetailOut(**JobOut.of(job).model_dump(), history=history)


@router.post("/{job_id}/cancel", response_model=JobOut)
async def cancel_request(
    job_id: str,
    principal: CurrentPrincipal,
    service: CurrentService,
    body: Annotated[CancelIn | None, Body()] = None,
) -> JobOut:
    """Cancel; items already on board go back to the sender."""
    reason = body.reason if body is not None else "cancelled"
    _visible(service, principal, job_id)
    return JobOut.of(await service.cancel_job(job_id, principal, reason))


@router.post("/{job_id}/handoff", response_model=JobOut)
async def confirm_handoff(
    job_id: str,
    principal: CurrentPrincipal,
    service: CurrentService,
    body: Annotated[HandoffIn | None, Body()] = None,
) -> JobOut:
    """Confirm loading or hand-off at the robot (with the PIN for secure items)."""
    pin = body.pin if body is not None else None
    _visible(service, principal, job_id)
    return JobOut.of(await service.confirm_handoff(job_id, pin, principal))


def _visible(service: FleetService, principal: Principal, job_id: str) -> Job:
    """The job, if it exists (404) and the caller may see it (403)."""
    job = service.job(job_id)
    if not can_see(service.building, principal, job):
        raise Forbidden(f"{principal.id} may not see job {job_id!r}")
    return job
