"""bench/votes.py runs, so that it cannot rot: 20 phones, every vote reported (no timing)."""

import importlib.util
import json
import subprocess
import sys

from tests.e2e.server import ROOT


def test_the_vote_bench_runs_with_20_phones_and_reports_every_vote(tmp_path):
    lines = tmp_path / "bench.jsonl"
    run = subprocess.run(
        [sys.executable, "bench/votes.py", "--scenario", "smoke", "--json-out", str(lines)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=540,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-5000:] + run.stderr[-5000:]
    assert "Balans/bare" in run.stdout or "÷ bare" in run.stdout
    reports = {
        report["server"]: report for report in map(json.loads, lines.read_text().split("\n")[:-1])
    }
    assert set(reports) == {"uvicorn", "bare"}
    for report in reports.values():
        assert (report["phones"], report["votes"], report["acknowledged"]) == (20, 20, 20)
        assert report["projector_final"] == 20
        assert report["phones_showing_final"] == 20
        assert report["failures"] == []


def load_bench():
    spec = importlib.util.spec_from_file_location("bench_votes", ROOT / "bench" / "votes.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_ratio_to_a_baseline_of_zero_or_less_is_not_printed():
    bench = load_bench()
    assert bench.ratio(8.0, 4.0) == "2.00"
    # A restart's bare server: its phones had caught up before it answered again.
    assert bench.ratio(7.56, -0.0) == "–"
    assert bench.ratio(7.56, -0.003) == "–"
    assert bench.ratio(7.56, 0) == "–"
    assert bench.divide(None, 4.0) is None
