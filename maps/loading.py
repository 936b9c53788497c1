"""One entry point for map files of any supported kind, and the sample buildings.

``load_building`` picks the reader by file name (Open-RMF ``*.building.yaml`` or
Porter's native YAML) and validates the result, so callers get a building that is
fit to route on, or a :class:`MapError` listing everything wrong with the file.
"""

from __future__ import annotations

from importlib import resources
from importlib.abc import Traversable
from pathlib import Path

from maps.errors import MapError, MapProblem
from maps.model import Building
from maps.native import load_native
from maps.validate import check

_SAMPLE_SUFFIX = ".yaml"


def load_building(path: str | Path) -> Building:
    """Read and validate a map file: Open-RMF if it ends in ``.building.yaml``."""
    path = Path(path)
    if not path.is_file():
        problem = MapProblem(str(path), "", "", "no such file")
        raise MapError([problem])
    if path.name.endswith(".building.yaml"):
        # Imported here so that a problem in the importer never breaks native maps.
        from maps.openrmf import import_openrmf

        building = import_openrmf(path)
    else:
        building = load_native(path)
    return check(building)


def _samples_folder() -> Traversable:
    return resources.files("maps") / "buildings"


def sample_names() -> list[str]:
    """The sample buildings shipped with Porter, e.g. ``demo_hospital``."""
    folder = _samples_folder()
    return sorted(
        entry.name.removesuffix(_SAMPLE_SUFFIX)
        for entry in folder.iterdir()
        if entry.name.endswith(_SAMPLE_SUFFIX)
    )


def sample_path(name: str) -> Path:
    """The file of sample building ``name``; ``LookupError`` lists the samples."""
    names = sample_names()
    if name not in names:
        raise LookupError(
            f"no sample building '{name}'; available: {', '.join(names) or 'none'}"
        )
    entry = _samples_folder() / f"{name}{_SAMPLE_SUFFIX}"
    # The package is installed as plain files (setuptools package-data), so the
    # traversable is a real path.
    return Path(str(entry))


def load_sample(name: str) -> Building:
    """Load and validate sample building ``name``."""
    return load_building(sample_path(name))
