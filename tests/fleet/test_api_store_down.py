"""A database that stops answering: 503 naming the database, nothing half-written."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from fleet.api.app import create_app
from fleet.core.config import CoreConfig
from fleet.core.engine import FleetCore
from fleet.core.errors import StoreUnavailable
from fleet.core.model import Job, Principal, Robot, Role
from fleet.service.service import FleetService
from fleet.store import SqlJobStore, open_store
from maps.loading import load_sample
from maps.matrix import TravelTimes
from planners.greedy import dispatch_greedy
from tests.e2e.flow import delivery
from tests.e2e.server import client, make_tokens, running

OPERATOR = Principal(id="tok-operator", role=Role.OPERATOR)


class FlakyStore:
    """The real job store, whose writes fail while ``down`` is set."""

    def __init__(self, store: SqlJobStore) -> None:
        self.store = store
        self.down = False

    def save_decision(self, *args: Any, **kwargs: Any) -> Job | None:
        if self.down:
            raise StoreUnavailable("database unreachable (test)")
        return self.store.save_decision(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)


def test_writes_failing_answer_503_and_nothing_is_acknowledged(
    tmp_path: Path,
) -> None:
    """While writes fail: 503 on ``database``; after: the service goes on, in sync."""
    url = f"sqlite:///{tmp_path / 'porter.db'}"
    tokens = make_tokens(url)
    store = open_store(url)
    flaky = FlakyStore(store.jobs)
    building = load_sample("demo_hospital")
    travel = TravelTimes(building)

    def core_factory(jobs: Sequence[Job], robots: Sequence[Robot]) -> FleetCore:
        return FleetCore(building, CoreConfig(), jobs, robots, travel=travel)

    service = FleetService(
        building=building,
        store=flaky,  # type: ignore[arg-type]
        core_factory=core_factory,
        planner=lambda problem, previous: dispatch_greedy(problem, previous=previous),
    )
    app = create_app(service, tokens=store.tokens)
    try:
        with running(app=app) as server, client(server, tokens["pharmacy"]) as api:
            first = api.post("/api/v1/requests", json=delivery())
            flaky.down = True
            failed = api.post("/api/v1/requests", json=delivery())
            flaky.down = False
            after = api.post("/api/v1/requests", json=delivery())
            listed = {j["id"] for j in api.get("/api/v1/requests").json()}
            in_core = {j.id for j in service.core.visible_jobs(OPERATOR)}
    finally:
        store.close()
    assert (first.status_code, failed.status_code, after.status_code) == (201, 503, 201)
    assert failed.json()["detail"][0]["loc"] == ["database"]
    assert failed.headers["retry-after"] == "1"
    assert listed == {first.json()["id"], after.json()["id"]}
    assert in_core == listed
