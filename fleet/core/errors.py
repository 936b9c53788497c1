"""Domain errors. Only ``fleet.api`` turns these into HTTP status codes."""

from __future__ import annotations


class FleetError(Exception):
    """Base of every domain error Porter raises on purpose."""


class NotFound(FleetError):
    def __init__(self, kind: str, ident: str) -> None:
        self.kind, self.ident = kind, ident
        super().__init__(f"{kind} {ident!r} not found")


class Conflict(FleetError):
    """The change clashes with the current state (stale version, duplicate)."""


class TransitionNotAllowed(Conflict):
    def __init__(self, subject: str, ident: str, before: str, after: str) -> None:
        self.subject, self.ident, self.before, self.after = (
            subject,
            ident,
            before,
            after,
        )
        super().__init__(f"{subject} {ident!r} cannot go from {before!s} to {after!s}")


class Forbidden(FleetError):
    """The caller's role or ward does not allow this."""


class InvalidRequest(FleetError):
    """A request that is well-formed but makes no sense here (unknown place...)."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(f"{field}: {message}")


class HandoffLocked(Forbidden):
    """Too many wrong PINs: the hand-off is locked until an operator steps in."""


class StoreUnavailable(FleetError):
    """The database cannot be reached right now; nothing was written."""
