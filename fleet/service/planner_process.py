"""The dispatcher in its own process, so a long solve never stalls the API.

OR-Tools holds the GIL while it searches: measured here, a thread beside a 2 s
solve got about 15 wake-ups a second instead of 850, so a planner in a worker
*thread* froze the event loop (and every HTTP answer) for the whole time limit.
:class:`PlannerProcess` runs the planner in a child process (spawned, so it
inherits no threads or event loop) and talks to it over a pipe; the event loop
only waits on the pipe from a thread, which releases the GIL while blocked.
The child runs at a lower priority than the API (``PLANNER_NICENESS``).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import threading
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

from planners.dispatch import Solver, dispatch
from planners.problem import DispatchProblem, Plan

__all__ = ["PlannerProcess", "run_dispatch"]


def run_dispatch(
    problem: DispatchProblem,
    previous: Plan | None,
    *,
    time_limit_s: float,
    solver: Solver = "ortools",
) -> Plan:
    """``planners.dispatch`` in the service's planner shape (picklable)."""
    return dispatch(
        problem, time_limit_s=time_limit_s, previous=previous, solver=solver
    )


#: The planner's niceness: under load the API's answers come first (a plan can
#: wait a few milliseconds; a nurse's request should not), and on an idle
#: machine the planner still gets a whole core.
PLANNER_NICENESS = 10


def _serve(connection: Connection, time_limit_s: float, solver: Solver) -> None:
    """The child: answer each (problem, previous) with a plan or an error text."""
    os.nice(PLANNER_NICENESS)
    while True:
        try:
            problem, previous = connection.recv()
        except (EOFError, OSError):
            return
        try:
            plan = run_dispatch(
                problem, previous, time_limit_s=time_limit_s, solver=solver
            )
            connection.send(("plan", plan))
        except Exception as error:  # the parent logs it; the child keeps serving
            connection.send(("error", f"{type(error).__name__}: {error}"))


class PlannerProcess:
    """A planner callable for :class:`~fleet.service.replan.Replanner`, off-process.

    Calls are made one at a time (the replanner never overlaps them). The child is
    started on first use and ended by :meth:`close`.
    """

    def __init__(self, *, time_limit_s: float, solver: Solver = "ortools") -> None:
        self.time_limit_s = time_limit_s
        self.solver = solver
        self._process: BaseProcess | None = None
        self._connection: Connection | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        if self._process is not None and self._process.is_alive():
            return
        context = multiprocessing.get_context("spawn")
        parent, child = context.Pipe()
        process = context.Process(
            target=_serve,
            args=(child, self.time_limit_s, self.solver),
            name="porter-planner",
            daemon=True,
        )
        process.start()
        child.close()
        self._process, self._connection = process, parent

    def __call__(self, problem: DispatchProblem, previous: Plan | None) -> Plan:
        """Plan in the child (blocking: call it from a worker thread)."""
        with self._lock:
            self.start()
            assert self._connection is not None
            try:
                self._connection.send((problem, previous))
                kind, answer = self._connection.recv()
            except (EOFError, OSError) as error:
                self._process = None
                raise RuntimeError(f"the planner process ended: {error}") from error
        if kind == "error":
            raise RuntimeError(f"planner failed: {answer}")
        return answer

    async def close(self) -> None:
        """End the child now (a solve in progress is abandoned)."""
        process, connection = self._process, self._connection
        self._process = self._connection = None
        if process is None:
            return
        process.terminate()
        await asyncio.to_thread(process.join, 10)
        if connection is not None:
            connection.close()
