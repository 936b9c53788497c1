"""schemathesis against the running server's own OpenAPI schema.

Every operation gets a bounded number of generated calls, valid ones and ones
that break the schema on purpose (bodies, paths, queries), with an operator's
token. No answer may be a 5xx, and every documented answer must match its
schema. Bounded so the file stays within a minute or two on a busy machine.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.e2e.server import (
    PorterServer,
    make_tokens,
    running,
    service_database,
    settings_for,
)

#: Generated calls per operation (about 25 operations).
EXAMPLES = 15


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    database = service_database(Path(tmp_path_factory.mktemp("schemathesis")))
    tokens = make_tokens(database)
    with running(settings_for(database, speed=1.0)) as server:
        yield {"server": server, "token": tokens["operator"]}


def test_no_5xx_and_answers_match_the_schema(fuzzed: dict[str, Any]) -> None:
    """A generated call never gets a 5xx, and documented answers fit the schema."""
    server: PorterServer = fuzzed["server"]
    schema = schemathesis.openapi.from_url(f"{server.url}/openapi.json")
    headers = {"Authorization": f"Bearer {fuzzed['token']}"}
    failures: list[str] = []
    calls = 0
    operations = [found.ok() for found in schema.get_all_operations()]
    for operation, mode in itertools.product(operations, GenerationMode):

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def call(case: Any) -> None:
            nonlocal calls
            calls += 1
            try:
                case.call_and_validate(
                    headers=headers,
                    checks=[not_a_server_error, response_schema_conformance],
                    timeout=10,
                )
            except Exception as error:  # collect every operation's first failure
                failures.append(f"{case.operation.label}: {str(error)[:300]}")
                raise

        with contextlib.suppress(Exception):
            call()
    print(f"schemathesis: {calls} generated calls")
    assert calls > 0
    assert not failures, "\n".join(failures)
