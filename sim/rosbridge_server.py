"""A WebSocket server speaking the rosbridge v2 JSON protocol, in front of a graph.

To roslibpy it looks like rosbridge_suite's server with rosapi beside it:
``advertise``, ``unadvertise``, ``publish``, ``subscribe``, ``unsubscribe``,
``call_service`` (answered with ``service_response``), ``send_action_goal`` and
``cancel_action_goal`` (answered with ``action_feedback`` and ``action_result``),
and the rosapi services roslibpy's helpers call (``/rosapi/topics``,
``/rosapi/services``, ``/rosapi/topic_type``, ``/rosapi/get_time``, ...).
Behind it is a :class:`~sim.ros_graph.RosGraph` holding the virtual robots,
lifts and doors. :meth:`RosbridgeServer.stop` drops every client, as a bridge
that dies does; :meth:`RosbridgeServer.start` may then serve the same graph again.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from typing import Any

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed

from sim.ros_graph import ActionGoal, Msg, RosGraph, ServiceAnswer

__all__ = ["RosbridgeServer", "add_rosapi"]

log = logging.getLogger(__name__)


class _Client:
    """One WebSocket client: its outgoing messages go through one writer task."""

    def __init__(self, ws: ServerConnection) -> None:
        self.ws = ws
        self.queue: asyncio.Queue[str] = asyncio.Queue()

    def send(self, message: Msg) -> None:
        self.queue.put_nowait(json.dumps(message))

    async def write(self) -> None:
        while True:
            text = await self.queue.get()
            await self.ws.send(text)


class RosbridgeServer:
    """rosbridge v2 over WebSockets on ``host:port``, serving ``graph``."""

    def __init__(self, graph: RosGraph, host: str = "127.0.0.1", port: int = 9090):
        self.graph, self.host, self.port = graph, host, port
        self._server: Server | None = None
        self._clients: set[_Client] = set()

    async def start(self) -> None:
        self._server = await serve(self._session, self.host, self.port)
        if self.port == 0:
            self.port = next(iter(self._server.sockets)).getsockname()[1]

    async def stop(self) -> None:
        """Stop listening and drop every client (abruptly, like a killed bridge)."""
        server, self._server = self._server, None
        if server is None:
            return
        for client in list(self._clients):
            client.ws.transport.abort()
        server.close()
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(server.wait_closed(), timeout=5)

    @property
    def clients(self) -> int:
        return len(self._clients)

    async def _session(self, ws: ServerConnection) -> None:
        client = _Client(ws)
        self._clients.add(client)
        writer = asyncio.create_task(client.write())
        try:
            async for text in ws:
                self._handle(client, text)
        except ConnectionClosed:
            pass
        finally:
            self._clients.discard(client)
            self.graph.drop(client)
            writer.cancel()
            with contextlib.suppress(asyncio.CancelledError, ConnectionClosed):
                await writer

    def _handle(self, client: _Client, text: str | bytes) -> None:
        try:
            message = json.loads(text)
            op = message["op"]
        except (ValueError, KeyError, TypeError):
            log.warning("rosbridge: not a rosbridge message: %.200s", text)
            return
        handler = getattr(self, f"_op_{op}", None)
        if handler is None:
            log.debug("rosbridge: op %r ignored", op)
            return
        try:
            handler(client, message)
        except (KeyError, TypeError, ValueError) as error:
            log.warning("rosbridge: bad %s message (%s): %.200s", op, error, text)

    def _op_advertise(self, client: _Client, m: Msg) -> None:
        self.graph.advertise(m["topic"], m["type"])

    def _op_unadvertise(self, client: _Client, m: Msg) -> None:
        return None

    def _op_publish(self, client: _Client, m: Msg) -> None:
        self.graph.publish(m["topic"], m["msg"])

    def _op_subscribe(self, client: _Client, m: Msg) -> None:
        self.graph.subscribe(
            client, m["topic"], str(m.get("id", "")), m.get("type", "")
        )

    def _op_unsubscribe(self, client: _Client, m: Msg) -> None:
        self.graph.unsubscribe(client, m["topic"], m.get("id"))

    def _op_call_service(self, client: _Client, m: Msg) -> None:
        ok, values = self.graph.call(m["service"], m.get("args") or {})
        answer: Msg = {
            "op": "service_response",
            "service": m["service"],
            "values": values,
            "result": ok,
        }
        if "id" in m:
            answer["id"] = m["id"]
        client.send(answer)

    def _op_send_action_goal(self, client: _Client, m: Msg) -> None:
        goal = ActionGoal(
            client, str(m["id"]), m["action"], m.get("args") or {},
            bool(m.get("feedback", False)),
        )  # fmt: skip
        entry = self.graph.actions.get(m["action"])
        if entry is None:
            goal.finish(
                0, f"Action server {m['action']} is not available", result=False
            )
            return
        entry[1].goal(goal)

    def _op_cancel_action_goal(self, client: _Client, m: Msg) -> None:
        entry = self.graph.actions.get(m["action"])
        if entry is not None:
            entry[1].cancel(str(m["id"]))


def add_rosapi(graph: RosGraph, *, ros1: bool = False) -> None:
    """The rosapi services roslibpy's helpers call, answering from ``graph``."""

    def answer(**values: Any) -> ServiceAnswer:
        return True, values

    def now(_args: Msg) -> ServiceAnswer:
        t = time.time()
        secs, nanos = int(t), int((t - int(t)) * 1e9)
        stamp = (
            {"secs": secs, "nsecs": nanos} if ros1 else {"sec": secs, "nanosec": nanos}
        )
        return answer(time=stamp)

    services: dict[str, tuple[str, Any]] = {
        "topics": (
            "Topics",
            lambda _a: answer(
                topics=sorted(graph.topics),
                types=[graph.topics[t] for t in sorted(graph.topics)],
            ),
        ),
        "topic_type": (
            "TopicType",
            lambda a: answer(type=graph.topics.get(a.get("topic", ""), "")),
        ),
        "topics_for_type": (
            "TopicsForType",
            lambda a: answer(
                topics=sorted(t for t, k in graph.topics.items() if k == a.get("type"))
            ),
        ),
        "services": ("Services", lambda _a: answer(services=sorted(graph.services))),
        "service_type": (
            "ServiceType",
            lambda a: answer(type=graph.services.get(a.get("service", ""), ("",))[0]),
        ),
        "services_for_type": (
            "ServicesForType",
            lambda a: answer(
                services=sorted(
                    s for s, (k, _h) in graph.services.items() if k == a.get("type")
                )
            ),
        ),
        "action_servers": (
            "GetActionServers",
            lambda _a: answer(action_servers=sorted(graph.actions)),
        ),
        "nodes": ("Nodes", lambda _a: answer(nodes=sorted(graph.nodes | {"/rosapi"}))),
        "get_param_names": ("GetParamNames", lambda _a: answer(names=[])),
        "get_time": ("GetTime", now),
    }
    prefix = "rosapi/" if ros1 else "rosapi/srv/"
    for name, (kind, handler) in services.items():
        graph.add_service(f"/rosapi/{name}", f"{prefix}{kind}", handler)
