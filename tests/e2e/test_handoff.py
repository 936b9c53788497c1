"""Hand-off of secure items: wrong PINs are counted and lock the hand-off."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.flow import delivery, job, wait_for_status
from tests.e2e.server import (
    TEST_CORE,
    client,
    make_tokens,
    running,
    service_database,
    settings_for,
)

pytestmark = pytest.mark.slow


def test_wrong_pins_lock_the_handoff(tmp_path: Path) -> None:
    """Each wrong PIN is a 403 on ``pin``; past the limit even the right one is."""
    database = service_database(tmp_path)
    tokens = make_tokens(database)
    with (
        running(settings_for(database)) as server,
        client(server, tokens["station_w"]) as api,
    ):
        body = delivery(pickup="pharmacy", category="controlled_substance", pin="2468")
        with client(server, tokens["pharmacy"]) as pharmacy:
            job_id = pharmacy.post("/api/v1/requests", json=body).json()["id"]
            wait_for_status(pharmacy, job_id, {"loading"})
            assert (
                pharmacy.post(f"/api/v1/requests/{job_id}/handoff", json={}).status_code
                == 200
            )
        wait_for_status(api, job_id, {"unloading"})
        for attempt in range(1, TEST_CORE.pin_attempts + 1):
            wrong = api.post(f"/api/v1/requests/{job_id}/handoff", json={"pin": "1111"})
            assert wrong.status_code == 403, wrong.text
            assert wrong.json()["detail"][0]["loc"] == ["body", "pin"]
            assert job(api, job_id)["handoff_attempts"] == attempt
        locked = api.post(f"/api/v1/requests/{job_id}/handoff", json={"pin": "2468"})
        assert locked.status_code == 403, locked.text
        assert locked.json()["detail"][0]["type"] == "handoff_locked"
        assert job(api, job_id)["status"] != "completed"
