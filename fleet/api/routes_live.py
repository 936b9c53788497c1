"""Live events over a WebSocket, and the health and readiness probes.

``/api/v1/events?token=...`` streams job, robot, alert and plan events as JSON,
each filtered to what the caller may see: a nursing station gets only its wards'
jobs, alerts and plans are for staff. Browsers cannot set headers on a WebSocket,
hence the token in the query string.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from fastapi import APIRouter, Request, WebSocket, WebSocketDisconnect
from fastapi.responses import JSONResponse

from fleet.api.errors import ApiError
from fleet.api.schemas import EventOut, JobOut, RobotOut
from fleet.core.access import can_see
from fleet.core.model import Job, Principal, Robot, Role
from fleet.service.hub import LiveEvent
from fleet.service.service import FleetService

router = APIRouter()

_STAFF = frozenset({Role.OPERATOR, Role.ADMIN})
#: WebSocket close code for a refused token (RFC 6455 "policy violation").
_POLICY_VIOLATION = 1008


@router.get("/health", tags=["health"])
async def health() -> dict[str, str]:
    """The process is up (no token, no database)."""
    return {"status": "ok"}


@router.get("/ready", tags=["health"])
async def ready(request: Request) -> JSONResponse:
    """The service is started and its database answers (no token)."""
    service: FleetService | None = getattr(request.app.state, "service", None)
    if service is None or not service.ready:
        return JSONResponse({"status": "starting"}, status_code=503)
    try:
        await asyncio.to_thread(service.store.list_robots)
    except Exception as error:  # any failure means "not ready", with the reason
        return JSONResponse(
            {"status": "database unavailable", "reason": str(error)}, status_code=503
        )
    return JSONResponse({"status": "ready"})


def render(event: LiveEvent, principal: Principal, service: FleetService) -> Any:
    """The JSON for ``event`` as ``principal`` may see it, or ``None``."""
    payload = event.payload
    staff = principal.role in _STAFF
    if event.kind == "job":
        job = payload["job"]
        assert isinstance(job, Job)
        if not can_see(service.building, principal, job):
            return None
        events = payload.get("events", ())
        return {
            "seq": event.seq,
            "kind": "job",
            "job": JobOut.of(job).model_dump(mode="json"),
            "events": [EventOut.of(e).model_dump(mode="json") for e in events],  # type: ignore[attr-defined]
        }
    if event.kind == "robot":
        robot = payload["robot"]
        assert isinstance(robot, Robot)
        return {
            "seq": event.seq,
            "kind": "robot",
            "robot": RobotOut.of(robot).model_dump(mode="json"),
        }
    if event.kind == "alert" and staff:
        alert: Any = payload["alert"]
        return {
            "seq": event.seq,
            "kind": "alert",
            "alert": {
                "kind": str(alert.kind),
                "message": alert.message,
                "robot_id": alert.robot_id,
                "job_ids": list(alert.job_ids),
            },
        }
    if event.kind == "plan" and staff:
        plan: Any = payload["plan"]
        return {"seq": event.seq, "kind": "plan", "solver": plan.solver}
    return None


@router.websocket("/api/v1/events")
async def events(websocket: WebSocket, token: str | None = None) -> None:
    """Stream live events the caller may see until the client goes away."""
    app = websocket.app
    try:
        principal = await app.state.authenticator.principal(token)
    except ApiError as error:
        await websocket.close(code=_POLICY_VIOLATION, reason=error.msg)
        return
    service: FleetService = app.state.service
    await websocket.accept()
    subscription = service.hub.subscribe()
    watcher = asyncio.create_task(_until_disconnect(websocket))
    try:
        while not watcher.done():
            next_event = asyncio.create_task(subscription.next())
            await asyncio.wait(
                {next_event, watcher}, return_when=asyncio.FIRST_COMPLETED
            )
            if not next_event.done():
                next_event.cancel()
                break
            message = render(next_event.result(), principal, service)
            if message is not None:
                await websocket.send_json(message)
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        subscription.close()
        watcher.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await watcher


async def _until_disconnect(websocket: WebSocket) -> None:
    """Read (and ignore) client messages; return when the client disconnects."""
    with contextlib.suppress(WebSocketDisconnect, RuntimeError):
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                return
