"""Compile Porter's hot modules with mypyc, in place, and stamp their sources.

    .venv/bin/python -m porter_native.build            # compile (~75 s, 2 cores)
    .venv/bin/python -m porter_native.build --clean    # back to plain Python

The modules are the ones ``porter_native.modules`` lists; mypyc type-checks
them with the project's mypy settings first, and a type error stops the build
(CI's ``mypy --strict`` keeps them clean). Two compilation groups (the
building and the planners; the fleet core and the simulator) are compiled side
by side on this machine's two cores; calls between the groups stay native,
through each group's export table. The stamp (``compiled.json``) is written
last, so a build that stops halfway leaves extensions without a stamp, which the
guard refuses.
"""

from __future__ import annotations

import argparse
import importlib.machinery
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

from porter_native.guard import STAMP, extension
from porter_native.modules import ROOT, compiled_paths, digest, module_name

#: Compilation groups, one C library each (two halves to compile in parallel).
GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("porter_native.building", ("maps", "planners")),
    ("porter_native.fleet", ("fleet", "sim")),
)

#: mypyc's generated C, kept between builds (gitignored).
BUILD_DIR = ROOT / "build" / "mypyc"


def group_libraries() -> list[Path]:
    """The groups' shared libraries, where the build puts them."""
    suffix = importlib.machinery.EXTENSION_SUFFIXES[0]
    return [
        ROOT.joinpath(*f"{name}__mypyc".split(".")).with_suffix(suffix)
        for name, _ in GROUPS
    ]


def clean() -> list[Path]:
    """Remove the stamp, every extension and the groups' libraries."""
    removed = []
    for path in [STAMP, *group_libraries(), *map(extension, compiled_paths())]:
        if path.exists():
            path.unlink()
            removed.append(path)
    return removed


def build(opt_level: str, jobs: int) -> dict[str, str]:
    """Compile in place; returns the stamp's {module: source fingerprint}."""
    # Imported here: mypy and setuptools are build tools, not Porter's runtime.
    from mypyc.build import mypycify
    from setuptools import setup

    clean()
    paths = compiled_paths()
    fingerprints = {module_name(path): digest(path) for path in paths}
    relative = [str(path.relative_to(ROOT)) for path in paths]
    separate: list[tuple[list[str], str | None]] = [
        ([r for r in relative if r.split("/")[0] in tops], name)
        for name, tops in GROUPS
    ]
    here = Path.cwd()
    os.chdir(ROOT)  # mypycify and build_ext --inplace work from the root
    # A fresh mypy cache each build: mypyc 2.4 read a class's attributes wrong
    # from a cache left by an earlier build or mypy run, and crashed.
    cache = tempfile.TemporaryDirectory(prefix="porter-mypyc-")
    os.environ["MYPY_CACHE_DIR"] = cache.name
    try:
        extensions = mypycify(
            relative, opt_level=opt_level, separate=separate, target_dir=str(BUILD_DIR)
        )
        setup(
            name="porter-native",
            ext_modules=extensions,
            script_args=[
                "--quiet", "build_ext", "--inplace", "--parallel", str(jobs),
                "--build-temp", str(BUILD_DIR / "temp"),
            ],
        )
    finally:
        os.chdir(here)
        os.environ.pop("MYPY_CACHE_DIR", None)
        cache.cleanup()
    # The fingerprints are of the sources as the build read them: one edited
    # while it ran no longer matches, so the guard runs everything from source.
    STAMP.write_text(
        json.dumps({"modules": fingerprints, "opt_level": opt_level}, indent=1) + "\n"
    )
    return fingerprints


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m porter_native.build")
    parser.add_argument(
        "--clean", action="store_true", help="remove the compiled modules"
    )
    parser.add_argument("--opt-level", default="3", choices=["0", "1", "2", "3"])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)
    if args.clean:
        for path in clean():
            print(f"removed {path.relative_to(ROOT)}")
        shutil.rmtree(BUILD_DIR, ignore_errors=True)
        return 0
    began = time.perf_counter()
    fingerprints = build(args.opt_level, args.jobs)
    print(
        f"compiled {len(fingerprints)} modules at -O{args.opt_level} in "
        f"{time.perf_counter() - began:.0f} s; stamp {STAMP.relative_to(ROOT)}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
