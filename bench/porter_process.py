"""``porter serve`` as a real subprocess: start, wait until ready, kill, measure.

Shared by the reliability benchmarks (crash recovery, soak) and the crash tests:
they need a process they can ``kill -9`` and whose memory they can read, which a
server in a thread of the test process cannot give.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]

__all__ = ["PorterProcess", "free_port", "rss_mb", "wait_ready"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` in MiB (Linux ``/proc``)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for pid {pid}")


def wait_ready(url: str, process: subprocess.Popen[bytes], timeout_s: float) -> float:
    """Poll ``/ready`` until it answers 200; the seconds it took."""
    started = time.monotonic()
    while time.monotonic() - started < timeout_s:
        if process.poll() is not None:
            raise RuntimeError(f"porter serve exited with {process.returncode}")
        try:
            if httpx.get(f"{url}/ready", timeout=1).status_code == 200:
                return time.monotonic() - started
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"porter serve not ready after {timeout_s} s")


@dataclass
class PorterProcess:
    """One ``porter serve`` on ``database_url``; logs go to ``log_path``."""

    database_url: str
    log_path: Path
    robots: int = 6
    speed: float = 50.0
    solver: str = "greedy"
    log_level: str = "warning"
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self.process is not None, "not started"
        return self.process.pid

    def start(self, *, timeout_s: float = 60.0) -> float:
        """Start and wait until ready; the seconds from spawn to ready."""
        command = [
            sys.executable, "-m", "fleet.cli.main", "serve",
            "--database", self.database_url, "--port", str(self.port),
            "--robots", str(self.robots), "--speed", str(self.speed),
            "--solver", self.solver, "--log-level", self.log_level,
        ]  # fmt: skip
        log = self.log_path.open("ab")
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen(
            command, cwd=self.log_path.parent, stdout=log, stderr=log, env=env
        )
        log.close()
        return wait_ready(self.url, self.process, timeout_s)

    def kill(self) -> None:
        """``kill -9``: no shutdown, no flush, as a crash."""
        if self.process is not None and self.process.poll() is None:
            children = _children(self.process.pid)
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)
            # The planner child ends by itself once its pipe closes; make sure.
            for child in children:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(child, signal.SIGKILL)

    def stop(self) -> None:
        """A clean stop (SIGTERM), killed if it hangs."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill()


def _children(pid: int) -> list[int]:
    """The direct children of ``pid`` (Linux ``/proc``)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found += [int(c) for c in (task / "children").read_text().split()]
    return found
