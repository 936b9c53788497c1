"""The live-event hub: the service publishes, WebSocket clients subscribe.

Each subscriber has its own bounded queue, so one slow browser never holds up the
service: when its queue is full the oldest event is dropped and counted (the client
can re-read the state over REST). Events carry domain values (a :class:`Job`, a
:class:`Robot`); the API decides who may see which and how they are written.
"""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass

__all__ = ["EventHub", "LiveEvent", "Subscription"]


@dataclass(frozen=True, slots=True)
class LiveEvent:
    """One thing that happened; ``kind``: ``job``, ``robot``, ``alert``, ``plan``."""

    seq: int
    kind: str
    payload: dict[str, object]


class Subscription:
    """One subscriber's queue of events."""

    def __init__(self, hub: EventHub, maxsize: int) -> None:
        self._hub = hub
        self._queue: asyncio.Queue[LiveEvent] = asyncio.Queue(maxsize=maxsize)
        self.dropped = 0

    def offer(self, event: LiveEvent) -> None:
        if self._queue.full():
            self._queue.get_nowait()
            self.dropped += 1
        self._queue.put_nowait(event)

    async def next(self) -> LiveEvent:
        return await self._queue.get()

    def close(self) -> None:
        self._hub.unsubscribe(self)


class EventHub:
    """Fan-out of live events; implements :class:`fleet.core.ports.EventSink`.

    Publish and subscribe from the event loop's thread only.
    """

    def __init__(self) -> None:
        self._subscribers: set[Subscription] = set()
        self._seq = itertools.count(1)

    def publish(self, kind: str, payload: dict[str, object]) -> None:
        event = LiveEvent(next(self._seq), kind, payload)
        for subscriber in tuple(self._subscribers):
            subscriber.offer(event)

    def subscribe(self, maxsize: int = 1000) -> Subscription:
        subscription = Subscription(self, maxsize)
        self._subscribers.add(subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        self._subscribers.discard(subscription)

    @property
    def subscriber_count(self) -> int:
        return len(self._subscribers)
