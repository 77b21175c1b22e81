"""The first look at today's drills: the store's answers, read with sqlite3 alone, never a
write, and None whenever the store has work to do first."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from backtrack.catalog import Catalog, load_catalog
from backtrack.clock import FixedClock, local_date
from backtrack.store import Store
from backtrack.store.glance import DrillFacts, drill_facts, glance_today


@pytest.fixture
def today(clock: FixedClock) -> date:
    return local_date(clock.now())


@pytest.fixture
def lifter(store: Store, today: date) -> str:
    """'Ana': plans made, one drill switched off, two sets of one drill and one of another
    (on the left) today, and a set yesterday (which does not count)."""
    ana = store.athlete("Ana", unit="lb")
    store.plans(ana)
    store.override_plan(ana, "back-extension-ghd", active=False)
    store.override_plan(ana, "jefferson-curl", sets=4, load_kg=5, rom_level=2)
    for _ in range(2):
        store.log_set(ana, "jefferson-curl", reps=8, load=10, unit="lb", rom_level=2, pain=1)
    store.log_set(
        ana, "half-kneeling-windmill", reps=6, load=4, unit="kg", rom_level=1, pain=0, side="L"
    )
    store.log_set(
        ana,
        "half-kneeling-side-bend",
        reps=6,
        load=4,
        unit="kg",
        rom_level=1,
        pain=0,
        session_date=today - timedelta(days=1),
        side="R",
    )
    return "Ana"


def test_the_first_look_is_what_the_store_says(
    store: Store, db_path: Path, catalog: Catalog, lifter: str, today: date
) -> None:
    ana = store.athlete(lifter)
    active = [p for p in store.plans(ana) if p.active]
    glance = glance_today(db_path, " ana ", today, catalog)  # as the store finds a name
    assert glance is not None
    assert (glance.athlete_id, glance.athlete_name, glance.unit) == (ana.id, "Ana", "lb")
    assert glance.day == today and glance.shared is False
    assert [d.exercise.id for d in glance.drills] == [p.exercise_id for p in active]
    for drill, plan in zip(glance.drills, active, strict=True):
        exercise = catalog.get(plan.exercise_id)
        assert drill.exercise.name == exercise.name
        assert drill.exercise.loads == exercise.loads
        assert drill.exercise.rest_seconds == exercise.rest_seconds
        assert (drill.plan.sets, drill.plan.reps_min, drill.plan.reps_max) == (
            plan.sets,
            plan.reps_min,
            plan.reps_max,
        )
        assert drill.plan.load_kg == pytest.approx(plan.load_kg)
        assert drill.plan.rom_level == plan.rom_level
        assert drill.done == len(store.session_sets(ana, plan.exercise_id, today))
        assert (drill.exercise.sides, drill.exercise.side_switch_seconds) == (
            exercise.sides,
            exercise.side_switch_seconds,
        )
        sides = [s.side for s in store.session_sets(ana, plan.exercise_id, today)]
        assert (drill.left, drill.right) == (sides.count("L"), sides.count("R"))
    assert [d.done for d in glance.drills] == [2, 0, 1]
    assert [(d.left, d.right) for d in glance.drills] == [(0, 0), (0, 0), (1, 0)]


def test_a_drill_the_rules_stopped_is_left_out_as_today_leaves_it_out(
    store: Store, db_path: Path, catalog: Catalog, lifter: str, today: date
) -> None:
    """A pain stop accepted at the windmill's starting plan takes it out of the session: the
    first look draws the drills Today's session has, so the cards do not jump."""
    from backtrack import progression
    from backtrack.tui.service import Gym

    ana = store.athlete(lifter)
    store.log_set(
        ana, "half-kneeling-windmill", reps=6, load=4, unit="kg", rom_level=1, pain=7, side="R"
    )
    assert progression.current_suggestion(store, ana, "half-kneeling-windmill").action == "stop"
    progression.decide(store, ana, "half-kneeling-windmill", accept=True)
    assert "half-kneeling-windmill" in store.stopped_drills(ana)
    glance = glance_today(db_path, lifter, today, catalog)
    assert glance is not None
    view = Gym(store, ana, store.clock).load()
    assert [d.exercise.id for d in glance.drills] == [d.exercise.id for d in view.drills]
    assert [d.exercise.id for d in glance.drills] == ["jefferson-curl", "half-kneeling-side-bend"]
    assert [d.exercise.id for d in view.stopped] == ["half-kneeling-windmill"]
    store.override_plan(ana, "half-kneeling-windmill", active=True)  # a clinician resumes it
    glance = glance_today(db_path, lifter, today, catalog)
    assert glance is not None and len(glance.drills) == 3


def test_the_first_look_reads_the_catalog_files_as_the_store_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a validated catalog the first look reads the files, user overrides too."""
    user = tmp_path / "mine.toml"
    user.write_text(
        '[[exercise]]\nid = "jefferson-curl"\nname = "Jeff curl"\nrest_seconds = 75\n'
        '[[exercise]]\nid = "back-extension-ghd"\nsides = 2\nside_switch_seconds = 20\n'
    )
    monkeypatch.setenv("BACKTRACK_CATALOG", str(user))
    facts = drill_facts()
    assert facts is not None
    validated = load_catalog()
    assert list(facts) == list(validated.ids)
    for exercise in validated:
        assert facts[exercise.id] == DrillFacts(
            exercise.id,
            exercise.name,
            exercise.loads,
            exercise.rest_seconds,
            tuple(exercise.rom),
            exercise.sides,
            exercise.side_switch_seconds,
        )
    assert facts["jefferson-curl"].name == "Jeff curl"
    assert facts["jefferson-curl"].rest_seconds == 75
    assert facts["back-extension-ghd"].two_sided and facts["half-kneeling-windmill"].two_sided
    assert facts["back-extension-ghd"].side_switch_seconds == 20


def test_rom_labels_match_the_catalog_model(catalog: Catalog) -> None:
    facts = drill_facts(catalog)
    assert facts is not None
    for exercise in catalog:
        for level in range(0, exercise.max_rom_level + 2):
            assert facts[exercise.id].rom_label(level) == exercise.rom_label(level)


def test_the_first_look_never_writes(
    store: Store, db_path: Path, catalog: Catalog, lifter: str, today: date
) -> None:
    store.close()
    before = (db_path.read_bytes(), db_path.stat().st_mtime_ns)
    assert glance_today(db_path, lifter, today, catalog) is not None
    assert (db_path.read_bytes(), db_path.stat().st_mtime_ns) == before
    wal = Path(f"{db_path}-wal")
    assert not wal.exists() or wal.stat().st_size == 0  # SQLite's (empty) side file at most
    for side in (wal, Path(f"{db_path}-shm")):
        if side.exists():
            assert side.stat().st_mode & 0o777 == db_path.stat().st_mode & 0o777


GLANCE_IN_A_PROCESS = """
import sys
from datetime import date
from pathlib import Path
from backtrack.store.glance import glance_today
print(glance_today(Path(sys.argv[1]), sys.argv[2], date.fromisoformat(sys.argv[3])) is None)
"""


def permissions_apply() -> list[str]:
    """A command prefix under which file permissions apply (root drops its capabilities)."""
    if os.geteuid() != 0:
        return []
    probe = subprocess.run(["setpriv", "--bounding-set=-all", "--", "true"], capture_output=True)
    assert probe.returncode == 0, "running as root needs setpriv to test permissions"
    return ["setpriv", "--bounding-set=-all", "--inh-caps=-all", "--"]


def test_no_first_look_at_a_read_only_file(
    store: Store, db_path: Path, lifter: str, today: date
) -> None:
    """SQLite would leave read-only -wal/-shm beside it (see the store's own refusal)."""
    store.close()
    db_path.chmod(0o400)
    try:
        args = [str(db_path), lifter, today.isoformat()]
        done = subprocess.run(
            [*permissions_apply(), sys.executable, "-c", GLANCE_IN_A_PROCESS, *args],
            capture_output=True,
            text=True,
        )
        assert done.stdout.strip() == "True", done.stderr
        assert not Path(f"{db_path}-wal").exists() and not Path(f"{db_path}-shm").exists()
    finally:
        db_path.chmod(0o600)


def test_no_first_look_without_a_file(db_path: Path, catalog: Catalog, today: date) -> None:
    assert glance_today(db_path, "me", today, catalog) is None
    assert not db_path.exists()


@pytest.mark.parametrize("content", [b"", b"not a database at all\n" * 50])
def test_no_first_look_at_a_file_that_is_not_a_database(
    db_path: Path, catalog: Catalog, today: date, content: bytes
) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(content)
    assert glance_today(db_path, "me", today, catalog) is None
    assert db_path.read_bytes() == content


def test_no_first_look_for_an_athlete_the_store_would_create(
    store: Store, db_path: Path, catalog: Catalog, lifter: str, today: date
) -> None:
    assert glance_today(db_path, "Bea", today, catalog) is None


def test_no_first_look_before_the_athletes_plans_exist(
    store: Store, db_path: Path, catalog: Catalog, today: date
) -> None:
    store.athlete("Cy")  # plans are made on first use, by the store
    assert glance_today(db_path, "Cy", today, catalog) is None
    store.plans(store.athlete("Cy"))
    assert glance_today(db_path, "Cy", today, catalog) is not None


def test_no_first_look_for_an_athlete_with_a_pin(
    store: Store, db_path: Path, catalog: Catalog, lifter: str, today: date
) -> None:
    store.set_pin(store.athlete(lifter), "2468")
    assert glance_today(db_path, lifter, today, catalog) is None


def test_with_no_athlete_named_only_a_lone_athlete_gets_a_first_look(
    store: Store, db_path: Path, catalog: Catalog, lifter: str, today: date
) -> None:
    glance = glance_today(db_path, None, today, catalog)
    assert glance is not None and glance.athlete_name == lifter
    store.plans(store.athlete("Dee"))
    assert glance_today(db_path, None, today, catalog) is None  # the picker's turn
    shared = glance_today(db_path, lifter, today, catalog)
    assert shared is not None and shared.shared is True


def test_no_first_look_when_the_catalog_cannot_be_read(
    store: Store, db_path: Path, lifter: str, today: date, tmp_path: Path, monkeypatch
) -> None:
    user = tmp_path / "broken.toml"
    user.write_text("[[exercise]\nid = ")
    monkeypatch.setenv("BACKTRACK_CATALOG", str(user))
    assert glance_today(db_path, lifter, today) is None


def test_no_first_look_at_a_schema_it_does_not_know(
    store: Store, db_path: Path, catalog: Catalog, lifter: str, today: date
) -> None:
    store.close()
    with sqlite3.connect(db_path) as conn:
        conn.execute("ALTER TABLE plans RENAME COLUMN rom_level TO rom")
    assert glance_today(db_path, lifter, today, catalog) is None
