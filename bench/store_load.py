"""Store throughput: concurrent job creation on SQLite and PostgreSQL.

    .venv/bin/python -m bench.store_load [--threads 32] [--seconds 20]
        [--markdown docs/benchmarks.md]

``--threads`` threads each create jobs (job + creation event, with an
idempotency key, as the API does) through one :class:`fleet.store.Store` for
``--seconds``, then the number of rows is compared with the number of creates
acknowledged. Runs on a SQLite file in a temporary folder and on a throwaway
PostgreSQL server (the tests' fixture; skipped if no server is installed). This
is the store's share of issue 4's API target (500 creates/s, p99 <= 50 ms on
SQLite with 32 clients): the API adds HTTP, auth and the core on top.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import func, select

from bench.report import machine_line, replace_section
from fleet.core.model import AuditEvent, ItemCategory, Job, JobKind
from fleet.store import open_store
from fleet.store.schema import jobs
from tests.fixtures.postgres import started_server, unavailable_reason

SECTION = "## Store"


def _create_loop(store, stop: threading.Event, latencies: list[float]) -> None:  # type: ignore[no-untyped-def]
    requester = f"ward-{threading.get_ident() % 40}"
    while not stop.is_set():
        job_id = uuid.uuid4().hex
        job = Job(
            id=job_id,
            kind=JobKind.DELIVERY,
            pickup="pharmacy",
            dropoff="ward-4b",
            category=ItemCategory.MEDICATION,
            requested_by=requester,
            created_at=time.time(),
        )
        event = AuditEvent(job.created_at, "job", job_id, requester, None,
                           "requested", "requested")  # fmt: skip
        start = time.perf_counter()
        store.jobs.create_job(job, event, idempotency_key=job_id)
        latencies.append(time.perf_counter() - start)


def measure(url: str, threads: int, seconds: float) -> dict[str, float]:
    """Creates per second, latency percentiles, rows versus acknowledged."""
    store = open_store(url)
    try:
        stop = threading.Event()
        per_thread: list[list[float]] = [[] for _ in range(threads)]
        workers = [
            threading.Thread(target=_create_loop, args=(store, stop, lat))
            for lat in per_thread
        ]
        start = time.perf_counter()
        for worker in workers:
            worker.start()
        time.sleep(seconds)
        stop.set()
        for worker in workers:
            worker.join()
        elapsed = time.perf_counter() - start
        latencies = sorted(x for lat in per_thread for x in lat)
        with store.engine.connect() as connection:
            rows = connection.execute(select(func.count()).select_from(jobs)).scalar()
    finally:
        store.close()
    return {
        "acknowledged": len(latencies),
        "rows": int(rows or 0),
        "per_second": len(latencies) / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[int(0.99 * (len(latencies) - 1))] * 1000,
    }


@contextmanager
def databases() -> Iterator[list[tuple[str, str]]]:
    """(name, URL) of a SQLite file and, if a server is installed, PostgreSQL."""
    with tempfile.TemporaryDirectory() as folder:
        found = [("SQLite (WAL, file)", f"sqlite:///{Path(folder) / 'porter.db'}")]
        if unavailable_reason() is not None:
            yield found
            return
        server = started_server()
        try:
            found.append(("PostgreSQL (local, fsync off)", server.new_database()))
            yield found
        finally:
            server.stop()
            server.remove()


def render(results: list[tuple[str, dict[str, float]]], args, command: str) -> str:  # type: ignore[no-untyped-def]
    date = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    lines = [
        SECTION,
        "",
        f"`{command}`, {date}, {machine_line()}.",
        "",
        f"{args.threads} threads creating jobs (job + audit event + idempotency "
        f"key, one transaction each) for {args.seconds:g} s through one store.",
        "",
        "| database | creates/s | p50 | p99 | rows = acknowledged |",
        "|---|---|---|---|---|",
    ]
    for name, f in results:
        same = "yes" if f["rows"] == f["acknowledged"] else "NO"
        lines.append(
            f"| {name} | {f['per_second']:.0f} | {f['p50_ms']:.1f} ms | "
            f"{f['p99_ms']:.1f} ms | {same} ({f['rows']:.0f}) |"
        )
    return "\n".join([*lines, ""])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--markdown", type=Path, default=None)
    args = parser.parse_args()
    with databases() as found:
        results = [
            (name, measure(url, args.threads, args.seconds)) for name, url in found
        ]
    command = ".venv/bin/python -m bench.store_load" + (
        f" --markdown {args.markdown}" if args.markdown else ""
    )
    section = render(results, args, command)
    print(section)
    if args.markdown:
        replace_section(args.markdown, SECTION, section)


if __name__ == "__main__":
    main()
