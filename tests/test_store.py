"""The SQLite log: schema, pragmas, private files, sets, check-ins, plans, audit trail."""

from __future__ import annotations

import sqlite3
import stat
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlite_utils import Database

from backtrack.catalog import Catalog
from backtrack.store import DatabaseDamaged, InvalidValue, NotFound, Store, StoreError
from backtrack.store.migrations import known_migration_names, migrations


def schema(path: Path) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall()
    finally:
        conn.close()


def test_new_database_is_created_with_its_folder_privately(db_path: Path, catalog) -> None:
    Store.open(db_path, catalog).close()
    assert db_path.exists()
    assert stat.S_IMODE(db_path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600


def test_wal_and_shm_files_are_private(store: Store, db_path: Path) -> None:
    store.check_in(store.athlete("me"), 2)
    for suffix in ("-wal", "-shm"):
        side = Path(str(db_path) + suffix)
        assert side.exists()
        assert stat.S_IMODE(side.stat().st_mode) == 0o600


def test_connection_settings(store: Store) -> None:
    conn = store.db.conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000


def test_migrations_applied_twice_change_nothing(db_path: Path, catalog: Catalog) -> None:
    Store.open(db_path, catalog).close()
    first = schema(db_path)
    applied = sqlite3.connect(db_path).execute("SELECT name FROM _sqlite_migrations").fetchall()
    Store.open(db_path, catalog).close()
    assert schema(db_path) == first
    again = sqlite3.connect(db_path).execute("SELECT name FROM _sqlite_migrations").fetchall()
    assert again == applied == [(name,) for name in known_migration_names()]


def snapshot(path: Path) -> dict[str, object]:
    """Everything a migration could touch: the schema, its version and every table's rows."""
    conn = sqlite3.connect(path)
    try:
        master = conn.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
        ).fetchall()
        tables = [name for kind, name, _, _ in master if kind == "table"]
        return {
            "master": master,
            "schema_version": conn.execute("PRAGMA schema_version").fetchone()[0],
            "rows": {
                name: conn.execute(f'SELECT * FROM "{name}" ORDER BY rowid').fetchall()
                for name in tables
            },
        }
    finally:
        conn.close()


def fill(path: Path, catalog: Catalog) -> None:
    """Rows in every table: an athlete, sets, a check-in, plans and an override."""
    store = Store.open(path, catalog)
    try:
        me = store.athlete("me")
        store.check_in(me, 2, at=datetime(2026, 11, 24, 7, 0, tzinfo=UTC))
        for minute in (0, 3):
            store.log_set(
                me,
                "jefferson-curl",
                reps=8,
                load=135,
                unit="lb",
                rpe=7,
                pain=1,
                note="slow, then fine",
                at=datetime(2026, 11, 24, 8, minute, tzinfo=UTC),
            )
        store.override_plan(me, "jefferson-curl", rom_level=2)
    finally:
        store.close()


def test_applying_the_migrations_again_to_a_migrated_database_changes_nothing(
    db_path: Path, catalog: Catalog
) -> None:
    """`migrations.apply` itself, run a second time on a migrated database full of rows,
    leaves the schema (and its version counter) and every row as they were."""
    fill(db_path, catalog)
    first = snapshot(db_path)
    assert first["rows"]["sets"] and first["rows"]["suggestions"] and first["rows"]["checkins"]
    assert [row[2] for row in first["rows"]["_sqlite_migrations"]] == known_migration_names()

    conn = sqlite3.connect(db_path)
    try:
        migrations.apply(Database(conn))
        migrations.apply(Database(conn))
        conn.commit()
    finally:
        conn.close()

    assert snapshot(db_path) == first
    reopened = Store.open(db_path, catalog)
    try:
        (entry, _) = reopened.session_sets(
            reopened.athlete("me", create=False), "jefferson-curl", date(2026, 11, 24)
        )
        assert (entry.load, entry.unit, entry.note) == (135, "lb", "slow, then fine")
    finally:
        reopened.close()


def test_upgrading_from_the_first_schema_then_applying_again_changes_nothing(
    db_path: Path,
) -> None:
    """A database stopped at the first migration gets the later ones with its rows kept;
    applying once more after that is a no-op."""
    db_path.parent.mkdir(parents=True)
    conn = sqlite3.connect(db_path)
    try:
        db = Database(conn)
        first_name, *later = known_migration_names()
        assert later, "there is a later migration to apply"
        migrations.apply(db, stop_before=later[0])
        assert [m.name for m in migrations.applied(db)] == [first_name]
        conn.execute(
            "INSERT INTO athletes (name, unit, created_at) VALUES ('ana', 'lb', '2026-01-01')"
        )
        conn.execute(
            "INSERT INTO sets (athlete_id, exercise_id, performed_at, session_date, set_number,"
            " reps, load, unit, load_kg, rom_level) VALUES (1, 'jefferson-curl',"
            " '2026-01-01T08:00:00Z', '2026-01-01', 1, 8, 135, 'lb', 61.23496995, 1)"
        )
        conn.commit()
        old_sets = conn.execute("SELECT * FROM sets").fetchall()

        migrations.apply(db)
        conn.commit()
        assert [m.name for m in migrations.applied(db)] == known_migration_names()
        upgraded = conn.execute("SELECT * FROM sets").fetchall()
        width = len(old_sets[0])
        assert [row[:width] for row in upgraded] == old_sets  # every value kept
        assert all(value is None for row in upgraded for value in row[width:])  # side: none
        assert conn.execute("SELECT name, unit, pin FROM athletes").fetchall() == [
            ("ana", "lb", None)
        ]
    finally:
        conn.close()
    upgraded = snapshot(db_path)

    conn = sqlite3.connect(db_path)
    try:
        migrations.apply(Database(conn))
        conn.commit()
    finally:
        conn.close()
    assert snapshot(db_path) == upgraded


def test_database_from_a_newer_backtrack_is_refused_untouched(db_path: Path, catalog) -> None:
    Store.open(db_path, catalog).close()
    conn = sqlite3.connect(db_path)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
        "VALUES ('backtrack', '9999_future', '2030-01-01')"
    )
    conn.commit()
    conn.close()
    before = db_path.read_bytes()
    with pytest.raises(StoreError, match="newer backtrack"):
        Store.open(db_path, catalog)
    assert db_path.read_bytes() == before


@pytest.mark.parametrize("content", [b"", b"hello, not a database\n" * 20], ids=["empty", "text"])
def test_non_database_file_is_refused_untouched(db_path: Path, catalog, content: bytes) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(content)
    with pytest.raises(DatabaseDamaged, match=str(db_path)):
        Store.open(db_path, catalog)
    assert db_path.read_bytes() == content


def test_plans_start_from_the_catalog(store: Store, catalog: Catalog) -> None:
    plans = store.plans(store.athlete("me"))
    assert [p.exercise_id for p in plans] == list(catalog.ids)
    for plan, exercise in zip(plans, catalog, strict=True):
        assert (plan.sets, plan.load_kg, plan.rom_level) == (
            exercise.sets,
            exercise.start_load_kg,
            1,
        )


def test_log_edit_delete_and_last_set(store: Store) -> None:
    me = store.athlete("me")
    first = store.log_set(me, "jefferson-curl", reps=8, rpe=7, pain=1)
    second = store.log_set(me, "jefferson-curl", reps=7, rpe=8)
    assert (first.set_number, second.set_number) == (1, 2)
    assert store.last_set(me) == second
    edited = store.update_set(second.id, reps=8, pain=3, note="better")
    assert (edited.reps, edited.pain, edited.note) == (8, 3, "better")
    cleared = store.update_set(second.id, clear=frozenset({"note"}))
    assert cleared.note is None
    store.delete_set(second.id)
    assert store.last_set(me) == first
    with pytest.raises(NotFound):
        store.get_set(second.id)


def test_invalid_values_are_refused_and_nothing_is_written(store: Store) -> None:
    me = store.athlete("me")
    for kwargs in (
        {"reps": 101},
        {"reps": 8, "rom_level": 5},
        {"reps": 8, "rpe": 7.25},
        {"reps": 8, "pain": 11},
        {"reps": 8, "load": 2300, "unit": "lb"},
    ):
        with pytest.raises(InvalidValue):
            store.log_set(me, "jefferson-curl", **kwargs)
    assert store.last_set(me) is None


def test_session_date_is_fixed_when_logged(store: Store, local_zone) -> None:
    local_zone("Pacific/Auckland")
    me = store.athlete("me")
    entry = store.log_set(
        me, "jefferson-curl", reps=8, at=datetime(2026, 11, 25, 20, 0, tzinfo=UTC)
    )
    assert entry.session_date == date(2026, 11, 26)
    local_zone("America/Los_Angeles")
    assert store.get_set(entry.id).session_date == date(2026, 11, 26)


def test_checkins_between(store: Store, clock) -> None:
    me = store.athlete("me")
    store.check_in(me, 2)
    clock.advance(days=1)
    store.check_in(me, 4)
    found = store.checkins_between(
        me, datetime(2026, 11, 25, tzinfo=UTC), datetime(2026, 11, 25, 23, tzinfo=UTC)
    )
    assert [c.pain for c in found] == [2]


def test_athletes_are_found_case_insensitively(store: Store) -> None:
    ana = store.athlete("Ana")
    assert store.athlete("ana").id == ana.id
    with pytest.raises(NotFound):
        store.athlete("bob", create=False)


def test_session_queries_use_an_index(store: Store) -> None:
    plan = store.db.conn.execute(
        "EXPLAIN QUERY PLAN SELECT * FROM sets WHERE athlete_id = 1 AND exercise_id = 'x' "
        "AND session_date = '2026-11-25' ORDER BY set_number"
    ).fetchall()
    details = " ".join(row[-1] for row in plan)
    assert "USING INDEX sets_by_session" in details
    assert "SCAN sets" not in details.replace("SCAN sets USING", "")


def test_the_order_of_the_sides_is_remembered_per_athlete_and_drill(store: Store) -> None:
    from backtrack.errors import InvalidValue

    me, you = store.athlete("me"), store.athlete("you")
    bend, windmill = "half-kneeling-side-bend", "half-kneeling-windmill"
    assert store.side_order(me, bend) == "alternate"  # the default, with no row
    assert store.set_side_order(me, bend, "one_side_first") == "one_side_first"
    assert store.side_order(me, bend) == "one_side_first"
    assert store.side_order(me, windmill) == "alternate"
    assert store.side_order(you, bend) == "alternate"
    store.set_side_order(me, bend, "alternate")
    assert store.side_order(me, bend) == "alternate"
    with pytest.raises(InvalidValue, match="done on one side"):
        store.set_side_order(me, "jefferson-curl", "alternate")
    with pytest.raises(InvalidValue, match="is not alternate or one_side_first"):
        store.set_side_order(me, bend, "sideways")
    rows = store.db.conn.execute(
        "SELECT athlete_id, exercise_id, side_order FROM drill_preferences"
    )
    assert rows.fetchall() == [(me.id, bend, "alternate")]
