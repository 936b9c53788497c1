"""Time to recover from ``kill -9`` of ``porter serve`` under load.

    .venv/bin/python -m bench.crash_recovery [--rounds 3] [--postgres] \\
        [--markdown docs/benchmarks.md]

Each round: a server on a fresh SQLite file (or the ``--database`` given, a
PostgreSQL URL say), requests arriving and people confirming hand-offs, robots
mid-mission; then ``kill -9`` and a new ``porter serve`` on the same database.
Measures restart -> ready (``/ready`` answers 200: state rebuilt from the
database) and restart -> first job progressing (any open job's status, robot or
ETA differs from what the rebuilt service first reported: a mission resumed or a
re-plan landed). Checks that every acknowledged request is in the database.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import httpx

from bench.porter_process import PorterProcess
from bench.reliability_report import machine, write_section
from fleet.cli.serve_cmds import create_token
from fleet.core.errors import NotFound
from fleet.core.model import Role
from fleet.store import open_store
from tests.reliability.load import ENDS, Traffic

MOVING = {"to_pickup", "to_dropoff"}


def _open_jobs(api: httpx.Client) -> dict[str, tuple[object, ...]]:
    jobs = api.get("/api/v1/requests", params={"limit": 1000}).json()
    return {
        job["id"]: (job["status"], job.get("robot_id"), job.get("eta_dropoff"))
        for job in jobs
        if job["status"] not in ENDS
    }


def one_round(url: str, folder: Path) -> tuple[float, float, int, int, float]:
    """(ready_s, progressing_s, acknowledged, found, cold_start_s) for one kill -9."""
    store = open_store(url)
    token = create_token(store.tokens, Role.OPERATOR)
    store.close()
    headers = {"Authorization": f"Bearer {token}"}
    first = PorterProcess(url, folder / "first.log", speed=50.0)
    cold_start_s = first.start()
    traffic = Traffic(first.url, token, every_s=0.1, at_most=40)
    traffic.start()
    try:
        with httpx.Client(base_url=first.url, headers=headers, timeout=5) as api:
            while not MOVING & {s for s, _, _ in _open_jobs(api).values()}:
                time.sleep(0.05)
        time.sleep(0.3)
        first.kill()
        traffic.stop()
        second = PorterProcess(url, folder / "second.log", speed=50.0)
        restarted = time.monotonic()
        ready_s = second.start()
        with httpx.Client(base_url=second.url, headers=headers, timeout=5) as api:
            before = _open_jobs(api)
            while _open_jobs(api) == before:
                time.sleep(0.02)
        progressing_s = time.monotonic() - restarted
        second.stop()
    finally:
        traffic.stop()
        first.kill()
    found = _count_found(url, traffic.acknowledged)
    return ready_s, progressing_s, len(traffic.acknowledged), found, cold_start_s


def _count_found(url: str, ids: list[str]) -> int:
    store = open_store(url)
    try:
        found = 0
        for job_id in ids:
            try:
                store.jobs.get_job(job_id)
                found += 1
            except NotFound:
                pass
        return found
    finally:
        store.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--database", help="a database URL (default: SQLite files)")
    parser.add_argument(
        "--postgres", action="store_true", help="a throwaway PostgreSQL server"
    )
    parser.add_argument("--markdown", type=Path)
    args = parser.parse_args(argv)
    server = None
    if args.postgres:
        from tests.fixtures.postgres import started_server

        server = started_server()
    results = []
    try:
        for n in range(args.rounds):
            folder = Path(tempfile.mkdtemp(prefix="porter-crash-"))
            url = args.database or f"sqlite:///{folder / 'porter.db'}"
            if server is not None:
                url = server.new_database(migrated=True)
            results.append(one_round(url, folder))
            print(f"round {n + 1}: ready {results[-1][0]:.2f} s, "
                  f"progressing {results[-1][1]:.2f} s, "
                  f"{results[-1][3]}/{results[-1][2]} acknowledged found")  # fmt: skip
    finally:
        if server is not None:
            server.stop()
            server.remove()
    kind = "PostgreSQL" if args.database or args.postgres else "SQLite"
    lines = [
        f"- Command: `.venv/bin/python -m bench.crash_recovery --rounds {args.rounds}"
        + (" --postgres`" if args.postgres else "`"),
        f"- Date: {time.strftime('%a %b %d %H:%M:%S UTC %Y', time.gmtime())}; "
        f"machine: {machine()}; load average "
        + " / ".join(f"{x:.1f}" for x in os.getloadavg())
        + " (1/5/15 min) at the end.",
        f"- {kind}, demo hospital, 6 virtual robots at 50x, requests arriving every "
        "0.1 s, kill -9 once a robot is on its way with a job.",
        "- Restart -> ready (state rebuilt, `/ready` 200): "
        + ", ".join(f"{r[0]:.1f} s" for r in results)
        + "; restart -> first job progressing: "
        + ", ".join(f"{r[1]:.1f} s" for r in results)
        + "; for comparison, the first start on an empty database: "
        + ", ".join(f"{r[4]:.1f} s" for r in results)
        + " (the difference is the rebuild and the robots' reconnection).",
        "- Acknowledged requests found in the database: "
        + ", ".join(f"{r[3]}/{r[2]}" for r in results)
        + ".",
    ]
    print("\n".join(lines))
    if args.markdown:
        write_section(args.markdown, f"Crash recovery ({kind})", lines)
    return 0 if all(r[2] == r[3] for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
