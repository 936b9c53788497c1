"""Hypothesis mutates good map and fleet files: never a crash, always a named error.

A mutation replaces, deletes or adds one value somewhere in the parsed YAML of
a sample building (``maps.native``) or a good fleet file
(``robot_adapters.fleet_config``): wrong types, negative and huge numbers, NaN,
odd unicode, empty things. The parser must return a building or raise its own
error (``MapError`` / ``FleetConfigError``) that names where the problem is.
"""

from __future__ import annotations

import copy
import math
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maps.errors import MapError
from maps.loading import load_sample
from maps.model import Building
from maps.native import parse_native
from robot_adapters.fleet_config import FleetConfigError, parse_fleet
from tests.robot_adapters.test_fleet_config import GOOD

ROOT = Path(__file__).resolve().parents[2]
SMALL_CLINIC = yaml.safe_load((ROOT / "maps/buildings/small_clinic.yaml").read_text())
FLEET = yaml.safe_load(GOOD)

ODD_TEXT = ["", " ", "\u202e\u0000x", "é" * 300, "🚑", "L1\n", "../../etc/passwd"]
JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.sampled_from([math.nan, math.inf, -math.inf, -1.0, 0.0, 1e308, -1e-308]),
    st.sampled_from(ODD_TEXT),
    st.text(max_size=12),
    st.lists(st.integers(-5, 5), max_size=3),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside ``node`` (dict keys and list indexes)."""
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*prefix, index))
    return found


@st.composite
def mutated(draw: st.DrawFn, document: Any) -> Any:
    """``document`` with one to three values replaced, deleted or added."""
    result = copy.deepcopy(document)
    paths = _paths(result)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(paths))
        action = draw(st.sampled_from(["replace", "delete", "add"]))
        try:
            parent = result
            for step in path[:-1]:
                parent = parent[step]
            if action == "replace":
                parent[path[-1]] = draw(JUNK)
            elif action == "delete":
                del parent[path[-1]]
            elif isinstance(parent, dict):
                parent[draw(st.sampled_from([*ODD_TEXT, "extra"]))] = draw(JUNK)
            else:
                parent.append(draw(JUNK))
        except (KeyError, IndexError, TypeError, AttributeError):
            pass  # the path went away with an earlier mutation
    return result


FUZZ = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@FUZZ
@given(document=mutated(SMALL_CLINIC))
def test_mutated_map_files_fail_with_named_problems(document: Any) -> None:
    """A mutated map parses or raises MapError naming the file and element."""
    try:
        parse_native(document, "clinic.yaml")
    except MapError as error:
        assert error.problems
        for problem in error.problems:
            assert problem.source == "clinic.yaml" and problem.message


@pytest.fixture(scope="module")
def hospital() -> Building:
    return load_sample("demo_hospital")


@FUZZ
@given(document=mutated(FLEET))
def test_mutated_fleet_files_fail_with_named_fields(document: Any) -> None:
    """A mutated fleet file parses or raises FleetConfigError naming the spot."""
    try:
        parse_fleet(document, _HOSPITAL, source="fleet.yaml")
    except FleetConfigError as error:
        message = str(error)
        # "fleet.yaml: <where>: <why>", e.g. "fleet.yaml: robot 'x': field 'home': ..."
        source, where, why = message.split(": ", 2)
        assert source == "fleet.yaml" and where and why


_HOSPITAL = load_sample("demo_hospital")
