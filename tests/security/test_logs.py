"""No token, PIN or secret in any log line of ``porter serve``, even at debug level."""

from __future__ import annotations

from pathlib import Path

import httpx
from websockets.sync.client import connect

from bench.porter_process import PorterProcess
from fleet.cli.serve_cmds import create_token
from fleet.core.model import Role
from fleet.store import open_store
from tests.e2e.flow import complete, delivery, wait_for_status

PIN = "735291"
WRONG_PIN = "864209"


def test_a_secure_delivery_leaves_no_secret_in_the_logs(tmp_path: Path) -> None:
    """A delivery with a PIN (a wrong one first) and a WebSocket: logs stay clean."""
    database = f"sqlite:///{tmp_path / 'porter.db'}"
    store = open_store(database)
    token = create_token(store.tokens, Role.OPERATOR)
    store.close()
    log = tmp_path / "server.log"
    server = PorterProcess(database, log, speed=50.0, log_level="debug")
    server.start()
    try:
        headers = {"Authorization": f"Bearer {token}"}
        events = f"ws://127.0.0.1:{server.port}/api/v1/events?token={token}"
        with (
            httpx.Client(base_url=server.url, headers=headers, timeout=10) as api,
            connect(events, open_timeout=10),
        ):
            body = delivery(category="controlled_substance", pin=PIN)
            job_id = api.post("/api/v1/requests", json=body).json()["id"]
            _confirm_loading(api, job_id)
            wait_for_status(api, job_id, {"unloading"}, timeout_s=60)
            wrong = api.post(
                f"/api/v1/requests/{job_id}/handoff", json={"pin": WRONG_PIN}
            )
            assert wrong.status_code == 403, wrong.text
            assert complete(api, job_id, pin=PIN)["status"] == "completed"
    finally:
        server.stop()
    text = log.read_text()
    assert "WebSocket" in text or "Porter:" in text  # the log was written
    secret = token.split("_", 2)[2]
    for leaked in (token, secret, PIN, WRONG_PIN):
        assert leaked not in text, f"{leaked!r} is in the server log"


def _confirm_loading(api: httpx.Client, job_id: str) -> None:
    wait_for_status(api, job_id, {"loading"}, timeout_s=60)
    answer = api.post(f"/api/v1/requests/{job_id}/handoff", json={})
    assert answer.status_code == 200, answer.text
