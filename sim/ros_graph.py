"""A small in-process ROS graph: topics, services and actions by name.

The virtual rosbridge server (:mod:`sim.rosbridge_server`) puts its WebSocket
clients on this graph, and the virtual robots, lifts and doors live on it as
in-process nodes. Messages are the JSON dicts rosbridge carries; nothing here
knows a message type beyond its name.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

__all__ = ["ActionGoal", "ActionServer", "Peer", "RosGraph", "ServiceAnswer"]

Msg = dict[str, Any]
#: A service handler's answer: (succeeded, response values or error text).
ServiceAnswer = tuple[bool, Any]


class Peer(Protocol):
    """A WebSocket client of the bridge: where its messages go."""

    def send(self, message: Msg) -> None: ...


@dataclass(eq=False)
class ActionGoal:
    """One goal a client sent to an action server, and how to answer it."""

    peer: Peer
    request_id: str
    action: str
    args: Msg
    wants_feedback: bool = True
    done: bool = False

    def feedback(self, values: Msg) -> None:
        if not self.done and self.wants_feedback:
            self.peer.send(
                {
                    "op": "action_feedback",
                    "id": self.request_id,
                    "action": self.action,
                    "values": values,
                }
            )

    def finish(self, status: int, values: Any, *, result: bool = True) -> None:
        """Send ``action_result`` (rosbridge sends ``result: false`` on errors)."""
        if self.done:
            return
        self.done = True
        self.peer.send(
            {
                "op": "action_result",
                "id": self.request_id,
                "action": self.action,
                "values": values,
                "status": status,
                "result": result,
            }
        )


class ActionServer(Protocol):
    def goal(self, goal: ActionGoal) -> None: ...

    def cancel(self, request_id: str) -> None: ...


@dataclass
class RosGraph:
    """Topics (with their types), subscribers, services and action servers."""

    topics: dict[str, str] = field(default_factory=dict)
    services: dict[str, tuple[str, Callable[[Msg], ServiceAnswer]]] = field(
        default_factory=dict
    )
    actions: dict[str, tuple[str, ActionServer]] = field(default_factory=dict)
    nodes: set[str] = field(default_factory=set)
    _local: dict[str, list[Callable[[Msg], None]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    _remote: dict[str, dict[Peer, set[str]]] = field(
        default_factory=lambda: defaultdict(dict)
    )

    def advertise(self, topic: str, type_: str) -> None:
        self.topics.setdefault(topic, type_)

    def listen(self, topic: str, type_: str, handler: Callable[[Msg], None]) -> None:
        """An in-process subscriber (a virtual device)."""
        self.advertise(topic, type_)
        self._local[topic].append(handler)

    def subscribe(self, peer: Peer, topic: str, sub_id: str, type_: str = "") -> None:
        if type_:
            self.advertise(topic, type_)
        self._remote[topic].setdefault(peer, set()).add(sub_id)

    def unsubscribe(self, peer: Peer, topic: str, sub_id: str | None) -> None:
        ids = self._remote.get(topic, {}).get(peer)
        if ids is None:
            return
        ids.discard(sub_id or "")
        if not ids or sub_id is None:
            self._remote[topic].pop(peer, None)

    def publish(self, topic: str, msg: Msg) -> None:
        for handler in list(self._local.get(topic, ())):
            handler(msg)
        for peer in list(self._remote.get(topic, {})):
            peer.send({"op": "publish", "topic": topic, "msg": msg})

    def add_service(
        self, name: str, type_: str, handler: Callable[[Msg], ServiceAnswer]
    ) -> None:
        self.services[name] = (type_, handler)

    def call(self, name: str, args: Msg) -> ServiceAnswer:
        entry = self.services.get(name)
        if entry is None:
            return False, f"Service {name} does not exist"
        try:
            return entry[1](args)
        except (KeyError, TypeError, ValueError) as error:
            return False, f"{type(error).__name__}: {error}"

    def add_action(self, name: str, type_: str, server: ActionServer) -> None:
        self.actions[name] = (type_, server)

    def drop(self, peer: Peer) -> None:
        """A client went away: forget its subscriptions."""
        for subscribers in self._remote.values():
            subscribers.pop(peer, None)
