"""Which of Porter's modules are compiled, and the fingerprint of their source.

The hot loop of a simulated day runs through the fleet core, the simulator's
world, the planners' plain-Python decisions and the building's routes; these are
the modules mypyc compiles (docs/benchmarks.md, "Session 9: the greedy day
compiled with mypyc"). Left out: package ``__init__`` files (the guard must run
before any compiled module loads), anything that imports ortools or roslibpy,
the plots and reports (matplotlib, once per run), and modules whose values are
built in ways native classes refuse (``maps.overlay``'s ``object.__new__``).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

#: The project root as installed: the folder that holds the packages.
ROOT = Path(__file__).resolve().parent.parent

#: (package folder, module stems left out) for every folder compiled.
_FOLDERS: tuple[tuple[str, frozenset[str]], ...] = (
    ("fleet/core", frozenset()),
    ("sim", frozenset({
        "kpis", "plots", "report", "sweep", "rosbridge_server", "ros_fronts",
        "ros_graph", "ros_lifts", "ros_messages", "ros_robots", "ros_world",
    })),
    ("planners", frozenset()),
    ("maps", frozenset({
        "openrmf", "openrmf_frames", "openrmf_graph", "openrmf_lifts",
        "openrmf_raw", "render", "yaml_read", "overlay", "drawing",
    })),
)


def compiled_paths(root: Path = ROOT) -> list[Path]:
    """The source files mypyc compiles, in a stable order."""
    paths: list[Path] = []
    for folder, left_out in _FOLDERS:
        for path in sorted((root / folder).glob("*.py")):
            if path.stem != "__init__" and path.stem not in left_out:
                paths.append(path)
    return paths


def module_name(path: Path, root: Path = ROOT) -> str:
    """``fleet/core/engine.py`` -> ``fleet.core.engine``."""
    return ".".join(path.relative_to(root).with_suffix("").parts)


def digest(path: Path) -> str:
    """The source's fingerprint: its bytes' SHA-256."""
    return hashlib.sha256(path.read_bytes()).hexdigest()
