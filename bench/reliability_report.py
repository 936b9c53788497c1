"""Figures of the reliability benchmarks, under ``## Reliability`` in a markdown file.

Each benchmark owns one ``### <title>`` part of that section and replaces only it,
so crash recovery, failover, fuzzing and soak can be re-run one at a time.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

SECTION = "## Reliability"

__all__ = ["machine", "percentile", "write_section"]


def machine() -> str:
    """The CPU model and core count, as ``lscpu`` gives them."""
    done = subprocess.run(["lscpu"], capture_output=True, text=True, check=False)
    model, cores = "unknown CPU", "?"
    for line in done.stdout.splitlines():
        if line.startswith("Model name:"):
            model = line.split(":", 1)[1].strip()
        if line.startswith("CPU(s):"):
            cores = line.split(":", 1)[1].strip()
    return f"{cores}-core {model}"


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def write_section(path: Path, title: str, lines: list[str]) -> None:
    """Put ``### title`` with ``lines`` under ``## Reliability`` in ``path``."""
    text = path.read_text() if path.exists() else ""
    part = f"### {title}\n\n" + "\n".join(lines) + "\n"
    if SECTION not in text:
        text = text.rstrip("\n") + f"\n\n{SECTION}\n\n{part}"
    else:
        head, rest = text.split(SECTION, 1)
        body, tail = _until_next_section(rest)
        pattern = re.compile(rf"### {re.escape(title)}\n.*?(?=\n### |\Z)", re.S)
        if pattern.search(body):
            body = pattern.sub(lambda _: part.rstrip("\n"), body)
        else:
            body = body.rstrip("\n") + "\n\n" + part
        text = head + SECTION + body.rstrip("\n") + "\n" + tail
    path.write_text(text)


def _until_next_section(rest: str) -> tuple[str, str]:
    found = re.search(r"\n## ", rest)
    if found is None:
        return rest, ""
    return rest[: found.start()], "\n" + rest[found.start() :].lstrip("\n")
