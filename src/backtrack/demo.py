"""Twelve weeks of plausible training for `backtrack demo`, written through the real rules.

`build_demo` logs sets and check-ins and then asks the rules (`progression.decide`) what to
do after each session, exactly as the app and the command line do, so the plans it ends up
with are the rules' own: ROM steps first, then load, a pain flare on the Jefferson curl that
the rules regress, a couple of progressions the lifter declines, and one clinician override.
The two-sided drills are logged on the left and on the right (the side bend alternating the
sides, the windmill all left first, as the lifter set it), and in one week the side bend's
right side is 2 points more painful than its left. The same `today` and `seed` always give
the same database.

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
# The week (days in) when the side bend hurts 2 points more on the right than on the left.
ASYMMETRIC_DRILL = "half-kneeling-side-bend"
ASYMMETRIC_DAYS = (26, 33)
# The order the lifter does the sides of a two-sided drill in, where not the default.
SIDE_ORDERS = {"half-kneeling-windmill": "one_side_first"}
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
    # The right side's sets come from a generator of their own, so the left's (and with them
    # the story the rules tell) are what one side alone would give.
    sides_rng = random.Random(seed + 1)
    days = session_days(today, weeks)
    clock = _WalkingClock(_local(days[0], time(7, 0)))
    saved: Clock = store.clock
    store.clock = clock
    try:
        with store.write():
            if store.find_athlete(athlete_name) is not None:
                raise InvalidValue("athlete", f"an athlete named {athlete_name!r} exists")
            athlete = store.athlete(athlete_name)
            for drill_id, order in SIDE_ORDERS.items():
                store.set_side_order(athlete, drill_id, order)
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
                    asymmetric = drill_id == ASYMMETRIC_DRILL and (
                        ASYMMETRIC_DAYS[0] <= offset < ASYMMETRIC_DAYS[1]
                    )
                    _train(
                        store,
                        athlete,
                        state,
                        day,
                        minute * 12,
                        (rng, sides_rng),
                        hurt=hurt,
                        asymmetric=asymmetric,
                    )
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
    rngs: tuple[random.Random, random.Random],
    *,
    hurt: bool,
    asymmetric: bool = False,
) -> None:
    """Log one session of a drill at its plan: easy once the lifter has adapted to it. A
    two-sided drill is logged on both sides, in the lifter's order; `asymmetric`: the right
    side 2 points more painful than the left (no more than the rules allow to progress)."""
    rng, sides_rng = rngs
    plan = store.plan(athlete, state.exercise_id)
    state.done += 1
    adapted = state.done >= state.needed
    start = datetime.combine(day, FIRST_SET) + timedelta(minutes=minutes)

    def one_set(number: int, draw: random.Random) -> tuple[int, float, int]:
        if hurt:
            return 7, 8.0, (3, 5, 6)[min(number, 3) - 1]
        if adapted:
            return plan.reps_max, draw.choice((6.0, 6.5, 7.0)), draw.choice((0, 1, 1, 2))
        reps = draw.choice((plan.reps_max, plan.reps_max - 1, plan.reps_max - 1))
        return reps, draw.choice((7.5, 8.0, 8.0, 8.5)), draw.choice((1, 2, 2, 3))

    Planned = list[tuple[str | None, int, tuple[int, float, int]]]
    sets: Planned = [(None, number, one_set(number, rng)) for number in range(1, plan.sets + 1)]
    if store.catalog.get(state.exercise_id).two_sided:
        # The right as the left goes, its pain a point either way at most (within what the
        # left's would allow); in the asymmetric week 2 points above the left's.
        low, high = (0, 2) if adapted else (1, 3)
        left: Planned = []
        right: Planned = []
        for _, number, (reps, rpe, pain) in sets:
            other_reps, other_rpe, _ = one_set(number, sides_rng)
            other_pain = min(max(pain + sides_rng.choice((-1, 0, 0, 1)), low), high)
            if asymmetric:
                pain = min(pain, 1 if adapted else 2)
                other_pain = pain + 2
            left.append(("L", number, (reps, rpe, pain)))
            right.append(("R", number, (other_reps, other_rpe, other_pain)))
        if store.side_order(athlete, state.exercise_id) == "alternate":
            sets = [each for pair in zip(left, right, strict=True) for each in pair]
        else:
            sets = left + right
    for position, (side, number, (reps, rpe, pain)) in enumerate(sets):
        # three minutes a set; a two-sided drill's sides a minute and a half apart
        after = timedelta(minutes=3 * number) if side is None else timedelta(seconds=90 * position)
        store.log_set(
            athlete,
            state.exercise_id,
            reps=max(reps, plan.reps_min),
            rpe=rpe,
            pain=pain,
            at=(start + after + timedelta(minutes=3 if side else 0)).astimezone(),
            session_date=day,
            side=side,
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
