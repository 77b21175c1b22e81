"""The benchmark suite runs end to end at its tiny size, so it cannot rot unnoticed.

Speed is not asserted here (that is the benchmarks' job, on a quiet machine): only that every
one of the seven figures is measured, beside a measured anchor, and judged against its target.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIGURE_LINE = re.compile(
    r"^(?P<number>[1-7])\. (?P<name>.+?): (?P<measured>[\d,.]+) (?P<unit>\S+) "
    r"vs (?P<anchor>[\d,.]+) \S+.* target .+: (?P<verdict>PASS|FAIL)",
    re.MULTILINE,
)


@pytest.mark.slow
def test_every_benchmark_produces_its_figure_and_anchor(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--size", "tiny", "--out", str(tmp_path / "out")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=240,
    )
    assert done.returncode in (0, 1), done.stderr  # 1 = some target missed, not a crash
    figures = {int(m["number"]): m for m in FIGURE_LINE.finditer(done.stdout)}
    assert sorted(figures) == list(range(1, 8)), done.stdout + done.stderr
    for match in figures.values():
        assert float(match["measured"].replace(",", "")) > 0, match.group(0)
        assert float(match["anchor"].replace(",", "")) > 0, match.group(0)
    assert "Machine: CPU" in done.stdout
    assert "| # | figure | measured | anchor | ratio | target | pass |" in done.stdout
    assert (done.returncode == 0) == all(m["verdict"] == "PASS" for m in figures.values())
