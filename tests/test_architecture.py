"""Dependencies point down, as DESIGN.md section 1 draws them."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("maps", "planners", "fleet", "robot_adapters", "sim", "porter_native")

# Which of Porter's own packages each area may import (itself always allowed).
ALLOWED: dict[str, set[str]] = {
    # The build and guard of the compiled modules: below everything, since each
    # package's __init__ runs the guard; it knows the others only as files.
    "porter_native": set(),
    "maps": set(),
    "planners": {"maps"},
    "fleet.core": {"maps", "planners"},
    "fleet.store": {"maps", "planners", "fleet.core"},
    "fleet.service": {"maps", "planners", "fleet.core"},
    "robot_adapters": {"maps", "planners", "fleet.core"},
    "sim": {"maps", "planners", "fleet.core"},
    "fleet.api": {"*"},
    "fleet.web": {"*"},
    "fleet.cli": {"*"},
}

# Third-party libraries that only one area may import.
OWNED_BY = {
    "ortools": ("planners.ortools",),
    "roslibpy": ("robot_adapters",),
    "pydantic": ("fleet.api", "fleet.web", "fleet.cli"),
    "fastapi": ("fleet.api", "fleet.web", "fleet.cli"),
    "sqlalchemy": ("fleet.store", "fleet.cli"),
    "alembic": ("fleet.store",),
}


def _area(module: str) -> str:
    parts = module.split(".")
    if parts[0] == "fleet" and len(parts) > 1:
        return ".".join(parts[:2])
    return parts[0]


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def _modules() -> list[tuple[str, Path]]:
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            rel = path.relative_to(ROOT).with_suffix("")
            found.append((".".join(rel.parts).removesuffix(".__init__"), path))
    return found


def _violations(module: str, imported: str) -> str | None:
    area = _area(module)
    top = imported.split(".")[0]
    if top in PACKAGES:
        target = _area(imported)
        if target in (area, "fleet", "porter_native"):
            return None
        allowed = ALLOWED.get(area, set())
        if "*" in allowed or target in allowed:
            return None
        return f"{module} imports {imported}: {area} may not depend on {target}"
    owners = OWNED_BY.get(top)
    if owners and not any(module == o or module.startswith(o + ".") for o in owners):
        return f"{module} imports {top}, which only {', '.join(owners)} may import"
    return None


def test_every_module_is_checked() -> None:
    """The walk finds the packages (a test that checks nothing would pass)."""
    areas = {_area(module) for module, _ in _modules()}
    assert {"maps", "planners", "fleet.cli"} <= areas


@pytest.mark.parametrize(("module", "path"), _modules(), ids=lambda v: str(v))
def test_imports_point_down(module: str, path: Path) -> None:
    """No module imports against the arrows of DESIGN.md."""
    problems = [p for name in _imports(path) if (p := _violations(module, name))]
    assert problems == []


def test_checker_catches_a_wrong_way_import() -> None:
    """The rule itself flags the examples DESIGN.md forbids."""
    assert _violations("planners.greedy", "fleet.core.jobs")
    assert _violations("planners.greedy", "ortools.constraint_solver")
    assert _violations("maps.graph", "planners.problem")
    assert _violations("fleet.core.jobs", "sqlalchemy")
    assert _violations("sim.world", "fleet.store.db")
    assert _violations("porter_native.guard", "maps.model")
    assert _violations("maps", "porter_native.guard") is None
    assert _violations("planners.ortools", "ortools.constraint_solver") is None
    assert _violations("fleet.api.app", "fleet.store.db") is None
