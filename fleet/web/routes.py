"""The web pages: ``/`` (landing), ``/station`` (nursing station), ``/ops``.

The pages are static HTML and plain JavaScript modules (no build step): they
sign in with a token kept in the tab's ``sessionStorage`` and talk only to the
public API and its live-event WebSocket. :func:`install_web` adds the pages, the
static files and the few read-only data routes the pages need
(:mod:`fleet.web.data`) to an app.
"""

from __future__ import annotations

import os
from os import PathLike
from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles
from starlette.responses import Response
from starlette.types import Scope

from fleet.web import data

__all__ = ["STATIC", "TEMPLATES", "install_web", "router"]

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
TEMPLATES = HERE / "templates"

router = APIRouter(include_in_schema=False)

#: Pages change with the code; a browser must not keep an old one.
_NO_CACHE = {"Cache-Control": "no-cache"}


def _page(name: str) -> FileResponse:
    return FileResponse(TEMPLATES / name, media_type="text/html", headers=_NO_CACHE)


@router.get("/")
async def landing() -> FileResponse:
    """Where to go: the nursing station page or the operations page."""
    return _page("index.html")


@router.get("/station")
async def station() -> FileResponse:
    """The nursing station: request deliveries, follow them, hand-offs."""
    return _page("station.html")


@router.get("/ops")
async def operations() -> FileResponse:
    """Operations: floor plan, robots, lifts, doors, queue, plan, KPIs, alerts."""
    return _page("ops.html")


class _FreshStatic(StaticFiles):
    """Static files the browser re-validates (ETag) instead of caching blindly."""

    def file_response(
        self,
        full_path: PathLike[str] | str,
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers.update(_NO_CACHE)
        return response


def install_web(app: FastAPI) -> None:
    """Serve the pages, their static files and their data routes from ``app``."""
    app.include_router(data.router)
    app.include_router(router)
    app.mount("/static", _FreshStatic(directory=STATIC), name="static")
