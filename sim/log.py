"""The simulator's event log: every happening, time-stamped, as JSON lines.

Times in the log are seconds since the start of the run (rounded to the
millisecond), so a log reads the same whatever day the run simulates; the tests
check the world's physics (speeds, lift loads, batteries) from it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


class EventLog:
    """An append-only list of events, written out as ``events.jsonl``."""

    def __init__(self, start: float, *, keep: bool = True) -> None:
        self.start = start
        self.keep = keep
        self.events: list[dict[str, Any]] = []

    def add(self, at: float, kind: str, **fields: Any) -> None:
        if self.keep:
            self.events.append({"t": round(at - self.start, 3), "kind": kind, **fields})

    def of_kind(self, *kinds: str) -> list[dict[str, Any]]:
        wanted = set(kinds)
        return [e for e in self.events if e["kind"] in wanted]

    def write(self, path: str | Path) -> Path:
        out = Path(path)
        with out.open("w") as handle:
            for event in self.events:
                handle.write(json.dumps(event, separators=(",", ":")) + "\n")
        return out
