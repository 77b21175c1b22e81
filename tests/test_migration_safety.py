"""Migration 0003 (clinical safety) on a database at the schema before it: it opens, migrates,
keeps every row, and with no rule settings, red flags or stops stored the rules run on the
defaults, exactly as before."""

from __future__ import annotations

import csv
import io
import json
import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlite_utils import Database

from backtrack.catalog import Catalog
from backtrack.pins import hash_pin
from backtrack.settings import DEFAULTS, SPECS
from backtrack.store import Store, backup
from backtrack.store.migrations import known_migration_names, migrations

FIXTURES = Path(__file__).parent / "fixtures"
SAFETY = "0003_clinical_safety"
OLD_TABLES = ("athletes", "sets", "checkins", "plans", "suggestions")
# Columns 0003 adds to old tables, and the tables it makes.
NEW_COLUMNS = {
    "checkins": ("red_flags", "note"),
    "plans": ("stopped_at", "stopped_reason"),
    "suggestions": ("rule",),
    "sets": ("side",),  # 0004_sides: sets logged before sides keep none
}
NEW_TABLES = ("flag_clearances", "rule_setting_changes")
EVER = (datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC))


def applied(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations ORDER BY id")]
    finally:
        conn.close()


def snapshot(path: Path) -> dict[str, tuple[list[str], list[tuple]]]:
    """Every old table's columns and rows (by rowid), read without writing anything."""
    conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
    try:
        result = {}
        for table in OLD_TABLES:
            cursor = conn.execute(f"SELECT * FROM {table} ORDER BY rowid")
            result[table] = ([d[0] for d in cursor.description], cursor.fetchall())
        return result
    finally:
        conn.close()


def query(path: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


@pytest.fixture
def previous_db(db_path: Path) -> Path:
    """The first schema's fixture brought up to the migration before 0003 (every step but
    0003 and later), with a PIN set: the schema the last release wrote."""
    db_path.parent.mkdir(parents=True)
    shutil.copyfile(FIXTURES / "schema-0001.db", db_path)
    db = Database(db_path)
    try:
        migrations.apply(db, stop_before=SAFETY)
        db.execute("UPDATE athletes SET pin = ? WHERE name = 'Ana'", [hash_pin("2468")])
        db.conn.commit()
    finally:
        db.close()
    names = known_migration_names()
    assert applied(db_path) == names[: names.index(SAFETY)]
    assert snapshot(db_path)["checkins"][1], "the fixture has check-ins"
    return db_path


def test_the_previous_schema_migrates_to_0003_with_every_row_kept(
    previous_db: Path, catalog: Catalog
) -> None:
    before = snapshot(previous_db)
    Store.open(previous_db, catalog).close()
    assert applied(previous_db) == known_migration_names()
    assert SAFETY in applied(previous_db)

    after = snapshot(previous_db)
    for table, (columns, rows) in before.items():
        new_columns, new_rows = after[table]
        added = NEW_COLUMNS.get(table, ())
        assert new_columns == [*columns, *added], table
        assert [row[: len(columns)] for row in new_rows] == rows, f"{table} changed"
        assert all(set(row[len(columns) :]) <= {None} for row in new_rows), table
    for table in NEW_TABLES:
        assert query(previous_db, f"SELECT COUNT(*) FROM {table}") == [(0,)]
    assert query(previous_db, "PRAGMA integrity_check") == [("ok",)]
    assert query(previous_db, "PRAGMA foreign_key_check") == []

    (made,) = backup.list_backups(previous_db)
    assert made.path.name.endswith(f"-before-{SAFETY}.db")
    assert snapshot(made.path) == before


def test_with_no_settings_stored_the_defaults_apply(previous_db: Path, catalog: Catalog) -> None:
    store = Store.open(previous_db, catalog)
    try:
        everyone = store.athletes(include_archived=True)
        assert len(everyone) == 3
        for athlete in everyone:
            assert store.rule_settings(athlete) == DEFAULTS
            states = store.rule_setting_states(athlete)
            assert [(s.key, s.value, s.changed_at, s.changed_by, s.reason) for s in states] == [
                (spec.key, spec.default, None, None, None) for spec in SPECS
            ]
            assert store.open_red_flags(athlete) == []
            assert store.stopped_drills(athlete) == {}
            for plan in store.plans(athlete):
                store.plan_timeline(athlete, plan.exercise_id)
        ana = next(a for a in everyone if a.name == "Ana")
        assert ana.has_pin
        checkins = store.checkins_between(ana, EVER[0], EVER[1])
        assert checkins and all(c.red_flags == () and c.note is None for c in checkins)
    finally:
        store.close()


def test_the_command_line_reads_the_migrated_file(run, previous_db: Path) -> None:
    """`rules --json` shows the defaults; no old check-in reads as a red flag (nothing
    stops); the audit exports have a row for every old suggestion and check-in."""
    old_suggestions = len(query(previous_db, "SELECT id FROM suggestions"))
    old_checkins = len(query(previous_db, "SELECT id FROM checkins"))
    result = run("rules", "--json", "--athlete", "Ana")
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    assert [(s["key"], s["value"], s["changed_at"]) for s in shown] == [
        (spec.key, spec.default, None) for spec in SPECS
    ]
    result = run("next", "--json", "--athlete", "Ana")
    assert result.exit_code == 0, result.output
    assert all(s["action"] != "stop" for s in json.loads(result.stdout))

    result = run("export", "--decisions", "--all-athletes")
    assert result.exit_code == 0, result.output
    decisions = list(csv.DictReader(io.StringIO(result.stdout)))
    # `next` above stored (and may have superseded) Ana's suggestions: count the old ones.
    assert len(decisions) >= old_suggestions
    assert len(query(previous_db, "SELECT id FROM suggestions")) == len(decisions)
    result = run("export", "--checkins", "--all-athletes")
    assert result.exit_code == 0, result.output
    checkins = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(checkins) == old_checkins
    assert {(c["red_flags"], c["note"]) for c in checkins} == {("", "")}
