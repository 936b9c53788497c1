"""A short path for the busiest call, ``POST /api/v1/requests``.

Creating a request is what every nursing station, the pharmacy and the lab do
all day, and under load FastAPI's per-request machinery (dependency solving,
the exception-handling layers, the response model) cost more CPU than the
work itself (bench/api_load.py; docs/benchmarks.md "Fleet API load"). This
pure ASGI middleware answers a well-formed create itself: the same token
check, the same pydantic models, the same service call, the same JSON.

Anything out of the ordinary is handed on untouched to the FastAPI route, which
stays the one documented in OpenAPI: a body that does not validate, a missing
or malformed header, a service still starting. So every error answer still
comes from one place (:mod:`fleet.api.errors`), and the short path only ever
answers what the route would have answered.
"""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter, ValidationError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fleet.api.errors import ApiError, domain_answer, error_body
from fleet.api.schemas import JobOut, RequestIn
from fleet.api.security import replay_body
from fleet.core.errors import FleetError

__all__ = ["FastCreate"]

PATH = "/api/v1/requests"
_REQUEST: TypeAdapter[Any] = TypeAdapter(RequestIn)
_JSON = b"application/json"


class FastCreate:
    """Answer a well-formed create directly; hand everything else on."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope.get("method") != "POST"
            or scope.get("path") != PATH
        ):
            await self.app(scope, receive, send)
            return
        messages = await _read_body(receive)
        answer = await _create(scope, b"".join(m.get("body", b"") for m in messages))
        if answer is None:
            await self.app(scope, replay_body(messages, receive), send)
            return
        status, body, headers = answer
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", _JSON),
                    (b"content-length", str(len(body)).encode()),
                    *headers,
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


Answer = tuple[int, bytes, list[tuple[bytes, bytes]]]


async def _create(scope: Scope, raw: bytes) -> Answer | None:
    """The answer to a create, or ``None`` to let the FastAPI route answer."""
    headers = _headers(scope)
    service = getattr(scope["app"].state, "service", None)
    key = headers.get(b"idempotency-key")
    if (
        service is None
        or not service.ready
        or not headers.get(b"content-type", b"").startswith(_JSON)
        or (key is not None and not 1 <= len(key) <= 200)
    ):
        return None
    try:
        request = _REQUEST.validate_json(raw)
    except ValidationError:
        return None
    authorization = headers.get(b"authorization", b"").decode("latin-1")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    try:
        principal = await scope["app"].state.authenticator.principal(token.strip())
        job, created = await service.request_job(
            request.to_core(),
            principal,
            idempotency_key=None if key is None else key.decode("latin-1"),
        )
    except ApiError as error:
        extra = [(k.encode(), v.encode()) for k, v in (error.headers or {}).items()]
        return error.status, _dump(error_body(error.loc, error.msg, error.kind)), extra
    except FleetError as error:
        status, answer, more = domain_answer(error)
        extra = [(k.encode(), v.encode()) for k, v in more.items()]
        return status, _dump(answer), extra
    location = f"{PATH}/{job.id}".encode()
    body = JobOut.of(job).model_dump_json().encode()
    return (201 if created else 200), body, [(b"location", location)]


def _headers(scope: Scope) -> dict[bytes, bytes]:
    """The request's headers by lower-case name (ASGI gives them lower-case)."""
    return dict(scope.get("headers", ()))


async def _read_body(receive: Receive) -> list[Message]:
    # The body limit is enforced outside (fleet.api.security.SecurityHeaders).
    messages: list[Message] = []
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request" or not message.get("more_body"):
            return messages


_ANY: TypeAdapter[Any] = TypeAdapter(Any)


def _dump(body: dict[str, Any]) -> bytes:
    return _ANY.dump_json(body)
