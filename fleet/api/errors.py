"""One place that turns domain errors into HTTP answers.

Every error body has FastAPI's validation shape, ``{"detail": [{"loc": [...],
"msg": "...", "type": "..."}]}``, so a client always finds the field (the last
name in ``loc``; an index follows it for an item of a list) and the reason,
whatever the status code.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from fleet.core.errors import (
    Conflict,
    FleetError,
    Forbidden,
    HandoffLocked,
    InvalidRequest,
    NotFound,
    StoreUnavailable,
    TransitionNotAllowed,
)

__all__ = ["ApiError", "domain_answer", "error_body", "install_error_handlers"]


class ApiError(Exception):
    """An HTTP error raised by the API itself (401, a bad query parameter...)."""

    def __init__(
        self,
        status: int,
        loc: list[str | int],
        msg: str,
        kind: str,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(msg)
        self.status, self.loc, self.msg, self.kind = status, loc, msg, kind
        self.headers = headers


def error_body(loc: list[str | int], msg: str, kind: str) -> dict[str, Any]:
    return {"detail": [{"loc": loc, "msg": msg, "type": kind}]}


def _domain(error: FleetError) -> tuple[int, list[str | int], str]:
    """Status, location and type of a domain error; subclasses before bases."""
    if isinstance(error, NotFound):
        return 404, ["path", f"{error.kind}_id"], "not_found"
    if isinstance(error, HandoffLocked):
        return 403, ["body", "pin"], "handoff_locked"
    if isinstance(error, Forbidden):
        field = "pin" if "pin" in str(error).lower() else "authorization"
        where = "body" if field == "pin" else "header"
        return 403, [where, field], "forbidden"
    if isinstance(error, TransitionNotAllowed):
        return 409, ["path", f"{error.subject}_id"], "transition_not_allowed"
    if isinstance(error, Conflict):
        return 409, ["body"], "conflict"
    if isinstance(error, InvalidRequest):
        return 422, ["body", error.field], "invalid_request"
    if isinstance(error, StoreUnavailable):
        return 503, ["database"], "store_unavailable"
    return 500, [], "internal"


def _message(error: Exception) -> str:
    if isinstance(error, InvalidRequest):
        return str(error).split(": ", 1)[-1]
    return str(error)


def domain_answer(
    error: FleetError, path_params: dict[str, Any] | None = None
) -> tuple[int, dict[str, Any], dict[str, str]]:
    """Status, body and headers answering a domain error."""
    status, loc, kind = _domain(error)
    if loc == ["body"] and path_params:
        # A conflict with the thing the path names (a job already ended...).
        loc = ["path", next(iter(path_params))]
    headers = {"Retry-After": "1"} if status == 503 else {}
    return status, error_body(loc, _message(error), kind), headers


async def _on_domain_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, FleetError)
    status, body, headers = domain_answer(error, request.path_params)
    return JSONResponse(body, status_code=status, headers=headers or None)


async def _on_api_error(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, ApiError)
    return JSONResponse(
        error_body(error.loc, error.msg, error.kind),
        status_code=error.status,
        headers=error.headers,
    )


async def _on_validation_error(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    detail = [
        {"loc": _field_loc(item), "msg": item["msg"], "type": item["type"]}
        for item in error.errors()
    ]
    return JSONResponse({"detail": detail}, status_code=422)


def _field_loc(item: Any) -> list[str | int]:
    """pydantic's location, ending in the discriminator when that was wrong."""
    loc = list(item["loc"])
    if item["type"] in {"union_tag_invalid", "union_tag_not_found"}:
        loc.append(str(item.get("ctx", {}).get("discriminator", "kind")).strip("'"))
    return loc


async def _on_http_error(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    return JSONResponse(
        error_body(["path"], str(error.detail), "http_error"),
        status_code=error.status_code,
        headers=getattr(error, "headers", None),
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(FleetError, _on_domain_error)
    app.add_exception_handler(ApiError, _on_api_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
