"""What every benchmark needs to report: the machine, and its own section of
``docs/benchmarks.md`` replaced without touching the others."""

from __future__ import annotations

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
