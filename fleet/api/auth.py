"""Bearer tokens: who is calling, as a :class:`Principal`.

The token store does the checking (a slow hash once per process and token, a
quick one after that). The first check of a token runs in a worker thread so a
scrypt never stalls the event loop; every later one is a single indexed read.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from typing import Annotated

from fastapi import Depends, Request

from fleet.api.errors import ApiError
from fleet.core.model import Principal
from fleet.core.ports import TokenStore
from fleet.service.slow_hash import on_hash_thread

__all__ = ["Authenticator", "CurrentPrincipal", "principal_of"]

_CHALLENGE = {"WWW-Authenticate": "Bearer"}


def _unauthorised(msg: str) -> ApiError:
    return ApiError(401, ["header", "Authorization"], msg, "unauthorised", _CHALLENGE)


class Authenticator:
    """Checks tokens against the token store, keeping slow checks off the loop.

    A token seen for the first time is checked in a worker thread, because that
    check is a deliberately slow scrypt (once, however many requests bring the
    token at once). After that the principal is remembered for ``fresh_s``
    seconds, then re-read from the store (its quick path: one read, one
    SHA-256): a revoked token stops working within ``fresh_s`` in every process.
    """

    def __init__(
        self, tokens: TokenStore, *, remember: int = 4096, fresh_s: float = 5.0
    ) -> None:
        self.tokens = tokens
        self.remember = remember
        self.fresh_s = fresh_s
        self._verified: dict[str, tuple[Principal, float]] = {}
        self._checking: dict[str, asyncio.Future[Principal | None]] = {}

    async def principal(self, token: str | None) -> Principal:
        """The principal presenting ``token``; 401 for a missing or bad one."""
        if not token:
            raise _unauthorised("a bearer token is required")
        key = hashlib.sha256(token.encode()).hexdigest()
        now = time.monotonic()
        known = self._verified.get(key)
        if known is not None and now - known[1] < self.fresh_s:
            return known[0]
        if known is not None:
            principal = self.tokens.principal_for(token)
        else:
            principal = await self._first_check(key, token)
        if principal is None:
            self._verified.pop(key, None)
            raise _unauthorised("unknown, revoked or malformed token")
        if key not in self._verified and len(self._verified) >= self.remember:
            self._verified.pop(next(iter(self._verified)))
        self._verified[key] = (principal, now)
        return principal

    async def _first_check(self, key: str, token: str) -> Principal | None:
        """One slow check per token, however many requests bring it at once."""
        check = self._checking.get(key)
        if check is None:
            check = asyncio.ensure_future(
                on_hash_thread(self.tokens.principal_for, token)
            )
            self._checking[key] = check
            check.add_done_callback(lambda _: self._checking.pop(key, None))
        return await asyncio.shield(check)


async def principal_of(request: Request) -> Principal:
    """FastAPI dependency: the principal of the ``Authorization: Bearer`` header."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if header and scheme.lower() != "bearer":
        raise _unauthorised("the Authorization header must read 'Bearer <token>'")
    authenticator: Authenticator = request.app.state.authenticator
    return await authenticator.principal(token.strip() or None)


CurrentPrincipal = Annotated[Principal, Depends(principal_of)]
