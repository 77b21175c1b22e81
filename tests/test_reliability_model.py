"""Model-checked storage: the database always equals a plain in-memory model.

Guarantee 9 of issue 6. A hypothesis state machine logs, edits and deletes sets, undoes the
last set logged (as the app's `u` key does), checks in, accepts suggestions, round-trips the
log through export and import, moves the clock and reopens the database, in any order.
After every step, what a separate read-only connection finds on disk (so only committed
data counts) must equal the model: every set field by field, every check-in, every plan.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from backtrack import progression
from backtrack.catalog import load_catalog
from backtrack.clock import FixedClock
from backtrack.export import export_to_file, import_file
from backtrack.store import Store, iso_utc

CATALOG = load_catalog()
DRILLS = [e.id for e in CATALOG]
START = datetime(2026, 3, 20, 6, 30, tzinfo=UTC)


@dataclass(frozen=True)
class ModelSet:
    exercise_id: str
    performed_at: str
    session_date: str
    set_number: int
    reps: int
    load: float
    unit: str
    rom_level: int
    rpe: float | None
    pain: int | None
    note: str | None


def clean_note(note: str | None) -> str | None:
    return note if note and note.strip() else None


NOTES = st.one_of(st.none(), st.sampled_from(["", "  ", "ok", "tight, then fine", '💪 "x"\n2']))


class StoreMachine(RuleBasedStateMachine):
    """The store under test beside a model made of dicts and lists."""

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="backtrack-model-"))
        self.db = self.folder / "backtrack.db"
        self.clock = FixedClock(START)
        self.store = Store.open(self.db, CATALOG, self.clock)
        self.me = self.store.athlete("me")
        self.sets: dict[int, ModelSet] = {}
        self.logged: list[int] = []  # this run's sets, newest last (what undo takes back)
        self.checkins: list[tuple[str, str, int]] = []
        self.plans = {p.exercise_id: p for p in self.store.plans(self.me)}
        self.exports = 0

    def teardown(self) -> None:
        self.store.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    # -- rules -----------------------------------------------------------------------

    @rule(
        drill=st.sampled_from(DRILLS),
        reps=st.integers(0, 100),
        load=st.one_of(st.none(), st.sampled_from([0.0, 2.5, 7.25, 20.0])),
        rom=st.one_of(st.none(), st.integers(1, 3)),
        rpe=st.one_of(st.none(), st.sampled_from([6.0, 7.5, 10.0])),
        pain=st.one_of(st.none(), st.integers(0, 10)),
        note=NOTES,
    )
    def log(self, drill, reps, load, rom, rpe, pain, note) -> None:
        plan = self.plans[drill]
        entry = self.store.log_set(
            self.me, drill, reps=reps, load=load, rom_level=rom, rpe=rpe, pain=pain, note=note
        )
        now = self.clock.now()
        day = now.astimezone().date().isoformat()
        same = [
            s.set_number
            for s in self.sets.values()
            if (s.exercise_id, s.session_date) == (drill, day)
        ]
        expected = ModelSet(
            exercise_id=drill,
            performed_at=iso_utc(now),
            session_date=day,
            set_number=max(same, default=0) + 1,
            reps=reps,
            load=plan.load_kg if load is None else load,
            unit="kg",
            rom_level=plan.rom_level if rom is None else rom,
            rpe=rpe,
            pain=pain,
            note=clean_note(note),
        )
        assert entry.id is not None and entry.id not in self.sets
        assert entry.set_number == expected.set_number
        self.sets[entry.id] = expected
        self.logged.append(entry.id)

    @precondition(lambda self: self.sets)
    @rule(
        data=st.data(),
        reps=st.one_of(st.none(), st.integers(0, 100)),
        pain=st.one_of(st.none(), st.integers(0, 10)),
        note=NOTES,
    )
    def edit(self, data, reps, pain, note) -> None:
        set_id = data.draw(st.sampled_from(sorted(self.sets)))
        self.store.update_set(set_id, reps=reps, pain=pain, note=note)
        old = self.sets[set_id]
        self.sets[set_id] = replace(
            old,
            reps=old.reps if reps is None else reps,
            pain=old.pain if pain is None else pain,
            note=old.note if note is None else clean_note(note),
        )

    @precondition(lambda self: self.sets)
    @rule(data=st.data())
    def delete(self, data) -> None:
        set_id = data.draw(st.sampled_from(sorted(self.sets)))
        gone = self.store.delete_set(set_id)
        assert gone.id == set_id
        del self.sets[set_id]
        if set_id in self.logged:
            self.logged.remove(set_id)

    @precondition(lambda self: self.logged)
    @rule()
    def undo(self) -> None:
        set_id = self.logged.pop()
        self.store.delete_set(set_id)
        del self.sets[set_id]

    @rule(pain=st.integers(0, 10))
    def check_in(self, pain) -> None:
        now = self.clock.now()
        self.store.check_in(self.me, pain)
        self.checkins.append((iso_utc(now), now.astimezone().date().isoformat(), pain))

    @rule(drill=st.sampled_from(DRILLS), accept=st.booleans())
    def decide(self, drill, accept) -> None:
        decision = progression.decide(self.store, self.me, drill, accept=accept)
        assert decision.before == self.plans[drill], "the plan in the database drifted"
        if accept:
            self.plans[drill] = decision.plan
        else:
            assert decision.plan == self.plans[drill], "declining changed the plan"

    @rule(hours=st.integers(1, 60))
    def time_passes(self, hours) -> None:
        self.clock.advance(hours=hours)

    @rule()
    def reopen(self) -> None:
        self.store.close()
        self.store = Store.open(self.db, CATALOG, self.clock)
        self.me = self.store.athlete("me")
        self.logged.clear()  # a new run of the app has nothing to undo

    @rule()
    def export_then_import(self) -> None:
        """Export; importing it back adds nothing; a fresh database gets exactly the sets."""
        self.exports += 1
        out = self.folder / f"export-{self.exports}.csv"
        export_to_file(self.store, out)
        assert import_file(self.store, out) == 0
        fresh_path = self.folder / f"fresh-{self.exports}.db"
        fresh = Store.open(fresh_path, CATALOG, self.clock)
        try:
            assert import_file(fresh, out) == len(self.sets)
        finally:
            fresh.close()
        assert sorted(sets_on_disk(fresh_path).values(), key=order) == sorted(
            self.sets.values(), key=order
        )

    # -- the comparison ----------------------------------------------------------------

    @invariant()
    def disk_equals_model(self) -> None:
        assert sets_on_disk(self.db) == self.sets
        conn = read_only(self.db)
        try:
            checkins = conn.execute(
                "SELECT at, local_date, pain FROM checkins ORDER BY id"
            ).fetchall()
        finally:
            conn.close()
        assert checkins == self.checkins
        assert {p.exercise_id: p for p in self.store.plans(self.me)} == self.plans


def order(s: ModelSet) -> tuple:
    return (s.performed_at, s.exercise_id, s.set_number)


def read_only(db: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{db.absolute().as_uri()}?mode=ro", uri=True)


def sets_on_disk(db: Path) -> dict[int, ModelSet]:
    """Every committed set, read by a connection of its own."""
    conn = read_only(db)
    try:
        rows = conn.execute(
            "SELECT id, exercise_id, performed_at, session_date, set_number, reps, load, unit, "
            "rom_level, rpe, pain, note FROM sets"
        ).fetchall()
    finally:
        conn.close()
    return {row[0]: ModelSet(*row[1:]) for row in rows}


StoreMachine.TestCase.settings = settings(
    max_examples=40,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_store_equals_its_model = StoreMachine.TestCase


def test_the_model_notices_a_lost_set() -> None:
    """The comparison can fail: a set removed behind the store's back is caught."""
    machine = StoreMachine()
    try:
        machine.log("jefferson-curl", 8, None, None, None, 2, "x")
        machine.disk_equals_model()
        conn = sqlite3.connect(machine.db)
        conn.execute("DELETE FROM sets")
        conn.commit()
        conn.close()
        try:
            machine.disk_equals_model()
        except AssertionError:
            pass
        else:
            raise AssertionError("a lost set went unnoticed")
    finally:
        machine.teardown()
