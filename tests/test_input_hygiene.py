"""No terminal control character (ESC, NUL, DEL, C1, C0 but tab, LF and CR) reaches the
database: the command line and the app drop them from what they write, an import refuses a
file with one (naming line and column, writing nothing), and migration 0007 takes those
already stored out."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlite_utils import Database

from backtrack.catalog import Catalog
from backtrack.clock import FixedClock
from backtrack.errors import InvalidValue
from backtrack.store import Store
from backtrack.store.migrations import known_migration_names, migrations
from backtrack.store.safety import clean_words
from backtrack.text import describe_control, find_control, strip_controls
from backtrack.tui.service import Gym, SetDraft
from tests.import_rows import good_row as row
from tests.import_rows import write_rows as write

FIXTURES = Path(__file__).parent / "fixtures"
CLEANING = "0007_no_control_characters"
# One of each kind, between ordinary letters.
DIRTY = "a\x1b[2Jb\x00c\x7fd\x9be\x07f\x1fg"
CLEAN = "a[2Jbcdefg"


def query(db: Path, sql: str, params: tuple = ()) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


# -- the one function ------------------------------------------------------------------------


def test_strip_controls_drops_exactly_the_terminal_controls() -> None:
    every = "".join(chr(c) for c in range(0x00, 0xA1))
    kept = strip_controls(every)
    assert kept == "\t\n\r" + "".join(chr(c) for c in range(0x20, 0x7F)) + "\xa0"
    assert strip_controls(DIRTY) == CLEAN
    # Text that only looks unusual stays: tab, line breaks, RTL marks, emoji, NBSP.
    for text in ("tab\there", "one\r\ntwo", "\u202eabc\u202c", "💪🏽", "\u2028"):
        assert strip_controls(text) == text
        assert find_control(text) is None
    assert find_control("ok\x9bno") == "\x9b"
    assert describe_control("\x1b") == "ESC (U+001B)"
    assert describe_control("\x85") == "U+0085"


def test_clinicians_reasons_and_names_lose_them() -> None:
    assert clean_words("reason", f"seen {DIRTY}", 500) == f"seen {CLEAN}"
    with pytest.raises(InvalidValue, match="must not be empty"):
        clean_words("by", "\x1b\x00", 60)


# -- the command line --------------------------------------------------------------------------


def test_log_note_is_stored_without_them(run, db_path: Path) -> None:
    result = run("log", "jefferson-curl", "--reps", "8", "--note", f"tight {DIRTY}\tok")
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output
    assert query(db_path, "SELECT note FROM sets") == [(f"tight {CLEAN}\tok",)]


def test_a_note_of_only_controls_is_no_note(run, db_path: Path) -> None:
    assert run("log", "jefferson-curl", "--reps", "8", "--note", "\x1b\x07").exit_code == 0
    assert query(db_path, "SELECT note FROM sets") == [(None,)]


def test_athletes_add_stores_the_name_without_them(run, db_path: Path) -> None:
    result = run("athletes", "add", "A\x1b[31mna\x00")
    assert result.exit_code == 0, result.output
    assert result.output == "Added A[31mna (loads in kg)\n"
    assert query(db_path, "SELECT name FROM athletes") == [("A[31mna",)]
    # The same name typed with controls again is the same athlete.
    again = run("log", "jefferson-curl", "--reps", "8", "--athlete", "A\x1b[31mna")
    assert again.exit_code == 0, again.output
    assert query(db_path, "SELECT COUNT(*) FROM athletes") == [(1,)]


def test_a_name_of_only_controls_is_refused(run, db_path: Path) -> None:
    result = run("athletes", "add", "\x1b\x00")
    assert result.exit_code == 2
    assert "empty" in result.output
    assert not db_path.exists() or query(db_path, "SELECT COUNT(*) FROM athletes") == [(0,)]


def test_checkin_note_is_stored_without_them(run, db_path: Path) -> None:
    result = run("checkin", "--pain", "2", "--note", f"stiff {DIRTY}")
    assert result.exit_code == 0, result.output
    assert query(db_path, "SELECT note FROM checkins") == [(f"stiff {CLEAN}",)]


def test_rule_setting_reason_and_by_are_stored_without_them(run, db_path: Path) -> None:
    result = run(
        "rules", "set", "layoff_days", "30", "--reason", f"travels {DIRTY}", "--by", "Dr\x1b X"
    )
    assert result.exit_code == 0, result.output
    assert query(db_path, "SELECT reason, changed_by FROM rule_setting_changes") == [
        (f"travels {CLEAN}", "Dr X")
    ]


# -- the app's path: the service and store methods its screens call ------------------------------


def test_the_apps_set_form_and_athlete_screen_store_them_without_controls(
    db_path: Path, catalog: Catalog
) -> None:
    """Today logs and edits sets through `Gym` and the athletes screen adds and renames
    through `store.athlete` / `store.rename_athlete`: all drop the controls."""
    clock = FixedClock(datetime(2026, 11, 25, 8, tzinfo=UTC))
    store = Store.open(db_path, catalog, clock)
    try:
        person = store.athlete("Bea\x1b]0;owned\x07")
        assert person.name == "Bea]0;owned"
        gym = Gym(store, person, clock)
        logged = gym.log_set("jefferson-curl", SetDraft(reps=8, load=0, rom_level=1, note=DIRTY))
        assert logged.note == CLEAN
        edited = gym.update_set(
            logged.id or 0, SetDraft(reps=8, load=0, rom_level=1, note=f"x{DIRTY}")
        )
        assert edited.note == f"x{CLEAN}"
        renamed = store.rename_athlete(person, "Bea\x9b2J")
        assert renamed.name == "Bea2J"
        store.check_in(renamed, 3, note=DIRTY)
    finally:
        store.close()
    assert query(db_path, "SELECT note FROM sets") == [(f"x{CLEAN}",)]
    assert query(db_path, "SELECT name FROM athletes") == [("Bea2J",)]
    assert query(db_path, "SELECT note FROM checkins") == [(CLEAN,)]


# -- import ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "text", "named"),
    [
        ("note", "sore\x1b[2J", "ESC (U+001B)"),
        ("note", "nul\x00here", "NUL (U+0000)"),
        ("note", "c1\x9b31m", "U+009B"),
        ("note", "del\x7f", "DEL (U+007F)"),
        ("athlete", "ki\x1bm", "ESC (U+001B)"),
        ("exercise", "Jefferson\x07 curl", "U+0007"),
        ("rom_label", "knees\x1b", "ESC (U+001B)"),
    ],
)
def test_an_import_with_a_control_character_is_refused_naming_line_and_column(
    run, tmp_path: Path, db_path: Path, column: str, text: str, named: str
) -> None:
    assert run("athletes", "add", "kim").exit_code == 0
    rows = [row(), row(set="2"), row(set="3", **{column: text})]
    source = write(tmp_path / "dirty.csv", rows)
    before = query(db_path, "SELECT COUNT(*) FROM sets")
    result = run("import", "--create-athletes", str(source))
    assert result.exit_code == 2
    assert result.output == (
        f"Error: {source}: line 4, column {column}: {text!r} has a terminal control "
        f"character, {named}\n"
    )
    assert query(db_path, "SELECT COUNT(*) FROM sets") == before == [(0,)]
    assert query(db_path, "SELECT name FROM athletes") == [("kim",)]


def test_an_import_keeps_tabs_and_line_breaks_in_notes(run, tmp_path: Path, db_path: Path) -> None:
    note = "left\tright\r\nnext line\rend"
    source = write(tmp_path / "fine.csv", [row(note=note)])
    result = run("import", "--create-athletes", str(source))
    assert result.exit_code == 0, result.output
    assert query(db_path, "SELECT note FROM sets") == [(note,)]


def test_a_control_character_in_a_later_row_of_a_big_file_is_still_found(
    run, tmp_path: Path, db_path: Path
) -> None:
    """Past the first rows every cell is known and the row takes the fast path: the check
    still runs there."""
    rows = [row(set=str(n)) for n in range(1, 200)]
    rows.append(row(set="200", note="fine\x1b[H"))
    result = run("import", "--create-athletes", str(write(tmp_path / "big.csv", rows)))
    assert result.exit_code == 2
    assert "line 201, column note: 'fine\\x1b[H' has a terminal control character" in (
        result.output
    )
    assert query(db_path, "SELECT COUNT(*) FROM sets") == [(0,)]


# -- the migration ----------------------------------------------------------------------------


@pytest.fixture
def before_cleaning(db_path: Path) -> Path:
    """The first schema's fixture brought up to the migration before 0007, with control
    characters written into every free-text column as an older backtrack could have."""
    db_path.parent.mkdir(parents=True)
    shutil.copyfile(FIXTURES / "schema-0001.db", db_path)
    db = Database(db_path)
    try:
        migrations.apply(db, stop_before=CLEANING)
        conn = db.conn
        ana, bo = (
            conn.execute("SELECT id FROM athletes WHERE name = ?", [n]).fetchone()[0]
            for n in ("Ana", "Bob Ørsted")
        )
        conn.execute("UPDATE athletes SET name = ? WHERE id = ?", ["A\x1bna\x00", ana])
        # Bo's name, cleaned, would be Ana's: it keeps its id after it.
        conn.execute("UPDATE athletes SET name = ? WHERE id = ?", ["\x9bana", bo])
        first_set = conn.execute("SELECT MIN(id) FROM sets").fetchone()[0]
        conn.execute("UPDATE sets SET note = ? WHERE id = ?", [DIRTY, first_set])
        conn.execute("UPDATE sets SET note = ? WHERE id = ?", ["\x1b\x07", first_set + 1])
        conn.execute("UPDATE sets SET note = ? WHERE id = ?", ["plain\tnote", first_set + 2])
        conn.execute(
            "UPDATE checkins SET note = ? WHERE id = (SELECT MIN(id) FROM checkins)", [DIRTY]
        )
        conn.execute(
            "UPDATE suggestions SET reason = ? WHERE id = (SELECT MIN(id) FROM suggestions)",
            [DIRTY],
        )
        conn.execute(
            "INSERT INTO flag_clearances (athlete_id, through_checkin_id, cleared_at, "
            "cleared_by, reason) VALUES (?, 1, '2026-11-01T00:00:00Z', ?, ?)",
            [ana, "Dr\x1b X", DIRTY],
        )
        conn.execute(
            "INSERT INTO rule_setting_changes (athlete_id, key, value, previous, changed_at, "
            "changed_by, reason) VALUES (?, 'layoff_days', 30, 14, '2026-11-01T00:00:00Z', ?, ?)",
            [ana, "Dr\x7f Y", DIRTY],
        )
        conn.execute(
            "UPDATE plans SET stopped_at = '2026-11-01T00:00:00Z', stopped_reason = ? "
            "WHERE rowid = (SELECT MIN(rowid) FROM plans)",
            [DIRTY],
        )
        conn.commit()
    finally:
        db.close()
    names = known_migration_names()
    assert CLEANING in names
    return db_path


def test_the_migration_strips_those_already_stored(before_cleaning: Path, catalog: Catalog) -> None:
    db = before_cleaning
    ana, bo = (
        query(db, "SELECT id FROM athletes WHERE name = ?", (n,))[0][0]
        for n in ("A\x1bna\x00", "\x9bana")
    )
    sets_before = query(db, "SELECT id, reps, load_kg, performed_at FROM sets ORDER BY id")
    Store.open(db, catalog).close()
    assert (CLEANING,) in query(db, "SELECT name FROM _sqlite_migrations")
    assert query(db, "SELECT name FROM athletes WHERE id = ?", (ana,)) == [("Ana",)]
    assert query(db, "SELECT name FROM athletes WHERE id = ?", (bo,)) == [(f"ana #{bo}",)]
    notes = [n for (n,) in query(db, "SELECT note FROM sets ORDER BY id")[:3]]
    assert notes == [CLEAN, None, "plain\tnote"]
    assert query(db, "SELECT note FROM checkins ORDER BY id LIMIT 1") == [(CLEAN,)]
    assert query(db, "SELECT reason FROM suggestions ORDER BY id LIMIT 1") == [(CLEAN,)]
    assert query(db, "SELECT cleared_by, reason FROM flag_clearances") == [("Dr X", CLEAN)]
    assert query(db, "SELECT changed_by, reason FROM rule_setting_changes") == [("Dr Y", CLEAN)]
    assert query(db, "SELECT stopped_reason FROM plans WHERE stopped_at IS NOT NULL") == [(CLEAN,)]
    assert query(db, "SELECT id, reps, load_kg, performed_at FROM sets ORDER BY id") == sets_before
    for table, column in (
        ("athletes", "name"),
        ("sets", "note"),
        ("checkins", "note"),
        ("suggestions", "reason"),
        ("plans", "stopped_reason"),
        ("flag_clearances", "reason"),
        ("flag_clearances", "cleared_by"),
        ("rule_setting_changes", "reason"),
        ("rule_setting_changes", "changed_by"),
    ):
        texts = [t for (t,) in query(db, f"SELECT {column} FROM {table}") if t is not None]
        assert all(find_control(t) is None for t in texts), (table, column)
    assert query(db, "PRAGMA integrity_check") == [("ok",)]
