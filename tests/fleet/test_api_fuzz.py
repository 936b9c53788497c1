"""Property: whatever body a client sends, the answer is 201, 403 or 422, never 500.

And every refusal names a field and gives a reason.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.e2e.server import (
    PorterServer,
    client,
    make_tokens,
    running,
    service_database,
    settings_for,
)

PLACES = ["pharmacy", "lab", "ward_2a", "ward_3a", "reception", "nowhere", "", "x" * 80]
CATEGORIES = ["medication", "controlled_substance", "person", "specimen", "gold"]
ANYTHING = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
)

BODIES = st.fixed_dictionaries(
    {},
    optional={
        "kind": st.sampled_from(["delivery", "guidance", "parcel", 3]),
        "pickup": st.one_of(st.sampled_from(PLACES), ANYTHING),
        "dropoff": st.one_of(st.sampled_from(PLACES), ANYTHING),
        "category": st.one_of(st.sampled_from(CATEGORIES), ANYTHING),
        "priority": st.sampled_from(["stat", "urgent", "routine", "soon"]),
        "compartments": st.one_of(st.integers(-2, 20), ANYTHING),
        "pin": st.one_of(
            st.sampled_from(["1234", "12", "abcd", "123456789012"]), ANYTHING
        ),
        "due_at": st.one_of(
            st.sampled_from(["2030-01-01T10:00:00Z", "soon"]), ANYTHING
        ),
        "note": st.text(max_size=30),
        "surprise": ANYTHING,
    },
)


@pytest.fixture(scope="module")
def site(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[PorterServer, dict[str, str]]]:
    database = service_database(Path(tmp_path_factory.mktemp("fuzz")))
    tokens = make_tokens(database)
    with running(settings_for(database, robots=2, speed=1.0)) as server:
        yield server, tokens


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(body=BODIES, who=st.sampled_from(["pharmacy", "station_w", "operator"]))
def test_any_body_gets_a_clear_answer(
    site: tuple[PorterServer, dict[str, str]], body: dict[str, Any], who: str
) -> None:
    """201, or 403/422 with a located reason; never a server error."""
    server, tokens = site
    with client(server, tokens[who]) as api:
        try:
            answer = api.post("/api/v1/requests", json=body)
        except httpx.HTTPError as error:  # pragma: no cover - would be a bug
            raise AssertionError(f"{body}: {error}") from error
    assert answer.status_code in (201, 403, 422), (body, answer.text)
    if answer.status_code != 201:
        detail = answer.json()["detail"]
        assert detail and all(item["loc"] and item["msg"] for item in detail), detail
