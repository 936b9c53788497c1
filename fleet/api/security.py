"""HTTP hardening: security headers, CORS for configured origins, body limits, logs.

- Every answer says ``X-Content-Type-Options: nosniff``, may not be framed
  (``X-Frame-Options: DENY`` and CSP ``frame-ancestors 'none'``) and sends no
  referrer; API answers (``/api/``, ``/health``, ``/ready``) are ``no-store``:
  they carry patients' deliveries and must not sit in a shared cache.
- CORS only for the origins in ``PORTER_CORS_ORIGINS`` (comma-separated); none by
  default, so a browser page from another site cannot call the API.
- Request bodies above ``max_body_bytes`` get 413 naming the body.
- Log lines never carry a token: the WebSocket takes its token in the query
  string, and uvicorn logs that path; :class:`RedactSecrets` masks it.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable

from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "MAX_BODY_BYTES",
    "RedactSecrets",
    "install_security",
    "redact",
    "replay_body",
]

#: A request body is a few hundred bytes; 64 KiB leaves room and stops abuse.
MAX_BODY_BYTES = 64 * 1024

_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy", b"frame-ancestors 'none'"),
    (b"referrer-policy", b"no-referrer"),
]
_NO_STORE = (b"cache-control", b"no-store")
_API_PREFIXES = ("/api/", "/health", "/ready")
_SECRETS = [
    (re.compile(r"(?i)(token=)[^&\s\"']+"), r"\1***"),
    (re.compile(r"(?i)(bearer\s+)[^\s\"']+"), r"\1***"),
    (re.compile(r"prt_[0-9a-f]+_[A-Za-z0-9_\-]+"), "prt_***"),
    (re.compile(r"(?i)(\"?pin\"?\s*[:=]\s*\"?)[^\"',\s}]+"), r"\1***"),
]
_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access", "fleet")


def redact(text: str) -> str:
    """``text`` with tokens, bearer credentials and PINs masked."""
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    return text


class RedactSecrets(logging.Filter):
    """A logging filter that masks secrets in the formatted message."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


_FILTER = RedactSecrets()


def guard_logs(names: Iterable[str] = _LOGGERS) -> None:
    """Attach the redacting filter to the loggers that may see a secret (once)."""
    for name in names:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)


class SecurityHeaders:
    """Pure ASGI middleware adding the headers above (HTTP answers only)."""

    def __init__(self, app: ASGIApp, max_body_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # uvicorn sets up its loggers after the app is made: guard them here too.
        guard_logs()
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        api = str(scope.get("path", "")).startswith(_API_PREFIXES)
        target: ASGIApp = self.app
        where = _nul_in(scope)
        if where is not None:
            target = _refused(where, "contains a NUL character", "nul_character")
        elif scope.get("method") in {"POST", "PUT", "PATCH"}:
            # Read at most the limit (a body is small), then hand it on.
            body = await _read_limited(receive, self.max_body_bytes, scope)
            if body is None:
                target = _too_large(self.max_body_bytes)
            else:
                receive = replay_body(body, receive)

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                headers += [h for h in _HEADERS if h[0] not in names]
                if api:
                    headers = [h for h in headers if h[0].lower() != b"cache-control"]
                    headers.append(_NO_STORE)
                message["headers"] = headers
            await send(message)

        await target(scope, receive, with_headers)


def _declared_length(scope: Scope) -> int:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            return int(value) if value.isdigit() else 0
    return 0


async def _read_limited(
    receive: Receive, limit: int, scope: Scope
) -> list[Message] | None:
    """The body's messages, or ``None`` once it is longer than ``limit``."""
    if _declared_length(scope) > limit:
        return None
    messages: list[Message] = []
    total = 0
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            return messages
        total += len(message.get("body", b""))
        if total > limit:
            return None
        if not message.get("more_body", False):
            return messages


def replay_body(messages: list[Message], receive: Receive) -> Receive:
    pending = list(messages)

    async def replayed() -> Message:
        return pending.pop(0) if pending else await receive()

    return replayed


def _nul_in(scope: Scope) -> str | None:
    """``"path"`` or ``"query"`` if it holds a NUL, which no id or name has and
    PostgreSQL cannot even compare text with."""
    if "\x00" in str(scope.get("path", "")):
        return "path"
    if b"%00" in bytes(scope.get("query_string", b"")):
        return "query"
    return None


def _refused(where: str, msg: str, kind: str, status: int = 422) -> JSONResponse:
    detail = {"loc": [where], "msg": msg, "type": kind}
    return JSONResponse({"detail": [detail]}, status_code=status)


def _too_large(limit: int) -> JSONResponse:
    """413 in the API's error shape, naming the body."""
    return _refused(
        "body", f"the request body is larger than {limit} bytes", "too_large", 413
    )


def cors_origins() -> list[str]:
    """The origins allowed to call the API from a browser (``PORTER_CORS_ORIGINS``)."""
    raw = os.environ.get("PORTER_CORS_ORIGINS", "")
    return [origin.strip() for origin in raw.split(",") if origin.strip()]


def install_security(
    app: FastAPI,
    *,
    origins: list[str] | None = None,
    max_body_bytes: int = MAX_BODY_BYTES,
) -> None:
    """Add headers, CORS (only for ``origins``), the body limit and log redaction."""
    allowed = cors_origins() if origins is None else origins
    if allowed:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=allowed,
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type", "Idempotency-Key"],
        )
    app.add_middleware(SecurityHeaders, max_body_bytes=max_body_bytes)
    guard_logs()
