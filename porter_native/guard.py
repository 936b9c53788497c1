"""Keep compiled modules honest: never run a compiled copy of changed source.

``python -m porter_native.build`` compiles in place: each module's extension
(``engine.cpython-311-*.so``) sits beside its ``engine.py``, and Python's import
system prefers the extension. Edit the ``.py`` afterwards and, without this
guard, the old compiled code would keep running, silently. The build writes
the fingerprint of every source it compiled to ``compiled.json``; on the first
import of a Porter package the guard compares them, and if any source changed
(or ``PORTER_NATIVE=off`` is set) every compiled module is loaded from its
source instead, all of them at once: compiled modules call each other natively,
so a mix would still run the stale code. It says so once, as a warning.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

from porter_native.modules import ROOT, compiled_paths, digest, module_name

#: Written by the build beside this file: {"modules": {name: sha256}, ...}.
STAMP = Path(__file__).resolve().parent / "compiled.json"


class NativeStale(UserWarning):
    """Compiled modules were skipped for their source."""


class SourceFirst(importlib.abc.MetaPathFinder):
    """Finds the listed modules' ``.py`` files, ahead of their extensions."""

    def __init__(self, root: Path, sources: dict[str, Path]) -> None:
        self.root = root
        self.sources = sources

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        source = self.sources.get(fullname)
        if source is None:
            return None
        loader = importlib.machinery.SourceFileLoader(fullname, str(source))
        return importlib.util.spec_from_file_location(fullname, source, loader=loader)


def source_of(name: str, root: Path = ROOT) -> Path:
    """``fleet.core.engine`` -> ``ROOT/fleet/core/engine.py``."""
    return root.joinpath(*name.split(".")).with_suffix(".py")


def extension(source: Path) -> Path:
    """Where the build puts a module's compiled extension."""
    suffix = importlib.machinery.EXTENSION_SUFFIXES[0]
    return source.with_name(source.stem + suffix)


def read_stamp(stamp: Path = STAMP) -> dict[str, str] | None:
    """The stamp's {module: fingerprint}; None without a stamp, {} if unreadable."""
    try:
        text = stamp.read_text()
    except FileNotFoundError:
        return None
    try:
        modules = json.loads(text).get("modules")
    except (ValueError, AttributeError):
        return {}
    return modules if isinstance(modules, dict) else {}


def why_source(modules: dict[str, str] | None, root: Path = ROOT) -> str | None:
    """Why the compiled modules must not run, or None when they may."""
    if os.environ.get("PORTER_NATIVE", "").lower() in {"off", "0", "no"}:
        return "PORTER_NATIVE is off"
    if modules is None:
        if any(extension(path).exists() for path in compiled_paths(root)):
            return f"extensions without {STAMP.name} (a build that did not finish?)"
        return None
    if not modules:
        return f"{STAMP.name} lists no modules"
    for name, fingerprint in modules.items():
        source = source_of(name, root)
        if not source.is_file() or digest(source) != fingerprint:
            return f"{source.relative_to(root)} changed since it was compiled"
    return None


def install(root: Path = ROOT, stamp: Path = STAMP) -> SourceFirst | None:
    """Put the source first when the compiled modules may not run.

    Returns the finder it installed, if any. Once per root."""
    for finder in sys.meta_path:
        if isinstance(finder, SourceFirst) and finder.root == root:
            return finder
    modules = read_stamp(stamp)
    reason = why_source(modules, root)
    if reason is None:
        return None
    # Every module that may have an extension here: today's list and the build's.
    sources = {module_name(path, root): path for path in compiled_paths(root)}
    for name in modules or {}:
        sources.setdefault(name, source_of(name, root))
    finder = SourceFirst(root, {n: p for n, p in sources.items() if p.is_file()})
    sys.meta_path.insert(0, finder)
    if reason != "PORTER_NATIVE is off":
        warnings.warn(
            f"Porter runs its modules from source, not compiled: {reason}; "
            "`.venv/bin/python -m porter_native.build` compiles them again",
            NativeStale,
            stacklevel=2,
        )
    return finder
