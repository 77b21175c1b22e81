"""History queries: per-session summaries, chart series and the plan timeline, aggregated in
SQL through an index, reading only what they return."""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest

from backtrack.clock import FixedClock
from backtrack.models import Suggestion
from backtrack.store import Store

DRILL = "jefferson-curl"
START = date(2026, 1, 5)


def bulk_sessions(
    store: Store, name: str, days: int, *, every: int = 2, drill: str = DRILL
) -> None:
    """Three sets every `every` days for `days` days, written in one go (fast)."""
    rows = []
    for offset in range(0, days, every):
        day = START + timedelta(days=offset)
        for number in (1, 2, 3):
            moment = datetime(day.year, day.month, day.day, 8, number, tzinfo=UTC)
            load = float(offset // 14)
            rows.append(
                {
                    "athlete": name,
                    "exercise_id": drill,
                    "performed_at": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "session_date": day.isoformat(),
                    "set_number": number,
                    "reps": 5 + number,
                    "load": load,
                    "unit": "kg",
                    "load_kg": load,
                    "rom_level": 1 + min(offset // 60, 3),
                    "rpe": 6.0 + number,
                    "pain": (offset // 2 + number) % 4,
                    "note": None,
                }
            )
    store.import_sets(rows)


def test_session_history_aggregates_newest_first(store: Store, clock: FixedClock) -> None:
    ann = store.athlete("ann", unit="lb")
    day = date(2026, 11, 20)
    at = datetime(2026, 11, 20, 9, tzinfo=UTC)
    store.log_set(ann, DRILL, reps=8, load=10, unit="kg", rom_level=2, rpe=6, pain=1, at=at)
    store.log_set(ann, DRILL, reps=6, load=12, unit="kg", rom_level=2, rpe=8.5, pain=3, at=at)
    store.log_set(ann, DRILL, reps=7, load=11, unit="kg", rom_level=1, at=at)
    store.log_set(ann, DRILL, reps=8, rom_level=1, at=at - timedelta(days=3))
    store.log_set(ann, "back-extension-ghd", reps=8, at=at)  # another drill: not counted
    first, second = store.session_history(ann, DRILL)
    assert first.day == day and second.day == day - timedelta(days=3)
    assert (first.sets, first.reps_min, first.reps_max, first.reps_total) == (3, 6, 8, 21)
    assert first.load_kg == pytest.approx(12)
    assert (first.rom_level, first.rpe, first.pain) == (2, 8.5, 3)
    assert (second.sets, second.rpe, second.pain) == (1, None, None)
    assert first.action is None and first.status is None


def test_session_history_joins_the_suggestion_that_judged_the_session(store: Store) -> None:
    ann = store.athlete("ann")
    at = datetime(2026, 11, 20, 9, tzinfo=UTC)
    for _ in range(3):
        store.log_set(ann, DRILL, reps=8, rpe=6, pain=1, at=at)
    plan = store.plan(ann, DRILL)
    up = Suggestion(
        exercise_id=DRILL,
        action="progress_rom",
        plan=plan.model_copy(update={"rom_level": 2}),
        reason="easy and painless",
        session_date=at.date(),
    )
    store.record_pending(ann, up, plan)
    assert store.session_history(ann, DRILL)[0].status == "pending"
    store.record_decision(ann, up, plan, accepted=False)
    (row,) = store.session_history(ann, DRILL)
    assert (row.action, row.status, row.reason) == ("progress_rom", "declined", "easy and painless")


def test_session_history_filters_by_date_and_pages(store: Store) -> None:
    store.athlete("ann")
    bulk_sessions(store, "ann", 60)
    ann = store.find_athlete("ann")
    assert ann is not None
    everything = store.session_history(ann, DRILL, limit=1000)
    assert len(everything) == 30 == store.session_count(ann, DRILL)
    since, until = START + timedelta(days=10), START + timedelta(days=20)
    shown = store.session_history(ann, DRILL, since=since, until=until)
    assert [r.day for r in shown] == [until - timedelta(days=n) for n in range(0, 11, 2)]
    assert store.session_count(ann, DRILL, since=since, until=until) == 6
    page = store.session_history(ann, DRILL, limit=4)
    older = store.session_history(ann, DRILL, until=page[-1].day - timedelta(days=1), limit=4)
    assert [r.day for r in page + older] == [r.day for r in everything[:8]]
    assert store.session_span(ann, DRILL) == (START, START + timedelta(days=58))
    assert store.session_span(ann, "half-kneeling-windmill") is None


def test_chart_series_is_per_session_or_bucketed_to_fit(store: Store) -> None:
    store.athlete("ann")
    bulk_sessions(store, "ann", 400)
    ann = store.find_athlete("ann")
    assert ann is not None
    few = store.chart_series(ann, DRILL, until=START + timedelta(days=20), points=60)
    assert len(few) == 11
    assert all(p.first == p.last for p in few)
    assert [p.first for p in few] == sorted(p.first for p in few)
    many = store.chart_series(ann, DRILL, points=50)
    assert 40 <= len(many) <= 50
    assert many[0].first == START and many[-1].last == START + timedelta(days=398)
    assert many[-1].load_kg == pytest.approx(28) and many[-1].rom_level == 4
    assert all(a.last < b.first for a, b in itertools.pairwise(many))
    assert store.chart_series(ann, "half-kneeling-windmill") == []


def test_plan_timeline_lists_decisions_and_overrides(store: Store, clock: FixedClock) -> None:
    ann = store.athlete("ann")
    at = datetime(2026, 11, 20, 9, tzinfo=UTC)
    store.log_set(ann, DRILL, reps=8, rpe=6, pain=1, at=at)
    plan = store.plan(ann, DRILL)
    hold = Suggestion(
        exercise_id=DRILL, action="hold", plan=plan, reason="r1", session_date=at.date()
    )
    store.record_pending(ann, hold, plan)  # pending: not in the timeline
    assert store.plan_timeline(ann, DRILL) == []
    store.record_decision(ann, hold, plan, accepted=True)
    clock.advance(days=1)
    store.override_plan(ann, DRILL, sets=4)
    store.override_plan(ann, "back-extension-ghd", sets=4)
    timeline = store.plan_timeline(ann, DRILL)
    assert [(e.source, e.action, e.status) for e in timeline] == [
        ("clinician", "override", "accepted"),
        ("rules", "hold", "accepted"),
    ]
    assert "sets 3 -> 4" in timeline[0].reason and timeline[0].after.sets == 4
    assert len(store.plan_timeline(ann)) == 3
    assert store.plan_timeline(ann, DRILL, until=date(2026, 11, 21)) == timeline[1:]


def test_another_athletes_history_is_never_returned(store: Store) -> None:
    store.athlete("ann")
    store.athlete("bob")
    bulk_sessions(store, "ann", 20)
    bob = store.find_athlete("bob")
    assert bob is not None
    assert store.session_history(bob, DRILL) == []
    assert store.chart_series(bob, DRILL) == []
    assert store.session_count(bob, DRILL) == 0


# -- how the queries run --------------------------------------------------------------------


def history_statements(store: Store, since: date | None = None) -> list[str]:
    """Every SELECT the history screen's queries send, with their values bound."""
    ann = store.find_athlete("ann")
    assert ann is not None
    sent: list[str] = []
    store.db.conn.set_trace_callback(sent.append)
    try:
        store.session_history(ann, DRILL, since=since, limit=30)
        store.session_count(ann, DRILL, since=since)
        store.chart_series(ann, DRILL, since=since, points=60)
        store.plan_timeline(ann, DRILL, since=since)
    finally:
        store.db.conn.set_trace_callback(None)
    return [s for s in sent if s.lstrip().upper().startswith(("SELECT", "WITH"))]


@pytest.mark.parametrize("since", [None, START + timedelta(days=100)], ids=["all", "range"])
def test_history_queries_use_an_index_never_a_scan_of_sets(store: Store, since) -> None:
    store.athlete("ann")
    bulk_sessions(store, "ann", 400)
    statements = history_statements(store, since)
    assert len(statements) >= 5
    for sql in statements:
        plan = [r[3] for r in store.db.conn.execute("EXPLAIN QUERY PLAN " + sql)]
        text = "\n".join(plan)
        assert (
            "sets" not in text
            or "USING INDEX sets_by_session" in text
            or ("USING COVERING INDEX sets_by_session" in text)
        ), text
        for line in plan:
            assert not (line.startswith("SCAN") and ("sets" in line or "suggestions" in line)), text


def vm_steps(store: Store, work: Callable[[], object]) -> int:
    """How many SQLite virtual-machine steps `work` takes (a proxy for rows read)."""
    steps = 0

    def count() -> int:
        nonlocal steps
        steps += 1
        return 0

    store.db.conn.set_progress_handler(count, 100)
    try:
        work()
    finally:
        store.db.conn.set_progress_handler(None, 0)
    return steps


def test_the_newest_page_costs_the_same_with_ten_years_as_with_ten_weeks(
    db_path, tmp_path, catalog
) -> None:
    def cost(days: int, name: str) -> int:
        clock = FixedClock(datetime(2036, 1, 1, tzinfo=UTC))
        store = Store.open(tmp_path / name, catalog, clock)
        try:
            store.athlete("ann")
            bulk_sessions(store, "ann", days)
            ann = store.find_athlete("ann")
            assert ann is not None
            newest = START + timedelta(days=days)
            since = newest - timedelta(weeks=10)
            return vm_steps(
                store,
                lambda: (
                    store.session_history(ann, DRILL, since=since, limit=30),
                    store.chart_series(ann, DRILL, since=since),
                    store.session_count(ann, DRILL, since=since),
                ),
            )
        finally:
            store.close()

    short, long = cost(70, "short.db"), cost(3650, "long.db")
    assert long <= short * 1.5, (short, long)


def test_history_indexes_exist(db_path, store: Store) -> None:
    conn = sqlite3.connect(db_path)
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"sets_by_session", "suggestions_by_session"} <= names


# -- two-sided drills ----------------------------------------------------------------------

BEND = "half-kneeling-side-bend"


def log_sides(store: Store, who, at: datetime, sets: list[tuple[str, int, int]]) -> None:
    """Log (side, reps, pain) sets of the side bend a minute apart from `at`."""
    for minute, (side, reps, pain) in enumerate(sets):
        store.log_set(who, BEND, reps=reps, pain=pain, side=side, at=at + timedelta(minutes=minute))


def test_a_two_sided_drills_sessions_have_each_side_apart(store: Store) -> None:
    """Each side's reps in set order and its highest pain, read in SQL: L, R, and the sets
    logged before sides existed ('-' on the screen) after them."""
    ann = store.athlete("ann")
    at = datetime(2026, 11, 20, 9, tzinfo=UTC)
    # all left first, the right's second set the hardest: set order, not logging order
    log_sides(store, ann, at, [("L", 8, 1), ("L", 7, 2), ("L", 8, 1)])
    log_sides(store, ann, at + timedelta(minutes=5), [("R", 8, 2), ("R", 6, 5), ("R", 8, 4)])
    earlier = at - timedelta(days=2)
    log_sides(store, ann, earlier, [("L", 8, 1), ("R", 8, 1), ("L", 8, 1), ("R", 7, 1)])
    store.db.execute("UPDATE sets SET side = NULL WHERE session_date = ?", ["2026-11-18"])
    store.db.conn.commit()
    newest, older = store.session_history(ann, BEND)
    assert (newest.sets, newest.pain, newest.reps_total) == (6, 5, 45)
    assert [(s.side, s.sets, s.reps, s.pain) for s in newest.sides] == [
        ("L", 3, (8, 7, 8), 2),
        ("R", 3, (8, 6, 8), 5),
    ]
    # before sides: one group with no side; set numbers were counted per side then, so a
    # set number appears twice and the group keeps the order the sets were logged in
    [unsided] = older.sides
    assert (unsided.side, unsided.sets, unsided.pain) == (None, 4, 1)
    assert sorted(unsided.reps) == [7, 8, 8, 8]


def test_a_mixed_session_lists_left_right_then_no_side(store: Store) -> None:
    ann = store.athlete("ann")
    at = datetime(2026, 11, 20, 9, tzinfo=UTC)
    log_sides(store, ann, at, [("R", 8, 3), ("L", 8, 0), ("R", 7, 4)])
    store.db.execute("UPDATE sets SET side = NULL WHERE reps = 7")
    store.db.conn.commit()
    [session] = store.session_history(ann, BEND)
    assert [(s.side, s.reps, s.pain) for s in session.sides] == [
        ("L", (8,), 0),
        ("R", (8,), 3),
        (None, (7,), 4),
    ]


def test_a_one_sided_drill_has_no_sides(store: Store) -> None:
    ann = store.athlete("ann")
    store.log_set(ann, DRILL, reps=8, pain=2)
    [session] = store.session_history(ann, DRILL)
    assert session.sides == ()
    [point] = store.chart_series(ann, DRILL)
    assert (point.pain, point.pain_left, point.pain_right, point.pain_unsided) == (
        2,
        None,
        None,
        None,
    )


def test_the_pain_chart_of_a_two_sided_drill_has_each_side(store: Store) -> None:
    ann = store.athlete("ann")
    at = datetime(2026, 11, 20, 9, tzinfo=UTC)
    log_sides(store, ann, at, [("L", 8, 1), ("R", 8, 4), ("L", 8, 2), ("R", 8, 3)])
    log_sides(store, ann, at - timedelta(days=2), [("L", 8, 2), ("R", 8, 2)])
    store.db.execute("UPDATE sets SET side = NULL WHERE session_date = ?", ["2026-11-18"])
    store.db.conn.commit()
    older, newest = store.chart_series(ann, BEND)
    assert (newest.pain, newest.pain_left, newest.pain_right, newest.pain_unsided) == (
        4,
        2,
        4,
        None,
    )
    assert (older.pain, older.pain_left, older.pain_right, older.pain_unsided) == (
        2,
        None,
        None,
        2,
    )


def test_per_side_reads_stay_on_the_index(store: Store) -> None:
    """The sides of a page of sessions read one drill's range of `sets_by_session`."""
    ann = store.athlete("ann")
    sql = []
    store.db.conn.set_trace_callback(sql.append)
    try:
        store.session_history(ann, BEND)  # no sessions: no second read
        log_sides(store, ann, datetime(2026, 11, 20, 9, tzinfo=UTC), [("L", 8, 1)])
        sql.clear()
        store.session_history(ann, BEND)
    finally:
        store.db.conn.set_trace_callback(None)
    [sides] = [s for s in sql if "OVER side_sets" in s]
    plan = store.db.conn.execute("EXPLAIN QUERY PLAN " + sides).fetchall()  # values inlined
    details = " ".join(row[-1] for row in plan)
    assert "USING INDEX sets_by_session" in details, details
