"""Twelve weeks of plausible training for `backtrack demo`, written through the real rules.

`build_demo` logs sets and check-ins and then asks the rules (`progression.decide`) what to
do after each session, exactly as the app and the command line do, so the plans it ends up
with are the rules' own: ROM steps first, then load, a pain flare on the Jefferson curl that
the rules regress, a couple of progressions the lifter declines, and one clinician override.
The same `today` and `seed` always give the same database.

`demo_database` makes such a database in a temporary folder that is deleted afterwards; it
never opens or names the user's own database.
"""

from __future__ import annotations

import random
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from backtrack.catalog import Catalog
from backtrack.clock import Clock
from backtrack.models import Athlete
from backtrack.progression import current_suggestion, decide
from backtrack.store import InvalidValue, Store

DEMO_ATHLETE = "demo"
GUEST_ATHLETE = "guest"
GUEST_PIN = "2468"  # printed by `backtrack demo`: the guest exists to show the PIN screen
WEEKS = 12
SEED = 2026

# Which weekdays (Monday = 0) each drill is trained: three times a week, the windmill twice.
SCHEDULE: dict[str, tuple[int, ...]] = {
    "jefferson-curl": (0, 2, 4),
    "half-kneeling-side-bend": (0, 2, 4),
    "back-extension-ghd": (0, 2, 4),
    "half-kneeling-windmill": (0, 4),
}
FLARE_DRILL = "jefferson-curl"
FLARE_DAY = 52  # the first session this many days in hurts (week 8)
# The lifter declines the n-th progression the rules offer on these drills.
DECLINED = {("half-kneeling-side-bend", 3), ("half-kneeling-windmill", 2)}
OVERRIDE_DAY = 17  # the clinician adds load to the GHD at the first session this late
OVERRIDE_LOAD_KG = 2.5
SETTLING_DAYS = (25, 55)
# Sessions at a new plan before it feels easy (all reps at RPE 7 or less, little pain).
ADAPT_LOW, ADAPT_HIGH = 3, 4  # back pain at rest drops by a point after these many days

CHECKIN_BEFORE = time(17, 40)
FIRST_SET = time(18, 0)
NEXT_MORNING = time(7, 30)


@dataclass
class _Drill:
    """How one drill is going: sessions done at its current plan and how many it needs."""

    exercise_id: str
    needed: int
    done: int = 0
    progressions_offered: int = 0
    flared: bool = False
    log: list[str] = field(default_factory=list)


class _WalkingClock:
    """The demo's "now", set to each moment of the story in turn."""

    def __init__(self, start: datetime) -> None:
        self.moment = start

    def now(self) -> datetime:
        return self.moment.astimezone(UTC)


def _local(day: date, at: time) -> datetime:
    """An aware moment at local wall time `at` on `day`."""
    return datetime.combine(day, at).astimezone()


def session_days(today: date, weeks: int = WEEKS) -> list[date]:
    """The training days: Mondays, Wednesdays and Fridays of the `weeks` weeks before
    `today`, the last one at least two days before it (so its next-morning check-in is in
    the past and today is a fresh training day)."""
    first = today - timedelta(weeks=weeks)
    last = today - timedelta(days=2)
    return [
        first + timedelta(days=n)
        for n in range((last - first).days + 1)
        if (first + timedelta(days=n)).weekday() in (0, 2, 4)
    ]


def build_demo(
    store: Store,
    athlete_name: str = DEMO_ATHLETE,
    *,
    today: date,
    seed: int = SEED,
    weeks: int = WEEKS,
) -> Athlete:
    """Fill `store` with `weeks` weeks of history for a new athlete and return them.

    Everything is written in one transaction with a fake clock walking through the weeks
    (the store's own clock is put back afterwards). The newest session's suggestion is left
    for the lifter to accept or decline. Raises StoreError if the athlete already exists.
    """
    rng = random.Random(seed)
    days = session_days(today, weeks)
    clock = _WalkingClock(_local(days[0], time(7, 0)))
    saved: Clock = store.clock
    store.clock = clock
    try:
        with store.write():
            if store.find_athlete(athlete_name) is not None:
                raise InvalidValue("athlete", f"an athlete named {athlete_name!r} exists")
            athlete = store.athlete(athlete_name)
            drills = {d: _Drill(d, rng.randint(ADAPT_LOW, ADAPT_HIGH)) for d in SCHEDULE}
            flare_left = 0  # session days on which back pain is still up after the flare
            overridden = False
            for index, day in enumerate(days):
                offset = (day - days[0]).days
                back = 3 - sum(offset >= n for n in SETTLING_DAYS)
                clock.moment = _local(day, CHECKIN_BEFORE)
                store.check_in(athlete, back + (1 if flare_left else 0), local=day)
                if offset >= OVERRIDE_DAY and not overridden:
                    overridden = True  # the clinician adds load before the session
                    clock.moment = _local(day, time(17, 50))
                    store.override_plan(athlete, "back-extension-ghd", load_kg=OVERRIDE_LOAD_KG)
                    drills["back-extension-ghd"].done = 0
                trained = []
                for minute, (drill_id, state) in enumerate(drills.items()):
                    if day.weekday() not in SCHEDULE[drill_id]:
                        continue
                    hurt = drill_id == FLARE_DRILL and offset >= FLARE_DAY and not state.flared
                    if hurt:
                        state.flared = True
                        flare_left = 4
                    _train(store, athlete, state, day, minute * 12, rng, hurt=hurt)
                    trained.append(state)
                morning = day + timedelta(days=1)
                response = back + (1 if flare_left else 0)
                flare_left = max(flare_left - 1, 0)
                store.check_in(athlete, response, at=_local(morning, NEXT_MORNING), local=morning)
                if index == len(days) - 1:
                    break  # the newest session waits for the lifter's decision
                clock.moment = _local(morning, time(7, 35))
                for state in trained:
                    _decide(store, athlete, state, rng)
        return store.get_athlete(athlete.id)
    finally:
        store.clock = saved


def _train(
    store: Store,
    athlete: Athlete,
    state: _Drill,
    day: date,
    minutes: int,
    rng: random.Random,
    *,
    hurt: bool,
) -> None:
    """Log one session of a drill at its plan: easy once the lifter has adapted to it."""
    plan = store.plan(athlete, state.exercise_id)
    state.done += 1
    adapted = state.done >= state.needed
    start = datetime.combine(day, FIRST_SET) + timedelta(minutes=minutes)
    for number in range(1, plan.sets + 1):
        if hurt:
            reps, rpe, pain = 7, 8.0, (3, 5, 6)[min(number, 3) - 1]
        elif adapted:
            reps, rpe, pain = plan.reps_max, rng.choice((6.0, 6.5, 7.0)), rng.choice((0, 1, 1, 2))
        else:
            reps = rng.choice((plan.reps_max, plan.reps_max - 1, plan.reps_max - 1))
            rpe, pain = rng.choice((7.5, 8.0, 8.0, 8.5)), rng.choice((1, 2, 2, 3))
        store.log_set(
            athlete,
            state.exercise_id,
            reps=max(reps, plan.reps_min),
            rpe=rpe,
            pain=pain,
            at=(start + timedelta(minutes=3 * number)).astimezone(),
            session_date=day,
        )


def _decide(store: Store, athlete: Athlete, state: _Drill, rng: random.Random) -> None:
    """Accept the rules' suggestion, except the progressions this demo's lifter declines."""
    suggestion = current_suggestion(store, athlete, state.exercise_id)
    accept = True
    if suggestion.action.startswith("progress_"):
        state.progressions_offered += 1
        accept = (state.exercise_id, state.progressions_offered) not in DECLINED
    decision = decide(store, athlete, state.exercise_id, accept=accept)
    if decision.plan != decision.before:
        state.done = 0
        state.needed = rng.randint(ADAPT_LOW, ADAPT_HIGH)


def add_guest(store: Store, *, pin: str = GUEST_PIN) -> Athlete:
    """A second athlete with a PIN and no history, so the demo shows the picker and lock."""
    guest = store.athlete(GUEST_ATHLETE, unit="lb")
    return store.set_pin(guest, pin)


@contextmanager
def demo_database(
    catalog: Catalog, *, today: date, seed: int = SEED, guest: bool = True
) -> Iterator[Path]:
    """A demo database in a new temporary folder, removed (with the folder) on exit.

    Yields its path. Only that folder is written; the user's database is never opened.
    """
    with tempfile.TemporaryDirectory(prefix="backtrack-demo-") as folder:
        path = Path(folder) / "demo.db"
        store = Store.open(path, catalog)
        try:
            build_demo(store, today=today, seed=seed)
            if guest:
                add_guest(store)
        finally:
            store.close()
        yield path
