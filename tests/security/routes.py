"""The routes an app serves, as ``(method, path)`` pairs, however FastAPI nests them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIWebSocketRoute
from starlette.routing import Mount, Route, WebSocketRoute

__all__ = ["app_routes"]

_IMPLICIT = {"HEAD", "OPTIONS"}


def app_routes(app: FastAPI) -> set[tuple[str, str]]:
    """Every ``(METHOD, path)`` of ``app``; ``("WS", path)`` for WebSockets and
    ``("GET", prefix)`` for a mounted sub-application (static files)."""
    return set(_walk(app.routes, ""))


def _walk(routes: Iterable[Any], prefix: str) -> Iterator[tuple[str, str]]:
    for route in routes:
        # FastAPI >= 0.16x keeps an included router whole, wrapped.
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from _walk(inner.routes, prefix + route.include_context.prefix)
        elif isinstance(route, APIWebSocketRoute | WebSocketRoute):
            yield "WS", prefix + route.path
        elif isinstance(route, Mount):
            yield "GET", prefix + route.path
        elif isinstance(route, Route):
            for method in sorted(set(route.methods or ()) - _IMPLICIT):
                yield method, prefix + route.path
        else:
            raise AssertionError(f"a route of unknown shape: {route!r}")
