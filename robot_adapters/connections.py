"""One shared roslibpy connection per rosbridge URL, for the whole process.

roslibpy runs its transport on its own event loop thread, and that loop (like
the Twisted reactor it replaces) is one per process and is never restarted. So
Porter opens exactly one ``roslibpy.Ros`` per rosbridge URL, shares it between
every robot, lift and door adapter that talks to that bridge, and lets roslibpy
reconnect it with exponential backoff when the bridge goes away; the adapters
only listen for the link going up and down.

Listener callbacks run on roslibpy's thread: adapters must hand them to their
own event loop (``loop.call_soon_threadsafe``) and never block in them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

import roslibpy
from roslibpy.comm import select_factory

__all__ = ["BridgeLink", "acquire", "release", "set_backoff"]

#: roslibpy's asyncio transport: no Twisted reactor, the same Autobahn stack.
TRANSPORT = "asyncio"

_lock = threading.Lock()
_links: dict[str, BridgeLink] = {}


def set_backoff(initial_s: float = 0.5, maximum_s: float = 10.0) -> None:
    """Reconnect delays: ``initial_s``, then x2.7 per failed attempt, capped."""
    factory = select_factory(TRANSPORT)
    factory.set_initial_delay(initial_s)
    factory.set_max_delay(maximum_s)


@dataclass(eq=False)
class _Listener:
    on_up: Callable[[], None]
    on_down: Callable[[], None]


class BridgeLink:
    """One ``roslibpy.Ros`` to one rosbridge URL and who listens to it."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.users = 0
        self._listeners: list[_Listener] = []
        self._listeners_lock = threading.Lock()
        self.ros = roslibpy.Ros(url, transport=TRANSPORT)
        self.ros.on("ready", self._up)
        self.ros.on("close", self._down)

    @property
    def connected(self) -> bool:
        return bool(self.ros.is_connected)

    def listen(
        self, on_up: Callable[[], None], on_down: Callable[[], None]
    ) -> _Listener:
        """Call ``on_up``/``on_down`` (on roslibpy's thread) as the link changes.

        ``on_up`` is called at once if the link is already up; it may be called
        twice for one connection, so listeners must be idempotent.
        """
        listener = _Listener(on_up, on_down)
        with self._listeners_lock:
            self._listeners.append(listener)
        if self.connected:
            on_up()
        return listener

    def unlisten(self, listener: _Listener) -> None:
        with self._listeners_lock:
            if listener in self._listeners:
                self._listeners.remove(listener)

    def _up(self, *_args: object) -> None:
        for listener in self._snapshot():
            listener.on_up()

    def _down(self, *_args: object) -> None:
        for listener in self._snapshot():
            listener.on_down()

    def _snapshot(self) -> list[_Listener]:
        with self._listeners_lock:
            return list(self._listeners)

    def shut(self) -> None:
        """Close for good: no more reconnects (the transport loop stays up)."""
        # roslibpy only stops reconnecting after a close of a live connection;
        # a link that is down right now must be told not to retry.
        self.ros.factory._stop = True  # no public switch for this
        # A retry already scheduled may still connect: close it when it does.
        self.ros.on("ready", lambda *_: self.ros.close())
        if self.connected:
            self.ros.close()


def acquire(url: str) -> BridgeLink:
    """The shared link to ``url`` (opened on first use)."""
    with _lock:
        link = _links.get(url)
        if link is None:
            link = _links[url] = BridgeLink(url)
        link.users += 1
        return link


def release(link: BridgeLink) -> None:
    """One user less; the last one closes the link."""
    with _lock:
        link.users -= 1
        if link.users > 0:
            return
        _links.pop(link.url, None)
    link.shut()


set_backoff()
