"""The benchmark suite runs end to end at its tiny size, so it cannot rot unnoticed.

Speed is not asserted here (that is the benchmarks' job, on a quiet machine): only that every
one of the sixteen figures is measured, beside a measured anchor, and judged against its
target; and that the timestamp forms the import figures feed are the same instants.
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
    r"^(?P<number>\d+)\. (?P<name>.+?): (?P<measured>[\d,.]+) (?P<unit>\S+) "
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
    assert sorted(figures) == list(range(1, 17)), done.stdout + done.stderr
    for match in figures.values():
        assert float(match["measured"].replace(",", "")) > 0, match.group(0)
        assert float(match["anchor"].replace(",", "")) > 0, match.group(0)
    assert "Machine: CPU" in done.stdout
    assert "| # | figure | measured | anchor | ratio | target | pass |" in done.stdout
    assert (done.returncode == 0) == all(m["verdict"] == "PASS" for m in figures.values())


def test_every_timestamp_form_writes_the_same_instants() -> None:
    """The files of figures 9-14 differ only in how performed_at is written."""
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from benchmarks.generate import LOCAL_ZONE, TIME_FORMS, written_in

    zone = ZoneInfo(LOCAL_ZONE)
    moments = [
        datetime(2026, 1, 15, 6, 30, 5, tzinfo=UTC),
        datetime(2026, 7, 1, 23, 59, 59, tzinfo=UTC),  # summer time in LOCAL_ZONE
        datetime(2025, 12, 31, 23, 0, 0, tzinfo=UTC),  # a new year east of UTC only
    ]
    for moment in moments:
        for form in TIME_FORMS:
            text = written_in(form, moment)
            read = datetime.fromisoformat(text)
            if form == "local":
                assert read.tzinfo is None, text
                read = read.replace(tzinfo=zone)
            else:
                assert read.tzinfo is not None, text
            assert read.astimezone(UTC).replace(microsecond=0) == moment, (form, text)
    assert written_in("+01:00", moments[0]) == "2026-01-15T07:30:05+01:00"
    assert written_in("-07:00", moments[0]) == "2026-01-14T23:30:05-07:00"
    assert written_in("fraction", moments[0]).startswith("2026-01-15T06:30:05.")
    assert written_in("local", moments[1]) == "2026-07-01T17:59:59"  # MDT, -06:00


@pytest.mark.slow
def test_the_breakdown_names_every_part(tmp_path: Path) -> None:
    """`python -m benchmarks.breakdown`, which the README's notes quote, still runs."""
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.breakdown", "--size", "tiny", "--out", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=240,
    )
    assert done.returncode == 0, done.stderr
    for part in (
        "the quick path",
        "COMMIT (synchronous=FULL",
        "the Today screen",
        "rebuilding the three",
    ):
        assert part in done.stdout, done.stdout
    assert re.search(r"backtrack import of [\d,]+ sets \(20 athletes, \+01:00\)", done.stdout)
