"""bench.report: the machine line says whether other work shared the cores."""

from __future__ import annotations

import pytest

from bench import report


@pytest.mark.parametrize(
    ("load", "reading"),
    [
        (0.4, "nothing else competed for the cores"),
        (1.7, "the run itself used about every core"),
        (2.5, "other work shared the cores"),
    ],
)
def test_machine_line_reads_the_load(monkeypatch, load, reading) -> None:  # type: ignore[no-untyped-def]
    """The load at the end (or the start, if higher) decides the reading."""
    monkeypatch.setattr(report.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(report.os, "getloadavg", lambda: (load, 0.0, 0.0))
    line = report.machine_line()
    assert "2 cores" in line and f"{load:.1f}" in line and reading in line
    assert "other work shared" in report.machine_line(load_at_start=3.0)
