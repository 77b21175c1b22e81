"""The database schema, created and changed only through these migrations.

Each function is one step, applied once, in order, inside a transaction, and recorded in
sqlite-utils' `_sqlite_migrations` table. Never edit a released step: add a new one.
"""

from __future__ import annotations

from backtrack.store.sqlite_lib import Database, Migrations
from backtrack.text import CONTROL_CHARACTERS, strip_controls

# Read without this module (and so without sqlite-utils) by schema_state.applied_names.
MIGRATION_SET = "backtrack"

migrations = Migrations(MIGRATION_SET)


@migrations(name="0001_initial")
def _initial(db: Database) -> None:
    """Athletes, sets, check-ins, plans and the suggestion audit trail."""
    db.execute(
        """
        CREATE TABLE athletes (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE COLLATE NOCASE,
            unit TEXT NOT NULL DEFAULT 'kg' CHECK (unit IN ('kg', 'lb')),
            created_at TEXT NOT NULL,
            archived_at TEXT
        )
        """
    )
    db.execute(
        """
        CREATE TABLE sets (
            id INTEGER PRIMARY KEY,
            athlete_id INTEGER NOT NULL REFERENCES athletes(id),
            exercise_id TEXT NOT NULL,
            performed_at TEXT NOT NULL,
            session_date TEXT NOT NULL,
            set_number INTEGER NOT NULL CHECK (set_number >= 1),
            reps INTEGER NOT NULL CHECK (reps BETWEEN 0 AND 100),
            load REAL NOT NULL CHECK (load >= 0),
            unit TEXT NOT NULL CHECK (unit IN ('kg', 'lb')),
            load_kg REAL NOT NULL CHECK (load_kg >= 0 AND load_kg < 1000),
            rom_level INTEGER NOT NULL CHECK (rom_level >= 1),
            rpe REAL CHECK (rpe IS NULL OR rpe BETWEEN 1 AND 10),
            pain INTEGER CHECK (pain IS NULL OR pain BETWEEN 0 AND 10),
            note TEXT
        )
        """
    )
    # One set is the same set when athlete, drill, moment and number match (import dedup).
    db.execute(
        "CREATE UNIQUE INDEX sets_identity "
        "ON sets (athlete_id, exercise_id, performed_at, set_number)"
    )
    # Sessions of one drill (today screen, rules, history).
    db.execute("CREATE INDEX sets_by_session ON sets (athlete_id, exercise_id, session_date)")
    # Export in time order, optionally bounded by date.
    db.execute("CREATE INDEX sets_by_time ON sets (performed_at)")
    db.execute(
        """
        CREATE TABLE checkins (
            id INTEGER PRIMARY KEY,
            athlete_id INTEGER NOT NULL REFERENCES athletes(id),
            at TEXT NOT NULL,
            local_date TEXT NOT NULL,
            pain INTEGER NOT NULL CHECK (pain BETWEEN 0 AND 10)
        )
        """
    )
    db.execute("CREATE INDEX checkins_by_time ON checkins (athlete_id, at)")
    db.execute(
        """
        CREATE TABLE plans (
            athlete_id INTEGER NOT NULL REFERENCES athletes(id),
            exercise_id TEXT NOT NULL,
            position INTEGER NOT NULL,
            active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
            sets INTEGER NOT NULL CHECK (sets >= 1),
            reps_min INTEGER NOT NULL,
            reps_max INTEGER NOT NULL,
            load_kg REAL NOT NULL CHECK (load_kg >= 0),
            rom_level INTEGER NOT NULL CHECK (rom_level >= 1),
            updated_at TEXT NOT NULL,
            PRIMARY KEY (athlete_id, exercise_id)
        )
        """
    )
    # The audit trail: every suggestion the rules made (pending, accepted, declined or
    # superseded) and every clinician override (source 'clinician', status 'accepted').
    db.execute(
        """
        CREATE TABLE suggestions (
            id INTEGER PRIMARY KEY,
            athlete_id INTEGER NOT NULL REFERENCES athletes(id),
            exercise_id TEXT NOT NULL,
            created_at TEXT NOT NULL,
            source TEXT NOT NULL CHECK (source IN ('rules', 'clinician')),
            action TEXT NOT NULL,
            session_date TEXT,
            plan_before TEXT NOT NULL,
            plan_after TEXT NOT NULL,
            reason TEXT NOT NULL,
            status TEXT NOT NULL
                CHECK (status IN ('pending', 'accepted', 'declined', 'superseded')),
            decided_at TEXT
        )
        """
    )
    db.execute("CREATE INDEX suggestions_by_drill ON suggestions (athlete_id, exercise_id, status)")


@migrations(name="0002_athlete_pins")
def _athlete_pins(db: Database) -> None:
    """An optional PIN per athlete (only its salted hash, see pins.py), and an index that
    finds the suggestion judging a given session for the history screen."""
    db.execute("ALTER TABLE athletes ADD COLUMN pin TEXT")
    db.execute(
        "CREATE INDEX suggestions_by_session ON suggestions (athlete_id, exercise_id, session_date)"
    )


@migrations(name="0003_clinical_safety")
def _clinical_safety(db: Database) -> None:
    """What a physiotherapist needs the rules to know: red flags and a note on check-ins,
    the clinician's clearing of red flags, per-athlete rule settings (every change kept,
    with who and why), drills stopped by the rules, and which rule made each suggestion."""
    # NULL: the red-flag questions were not asked; '': asked, none; else keys joined by ';'
    db.execute("ALTER TABLE checkins ADD COLUMN red_flags TEXT")
    db.execute("ALTER TABLE checkins ADD COLUMN note TEXT")
    db.execute(
        """
        CREATE TABLE flag_clearances (
            id INTEGER PRIMARY KEY,
            athlete_id INTEGER NOT NULL REFERENCES athletes(id),
            through_checkin_id INTEGER NOT NULL,  -- clears red flags up to this check-in
            cleared_at TEXT NOT NULL,
            cleared_by TEXT NOT NULL,
            reason TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX flag_clearances_by_athlete ON flag_clearances (athlete_id, id)")
    # The value in force is the newest row per key; a NULL value is a reset to the default.
    db.execute(
        """
        CREATE TABLE rule_setting_changes (
            id INTEGER PRIMARY KEY,
            athlete_id INTEGER NOT NULL REFERENCES athletes(id),
            key TEXT NOT NULL,
            value REAL,
            previous REAL NOT NULL,
            changed_at TEXT NOT NULL,
            changed_by TEXT NOT NULL,
            reason TEXT NOT NULL
        )
        """
    )
    db.execute(
        "CREATE INDEX rule_setting_changes_by_key ON rule_setting_changes (athlete_id, key, id)"
    )
    db.execute("ALTER TABLE plans ADD COLUMN stopped_at TEXT")
    db.execute("ALTER TABLE plans ADD COLUMN stopped_reason TEXT")
    db.execute("ALTER TABLE suggestions ADD COLUMN rule TEXT")


@migrations(name="0004_sides")
def _sides(db: Database) -> None:
    """The side of a set of a two-sided drill ('L' or 'R'; NULL for one-sided drills and for
    sets logged before sides existed), and one-time notices the app shows after an upgrade."""
    db.execute("ALTER TABLE sets ADD COLUMN side TEXT CHECK (side IN ('L', 'R'))")
    # A set is the same set when athlete, drill, moment, number and side match: L 1 and R 1
    # may be logged within the same second. No side counts as one side (NULLs would never
    # match, and importing a file twice would add its one-sided sets twice).
    db.execute("DROP INDEX sets_identity")
    db.execute(
        "CREATE UNIQUE INDEX sets_identity "
        "ON sets (athlete_id, exercise_id, performed_at, set_number, ifnull(side, ''))"
    )
    db.execute("CREATE TABLE notices (key TEXT PRIMARY KEY, shown_at TEXT)")
    # Sets logged before sides existed: say once that they keep no side.
    db.execute(
        "INSERT INTO notices (key, shown_at) SELECT 'sides', NULL WHERE EXISTS (SELECT 1 FROM sets)"
    )


@migrations(name="0005_drill_preferences")
def _drill_preferences(db: Database) -> None:
    """How an athlete likes to do a drill, kept from one session to the next: for now the
    order of the sides of a two-sided drill ('alternate': L, R, L, R ...; 'one_side_first':
    all of one side, then all of the other). No row: the defaults."""
    db.execute(
        """
        CREATE TABLE drill_preferences (
            athlete_id INTEGER NOT NULL REFERENCES athletes(id),
            exercise_id TEXT NOT NULL,
            side_order TEXT NOT NULL DEFAULT 'alternate'
                CHECK (side_order IN ('alternate', 'one_side_first')),
            updated_at TEXT NOT NULL,
            PRIMARY KEY (athlete_id, exercise_id)
        )
        """
    )


@migrations(name="0006_access")
def _access(db: Database) -> None:
    """Who may get in: the clinic password (only its salted scrypt hash, see pins.py) that
    guards the app served to browsers; wrong PINs and passwords in a row and how long the next
    try must wait, shared by every process on the file; and the access trail (failures, PIN
    and password changes: when, against what, from where; never what was typed)."""
    db.execute(
        """
        CREATE TABLE clinic_password (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            hash TEXT NOT NULL,
            set_at TEXT NOT NULL
        )
        """
    )
    # subject: 'clinic' for the clinic password, 'athlete:<id>' for an athlete's PIN
    db.execute(
        """
        CREATE TABLE access_throttle (
            subject TEXT PRIMARY KEY,
            failures INTEGER NOT NULL CHECK (failures >= 1),
            last_failed_at TEXT NOT NULL,
            blocked_until TEXT NOT NULL
        )
        """
    )
    db.execute(
        """
        CREATE TABLE access_events (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            event TEXT NOT NULL,
            athlete_id INTEGER REFERENCES athletes(id),
            via TEXT NOT NULL,
            shown_at TEXT
        )
        """
    )
    db.execute("CREATE INDEX access_events_by_athlete ON access_events (athlete_id, id)")


# The free-text columns of every table (table, column, whether it may be NULL): what
# 0007_no_control_characters cleans.
FREE_TEXT = (
    ("sets", "note", True),
    ("checkins", "note", True),
    ("suggestions", "reason", False),
    ("plans", "stopped_reason", True),
    ("flag_clearances", "cleared_by", False),
    ("flag_clearances", "reason", False),
    ("rule_setting_changes", "changed_by", False),
    ("rule_setting_changes", "reason", False),
)


@migrations(name="0007_no_control_characters")
def _no_control_characters(db: Database) -> None:
    """Terminal control characters (text.py: ESC, NUL, DEL, C1, C0 but tab, LF, CR) out of
    every free text already stored: athletes' names, notes, reasons and clinicians' names.
    A note left blank becomes NULL, as a blank note is stored. A name left empty, or the
    same as another athlete's, gets its id after it ('Ana #3'): names stay unique."""
    for table, column, nullable in FREE_TEXT:
        changed = []
        for rowid, text in db.execute(
            f"SELECT rowid, {column} FROM {table} WHERE {column} IS NOT NULL"
        ).fetchall():
            if isinstance(text, str) and CONTROL_CHARACTERS.search(text):
                cleaned: str | None = strip_controls(text)
                if nullable and not (cleaned or "").strip():
                    cleaned = None
                changed.append((cleaned, rowid))
        db.conn.executemany(f"UPDATE {table} SET {column} = ? WHERE rowid = ?", changed)
    for athlete_id, name in db.execute("SELECT id, name FROM athletes").fetchall():
        if not CONTROL_CHARACTERS.search(name):
            continue
        cleaned = strip_controls(name).strip()
        taken = db.execute(
            "SELECT 1 FROM athletes WHERE name = ? AND id != ?", [cleaned, athlete_id]
        ).fetchone()
        if not cleaned or taken:
            cleaned = f"{cleaned or 'athlete'} #{athlete_id}".strip()
        db.execute("UPDATE athletes SET name = ? WHERE id = ?", [cleaned, athlete_id])


@migrations(name="0008_athlete_preferences")
def _athlete_preferences(db: Database) -> None:
    """How an athlete likes the app, kept from one session to the next: for now Today's
    large view (bigger numbers, b). No row: the defaults."""
    db.execute(
        """
        CREATE TABLE athlete_preferences (
            athlete_id INTEGER PRIMARY KEY REFERENCES athletes(id),
            large_view INTEGER NOT NULL DEFAULT 0 CHECK (large_view IN (0, 1)),
            updated_at TEXT NOT NULL
        )
        """
    )


def known_migration_names() -> list[str]:
    """The names of every migration this version of backtrack knows, in order."""
    return [m.name for m in migrations.pending(Database(memory=True))]


def unknown_names(applied: list[str]) -> list[str]:
    """The applied migrations this version does not know: a newer backtrack wrote them."""
    known = set(known_migration_names())
    return [name for name in applied if name not in known]
