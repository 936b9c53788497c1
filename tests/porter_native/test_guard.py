"""The guard never lets a compiled module run for a source that changed.

A fake root stands in for the project: a module ``pkgx.mod`` with, beside its
source, a file where the build would put its extension. The "extension" is not
a shared library at all, so the import system fails if it ever tries to load
it: an import that succeeds proves the source was loaded instead.
"""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from porter_native.guard import (
    NativeStale,
    SourceFirst,
    extension,
    install,
    read_stamp,
    why_source,
)
from porter_native.modules import compiled_paths, digest, module_name


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    package = tmp_path / "pkgx"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "mod.py").write_text("ANSWER = 'from source'\n")
    extension(package / "mod.py").write_bytes(b"not a shared library")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delenv("PORTER_NATIVE", raising=False)
    before = list(sys.meta_path)
    yield tmp_path
    sys.meta_path[:] = before
    for name in ("pkgx.mod", "pkgx"):
        sys.modules.pop(name, None)


def _stamp(root: Path, fingerprint: str) -> Path:
    stamp = root / "compiled.json"
    stamp.write_text(json.dumps({"modules": {"pkgx.mod": fingerprint}}))
    return stamp


def test_the_fake_extension_really_cannot_load(root: Path) -> None:
    """The premise: without the guard, the import system takes the extension."""
    with pytest.raises(ImportError):
        importlib.import_module("pkgx.mod")


def test_a_changed_source_is_run_from_source_with_a_warning(root: Path) -> None:
    stamp = _stamp(root, "0" * 64)  # not the source's fingerprint: it changed
    with pytest.warns(NativeStale, match=r"pkgx/mod\.py changed since it was compiled"):
        finder = install(root, stamp)
    assert isinstance(finder, SourceFirst)
    assert importlib.import_module("pkgx.mod").ANSWER == "from source"
    assert install(root, stamp) is finder  # once per root


def test_an_unchanged_source_runs_compiled(root: Path) -> None:
    stamp = _stamp(root, digest(root / "pkgx" / "mod.py"))
    assert why_source(read_stamp(stamp), root) is None
    assert install(root, stamp) is None
    assert not any(isinstance(f, SourceFirst) for f in sys.meta_path)


def test_porter_native_off_runs_everything_from_source(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stamp = _stamp(root, digest(root / "pkgx" / "mod.py"))
    monkeypatch.setenv("PORTER_NATIVE", "off")
    assert install(root, stamp) is not None
    assert importlib.import_module("pkgx.mod").ANSWER == "from source"


def test_extensions_without_a_stamp_are_not_trusted(root: Path) -> None:
    """A build that stopped before its stamp: Porter's own folders, faked."""
    core = root / "fleet" / "core"
    core.mkdir(parents=True)
    (core / "engine.py").write_text("X = 1\n")
    extension(core / "engine.py").write_bytes(b"half a build")
    assert read_stamp(root / "compiled.json") is None
    assert "without compiled.json" in (why_source(None, root) or "")


def test_a_broken_stamp_is_not_trusted(root: Path) -> None:
    stamp = root / "compiled.json"
    stamp.write_text("{not json")
    assert read_stamp(stamp) == {}
    assert why_source({}, root) == "compiled.json lists no modules"


def test_no_build_no_guard(tmp_path: Path) -> None:
    assert why_source(None, tmp_path) is None


def test_the_compiled_list_leaves_out_what_mypyc_cannot_hold() -> None:
    """Package __init__ files run the guard; ortools, roslibpy and matplotlib
    stay interpreted; maps.overlay builds values with object.__new__."""
    names = {module_name(path) for path in compiled_paths()}
    assert "fleet.core.engine" in names and "sim.engine" in names
    assert "maps.routing" in names and "planners.greedy" in names
    assert not any(name.endswith("__init__") for name in names)
    assert not {"maps.overlay", "sim.plots", "sim.ros_world"} & names
    subpackages = ("planners.ortools", "planners.ejection")
    assert not any(name.startswith(subpackages) for name in names)
