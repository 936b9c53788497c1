"""What every benchmark needs to report: the machine, and its own section of
``docs/benchmarks.md`` replaced without touching the others."""

from __future__ import annotations

import os
import platform
import re
from pathlib import Path


def cpu_model() -> str:
    """The processor's model name, as ``lscpu`` shows it."""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown CPU"


def replace_section(path: Path, heading: str, body: str) -> None:
    """Replace the section that starts with the line ``heading`` (up to the next
    ``## `` heading) by ``body``, or append ``body`` when there is none."""
    text = path.read_text() if path.is_file() else "# Porter benchmarks\n"
    pattern = re.compile(rf"^{re.escape(heading)}\n.*?(?=^## |\Z)", re.M | re.S)
    body = body.rstrip("\n") + "\n"
    if pattern.search(text):
        text = pattern.sub(lambda _: body + "\n", text, count=1).rstrip("\n") + "\n"
    else:
        text = text.rstrip("\n") + "\n\n" + body
    path.write_text(text)


def machine_line(load_at_start: float | None = None) -> str:
    """The machine and how busy it was, in words a reader can weigh figures by.

    The 1-minute load average is read now (the end of a run); on this 2-core
    machine a load of 2 or more means something else competed for the cores and
    wall-clock figures are inflated, so the line says which case it was.
    """
    cores = os.cpu_count() or 1
    end = os.getloadavg()[0]
    span = f"{end:.1f}"
    if load_at_start is not None:
        span = f"{load_at_start:.1f} -> {end:.1f}"
    busiest = max(end, load_at_start or 0.0)
    if busiest >= cores:
        reading = "other work shared the cores: wall-clock figures are inflated"
    elif busiest >= cores - 0.5:
        reading = "the run itself used about every core"
    else:
        reading = "nothing else competed for the cores"
    return f"{cpu_model()}, {cores} cores; load average (1 min) {span}: {reading}"
