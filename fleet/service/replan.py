"""Re-planning off the event loop: at most one dispatcher run in flight.

A request for a re-plan only sets a flag. The worker takes a snapshot of the core
(``dispatch_problem``), runs the planner in a thread, and applies the plan back on
the loop. Requests that arrive meanwhile collapse into one more run on a fresh
snapshot, so a burst of new jobs makes one or two re-plans and the newest snapshot
always wins. A short pause between runs leaves the loop time for the API.

The planner is any callable ``planner(problem, previous) -> Plan``; it is called
from a worker thread. The production one is
:class:`~fleet.service.planner_process.PlannerProcess`, because OR-Tools holds the
GIL while it searches and would otherwise stall the event loop.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from planners.problem import DispatchProblem, Plan

if TYPE_CHECKING:
    from fleet.service.service import FleetService

__all__ = ["Planner", "Replanner"]

log = logging.getLogger(__name__)

#: ``planner(problem, previous_plan)``: a plan within the planner's own time limit.
Planner = Callable[[DispatchProblem, Plan | None], Plan]


class Replanner:
    """Runs the planner for a :class:`FleetService` whenever asked, one at a time."""

    def __init__(
        self, service: FleetService, planner: Planner, *, pause_s: float = 0.2
    ) -> None:
        self.service = service
        self.planner = planner
        self.pause_s = pause_s
        self.runs = 0
        self.last_plan: Plan | None = None
        self._wanted = asyncio.Event()
        self._running: asyncio.Future[Plan] | None = None

    def request(self) -> None:
        self._wanted.set()

    async def run(self) -> None:
        """The worker: wait for a request, plan, apply; until cancelled."""
        while True:
            await self._wanted.wait()
            self._wanted.clear()
            try:
                await self._replan_once()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("re-plan failed; the previous plan stays")
            await asyncio.sleep(self.pause_s)

    async def _replan_once(self) -> None:
        service = self.service
        problem = service.core.dispatch_problem(now=service.clock.now())
        previous = service.plan()
        running = asyncio.ensure_future(
            asyncio.to_thread(self.planner, problem, previous)
        )
        # Kept until the thread ends, even if this task is cancelled, so that
        # settle() can wait for it.
        self._running = running
        running.add_done_callback(lambda _: setattr(self, "_running", None))
        plan = await asyncio.shield(running)
        self.runs += 1
        self.last_plan = plan
        for note in plan.notes:
            log.info("dispatcher: %s", note)
        service.record(service.core.apply_plan(plan, now=service.clock.now()))
        service.hub.publish("plan", {"plan": plan})

    async def settle(self) -> None:
        """End the planner (if it can be ended) and wait for its last run."""
        close = getattr(self.planner, "close", None)
        if close is not None:
            await close()
        running = self._running
        if running is not None:
            try:
                await running
            except Exception:
                log.debug("planner run ended with an error during stop")
