"""Soak: ``porter serve`` for minutes at ten times the demo hospital's request rate.

    .venv/bin/python -m bench.soak --minutes 10 [--times 10] [--robots 10] \\
        [--speed 10] [--markdown docs/benchmarks.md]

The rate comes from the demo scenario (``sim/scenarios/demo_hospital.yaml``: the
sum of its flows' ``per_day``), multiplied by ``--times``, as Poisson arrivals.
Requests follow the scenario's main flows (medication with some controlled
substances and their PINs, specimens to the lab, supplies); a confirmer plays the
people at the robots (loading, hand-off with the PIN). Samples the server's
resident memory every 10 s; at the end waits for the open jobs to finish, stops
the server and checks that every acknowledged request is in the database.

Create latency is reported apart for plain requests and for those carrying a PIN:
a PIN is stored as a deliberately slow scrypt hash (``fleet.core.credentials``,
tens of milliseconds of CPU in a worker thread), so those creates cannot meet the
plain target and are not meant to. Memory is judged after a warm-up (the first
two minutes, or a fifth of a shorter run): the growth from the warm-up's last
minute to the run's last minute, and its slope (:mod:`bench.soak_report`). Jobs
still open after the wait are listed with their robot's state and charge, so a
stuck job says why.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import httpx
import yaml

from bench.porter_process import ROOT, PorterProcess, rss_mb
from bench.reliability_report import write_section
from bench.soak_report import ABOUT, report
from fleet.cli.serve_cmds import create_token
from fleet.core.errors import NotFound
from fleet.core.model import Role
from fleet.store import open_store
from maps.loading import load_sample
from sim.demo_fleet import demo_robots

SCENARIO = ROOT / "sim" / "scenarios" / "demo_hospital.yaml"
PIN = "2468"
# Not the ICU: the demo robots of `porter serve` lack icu_access (the scenario
# gives its fleet that capability), so ICU requests wait forever, "unreachable".
WARDS = ("ward_2a", "ward_2b", "ward_3a", "ward_3b", "ward_2c", "ward_3c")
CONFIRMABLE = ("loading", "unloading", "returning")
ENDS = {"completed", "cancelled", "failed"}


def demo_requests_per_day() -> int:
    """The demo hospital's requests a day: deliveries, guidance and rounds."""
    scenario = yaml.safe_load(SCENARIO.read_text())
    flows = [*scenario.get("demand", ()), *scenario.get("guidance", ())]
    rounds = sum(
        len(trip["times"]) * (len(trip["to"]) if isinstance(trip["to"], list) else 1)
        for trip in scenario.get("rounds", ())
    )
    return int(sum(flow["per_day"] for flow in flows)) + rounds


def a_request(rng: random.Random) -> dict[str, object]:
    """One request shaped like the scenario's main flows."""
    ward = rng.choice(WARDS)
    draw = rng.random()
    if draw < 0.35:
        return {"kind": "delivery", "pickup": ward, "dropoff": "lab",
                "category": "specimen"}  # fmt: skip
    if draw < 0.45:
        return {"kind": "delivery", "pickup": "stores", "dropoff": ward,
                "category": "supplies"}  # fmt: skip
    if draw < 0.53:
        return {"kind": "delivery", "pickup": "pharmacy", "dropoff": ward,
                "category": "controlled_substance", "pin": PIN}  # fmt: skip
    return {"kind": "delivery", "pickup": "pharmacy", "dropoff": ward,
            "category": "medication"}  # fmt: skip


@dataclass
class Soak:
    #: Create latencies (s): "plain", and "pin" for requests carrying a PIN.
    create_s: dict[str, list[float]] = field(
        default_factory=lambda: {"plain": [], "pin": []}
    )
    read_s: list[float] = field(default_factory=list)
    acknowledged: dict[str, str] = field(default_factory=dict)  # id -> category
    errors: dict[str, int] = field(default_factory=dict)
    rss: list[tuple[float, float]] = field(default_factory=list)  # (s, MiB)
    unassigned: dict[str, str] = field(default_factory=dict)  # left open: why
    #: Jobs open after the wait: (id, status, robot, its state and charge).
    stuck: list[str] = field(default_factory=list)

    def error(self, what: str) -> None:
        self.errors[what] = self.errors.get(what, 0) + 1


async def create_loop(
    api: httpx.AsyncClient, rate: float, until: float, soak: Soak, seed: int
) -> None:
    rng = random.Random(seed)
    while time.monotonic() < until:
        await asyncio.sleep(rng.expovariate(rate))
        body = a_request(rng)
        started = time.perf_counter()
        try:
            answer = await api.post("/api/v1/requests", json=body)
        except httpx.HTTPError as error:
            soak.error(type(error).__name__)
            continue
        kind = "pin" if "pin" in body else "plain"
        soak.create_s[kind].append(time.perf_counter() - started)
        if answer.status_code == 201:
            soak.acknowledged[answer.json()["id"]] = str(body["category"])
        else:
            soak.error(f"create {answer.status_code}")


async def confirm_loop(api: httpx.AsyncClient, soak: Soak, stop: asyncio.Event) -> None:
    """Play the people at the robots: confirm whatever waits for a confirm."""
    while not stop.is_set():
        started = time.perf_counter()
        try:
            answer = await api.get(
                "/api/v1/requests", params={"status": list(CONFIRMABLE), "limit": 1000}
            )
            soak.read_s.append(time.perf_counter() - started)
            for job in answer.json():
                secure = job["category"] in {"controlled_substance", "blood_product"}
                body = {"pin": PIN} if secure and job["status"] == "unloading" else {}
                await api.post(f"/api/v1/requests/{job['id']}/handoff", json=body)
        except httpx.HTTPError as error:
            soak.error(type(error).__name__)
        await asyncio.sleep(1.0)


async def sample_memory(pid: int, soak: Soak, stop: asyncio.Event) -> None:
    started = time.monotonic()
    while not stop.is_set():
        soak.rss.append((time.monotonic() - started, rss_mb(pid)))
        await asyncio.sleep(10.0)


async def open_jobs(api: httpx.AsyncClient) -> list[dict[str, object]] | None:
    answer = await api.get("/api/v1/requests", params={"limit": 1000, "status": [
        "requested", "assigned", "to_pickup", "loading", "to_dropoff", "unloading",
        "returning", "recovery"]})  # fmt: skip
    return answer.json() if answer.status_code == 200 else None


async def why_open(api: httpx.AsyncClient, jobs: list[dict[str, object]]) -> list[str]:
    """Each open job with its robot's state and charge."""
    robots = {r["id"]: r for r in (await api.get("/api/v1/robots")).json()}
    found = []
    for job in jobs:
        robot = robots.get(job.get("robot_id"), {})
        where = (
            f"{job['robot_id']} {robot.get('state')} at "
            f"{float(robot.get('battery_soc', 0)):.0%}"
            if robot
            else "no robot"
        )
        found.append(f"{job['id']} {job['status']} ({where})")
    return found


async def run(server: PorterProcess, token: str, rate: float, seconds: float) -> Soak:
    soak = Soak()
    stop = asyncio.Event()
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(
        base_url=server.url, headers=headers, timeout=30
    ) as api:
        helpers = [
            asyncio.create_task(confirm_loop(api, soak, stop)),
            asyncio.create_task(sample_memory(server.pid, soak, stop)),
        ]
        await create_loop(api, rate, time.monotonic() + seconds, soak, seed=8)
        drain_until = time.monotonic() + 180
        while (left := await open_jobs(api)) != [] and time.monotonic() < drain_until:
            print(f"waiting for {len(left or ())} open jobs to finish", flush=True)
            await asyncio.sleep(5)
        soak.stuck = await why_open(api, left or [])
        stop.set()
        await asyncio.gather(*helpers)
        plan = (await api.get("/api/v1/plan")).json()
        soak.unassigned = dict(plan.get("unassigned", {}))
    return soak


def statuses_in_database(url: str, ids: list[str]) -> dict[str, str]:
    store = open_store(url)
    try:
        found: dict[str, str] = {}
        for job_id in ids:
            try:
                found[job_id] = store.jobs.get_job(job_id).status.value
            except NotFound:  # a missing job is what we count
                continue
        return found
    finally:
        store.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--times", type=float, default=10.0)
    parser.add_argument("--robots", type=int, default=10)
    parser.add_argument("--speed", type=float, default=10.0)
    parser.add_argument(
        "--start-soc", type=float, default=1.0,
        help="robots start at this charge (lower: a short run charges too)",
    )  # fmt: skip
    parser.add_argument("--markdown", type=Path)
    args = parser.parse_args(argv)
    per_day = demo_requests_per_day()
    rate = per_day * args.times / 86_400
    folder = Path(tempfile.mkdtemp(prefix="porter-soak-"))
    print(f"database and server log in {folder}", flush=True)
    url = f"sqlite:///{folder / 'porter.db'}"
    store = open_store(url)
    token = create_token(store.tokens, Role.OPERATOR)
    if args.start_soc < 1.0:
        building = load_sample("demo_hospital")
        for robot in demo_robots(building, args.robots):
            store.jobs.save_robot(replace(robot, battery_soc=args.start_soc))
    store.close()
    server = PorterProcess(url, folder / "server.log", robots=args.robots,
                           speed=args.speed, solver="ortools")  # fmt: skip
    server.start()
    try:
        soak = asyncio.run(run(server, token, rate, args.minutes * 60))
    finally:
        server.stop()
    found = statuses_in_database(url, list(soak.acknowledged))
    lines = report(soak, found, per_day, rate, args)
    print("\n".join(lines))
    if args.markdown:
        write_section(args.markdown, "Soak", [*lines, *ABOUT])
    return 0 if len(found) == len(soak.acknowledged) else 1


if __name__ == "__main__":
    raise SystemExit(main())
