"""The FastAPI application: ``create_app(service_or_settings)``.

Give it a wired :class:`FleetService` (and its token store) to serve that, or
:class:`ServeSettings` to have the app assemble one on start-up. Either way the
service starts in the app's lifespan, on uvicorn's event loop, and stops with it.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from fastapi import FastAPI

from fleet.api import routes_building, routes_live, routes_requests, routes_robots
from fleet.api.auth import Authenticator
from fleet.api.errors import install_error_handlers
from fleet.api.fast_create import FastCreate
from fleet.api.security import install_security
from fleet.core.ports import TokenStore
from fleet.service.service import FleetService
from fleet.web.routes import install_web

if TYPE_CHECKING:
    from fleet.api.compose import ServeSettings

__all__ = ["create_app"]

DESCRIPTION = """Porter's fleet API. Every call but `/health` and `/ready` needs
`Authorization: Bearer <token>` (`porter token create`). Errors always read
`{"detail": [{"loc": [..., "field"], "msg": "why", "type": "..."}]}`."""


def create_app(
    target: FleetService | ServeSettings,
    *,
    tokens: TokenStore | None = None,
    short_paths: bool = True,
) -> FastAPI:
    """The API for ``target``: a wired service (with ``tokens``) or settings.

    ``short_paths=False`` sends every call through FastAPI's routes, even a
    create (:mod:`fleet.api.fast_create`): to compare the two.
    """
    if isinstance(target, FleetService) and tokens is None:
        raise ValueError("create_app(service) needs the token store: tokens=...")

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        assembly = None
        if isinstance(target, FleetService):
            service, token_store = target, tokens
        else:
            # Imported here: the store and adapters load only when asked for.
            from fleet.api.compose import assemble

            assembly = assemble(target)
            service, token_store = assembly.service, assembly.store.tokens
        assert token_store is not None
        app.state.tokens = token_store
        app.state.authenticator = Authenticator(token_store)
        app.state.assembly = assembly
        app.state.drawings = {}
        app.state.loop = asyncio.get_running_loop()
        await service.start()
        app.state.service = service
        # What is loaded by now (the building and its graphs, the app, the
        # libraries) lives as long as the server: out of the collector's full
        # passes, which would otherwise walk all of it again and again as the
        # backlog of jobs grows, stalling every request each time.
        gc.freeze()
        traffic = None
        if assembly is not None and target.demo_traffic:  # type: ignore[union-attr]
            from fleet.api.demo_traffic import DemoTraffic

            traffic = asyncio.create_task(DemoTraffic(service).run())
        try:
            yield
        finally:
            if traffic is not None:
                traffic.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await traffic
            await service.stop()
            if assembly is not None:
                assembly.close()
            gc.unfreeze()

    app = FastAPI(
        title="Porter",
        version="1",
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    install_error_handlers(app)
    # Added before the security middleware, so it runs inside it: the short
    # path gets the same headers and body limit as every other answer.
    if short_paths:
        app.add_middleware(FastCreate)
    install_security(app)
    for module in (routes_requests, routes_robots, routes_building, routes_live):
        app.include_router(module.router)
    install_web(app)
    return app
