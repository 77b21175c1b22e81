-- backtrack's schema after the migrations: 0001_initial 0002_athlete_pins 0003_clinical_safety 0004_sides 0005_drill_preferences 0006_access 0007_no_control_characters 0008_athlete_preferences

CREATE TABLE "_sqlite_migrations" (
   "id" INTEGER PRIMARY KEY,
   "migration_set" TEXT,
   "name" TEXT,
   "applied_at" TEXT
);

CREATE UNIQUE INDEX "idx__sqlite_migrations_migration_set_name"
    ON "_sqlite_migrations" ("migration_set", "name");

CREATE TABLE athletes (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE COLLATE NOCASE,
            unit TEXT NOT NULL DEFAULT 'kg' CHECK (unit IN ('kg', 'lb')),
            created_at TEXT NOT NULL,
            archived_at TEXT
        , pin TEXT);

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
        , side TEXT CHECK (side IN ('L', 'R')));

CREATE INDEX sets_by_session ON sets (athlete_id, exercise_id, session_date);

CREATE INDEX sets_by_time ON sets (performed_at);

CREATE TABLE checkins (
            id INTEGER PRIMARY KEY,
            athlete_id INTEGER NOT NULL REFERENCES athletes(id),
            at TEXT NOT NULL,
            local_date TEXT NOT NULL,
            pain INTEGER NOT NULL CHECK (pain BETWEEN 0 AND 10)
        , red_flags TEXT, note TEXT);

CREATE INDEX checkins_by_time ON checkins (athlete_id, at);

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
            updated_at TEXT NOT NULL, stopped_at TEXT, stopped_reason TEXT,
            PRIMARY KEY (athlete_id, exercise_id)
        );

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
        , rule TEXT);

CREATE INDEX suggestions_by_drill ON suggestions (athlete_id, exercise_id, status);

CREATE INDEX suggestions_by_session ON suggestions (athlete_id, exercise_id, session_date);

CREATE TABLE flag_clearances (
            id INTEGER PRIMARY KEY,
            athlete_id INTEGER NOT NULL REFERENCES athletes(id),
            through_checkin_id INTEGER NOT NULL,  -- clears red flags up to this check-in
            cleared_at TEXT NOT NULL,
            cleared_by TEXT NOT NULL,
            reason TEXT NOT NULL
        );

CREATE INDEX flag_clearances_by_athlete ON flag_clearances (athlete_id, id);

CREATE TABLE rule_setting_changes (
            id INTEGER PRIMARY KEY,
            athlete_id INTEGER NOT NULL REFERENCES athletes(id),
            key TEXT NOT NULL,
            value REAL,
            previous REAL NOT NULL,
            changed_at TEXT NOT NULL,
            changed_by TEXT NOT NULL,
            reason TEXT NOT NULL
        );

CREATE INDEX rule_setting_changes_by_key ON rule_setting_changes (athlete_id, key, id);

CREATE UNIQUE INDEX sets_identity ON sets (athlete_id, exercise_id, performed_at, set_number, ifnull(side, ''));

CREATE TABLE notices (key TEXT PRIMARY KEY, shown_at TEXT);

CREATE TABLE drill_preferences (
            athlete_id INTEGER NOT NULL REFERENCES athletes(id),
            exercise_id TEXT NOT NULL,
            side_order TEXT NOT NULL DEFAULT 'alternate'
                CHECK (side_order IN ('alternate', 'one_side_first')),
            updated_at TEXT NOT NULL,
            PRIMARY KEY (athlete_id, exercise_id)
        );

CREATE TABLE clinic_password (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            hash TEXT NOT NULL,
            set_at TEXT NOT NULL
        );

CREATE TABLE access_throttle (
            subject TEXT PRIMARY KEY,
            failures INTEGER NOT NULL CHECK (failures >= 1),
            last_failed_at TEXT NOT NULL,
            blocked_until TEXT NOT NULL
        );

CREATE TABLE access_events (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            event TEXT NOT NULL,
            athlete_id INTEGER REFERENCES athletes(id),
            via TEXT NOT NULL,
            shown_at TEXT
        );

CREATE INDEX access_events_by_athlete ON access_events (athlete_id, id);

CREATE TABLE athlete_preferences (
            athlete_id INTEGER PRIMARY KEY REFERENCES athletes(id),
            large_view INTEGER NOT NULL DEFAULT 0 CHECK (large_view IN (0, 1)),
            updated_at TEXT NOT NULL
        );

