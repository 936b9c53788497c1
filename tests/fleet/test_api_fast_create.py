"""The short path for creates answers exactly what the FastAPI route answers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import httpx
import pytest

from fleet.api.app import create_app
from tests.e2e.server import (
    OTHER_WARD,
    WARD,
    PorterServer,
    make_tokens,
    running,
    service_database,
    settings_for,
)

#: Fields of a created job that differ between two servers by nature.
_OWN = {
    "id",
    "requested_by",
    "created_at",
    "updated_at",
    "eta_pickup",
    "eta_dropoff",
    "robot_id",
}

DELIVERY = {
    "kind": "delivery",
    "pickup": "pharmacy",
    "dropoff": WARD,
    "category": "medication",
    "priority": "urgent",
    "note": "ünïcode ✓",
}
CASES: list[tuple[str, str, dict[str, Any] | str, dict[str, str]]] = [
    ("delivery", "pharmacy", DELIVERY, {}),
    (
        "guidance",
        "operator",
        {"kind": "guidance", "pickup": "reception", "dropoff": "clinic_1"},
        {},
    ),
    (
        "secure with PIN",
        "station_w",
        {**DELIVERY, "pickup": WARD, "dropoff": "pharmacy", "pin": "4321"},
        {},
    ),
    ("missing field", "pharmacy", {"kind": "delivery", "pickup": "pharmacy"}, {}),
    ("unknown kind", "pharmacy", {**DELIVERY, "kind": "teleport"}, {}),
    ("extra field", "pharmacy", {**DELIVERY, "colour": "red"}, {}),
    ("not JSON", "pharmacy", "{kind: delivery", {}),
    ("lone surrogate", "pharmacy", json.dumps({**DELIVERY, "recipient": "\ud800"}), {}),
    ("NUL in a note", "pharmacy", {**DELIVERY, "note": "a\u0000b"}, {}),
    ("unknown place", "pharmacy", {**DELIVERY, "dropoff": "mars"}, {}),
    ("another ward", "station_w", {**DELIVERY, "pickup": OTHER_WARD}, {}),
    ("no token", "", DELIVERY, {}),
    ("bad token", "bad", DELIVERY, {}),
    ("bad scheme", "basic", DELIVERY, {}),
    ("idempotency key too long", "pharmacy", DELIVERY, {"Idempotency-Key": "k" * 201}),
]


Pair = list[tuple[PorterServer, dict[str, str]]]


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pair]:
    """Two servers on two databases: with the short path, and without it."""
    with ExitStack() as stack:
        pair: Pair = []
        for short_paths in (True, False):
            url = service_database(tmp_path_factory.mktemp("porter"))
            tokens = make_tokens(url)
            app = create_app(settings_for(url, robots=1), short_paths=short_paths)
            pair.append((stack.enter_context(running(app=app)), tokens))
        yield pair


def _post(
    server: PorterServer,
    tokens: dict[str, str],
    who: str,
    body: Any,
    headers: dict[str, str],
) -> httpx.Response:
    sent = dict(headers)
    if who in tokens:
        sent["Authorization"] = f"Bearer {tokens[who]}"
    elif who == "bad":
        sent["Authorization"] = "Bearer porter_bad_token"
    elif who == "basic":
        sent["Authorization"] = "Basic dXNlcjpwYXNz"
    if isinstance(body, str):
        sent["Content-Type"] = "application/json"
        return httpx.post(f"{server.url}/api/v1/requests", content=body, headers=sent)
    return httpx.post(f"{server.url}/api/v1/requests", json=body, headers=sent)


@pytest.mark.parametrize(
    ("case", "who", "body", "headers"), CASES, ids=[c[0] for c in CASES]
)
def test_same_answer_with_and_without_the_short_path(
    servers: Pair,
    case: str,
    who: str,
    body: Any,
    headers: dict[str, str],
) -> None:
    """Status, body (but the job's own id and times) and headers agree."""
    (short, short_tokens), (routes, route_tokens) = servers
    fast = _post(short, short_tokens, who, body, headers)
    slow = _post(routes, route_tokens, who, body, headers)
    assert fast.status_code == slow.status_code, (case, fast.text, slow.text)
    if fast.status_code in (200, 201):
        assert {k: v for k, v in fast.json().items() if k not in _OWN} == {
            k: v for k, v in slow.json().items() if k not in _OWN
        }
        assert fast.headers["location"] == f"/api/v1/requests/{fast.json()['id']}"
    else:
        assert fast.json() == slow.json()
    for name in (
        "content-type",
        "cache-control",
        "x-content-type-options",
        "www-authenticate",
        "retry-after",
    ):
        assert fast.headers.get(name) == slow.headers.get(name), name


def test_a_repeated_key_returns_the_first_job(
    servers: Pair,
) -> None:
    """Idempotency holds on the short path: 201, then 200 with the same job."""
    (short, tokens), _ = servers
    key = {"Idempotency-Key": "double-click-1"}
    first = _post(short, tokens, "pharmacy", DELIVERY, key)
    again = _post(short, tokens, "pharmacy", DELIVERY, key)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
