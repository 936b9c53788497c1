"""Porter's native building map: a YAML file a facilities engineer reads and writes.

``load_native`` reads a file into a :class:`~maps.model.Building`, reporting every
structural problem at once (missing keys, wrong types, unknown kinds, bad numbers,
YAML syntax with its line); ``dump_native``/``save_native`` write a building back so
that loading it gives the same building. Checking that the building makes sense is
:func:`maps.validate.validate`. The format is described in ``docs/map-format.md``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from maps.errors import MapError, MapProblem
from maps.model import Building
from maps.native_dump import canonical, dump_native
from maps.native_parse import parse_building
from maps.yaml_fields import ProblemLog
from maps.yaml_read import read_yaml


def parse_native(data: object, source: str) -> Building:
    """Build a :class:`Building` from parsed YAML; raise :class:`MapError` listing
    every structural problem, each naming ``source``, the level and the element."""
    log = ProblemLog(source)
    building = parse_building(data, log)
    if log.problems:
        raise MapError(log.problems)
    return building


def load_native(path: str | Path) -> Building:
    """Read a native map file. Not validated: :func:`maps.loading.load_building`
    reads and validates."""
    source = str(path)
    log = ProblemLog(source)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise MapError(
            [MapProblem(source, "", "", f"cannot read the file: {exc}")]
        ) from exc
    data = read_yaml(text, log)
    if data is None and log.problems:
        raise MapError(log.problems)
    building = parse_building(data, log)
    if log.problems:
        raise MapError(log.problems)
    return building


__all__ = ["canonical", "dump_native", "load_native", "parse_native", "save_native"]

_Dumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def save_native(building: Building, path: str | Path) -> None:
    """Write ``building`` as a native map file."""
    text = yaml.dump(
        dump_native(building),
        Dumper=_Dumper,
        sort_keys=False,
        default_flow_style=None,
        width=88,
        allow_unicode=True,
    )
    Path(path).write_text(text, encoding="utf-8")
