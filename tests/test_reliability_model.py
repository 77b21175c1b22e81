"""Model-checked storage: the database always equals a plain in-memory model.

Guarantee 9 of issue 6. A hypothesis state machine logs, edits and deletes sets, undoes the
last set logged (as the app's `u` key does), checks in, accepts suggestions, round-trips the
log through export and import, moves the clock and reopens the database, in any order.
After every step, what a separate read-only connection finds on disk (so only committed
data counts) must equal the model: every set field by field, every check-in, every plan.

The model's plans start from the catalog and move only by the suggestion that the pure
rules give on the model's own sets, check-ins and decisions: a `next`, `accept` or
`decline` that judged anything else (a wrong session, window, history or plan) fails.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from backtrack import progression, rules
from backtrack.catalog import load_catalog
from backtrack.clock import FixedClock
from backtrack.errors import NothingToDecide
from backtrack.export import export_to_file, import_file
from backtrack.models import CheckIn, Plan, PlanChange, SetEntry, Suggestion
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
    side: str | None
    reps: int
    load: float
    unit: str
    rom_level: int
    rpe: float | None
    pain: int | None
    note: str | None


def clean_note(note: str | None) -> str | None:
    return note if note and note.strip() else None


# How a session in the app went: (RPE, pain) of its sets.
EFFORTS = {"easy": (6.0, 1), "hard": (8.0, 2), "sore": (7.0, 4), "flare": (7.0, 7)}
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
        # Plans start from the catalog and change only as the model's own rules say.
        self.plans: dict[str, Plan] = {e.id: e.starting_plan() for e in CATALOG}
        self.changes: dict[str, list[PlanChange]] = {drill: [] for drill in DRILLS}
        self.judged: dict[str, date] = {}  # the newest session each drill had judged
        self.stopped: dict[str, tuple[datetime, str]] = {}  # accepted stops: when, why
        self.layoff_decided: dict[str, str] = {}  # when a break was last dealt with (UTC)
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
        side=st.sampled_from(["L", "R"]),
    )
    def log(self, drill, reps, load, rom, rpe, pain, note, side="L") -> None:
        plan = self.plans[drill]
        side = side if CATALOG.get(drill).two_sided else None
        entry = self.store.log_set(
            self.me,
            drill,
            reps=reps,
            load=load,
            rom_level=rom,
            rpe=rpe,
            pain=pain,
            note=note,
            side=side,
        )
        now = self.clock.now()
        day = now.astimezone().date().isoformat()
        same = [
            s.set_number
            for s in self.sets.values()
            if (s.exercise_id, s.session_date, s.side) == (drill, day, side)
        ]
        expected = ModelSet(
            exercise_id=drill,
            performed_at=iso_utc(now),
            session_date=day,
            set_number=max(same, default=0) + 1,
            side=side,
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

    @rule(
        drill=st.sampled_from(DRILLS[:2]),  # two drills, so sessions of one follow each other
        days_later=st.integers(1, 4),
        pain_now=st.sampled_from([2, 2, 2, 2, 3, 9]),  # mostly steady: progressions happen
        accept=st.sampled_from([True, True, False]),
        effort=st.sampled_from(["easy", "easy", *EFFORTS]),
    )
    def session_in_the_app(self, drill, days_later, pain_now, accept, effort) -> None:
        """A session as the app runs it, `days_later` days on: 'back pain right now' (the
        last session's response, this one's baseline), accept or decline the suggestion
        shown, then the plan's sets at the top of its rep range, easy or not, so the rules
        have progressions and regressions to suggest."""
        self.clock.advance(days=days_later)
        self.check_in(pain_now)
        self.decide(drill, accept, ask_first=True)
        rpe, pain = EFFORTS[effort]
        sides = ("L", "R") if CATALOG.get(drill).two_sided else ("L",)
        for side in sides:  # a two-sided drill: the plan's sets on each side
            for _ in range(self.plans[drill].sets):
                self.log(drill, self.plans[drill].reps_max, None, None, rpe, pain, None, side)

    @rule(drill=st.sampled_from(DRILLS), accept=st.booleans(), ask_first=st.booleans())
    def decide(self, drill, accept, ask_first) -> None:
        """Accept or decline (after `next`, or not): the suggestion is the one the rules
        give on the model's own log, and only an accepted one moves the model's plan."""
        before = self.plans[drill]
        expected = self.expected_suggestion(drill)
        if ask_first:
            shown = progression.next_suggestion(self.store, self.me, drill)
            assert shown == expected, "`next` judged something else than the log holds"
        if not expected.decidable:  # waits for a check-in or a clinician: nothing recorded
            with pytest.raises(NothingToDecide):
                progression.decide(self.store, self.me, drill, accept=accept)
            return
        decision = progression.decide(self.store, self.me, drill, accept=accept)
        assert decision.before == before, "the plan in the database drifted"
        assert decision.suggestion == expected, "the decision judged something else"
        if accept:
            after = expected.plan
            moved = changed(before, after)
            assert len(moved) == (0 if expected.action in ("hold", "stop") else 1), (
                expected,
                moved,
            )
            if expected.action in STEPPED:
                assert moved == {STEPPED[expected.action]}, (expected, moved)
            for name in moved:  # a progression steps up, a regress steps down
                up = getattr(after, name) > getattr(before, name)
                assert up == (expected.action != "regress"), (expected, name)
            assert within_start_and_cap(drill, after), after
            assert decision.plan == after
            self.plans[drill] = after
            self.changes[drill].append(
                PlanChange(at=self.clock.now(), kind=expected.action, before=before, after=after)
            )
            if expected.action == "stop":
                self.stopped[drill] = (self.clock.now(), expected.reason)
        else:
            assert decision.plan == before, "declining changed the plan"
        if expected.rule == "layoff":
            self.layoff_decided[drill] = iso_utc(self.clock.now())
        if expected.session_date is not None:
            day = expected.session_date
            self.judged[drill] = max(day, self.judged.get(drill, day))

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
            assert import_file(fresh, out, create_athletes=True) == len(self.sets)
        finally:
            fresh.close()
        assert sorted(sets_on_disk(fresh_path).values(), key=order) == sorted(
            self.sets.values(), key=order
        )

    # -- what the rules should say, from the model alone ----------------------------------

    def expected_suggestion(self, drill: str) -> Suggestion:
        """`rules.suggest` on the model's sets, check-ins, plan and decisions (not the store's):
        a stopped drill waits for its clinician; otherwise the check-ins around the last two
        sessions and over the last month, today, and whether a break was dealt with."""
        if drill in self.stopped:
            at, why = self.stopped[drill]
            return Suggestion(
                exercise_id=drill,
                action="stop",
                plan=self.plans[drill],
                reason=(
                    f"Stopped on {at.date().isoformat()}: {why}. Your clinician can resume it "
                    f"with `backtrack plan {drill} --active`"
                ),
                rule="stopped",
            )
        days = sorted({s.session_date for s in self.sets.values() if s.exercise_id == drill})
        session = self.model_session(drill, days[-1]) if days else []
        previous = self.model_session(drill, days[-2]) if len(days) > 1 else []
        now = self.clock.now()
        start, end = now - rules.FLARE_LOOKBACK, now
        for sets in (session, previous):
            if sets:
                start = min(start, min(s.performed_at for s in sets) - timedelta(hours=24))
                end = max(end, max(s.performed_at for s in sets) + timedelta(hours=96))
        checkins = [
            CheckIn(id=number, at=at, local_date=date.fromisoformat(day), pain=pain)
            for number, (at, day, pain) in enumerate(self.checkins, start=1)
            if iso_utc(start) <= at <= iso_utc(end)
        ]
        last_set = max((iso_utc(s.performed_at) for s in session), default=None)
        decided = self.layoff_decided.get(drill)
        return rules.suggest(
            CATALOG.get(drill),
            self.plans[drill],
            session,
            previous,
            checkins,
            self.changes[drill],
            self.judged.get(drill),
            unit="kg",
            situation=rules.Situation(
                today=now.astimezone().date(),
                layoff_decided=bool(last_set and decided and decided >= last_set),
            ),
        )

    def model_session(self, drill: str, day: str) -> list[SetEntry]:
        return [
            SetEntry(
                exercise_id=s.exercise_id,
                performed_at=s.performed_at,
                session_date=s.session_date,
                set_number=s.set_number,
                side=s.side,
                reps=s.reps,
                load=s.load,
                unit=s.unit,
                load_kg=s.load,  # every set of this machine is entered in kg
                rom_level=s.rom_level,
                rpe=s.rpe,
                pain=s.pain,
            )
            for s in self.sets.values()
            if (s.exercise_id, s.session_date) == (drill, day)
        ]

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


STEPPED = {"progress_rom": "rom_level", "progress_load": "load_kg", "progress_volume": "sets"}


def changed(before: Plan, after: Plan) -> set[str]:
    """The plan variables that differ between two plans."""
    return {
        name
        for name in ("sets", "reps_min", "reps_max", "load_kg", "rom_level", "active")
        if getattr(before, name) != getattr(after, name)
    }


def within_start_and_cap(drill: str, plan: Plan) -> bool:
    """Whether every axis of `plan` is between the drill's starting value and its cap."""
    exercise = CATALOG.get(drill)
    return (
        1 <= plan.rom_level <= exercise.max_rom_level
        and exercise.start_load_kg <= plan.load_kg <= exercise.max_load_kg
        and exercise.sets <= plan.sets <= exercise.max_sets
    )


def order(s: ModelSet) -> tuple:
    return (s.performed_at, s.exercise_id, s.set_number, s.side or "")


def read_only(db: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{db.absolute().as_uri()}?mode=ro", uri=True)


def sets_on_disk(db: Path) -> dict[int, ModelSet]:
    """Every committed set, read by a connection of its own."""
    conn = read_only(db)
    try:
        rows = conn.execute(
            "SELECT id, exercise_id, performed_at, session_date, set_number, side, reps, load, "
            "unit, rom_level, rpe, pain, note FROM sets"
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
test_store_equals_its_model = pytest.mark.slow(StoreMachine.TestCase)


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
