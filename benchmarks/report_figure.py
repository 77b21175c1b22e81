"""Figure 16 (issue 15): the clinician's report of ten years of one athlete.

The ten-year database holds sets only (it is built by `backtrack import`); ten years of real
use also leave a check-in before each session and one the next morning, and a decided
suggestion per drill session (mostly holds, a progression now and then). `lived_in` adds
those to a private copy through the Store, so the report reads and draws as much as it would.

The figure is `backtrack report` of that athlete to a file, process start to exit; its
anchor is `backtrack export` of the same athlete's sets to a file, on the same copy (the
same process start and store open, and the same rows read). Target: under 2 s.

Kept out of figures.py so the two can be edited apart; figures.ALL calls `report_time`.
"""

from __future__ import annotations

import random
import time as clock
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from benchmarks.figures import Bench, Figure

TARGET_SECONDS = 2.0
HOLD_REASON = (
    "Keep this plan: 1 of 3 sets reached 8 reps; set 1 was RPE 8.5, set 2 was RPE 8.5 and "
    "set 3 was RPE 7.5. To progress: 3 sets of 8 reps at RPE 7 or easier with pain 3 or less"
)
PROGRESS_REASON = (
    "All 3 sets reached 8 reps at RPE 7 or easier with pain 3 or less: next time, 2.5 kg"
)


def lived_in(db: Path, athlete_name: str) -> tuple[int, int]:
    """Give the athlete of a sets-only database two check-ins a training day and a decided
    suggestion a session (one in ten a progression of the load), once; (check-ins,
    suggestions) in the database afterwards."""
    from backtrack.catalog import load_catalog
    from backtrack.models import Suggestion
    from backtrack.store import Store

    rng = random.Random(15)
    store = Store.open(db, load_catalog())
    try:
        athlete = store.athlete(athlete_name, create=False)
        if store.report_checkins(athlete, since=None, until=None):
            return _counts(store, athlete)
        sessions = store.report_sessions(athlete, since=None, until=None)
        with store.write():
            for day in sorted({s.day for s in sessions}):
                before = datetime.combine(day, time(17, 40)).astimezone()
                morning = datetime.combine(day + timedelta(days=1), time(7, 30)).astimezone()
                store.check_in(athlete, rng.choice((1, 2, 2, 3)), at=before, local=day)
                store.check_in(athlete, rng.choice((1, 2, 2, 3)), at=morning, local=morning.date())
            for session in sessions:
                plan = store.plan(athlete, session.exercise_id)
                progress = rng.random() < 0.1
                after = (
                    plan.model_copy(update={"load_kg": plan.load_kg + 2.5}) if progress else plan
                )
                suggestion = Suggestion(
                    exercise_id=session.exercise_id,
                    action="progress_load" if progress else "hold",
                    plan=after,
                    reason=PROGRESS_REASON if progress else HOLD_REASON,
                    session_date=session.day,
                    rule="progress" if progress else "gap",
                )
                store.record_decision(athlete, suggestion, plan, accepted=True)
        return _counts(store, athlete)
    finally:
        store.close()


def _counts(store, athlete) -> tuple[int, int]:
    checkins = len(store.report_checkins(athlete, since=None, until=None))
    return checkins, len(store.report_decisions(athlete))


def report_time(bench: Bench) -> Figure:
    """`backtrack report` of the ten-year athlete, vs `backtrack export` of the same."""
    from benchmarks.figures import Figure, first_athlete, median_pairs
    from benchmarks.generate import backtrack_command

    db = bench.copy(bench.one_db, "report-one.db")
    athlete = first_athlete(db)
    checkins, decisions = lived_in(db, athlete)
    common = ["--db", str(db), "--athlete", athlete]
    report = [*backtrack_command(), "report", *common, "-o", str(bench.scratch / "report.html")]
    export = [*backtrack_command(), "export", *common, "-o", str(bench.scratch / "one.csv")]

    def timed(args: list[str]):
        def run() -> float:
            started = clock.perf_counter()
            bench.run(args)
            return clock.perf_counter() - started

        return run

    timed(report)()  # the first run makes the day's backup and matplotlib's font list
    ours, anchor = median_pairs(max(3, bench.repeats), timed(report), timed(export))
    return Figure(
        16,
        "report: backtrack report of ten years of one athlete, process start to exit",
        ours,
        anchor,
        "s",
        "backtrack export of the same athlete's sets to a file",
        f"< {TARGET_SECONDS:g} s",
        ours < TARGET_SECONDS,
        note=f"{checkins:,} check-ins and {decisions:,} decisions added to the sets",
    )
