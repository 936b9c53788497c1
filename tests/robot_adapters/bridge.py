"""A virtual rosbridge for tests: a :class:`sim.ros_world.RosWorld` in a thread.

The server runs on its own event loop in a background thread on a free port of
127.0.0.1; the adapter under test runs on the test's loop with roslibpy (whose
transport has its own thread), so every message crosses a real WebSocket.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from maps.loading import load_sample
from sim.ros_world import RosWorld, ros_world

T = TypeVar("T")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class BridgeThread:
    """A RosWorld served from a thread; ``call`` runs code on its loop."""

    def __init__(self, world: RosWorld) -> None:
        self.world = world
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    @property
    def url(self) -> str:
        return self.world.url

    def start(self) -> None:
        self.thread.start()
        self.run(self.world.start())

    def run(self, work: Any, timeout_s: float = 10.0) -> Any:
        return asyncio.run_coroutine_threadsafe(work, self.loop).result(timeout_s)

    def call(self, fn: Callable[[], T]) -> T:
        async def wrapped() -> T:
            return fn()

        return self.run(wrapped())

    def kill(self) -> None:
        """Drop every client and stop listening, as a bridge process dying."""
        self.run(self.world.server.stop())

    def revive(self) -> None:
        self.run(self.world.server.start())

    def stop(self) -> None:
        self.run(self.world.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)


@contextmanager
def virtual_bridge(
    *, profile: str = "nav2", robots: int = 1, building: str = "demo_hospital",
    speedup: float = 20.0,
) -> Iterator[BridgeThread]:  # fmt: skip
    world = ros_world(
        load_sample(building), robots=robots, profile=profile, port=free_port(),
        speedup=speedup,
    )  # fmt: skip
    bridge = BridgeThread(world)
    bridge.start()
    try:
        yield bridge
    finally:
        bridge.stop()


async def wait_for(
    condition: Callable[[], T], *, timeout_s: float = 15.0, what: str = "condition"
) -> T:
    """Poll ``condition`` on the running loop until truthy; fail after the timeout."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s} s waiting for {what}")
        await asyncio.sleep(0.02)


def wait_for_sync(
    condition: Callable[[], T], *, timeout_s: float = 15.0, what: str = "condition"
) -> T:
    """Poll ``condition`` (no event loop) until truthy; fail after the timeout."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s} s waiting for {what}")
        time.sleep(0.02)
