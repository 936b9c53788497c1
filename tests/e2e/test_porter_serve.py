"""The README's commands: ``porter token create`` and ``porter serve --demo``."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from fleet.cli.main import app
from fleet.core.model import Role
from fleet.store import open_store
from tests.e2e.server import free_port, wait_until

pytestmark = pytest.mark.slow


def test_token_create_prints_a_token_and_stores_only_its_hash(tmp_path: Path) -> None:
    """The printed token works for its ward; the database holds no copy of it."""
    url = f"sqlite:///{tmp_path / 'porter.db'}"
    args = ["token", "create", "--role", "nursing_station", "--ward", "ward_2a"]
    result = CliRunner().invoke(app, [*args, "--database", url])
    assert result.exit_code == 0, result.output
    token = result.output.strip()
    store = open_store(url)
    try:
        principal = store.tokens.principal_for(token)
    finally:
        store.close()
    assert principal is not None and principal.role == Role.NURSING_STATION
    assert principal.wards == frozenset({"ward_2a"})
    # The secret is everything after the second underscore (it may hold "_" too).
    secret = token.split("_", 2)[2]
    assert secret.encode() not in (tmp_path / "porter.db").read_bytes()


def test_token_create_refuses_a_station_without_a_ward(tmp_path: Path) -> None:
    """A nursing-station token needs --ward, and the error says so."""
    url = f"sqlite:///{tmp_path / 'porter.db'}"
    args = ["token", "create", "--role", "nursing_station", "--database", url]
    result = CliRunner().invoke(app, args)
    assert result.exit_code != 0
    assert "--ward" in result.output


def test_porter_serve_demo_prints_tokens_that_work(tmp_path: Path) -> None:
    """``porter serve --demo`` starts, prints working tokens, and stops on Ctrl-C."""
    port = free_port()
    command = [sys.executable, "-m", "fleet.cli.main", "serve", "--demo"]
    command += ["--port", str(port), "--speed", "50", "--log-level", "warning"]
    env = {**os.environ, "PORTER_DATABASE_URL": ""}
    server = subprocess.Popen(
        command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until(lambda: _ready(url), timeout_s=60, what="porter serve --demo")
        tokens = dict(
            line.split("\t") for line in (tmp_path / "porter-demo-tokens.txt")
            .read_text().splitlines()
        )  # fmt: skip
        operator = tokens["operator"]
        robots = httpx.get(
            f"{url}/api/v1/robots", headers={"Authorization": f"Bearer {operator}"}
        )
        assert robots.status_code == 200 and len(robots.json()) == 6
    finally:
        server.send_signal(signal.SIGINT)
        output = server.communicate(timeout=60)[0].decode()
    assert server.returncode == 0, output
    assert operator in output and f"http://127.0.0.1:{port}" in output
    assert (tmp_path / "porter.db").exists()


def _ready(url: str) -> bool:
    try:
        return httpx.get(f"{url}/ready", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False
