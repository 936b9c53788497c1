"""Secrets at rest and on the wire: hashed tokens and PINs, headers, CORS, limits.

PIN attempts are limited: ``tests/e2e/test_handoff.py`` locks a hand-off after the
configured number of wrong PINs (403 ``handoff_locked``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import MetaData, create_engine, select

from fleet.api.security import install_security, redact
from fleet.cli.serve_cmds import create_token
from fleet.core.model import Role
from fleet.store import open_store
from tests.e2e.flow import delivery
from tests.e2e.server import PorterServer, client, running, settings_for

PIN = "735291"


@pytest.fixture
def served(database_url: str) -> Iterator[tuple[PorterServer, str]]:
    store = open_store(database_url)
    token = create_token(store.tokens, Role.OPERATOR)
    store.close()
    with running(settings_for(database_url, speed=1.0)) as server:
        yield server, token


def _every_stored_value(database_url: str) -> str:
    """Every row of every table, as one text (to search for secrets)."""
    engine = create_engine(database_url)
    try:
        metadata = MetaData()
        metadata.reflect(engine)
        with engine.connect() as connection:
            rows = [
                repr(tuple(row))
                for table in metadata.sorted_tables
                for row in connection.execute(select(table))
            ]
    finally:
        engine.dispose()
    return "\n".join(rows)


def test_tokens_and_pins_are_stored_hashed(
    served: tuple[PorterServer, str], database_url: str
) -> None:
    """No token, token secret or PIN is anywhere in the database; scrypt hashes are."""
    server, token = served
    secure = delivery(category="controlled_substance", pin=PIN)
    with client(server, token) as api:
        answer = api.post("/api/v1/requests", json=secure)
        assert answer.status_code == 201, answer.text
        assert PIN not in answer.text
    stored = _every_stored_value(database_url)
    secret = token.split("_", 2)[2]
    assert token not in stored and secret not in stored
    assert PIN not in stored
    assert stored.count("scrypt$") >= 2  # the token's hash and the PIN's


def test_api_answers_carry_security_headers(served: tuple[PorterServer, str]) -> None:
    """nosniff, no framing, no referrer everywhere; no-store on API answers."""
    server, token = served
    with client(server, token) as api:
        listed = api.get("/api/v1/requests")
        page = api.get("/station")
        refused = httpx.get(f"{server.url}/api/v1/robots")
    for answer in (listed, page, refused):
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["x-frame-options"] == "DENY"
        assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
        assert answer.headers["referrer-policy"] == "no-referrer"
    assert listed.headers["cache-control"] == "no-store"
    assert refused.headers["cache-control"] == "no-store"


def test_no_cors_for_origins_not_configured(served: tuple[PorterServer, str]) -> None:
    """A page of another site gets no CORS permission (none configured)."""
    server, token = served
    preflight = httpx.options(
        f"{server.url}/api/v1/requests",
        headers={
            "Origin": "https://evil.example",
            "Access-Control-Request-Method": "POST",
        },
    )
    assert "access-control-allow-origin" not in preflight.headers
    with client(server, token) as api:
        simple = api.get("/api/v1/requests", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in simple.headers


def test_cors_only_for_configured_origins() -> None:
    """Configured origins are allowed; any other origin is not."""
    from fastapi.testclient import TestClient

    app = FastAPI()

    @app.get("/api/v1/ping")
    async def ping() -> dict[str, str]:
        return {"ping": "pong"}

    install_security(app, origins=["https://ward.example"])
    with TestClient(app) as api:
        ask = {"Access-Control-Request-Method": "GET"}
        ok = api.options(
            "/api/v1/ping", headers={"Origin": "https://ward.example", **ask}
        )
        bad = api.options(
            "/api/v1/ping", headers={"Origin": "https://evil.example", **ask}
        )
    assert ok.headers["access-control-allow-origin"] == "https://ward.example"
    assert "access-control-allow-origin" not in bad.headers


def test_oversized_body_is_413_naming_the_body(
    served: tuple[PorterServer, str],
) -> None:
    """A body over the limit is refused before it is read, with the error shape."""
    server, token = served
    huge = delivery(note="x" * 200_000)
    with client(server, token) as api:
        answer = api.post("/api/v1/requests", json=huge)
        chunked = api.post(
            "/api/v1/requests",
            content=iter([b'{"note": "', b"y" * 100_000, b'"}']),
            headers={"Content-Type": "application/json"},
        )
    for refused in (answer, chunked):
        assert refused.status_code == 413, refused.text
        assert refused.json()["detail"][0]["loc"] == ["body"]


@pytest.mark.parametrize(
    "line",
    [
        '127.0.0.1:5 - "WebSocket /api/v1/events?token=prt_0a1b2c_SeCrEt-x" [accepted]',
        "Authorization: Bearer prt_0a1b2c_SeCrEt-x",
        '{"pin": "735291"}',
    ],
)
def test_log_redaction_masks_secrets(line: str) -> None:
    """Tokens (query or header) and PINs are masked in a log line."""
    cleaned = redact(line)
    assert "SeCrEt" not in cleaned and PIN not in cleaned


def test_redaction_keeps_ordinary_lines(tmp_path: Path) -> None:
    """A line without a secret is left as it was."""
    line = "fleet service: tick failed for robot r1 on ward_2a"
    assert redact(line) == line
