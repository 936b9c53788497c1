"""What lifts and doors share: one rosbridge link, a request topic, a state topic.

Open-RMF's lift and door adapters listen on ``/lift_requests`` and
``/door_requests`` and publish ``/lift_states`` and ``/door_states``
(rmf_lift_msgs, rmf_door_msgs). :class:`RmfChannel` owns the link, advertises the
request topic, subscribes to the state topic and hands states to the event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any

import roslibpy

from robot_adapters import connections

__all__ = ["RmfChannel"]


class RmfChannel:
    """A request topic out, a state topic in, on one shared link."""

    def __init__(
        self,
        url: str,
        requests: tuple[str, str],
        states: tuple[str, str],
    ) -> None:
        self.url, self._requests_spec, self._states_spec = url, requests, states
        self.online = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._link: connections.BridgeLink | None = None
        self._listener: Any = None
        self._requests: roslibpy.Topic | None = None
        self._states: roslibpy.Topic | None = None

    def open(
        self,
        on_state: Callable[[dict[str, Any]], None],
        on_up: Callable[[], None],
        on_down: Callable[[], None],
    ) -> None:
        """Start; the callbacks run on the running event loop."""
        self._loop = asyncio.get_running_loop()
        link = self._link = connections.acquire(self.url)
        self._requests = roslibpy.Topic(link.ros, *self._requests_spec)
        self._requests.advertise()
        self._states = roslibpy.Topic(link.ros, *self._states_spec)
        self._states.subscribe(lambda msg: self._post(on_state, msg))

        def up() -> None:
            self.online = True
            on_up()

        def down() -> None:
            self.online = False
            on_down()

        self._listener = link.listen(lambda: self._post(up), lambda: self._post(down))

    def publish(self, msg: dict[str, Any]) -> None:
        if self._requests is not None and self.online:
            self._requests.publish(roslibpy.Message(msg))

    def close(self) -> None:
        link, self._link = self._link, None
        if link is None:
            return
        link.unlisten(self._listener)
        if self._states is not None:
            self._states.unsubscribe()
        if self._requests is not None:
            self._requests.unadvertise()
        connections.release(link)

    def _post(self, call: Callable[..., None], *args: Any) -> None:
        loop = self._loop
        if loop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(call, *args)
