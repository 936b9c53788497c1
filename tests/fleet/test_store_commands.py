"""The command box: followers' commands to the leader, claimed once, answered once."""

from __future__ import annotations

from fleet.core.errors import NotFound, TransitionNotAllowed
from fleet.core.model import Principal, Role
from fleet.service.inbox import error_from, error_to, principal_from, principal_to
from fleet.store import SqlCommandBox, open_store


def test_a_command_is_either_withdrawn_or_taken_and_answered(database_url: str) -> None:
    """A taken command cannot be withdrawn; a withdrawn one cannot be taken."""
    store = open_store(database_url)
    try:
        box = SqlCommandBox(store.engine)
        first = box.submit("cancel", {"job_id": "j1"}, now=1.0)
        second = box.submit("cancel", {"job_id": "j2"}, now=2.0)
        assert [(c, k) for c, k, _ in box.pending()] == [
            (first, "cancel"),
            (second, "cancel"),
        ]
        assert box.take(first) and not box.withdraw(first)
        assert box.answer_of(first) is None
        box.answer(first, {"ok": True}, now=3.0)
        assert box.answer_of(first) == {"ok": True}
        assert box.withdraw(second) and not box.take(second)
        assert box.pending() == []
        assert box.prune(answered_before=4.0) == 1
        assert box.answer_of(first) is None
    finally:
        store.close()


def test_errors_and_principals_cross_the_table_unchanged() -> None:
    """Domain errors and principals come back as they went, as plain JSON."""
    for error in (
        NotFound("job", "j1"),
        TransitionNotAllowed("job", "j1", "completed", "cancelled"),
    ):
        back = error_from(error_to(error))
        assert type(back) is type(error) and str(back) == str(error)
    ward = Principal(id="t1", role=Role.NURSING_STATION, wards=frozenset({"ward_2a"}))
    assert principal_from(principal_to(ward)) == ward
    assert error_from({"ok": True}) is None
