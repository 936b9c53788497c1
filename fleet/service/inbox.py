"""Commands between API processes: followers ask, the dispatching leader acts.

Several ``porter serve`` processes may serve one PostgreSQL database; only the
leader (see :mod:`fleet.service.leadership`) holds the fleet core that drives the
robots. A follower writes what it cannot decide alone into the command box (a
store table): a cancel, a hand-off confirmation, a robot action, or "adopt" for a
job it wrote. :class:`LeaderInbox` is the leader's side: it polls the pending
commands oldest first, runs each through the service as if the call had come to
its own API, and writes the answer (ok, or the domain error) back. A follower
waits for the answer with :func:`ask_leader`, up to a bounded time, and gives up
with :class:`NoLeader` (503) when no leader answers. The leader claims a command
before acting on it and a follower can only withdraw an unclaimed one, so a 503
means the command was not carried out.

Nothing secret goes into a command: a follower checks a PIN itself (scrypt, in a
thread) and sends only the outcome, as the core's ``PinCheck``.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any, Protocol

from fleet.core.errors import (
    Conflict,
    FleetError,
    Forbidden,
    HandoffLocked,
    InvalidRequest,
    NotFound,
    StoreUnavailable,
    TransitionNotAllowed,
)
from fleet.core.handoff import PinCheck
from fleet.core.model import AuditEvent, Job, Principal, Role

if TYPE_CHECKING:
    from collections.abc import Sequence

    from fleet.core.engine import FleetCore
    from fleet.service.service import FleetService

__all__ = [
    "CommandBox",
    "LeaderInbox",
    "NoLeader",
    "adopt",
    "ask_leader",
    "error_from",
    "error_to",
    "principal_from",
    "principal_to",
]

log = logging.getLogger(__name__)

#: What the leader is asked to do, and the service method it calls.
KINDS = frozenset({"adopt", "cancel", "handoff", "robot_action"})


class NoLeader(StoreUnavailable):
    """No dispatching process answered a follower's command in time (503)."""


class CommandBox(Protocol):
    """The command table (``fleet.store.commands.SqlCommandBox``)."""

    def submit(self, kind: str, payload: dict[str, Any], *, now: float) -> str: ...

    def create_job(
        self,
        job: Job,
        events: Sequence[AuditEvent],
        *,
        idempotency_key: str | None,
        now: float,
    ) -> Job | None: ...

    def pending(self, limit: int = 100) -> list[tuple[str, str, dict[str, Any]]]: ...

    def take(self, command_id: str) -> bool: ...

    def answer(
        self, command_id: str, answer: dict[str, Any], *, now: float
    ) -> None: ...

    def answer_of(self, command_id: str) -> dict[str, Any] | None: ...

    def withdraw(self, command_id: str) -> bool: ...

    def prune(self, answered_before: float) -> int: ...


# --- the follower's side ------------------------------------------------------


async def ask_leader(
    box: CommandBox,
    kind: str,
    payload: dict[str, Any],
    *,
    now: float,
    timeout_s: float = 5.0,
    poll_s: float = 0.05,
) -> None:
    """Queue a command and wait for the leader's answer; raise its error.

    :class:`NoLeader` if nobody answers within ``timeout_s`` (the command is
    withdrawn then, so a leader that comes later does not act on it).
    """
    command_id = await asyncio.to_thread(box.submit, kind, payload, now=now)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    taken = False
    while True:
        answer = await asyncio.to_thread(box.answer_of, command_id)
        if answer is not None:
            error = error_from(answer)
            if error is not None:
                raise error
            return
        if loop.time() >= deadline:
            if taken or await asyncio.to_thread(box.withdraw, command_id):
                raise NoLeader(
                    f"no dispatching Porter process answered within {timeout_s:g} s "
                    f"({kind}); try again shortly"
                )
            # The leader took it just now: give it as long again to answer.
            taken, deadline = True, loop.time() + timeout_s
        await asyncio.sleep(poll_s)


# --- the leader's side ----------------------------------------------------------


class LeaderInbox:
    """Carries out followers' commands on the leader; see the module docstring."""

    def __init__(
        self,
        service: FleetService,
        box: CommandBox,
        *,
        poll_s: float = 0.1,
        keep_answers_s: float = 600.0,
    ) -> None:
        self.service = service
        self.box = box
        self.poll_s = poll_s
        self.keep_answers_s = keep_answers_s
        self.handled = 0

    async def run(self) -> None:
        """Poll and answer until cancelled."""
        pruned_at = 0.0
        while True:
            try:
                await self.take_pending()
                now = self.service.clock.now()
                if now - pruned_at > 60.0:
                    pruned_at = now
                    await asyncio.to_thread(self.box.prune, now - self.keep_answers_s)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("leader inbox: reading commands failed")
            await asyncio.sleep(self.poll_s)

    async def take_pending(self) -> int:
        """Carry out and answer every pending command; how many there were."""
        pending = await asyncio.to_thread(self.box.pending)
        for command_id, kind, payload in pending:
            if not await asyncio.to_thread(self.box.take, command_id):
                continue  # withdrawn by a follower that stopped waiting
            answer = await self._carry_out(kind, payload)
            await asyncio.to_thread(
                self.box.answer, command_id, answer, now=self.service.clock.now()
            )
            self.handled += 1
        return len(pending)

    async def _carry_out(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        try:
            await self._dispatch(kind, payload)
        except FleetError as error:
            return error_to(error)
        except Exception as error:
            log.exception("leader inbox: %s failed", kind)
            return {"error": "StoreUnavailable", "args": [f"{kind} failed: {error}"]}
        return {"ok": True}

    async def _dispatch(self, kind: str, payload: dict[str, Any]) -> None:
        service = self.service
        if kind not in KINDS:
            raise InvalidRequest("kind", f"unknown command {kind!r}")
        if "job_id" in payload:
            self._adopt_if_new(payload["job_id"])
        if kind == "adopt":
            return
        principal = principal_from(payload["principal"])
        if kind == "cancel":
            await service.cancel_job(payload["job_id"], principal, payload["reason"])
        elif kind == "handoff":
            checked = None
            if payload.get("pin_hash"):
                checked = PinCheck(payload["pin_hash"], bool(payload["matches"]))
            pin = "checked-by-follower" if payload.get("pin_given") else None
            await service.confirm_handoff(
                payload["job_id"], pin, principal, checked=checked
            )
        else:
            await service.robot_action(
                payload["action"], payload["robot_id"], principal
            )

    def _adopt_if_new(self, job_id: str) -> None:
        core = self.service.core
        try:
            core.job(job_id)
            return
        except NotFound:
            pass
        job = self.service.store.get_job(job_id)
        if not job.status.is_final:
            adopt(core, job, now=self.service.clock.now())


def adopt(core: FleetCore, job: Job, *, now: float) -> None:
    """Put a job another process wrote into the leader's core; a re-plan is due.

    FleetCore has no public call for "a job the database already holds" (asked
    of the core's owner in notes/session2.md); until it does, use its state as
    ``FleetCore.__init__`` does for stored jobs. The job is not written again.
    """
    state = core._state
    state.put_job(job)
    state.schedule_replan(now)


# --- plain JSON for what crosses the table ----------------------------------------


def principal_to(principal: Principal) -> dict[str, Any]:
    return {
        "id": principal.id,
        "role": principal.role.value,
        "wards": sorted(principal.wards),
        "places": sorted(principal.places),
        "robot_id": principal.robot_id,
    }


def principal_from(data: dict[str, Any]) -> Principal:
    return Principal(
        id=data["id"],
        role=Role(data["role"]),
        wards=frozenset(data.get("wards", ())),
        places=frozenset(data.get("places", ())),
        robot_id=data.get("robot_id"),
    )


_ERRORS: dict[str, type[FleetError]] = {
    cls.__name__: cls
    for cls in (
        Conflict,
        Forbidden,
        HandoffLocked,
        StoreUnavailable,
        NoLeader,
        FleetError,
    )
}


def error_to(error: FleetError) -> dict[str, Any]:
    """A domain error as JSON that :func:`error_from` turns back into it."""
    if isinstance(error, NotFound):
        return {"error": "NotFound", "args": [error.kind, error.ident]}
    if isinstance(error, TransitionNotAllowed):
        args = [error.subject, error.ident, str(error.before), str(error.after)]
        return {"error": "TransitionNotAllowed", "args": args}
    if isinstance(error, InvalidRequest):
        message = str(error).removeprefix(f"{error.field}: ")
        return {"error": "InvalidRequest", "args": [error.field, message]}
    name = type(error).__name__ if type(error).__name__ in _ERRORS else "FleetError"
    return {"error": name, "args": [str(error)]}


def error_from(answer: dict[str, Any]) -> FleetError | None:
    """The error an answer carries, or ``None`` for "ok"."""
    name = answer.get("error")
    if name is None:
        return None
    args = [str(a) for a in answer.get("args", ())]
    if name == "NotFound":
        return NotFound(*args[:2])
    if name == "TransitionNotAllowed":
        return TransitionNotAllowed(*args[:4])
    if name == "InvalidRequest":
        return InvalidRequest(*args[:2])
    return _ERRORS.get(str(name), FleetError)(*args[:1])
