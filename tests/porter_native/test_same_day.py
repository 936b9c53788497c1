"""The compiled build decides exactly what the source decides.

Two processes run the same simulated morning of the demo hospital, one on the
compiled modules and one with ``PORTER_NATIVE=off`` (every module from source),
for each dispatcher; their ``kpis.json`` must be byte-identical. CI compiles
first (scripts/test), so there this test must find a compiled build.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from porter_native.guard import STAMP, read_stamp, why_source

ROOT = Path(__file__).resolve().parents[2]

# A busy morning: both dispatchers re-plan, robots ride lifts and charge.
DAY = """
import json, sys
from maps.loading import load_sample
from sim.kpis import compute
from sim.runner import RunConfig, simulate
from sim.scenario import load_scenario, scenario_path
config = RunConfig(robots=12, hours=HOURS, start_hour=7.0, seed=3,
                   dispatcher=sys.argv[1], keep_events=False)
run = simulate(load_sample("demo_hospital"),
               load_scenario(scenario_path("demo_hospital")), config)
print(json.dumps({"engine": sys.modules["sim.engine"].__file__,
                  "kpis": compute(run)}, sort_keys=True))
"""


def _run(dispatcher: str, hours: float, native: bool) -> dict[str, object]:
    env = dict(os.environ)
    if native:
        env.pop("PORTER_NATIVE", None)
    else:
        env["PORTER_NATIVE"] = "off"
    done = subprocess.run(
        [sys.executable, "-c", DAY.replace("HOURS", str(hours)), dispatcher],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True, timeout=300,
    )  # fmt: skip
    found: dict[str, object] = json.loads(done.stdout)
    return found


@pytest.fixture(scope="module")
def compiled() -> None:
    stamp = read_stamp(STAMP)
    reason = why_source(stamp)
    if stamp is None or reason is not None:
        why = reason or "not compiled: `.venv/bin/python -m porter_native.build`"
        if os.environ.get("CI"):
            pytest.fail(f"CI runs the compiled build, but {why}")
        pytest.skip(why)


@pytest.mark.parametrize(("dispatcher", "hours"), [("greedy", 3.0), ("ortools", 0.5)])
def test_compiled_and_source_give_the_same_morning(
    compiled: None, dispatcher: str, hours: float
) -> None:
    native = _run(dispatcher, hours, native=True)
    source = _run(dispatcher, hours, native=False)
    assert str(native["engine"]).endswith(".so")
    assert str(source["engine"]).endswith(".py")
    # As text, to the byte (a NaN KPI equals itself there, not as a float).
    assert json.dumps(native["kpis"], sort_keys=True) == json.dumps(
        source["kpis"], sort_keys=True
    )
    kpis = source["kpis"]
    assert isinstance(kpis, dict) and kpis["jobs"].get("completed", 0) > 20
