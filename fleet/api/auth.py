"""Bearer tokens: who is calling, as a :class:`Principal`.

The token store does the checking (a slow hash once per process and token, a
quick one after that). The first check of a token runs in a worker thread so a
scrypt never stalls the event loop; every later one is a single indexed read.
"""

from __future__ import annotations

import asyncio
import hashlib
from typing import Annotated

from fastapi import Depends, Request

from fleet.api.errors import ApiError
from fleet.core.model import Principal
from fleet.core.ports import TokenStore

__all__ = ["Authenticator", "CurrentPrincipal", "principal_of"]

_CHALLENGE = {"WWW-Authenticate": "Bearer"}


def _unauthorised(msg: str) -> ApiError:
    return ApiError(401, ["header", "Authorization"], msg, "unauthorised", _CHALLENGE)


class Authenticator:
    """Checks tokens against the token store, keeping slow checks off the loop.

    Tokens this process has verified before are checked inline (the store's quick
    path: one read, one SHA-256); a token seen for the first time is checked in a
    worker thread, because that check is a deliberately slow scrypt.
    """

    def __init__(self, tokens: TokenStore, *, remember: int = 4096) -> None:
        self.tokens = tokens
        self.remember = remember
        self._verified: dict[str, None] = {}

    async def principal(self, token: str | None) -> Principal:
        """The principal presenting ``token``; 401 for a missing or bad one."""
        if not token:
            raise _unauthorised("a bearer token is required")
        key = hashlib.sha256(token.encode()).hexdigest()
        if key in self._verified:
            principal = self.tokens.principal_for(token)
        else:
            principal = await asyncio.to_thread(self.tokens.principal_for, token)
        if principal is None:
            self._verified.pop(key, None)
            raise _unauthorised("unknown, revoked or malformed token")
        if len(self._verified) >= self.remember:
            self._verified.pop(next(iter(self._verified)))
        self._verified[key] = None
        return principal


async def principal_of(request: Request) -> Principal:
    """FastAPI dependency: the principal of the ``Authorization: Bearer`` header."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if header and scheme.lower() != "bearer":
        raise _unauthorised("the Authorization header must read 'Bearer <token>'")
    authenticator: Authenticator = request.app.state.authenticator
    return await authenticator.principal(token.strip() or None)


CurrentPrincipal = Annotated[Principal, Depends(principal_of)]
