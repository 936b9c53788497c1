"""Li & Lim instances become dispatch problems; BKS routes evaluate to the table."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bench.pdptw_instance import (
    evaluate,
    parse,
    read_bks,
    read_solution,
    to_problem,
)
from bench.pdptw_report import summary, write_markdown
from planners.problem import StopKind
from planners.timeline import schedule

ROOT = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("PORTER_SHARED", ROOT / ".." / "shared"))
PDPTW = SHARED / "bench" / "pdptw"

# depot, one pair (1 -> 2) and another (3 -> 4); K=2 robots of capacity 10
TINY = """2\t10\t1
0\t0\t0\t0\t0\t1000\t0\t0\t0
1\t3\t4\t5\t0\t100\t10\t0\t2
2\t6\t8\t-5\t20\t200\t10\t1\t0
3\t0\t10\t7\t0\t500\t5\t0\t4
4\t0\t20\t-7\t0\t600\t5\t3\t0
"""


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.txt"
    path.write_text(TINY)
    return path


def test_tiny_instance_becomes_a_problem(tiny: Path) -> None:
    """Robots at the depot returning there; one job per pair with both windows."""
    problem = to_problem(parse(tiny))
    assert [(r.start, r.end, r.capacity) for r in problem.robots] == [
        ("0", "0", 10)
    ] * 2
    job = problem.job("1")
    assert (job.pickup, job.dropoff, job.size) == ("1", "2", 5)
    assert (job.ready_at, job.pickup_latest) == (0.0, 100.0)
    assert (job.dropoff_ready_at, job.due_at, job.due_is_hard) == (20.0, 200.0, True)
    assert (job.pickup_service_s, job.dropoff_service_s) == (10.0, 10.0)
    assert problem.travel.distance("0", "1") == pytest.approx(5.0)
    assert [j.id for j in problem.jobs] == ["1", "3"]


def test_evaluate_counts_distance_and_flags_broken_rules(tiny: Path) -> None:
    """Distance is depot to depot in double precision; a late or unpaired route is
    flagged."""
    instance = parse(tiny)
    distance, broken = evaluate(instance, [[1, 2], [3, 4]])
    assert broken == []
    assert distance == pytest.approx(5 + 5 + 10 + 10 + 10 + 20)
    _, broken = evaluate(instance, [[2, 1], [3, 4]])
    assert any("before its pickup" in b for b in broken)
    _, broken = evaluate(instance, [[1, 2]])
    assert any("exactly once" in b for b in broken)


def test_timeline_agrees_with_the_evaluation(tiny: Path) -> None:
    """The shared timeline waits for the delivery's earliest time like the checker."""
    problem = to_problem(parse(tiny))
    timed = schedule(problem, problem.robots[0], [
        (StopKind.PICKUP, "1"), (StopKind.DROPOFF, "1")])  # fmt: skip
    assert timed.feasible
    assert timed.distance_m == pytest.approx(20.0)


def test_bad_line_names_the_file_and_line(tmp_path: Path) -> None:
    """A short line is refused with the file and line number."""
    path = tmp_path / "bad.txt"
    path.write_text("2\t10\t1\n0\t0\t0\n")
    with pytest.raises(ValueError, match=r"bad\.txt:2"):
        parse(path)


def test_report_section_replaces_only_its_own(tmp_path: Path) -> None:
    """The Markdown section is replaced in place; other sections stay."""
    row = {
        "name": "x", "vehicles": 3, "distance": 10.0, "bks_vehicles": 3,
        "bks_distance": 9.0, "gap_pct": 11.1, "seconds": 1.0, "valid": True,
        "peer_vehicles": 4, "peer_distance": 8.0, "peer_gap_pct": -11.1,
    }  # fmt: skip
    assert summary([row])["better_than_peer_share"] == 1.0
    path = tmp_path / "benchmarks.md"
    path.write_text("# Benchmarks\n\n## Other\nkeep me\n")
    write_markdown(path, [row], "cmd", 1.0, 1)
    write_markdown(path, [row], "cmd", 1.0, 1)
    text = path.read_text()
    assert text.count("## Dispatch: Li & Lim PDPTW") == 1
    assert "keep me" in text


@pytest.mark.skipif(not PDPTW.is_dir(), reason=f"{PDPTW} missing (../shared)")
def test_lc101_bks_routes_evaluate_to_the_table() -> None:
    """The BKS routes of lc101 are feasible and sum to the table's distance."""
    instance = parse(PDPTW / "li_lim_100" / "lc101.txt")
    routes = read_solution(PDPTW / "bks" / "solutions_100" / "lc101.txt")
    vehicles, best = read_bks(PDPTW / "bks" / "bks_li_lim_100_200.csv")["lc101"]
    distance, broken = evaluate(instance, routes)
    assert broken == []
    assert len(routes) == vehicles
    assert distance == pytest.approx(best, abs=5e-4)
