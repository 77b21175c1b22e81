"""Both sides of the one-sided drills: logging by side (store and command line) and judging
a session side by side (rules)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from backtrack import rules
from backtrack.catalog import Catalog
from backtrack.errors import InvalidValue
from backtrack.models import CheckIn, SetEntry
from backtrack.store import Store

BEND = "half-kneeling-side-bend"
DAY = date(2026, 11, 20)
T0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
CHECKINS = (
    CheckIn(id=1, at=T0 - timedelta(hours=1), local_date=DAY, pain=2),
    CheckIn(id=2, at=T0 + timedelta(days=1), local_date=DAY + timedelta(days=1), pain=2),
)


def rows(db_path: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db_path) as conn:
        return conn.execute(sql).fetchall()


# -- logging -------------------------------------------------------------------------------


def test_log_needs_a_side_for_a_two_sided_drill_and_refuses_one_for_others(
    run, db_path: Path
) -> None:
    missing = run("log", BEND, "--reps", "8")
    assert missing.exit_code == 2
    assert "done on both sides: give --side L or --side R" in missing.stderr
    extra = run("log", "jefferson-curl", "--reps", "8", "--side", "L")
    assert extra.exit_code == 2
    assert "done on one side" in extra.stderr
    assert not db_path.exists(), "a refused set left a database behind"


def test_set_numbers_count_per_side(run, db_path: Path) -> None:
    for side in ("L", "r", "L", "R", "L", "R"):  # the side in either case
        result = run("log", BEND, "--reps", "8", "--side", side)
        assert result.exit_code == 0, result.output
    assert "set 3 on the right" in result.stdout
    assert rows(db_path, "SELECT side, set_number FROM sets ORDER BY id") == [
        ("L", 1),
        ("R", 1),
        ("L", 2),
        ("R", 2),
        ("L", 3),
        ("R", 3),
    ]


def test_the_store_checks_the_side(store: Store) -> None:
    me = store.athlete("me")
    with pytest.raises(InvalidValue, match="give the set's side"):
        store.log_set(me, BEND, reps=8)
    with pytest.raises(InvalidValue, match="takes no side"):
        store.log_set(me, "jefferson-curl", reps=8, side="L")
    left = store.log_set(me, BEND, reps=8, side="l")
    right = store.log_set(me, BEND, reps=8, side="R", at=left.performed_at)  # same second
    assert (left.side, left.set_number, right.side, right.set_number) == ("L", 1, "R", 1)


# -- the rules -----------------------------------------------------------------------------


def sided(catalog: Catalog, left: tuple[int, ...], right: tuple[int, ...], **kw) -> list:
    """A side bend session at the starting plan: pains per set on each side."""
    plan = catalog.get(BEND).starting_plan()
    sets, minute = [], 0
    for side, pains in (("L", left), ("R", right)):
        for number, pain in enumerate(pains, start=1):
            sets.append(
                SetEntry(
                    exercise_id=BEND,
                    performed_at=T0 + timedelta(minutes=minute),
                    session_date=DAY,
                    set_number=number,
                    side=side,
                    reps=kw.get("reps", 8),
                    load=plan.load_kg,
                    load_kg=plan.load_kg,
                    rom_level=1,
                    rpe=6.0,
                    pain=pain,
                )
            )
            minute += 2
    return sets


def judge(catalog: Catalog, sets: list[SetEntry]):
    exercise = catalog.get(BEND)
    return rules.suggest(exercise, exercise.starting_plan(), sets, [], CHECKINS, [], None)


def test_both_sides_easy_progresses(catalog: Catalog) -> None:
    result = judge(catalog, sided(catalog, (1, 1, 1), (1, 1, 1)))
    assert result.action == "progress_rom", result.reason
    assert result.reason.startswith("All 3 sets on each side reached 8 reps")
    assert "more painful" not in result.reason


def test_a_side_short_of_its_sets_holds_and_names_the_side(catalog: Catalog) -> None:
    result = judge(catalog, sided(catalog, (1, 1, 1), (1, 1)))
    assert result.action == "hold"
    assert "on the right: only 2 of 3 sets logged" in result.reason
    assert "on the left" not in result.reason
    assert "3 sets per side" in result.reason


def test_a_set_that_hurt_on_one_side_names_it_and_applies_to_the_drill(
    catalog: Catalog,
) -> None:
    result = judge(catalog, sided(catalog, (1, 1, 1), (2, 6, 1)))
    assert result.action == "stop"  # at the starting plan, a pain step back is a stop
    assert result.reason.startswith("Set 2 on the right hurt at 6/10")


def test_a_sore_side_holds(catalog: Catalog) -> None:
    result = judge(catalog, sided(catalog, (4, 1, 1), (1, 1, 1)))
    assert result.action == "hold"
    assert "Set 1 on the left hurt at 4/10" in result.reason


@pytest.mark.parametrize(
    ("left", "right", "note"),
    [
        ((1, 1, 1), (1, 3, 1), "right side 2 points more painful than the left"),
        ((3, 2, 1), (0, 1, 1), "left side 2 points more painful than the right"),
        ((1, 1, 1), (1, 2, 1), None),  # 1 point: no note
    ],
)
def test_an_asymmetry_of_two_points_is_noted_not_held(
    catalog: Catalog, left: tuple[int, ...], right: tuple[int, ...], note: str | None
) -> None:
    result = judge(catalog, sided(catalog, left, right))
    assert result.action == "progress_rom", result.reason  # a note, not a hold
    if note is None:
        assert "more painful" not in result.reason
    else:
        assert result.reason.endswith(f"({note})")


def test_a_session_logged_before_sides_is_judged_as_one_side(catalog: Catalog) -> None:
    old = [s.model_copy(update={"side": None}) for s in sided(catalog, (1, 1, 1), ())]
    result = judge(catalog, old)
    assert result.action == "progress_rom", result.reason
    assert result.reason.startswith("All 3 sets reached 8 reps")


# -- export and import ---------------------------------------------------------------------

LEGACY = (
    "date,performed_at,athlete,exercise_id,exercise,set,reps,load,unit,load_kg,rom_level,"
    "rom_label,rpe,pain,note\r\n"
)


def test_the_side_column_round_trips_byte_for_byte(run, tmp_path: Path) -> None:
    for side in ("L", "R", "L", "R"):
        assert run("log", BEND, "--reps", "8", "--side", side, "--pain", "2").exit_code == 0
    assert run("log", "jefferson-curl", "--reps", "8").exit_code == 0
    first = run("export").stdout
    lines = first.splitlines()
    assert lines[0].startswith("date,performed_at,athlete,exercise_id,exercise,set,side,reps,")
    sides = sorted(line.split(",")[6] for line in lines[1:])
    assert sides == ["", "L", "L", "R", "R"]  # the curl's side is empty
    (tmp_path / "out.csv").write_text(first, encoding="utf-8", newline="")
    fresh = tmp_path / "fresh.db"
    imported = run("import", "--create-athletes", str(tmp_path / "out.csv"), "--db", str(fresh))
    assert imported.exit_code == 0, imported.output
    assert "without a side" not in imported.stdout
    assert run("export", "--db", str(fresh)).stdout == first


def test_a_file_from_before_sides_imports_without_sides_and_says_how_many(
    run, db_path: Path, tmp_path: Path
) -> None:
    old = tmp_path / "old.csv"
    old.write_text(
        LEGACY
        + "2026-11-20,2026-11-20T08:00:00Z,me,half-kneeling-side-bend,Half-kneeling side bend,"
        "1,8,4,kg,4,1,x,7,2,\r\n"
        + "2026-11-20,2026-11-20T08:02:00Z,me,half-kneeling-side-bend,Half-kneeling side bend,"
        "2,8,4,kg,4,1,x,7,2,\r\n"
        + "2026-11-20,2026-11-20T09:00:00Z,me,jefferson-curl,Jefferson curl,1,8,0,kg,0,1,x,7,1,"
        "\r\n",
        encoding="utf-8",
    )
    result = run("import", "--create-athletes", str(old))
    assert result.exit_code == 0, result.output
    assert "Imported 3 new sets" in result.stdout
    assert "2 sets of two-sided drills came in without a side" in result.stdout
    assert rows(db_path, "SELECT exercise_id, side FROM sets ORDER BY id") == [
        (BEND, None),
        (BEND, None),
        ("jefferson-curl", None),
    ]


@pytest.mark.parametrize(
    ("drill", "side", "why"),
    [
        ("jefferson-curl", "L", "column side: Jefferson curl is done on one side"),
        (BEND, "X", "column side: 'X' is not L, R or empty"),
    ],
)
def test_a_bad_side_is_refused_whole(
    run, db_path: Path, tmp_path: Path, drill: str, side: str, why: str
) -> None:
    assert run("log", "jefferson-curl", "--reps", "8").exit_code == 0
    good = run("export").stdout.splitlines()
    cells = good[1].split(",")
    cells[3], cells[6] = drill, side
    cells[1] = "2026-11-21T08:00:00Z"
    bad = tmp_path / "bad.csv"
    bad.write_text("\r\n".join([good[0], good[1], ",".join(cells)]) + "\r\n", encoding="utf-8")
    result = run("import", "--create-athletes", str(bad))
    assert result.exit_code == 2
    assert why in result.stderr and "line 3" in result.stderr
    assert rows(db_path, "SELECT COUNT(*) FROM sets") == [(1,)]
