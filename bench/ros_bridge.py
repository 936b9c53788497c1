"""Many robots on one rosbridge: command round trips and the adapter's CPU.

    .venv/bin/python -m bench.ros_bridge [--robots 50] [--seconds 15]
        [--markdown docs/benchmarks.md]

Starts ``porter sim rosbridge`` (a separate process, so its CPU is not counted
here) with ``--robots`` virtual robots at a 50x speed-up, connects one
:class:`robot_adapters.ros_bridge.RosRobot` per robot through one shared roslibpy
link, and for ``--seconds`` keeps every robot busy with short two-pose Navigate
commands (about 1.5 m, 0.03 s of driving at the speed-up). Reports per profile:
commands completed, the time from ``send`` to SUCCEEDED (two goals, each a round
trip through rosbridge, plus the driving), robot updates per second, and the CPU
seconds this process (the fleet side: roslibpy's thread plus the adapters on the
event loop) spent per robot per minute.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.report import machine_line, replace_section
from fleet.core.ports import CommandStatus, Navigate, Pose, RobotUpdate
from maps.loading import load_sample
from robot_adapters import connections
from robot_adapters.profiles import Profile, default_names
from robot_adapters.ros_bridge import RosRobot
from sim.demo_fleet import demo_robots
from sim.ros_world import namespace_for

SECTION = "## ROS bridge"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _cpu_of(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _drive(
    profile: str, url: str, robots: int, seconds: float
) -> dict[str, float]:
    building = load_sample("demo_hospital")
    fleet = demo_robots(building, robots)
    done: dict[str, asyncio.Event] = {}
    updates = 0

    def on_update(update: RobotUpdate) -> None:
        nonlocal updates
        updates += 1
        if update.command_status == CommandStatus.SUCCEEDED and update.command_id:
            event = done.get(update.command_id)
            if event is not None:
                event.set()

    names = default_names(Profile(profile))
    ports = [
        RosRobot(r.id, url, names.under(namespace_for(r.id)), level=r.level)
        for r in fleet
    ]
    for port in ports:
        await port.connect(on_update)
    while not all(port.online for port in ports):
        await asyncio.sleep(0.05)
    await asyncio.sleep(1.5)  # subscriptions settled
    latencies: list[float] = []
    cpu0, updates0, t0 = time.process_time(), updates, time.monotonic()

    async def keep_busy(port: RosRobot, x: float, y: float, level: str) -> None:
        n = 0
        while time.monotonic() - t0 < seconds:
            n += 1
            command_id = f"{port.robot_id}-{n}"
            finished = done[command_id] = asyncio.Event()
            side = 1.0 if n % 2 else 0.0
            path = (Pose(level, x + 1.0, y + side), Pose(level, x, y + side))
            start = time.monotonic()
            await port.send(Navigate(command_id, level, ("a", "b"), path))
            await asyncio.wait_for(finished.wait(), timeout=30)
            del done[command_id]
            latencies.append(time.monotonic() - start)

    await asyncio.gather(
        *(keep_busy(p, r.x, r.y, r.level) for p, r in zip(ports, fleet, strict=True))
    )
    elapsed = time.monotonic() - t0
    cpu = time.process_time() - cpu0
    for port in ports:
        await port.close()
    latencies.sort()
    return {
        "commands": len(latencies),
        "median_s": statistics.median(latencies),
        "p95_s": latencies[int(0.95 * (len(latencies) - 1))],
        "updates_per_s": (updates - updates0) / elapsed,
        "cpu_s": cpu,
        "cpu_per_robot_minute": cpu / robots / (elapsed / 60),
        "elapsed_s": elapsed,
    }


def measure(profile: str, robots: int, seconds: float) -> dict[str, float]:
    port = _free_port()
    bridge = subprocess.Popen(
        [sys.executable, "-m", "fleet.cli.main", "sim", "rosbridge", "--robots",
         str(robots), "--port", str(port), "--profile", profile, "--speed", "50"],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        time.sleep(3.0)
        bridge_cpu0 = _cpu_of(bridge.pid)
        figures = asyncio.run(
            _drive(profile, f"ws://127.0.0.1:{port}", robots, seconds)
        )
        figures["bridge_cpu_s"] = _cpu_of(bridge.pid) - bridge_cpu0
        return figures
    finally:
        bridge.terminate()
        bridge.wait(timeout=20)


def render(results: dict[str, dict[str, float]], args: argparse.Namespace) -> str:
    lines = [
        SECTION,
        "",
        "Command: `.venv/bin/python -m bench.ros_bridge"
        + (f" --markdown {args.markdown}`  " if args.markdown else "`  "),
        f"Date: {time.strftime('%a %b %d %H:%M:%S UTC %Y', time.gmtime())}  ",
        f"Machine: {machine_line()}.",
        "",
        f"{args.robots} virtual robots on one `porter sim rosbridge` (separate "
        f"process, 50x speed-up), one roslibpy link, {args.seconds:g} s of "
        "back-to-back two-pose Navigate commands per robot (two goals each; about "
        "0.03 s of driving).",
        "",
        "| profile | commands | send -> SUCCEEDED median | p95 | robot updates/s "
        "| fleet-side CPU per robot-minute | bridge CPU |",
        "|---|---|---|---|---|---|---|",
    ]
    for profile, r in results.items():
        lines.append(
            f"| {profile} | {int(r['commands'])} | {r['median_s'] * 1000:.0f} ms "
            f"| {r['p95_s'] * 1000:.0f} ms | {r['updates_per_s']:.0f} "
            f"| {r['cpu_per_robot_minute']:.2f} s | {r['bridge_cpu_s']:.1f} s |"
        )
    lines += [
        "",
        "This is a stress load: every robot gets a new goal the moment the last one "
        "ends (several a second), where a real robot gets one every few seconds to "
        "minutes; the fleet-side CPU then goes mostly to pose and feedback messages "
        "(the adapter asks rosbridge to throttle poses to 5 Hz and battery to 1 Hz).",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--robots", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--markdown", type=Path, default=None)
    args = parser.parse_args()
    connections.set_backoff(0.2, 2.0)
    results = {p: measure(p, args.robots, args.seconds) for p in ("nav2", "move_base")}
    section = render(results, args)
    print(section)
    if args.markdown:
        replace_section(args.markdown, SECTION, section)


if __name__ == "__main__":
    main()
