"""What the clinician's report says, gathered from the store into plain dataclasses.

`gather` reads one athlete's range through `Store` methods (every query aggregated in SQL,
see store/report_reads.py) and works out, in plain Python, what the summary counts and the
drill pages show: sessions and the plan at the start and the end of the range, response
check-ins (the rules' own definition: a check-in on a later local date, at most 96 hours
after the day's last set), the decisions worth listing, flares (runs of check-ins at or above
`flare_pain`), red flags with their clearance, sets that hurt above the pain limit, and the
clinician's overrides and setting changes. The settings are taken as they were in force on
each date, not as they are today.

Nothing here imports matplotlib, Textual or writes SQL.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from backtrack import __version__
from backtrack.clock import local_date
from backtrack.rules import RESPONSE_WINDOW
from backtrack.settings import spec_for

if TYPE_CHECKING:
    from backtrack.models import Athlete, CheckIn, Exercise, Plan
    from backtrack.store import Store
    from backtrack.store.report_reads import Clearance, DecisionRow, SessionRow, SettingChange

# Holds that only say "not earned yet" (or wait for a check-in): counted on each drill's
# page, not listed one by one, so a page holds a drill whatever the range.
ROUTINE_HOLD_RULES = frozenset({"gap", "start", "judged", "checkin"})
# How many days past the range a response check-in may come (96 hours, and a day's slack).
RESPONSE_DAYS = RESPONSE_WINDOW.days + 1


@dataclass(frozen=True)
class SessionPoint:
    """One session of a drill: the heaviest load, the furthest ROM, the worst set pain,
    and for a two-sided drill the worst set pain on each side (None on a side with no set,
    or no pain, recorded on it: sets logged before sides existed have no side)."""

    day: date
    sets: int
    load_kg: float
    rom_level: int
    pain: int | None
    pain_left: int | None = None
    pain_right: int | None = None

    @property
    def sided(self) -> bool:
        """Whether any set of the session had its pain recorded on a side."""
        return self.pain_left is not None or self.pain_right is not None


@dataclass(frozen=True)
class Decision:
    """A suggestion of the rules with what became of it, or a clinician's override."""

    day: date  # the session it judged, or the local date of the override
    exercise_id: str
    source: str  # 'rules' or 'clinician'
    action: str  # as in `next --json`, or 'override'
    rule: str | None
    status: str  # 'accepted', 'declined' or 'pending'
    reason: str
    before: Plan
    after: Plan
    at: datetime  # when it was decided (or made, while pending)

    @property
    def changes_plan(self) -> bool:
        """Whether taking it changed the plan (an accepted progression, step back or
        override)."""
        return self.status == "accepted" and self.before != self.after


@dataclass(frozen=True)
class DrillReport:
    """One drill over the range: its sessions, the decisions listed, the plans."""

    exercise: Exercise
    sessions: list[SessionPoint]
    decisions: list[Decision]  # listed on its page, oldest first
    routine_holds: int  # accepted "not earned yet" holds, counted but not listed
    plan_start: Plan
    plan_end: Plan
    stopped: bool  # stopped by the rules at the end of the range (and not resumed)


@dataclass(frozen=True)
class Flare:
    """A run of check-ins at or above the flare level."""

    first: date
    last: date
    peak: int
    checkins: int
    level: int  # the flare level in force when it began


@dataclass(frozen=True)
class RedFlagReport:
    """A check-in that reported red-flag symptoms, and who cleared it (None: still open)."""

    checkin: CheckIn
    cleared: Clearance | None


@dataclass(frozen=True)
class OverLimit:
    """A session whose worst set hurt above the pain limit in force that day."""

    exercise_id: str
    day: date
    pain: int
    limit: int


@dataclass(frozen=True)
class Step:
    """A setting's value from `start` on (until the next step)."""

    start: date
    value: float


@dataclass(frozen=True)
class Report:
    """Everything the report shows, for one athlete and date range."""

    athlete: Athlete
    since: date | None  # the first date shown (None: the athlete has no session yet)
    until: date
    generated_at: datetime
    version: str
    drills: list[DrillReport]  # every drill in plan order (pages for those with sessions)
    checkins: list[CheckIn]  # in [since, until]
    training_days: list[date]
    responses: int  # training days with a response check-in
    decisions: list[Decision]  # every decision in the range, all drills, oldest first
    pain_limit: list[Step]
    flare_pain: list[Step]
    flares: list[Flare]
    red_flags: list[RedFlagReport]
    over_limit: list[OverLimit]
    settings: list[SettingChange] = field(default_factory=list)
    clearances: list[Clearance] = field(default_factory=list)

    @property
    def first_day(self) -> date | None:
        """The first training day in the range."""
        return self.training_days[0] if self.training_days else None

    @property
    def last_day(self) -> date | None:
        """The last training day in the range."""
        return self.training_days[-1] if self.training_days else None

    @property
    def paged(self) -> list[DrillReport]:
        """The drills with sessions in the range: one page each."""
        return [d for d in self.drills if d.sessions]

    def count(self, prefix: str, status: str | None = None) -> int:
        """Decisions of the rules whose action starts with `prefix` (and has `status`)."""
        return sum(
            1
            for d in self.decisions
            if d.source == "rules"
            and d.action.startswith(prefix)
            and (status is None or d.status == status)
        )

    @property
    def overrides(self) -> list[Decision]:
        """The clinician's plan overrides in the range."""
        return [d for d in self.decisions if d.source == "clinician"]

    def limit_on(self, day: date) -> int:
        """The pain limit in force on `day`."""
        return int(value_on(self.pain_limit, day))


def gather(
    store: Store, athlete: Athlete, *, since: date | None = None, until: date | None = None
) -> Report:
    """Read and work out the report of `athlete` over [since, until]: `until` defaults to
    today, `since` to the athlete's first session (None when there is none up to `until`)."""
    now = store.clock.now()
    until = until or local_date(now)
    if since is None:
        first = store.first_session_day(athlete)
        since = first if first is not None and first <= until else None
    rows = store.report_sessions(athlete, since=since, until=until) if since else []
    later = until + timedelta(days=RESPONSE_DAYS)
    all_checkins = store.report_checkins(athlete, since=since, until=later)
    checkins = [c for c in all_checkins if c.local_date <= until]
    # with no session yet, the range is everything up to `until`
    low = since or (checkins[0].local_date if checkins else until)
    changes = store.setting_changes(athlete)
    pain_limit = steps(changes, "pain_limit", low)
    flare_pain = steps(changes, "flare_pain", low)
    kept = store.report_decisions(athlete, quiet_holds=ROUTINE_HOLD_RULES)
    every_decision = [to_decision(row) for row in kept]
    holds = store.quiet_hold_counts(athlete, ROUTINE_HOLD_RULES, since=since, until=until)
    decisions = in_range(every_decision, since or date.min, until)
    every_plan_change = [d for d in every_decision if d.changes_plan]
    clearances = store.flag_clearances(athlete)
    by_drill: dict[str, list[SessionPoint]] = {}
    for row in rows:
        by_drill.setdefault(row.exercise_id, []).append(
            SessionPoint(
                row.day,
                row.sets,
                row.load_kg,
                row.rom_level,
                row.pain,
                row.pain_left,
                row.pain_right,
            )
        )
    stopped = store.stopped_drills(athlete)
    drills = []
    for plan in store.plans(athlete):
        exercise = store.catalog.get(plan.exercise_id)
        mine = [d for d in decisions if d.exercise_id == exercise.id]
        changes_of = [d for d in every_plan_change if d.exercise_id == exercise.id]
        drills.append(
            DrillReport(
                exercise=exercise,
                sessions=by_drill.get(exercise.id, []),
                decisions=[d for d in mine if not routine(d)],
                routine_holds=holds.get(exercise.id, 0),
                plan_start=plan_on(changes_of, plan, low, start=True),
                plan_end=plan_on(changes_of, plan, until, start=False),
                stopped=exercise.id in stopped and local_date(stopped[exercise.id].at) <= until,
            )
        )
    days = sorted({r.day for r in rows if r.exercise_id in store.catalog})
    return Report(
        athlete=athlete,
        since=since,
        until=until,
        generated_at=now,
        version=__version__,
        drills=drills,
        checkins=checkins,
        training_days=days,
        responses=responses(rows, all_checkins),
        decisions=decisions,
        pain_limit=pain_limit,
        flare_pain=flare_pain,
        flares=flares(checkins, flare_pain),
        red_flags=red_flag_reports(checkins, clearances),
        over_limit=[
            OverLimit(r.exercise_id, r.day, r.pain, int(value_on(pain_limit, r.day)))
            for r in rows
            if r.pain is not None and r.pain > value_on(pain_limit, r.day)
        ],
        settings=[c for c in changes if (since or date.min) <= local_date(c.at) <= until],
        clearances=[c for c in clearances if (since or date.min) <= local_date(c.at) <= until],
    )


# -- decisions -----------------------------------------------------------------------------


def to_decision(row: DecisionRow) -> Decision:
    """A stored suggestion or override as the report lists it."""
    return Decision(
        day=row.session_date or local_date(row.created_at),
        exercise_id=row.exercise_id,
        source=row.source,
        action=row.action,
        rule=row.rule,
        status=row.status,
        reason=row.reason,
        before=row.before,
        after=row.after,
        at=row.decided_at or row.created_at,
    )


def in_range(found: Iterable[Decision], since: date, until: date) -> list[Decision]:
    """The decisions dated in [since, until], by date."""
    return sorted((d for d in found if since <= d.day <= until), key=lambda d: (d.day, d.at))


def routine(decision: Decision) -> bool:
    """Whether a decision is a routine hold: the plan not earned yet, accepted (or a wait
    for a check-in), counted on the drill's page but not listed."""
    return (
        decision.action == "hold"
        and decision.rule in ROUTINE_HOLD_RULES
        and decision.status in ("accepted", "pending")
    )


def plan_on(changes: Sequence[Decision], current: Plan, day: date, *, start: bool) -> Plan:
    """The drill's plan at the start (`start`) or the end of local `day`, from its accepted
    plan changes (oldest first) and the plan in force now."""
    before = [c for c in changes if (local_date(c.at) < day if start else local_date(c.at) <= day)]
    if before:
        return before[-1].after
    return changes[0].before if changes else current


# -- check-ins -----------------------------------------------------------------------------


def responses(rows: Sequence[SessionRow], checkins: Sequence[CheckIn]) -> int:
    """How many training days have a response check-in: one on a later local date, at
    most RESPONSE_WINDOW after the day's last set."""
    last_set: dict[date, datetime] = {}
    for row in rows:
        last_set[row.day] = max(last_set.get(row.day, row.last_at), row.last_at)
    ordered = sorted(checkins, key=lambda c: c.local_date)
    days = [c.local_date for c in ordered]
    # earliest check-in moment among those on or after each position
    earliest: list[datetime | None] = [None] * (len(ordered) + 1)
    for i in range(len(ordered) - 1, -1, -1):
        later = earliest[i + 1]
        earliest[i] = ordered[i].at if later is None else min(ordered[i].at, later)
    count = 0
    for day, last in last_set.items():
        first = earliest[bisect_right(days, day)]
        if first is not None and first <= last + RESPONSE_WINDOW:
            count += 1
    return count


def flares(checkins: Sequence[CheckIn], levels: Sequence[Step]) -> list[Flare]:
    """Runs of consecutive check-ins at or above the flare level in force on their date."""
    found: list[Flare] = []
    run: list[CheckIn] = []
    level = 0

    def close() -> None:
        if run:
            found.append(
                Flare(
                    run[0].local_date, run[-1].local_date, max(c.pain for c in run), len(run), level
                )
            )
            run.clear()

    for checkin in checkins:
        at = int(value_on(levels, checkin.local_date))
        if checkin.pain >= at:
            if not run:
                level = at
            run.append(checkin)
        else:
            close()
    close()
    return found


def red_flag_reports(
    checkins: Sequence[CheckIn], clearances: Sequence[Clearance]
) -> list[RedFlagReport]:
    """The check-ins with red flags, each with the first clearance that covers it."""
    reports = []
    for checkin in checkins:
        if not checkin.red_flags:
            continue
        cleared = next(
            (
                c
                for c in clearances
                if checkin.id is not None and c.through_checkin_id >= checkin.id
            ),
            None,
        )
        reports.append(RedFlagReport(checkin, cleared))
    return reports


# -- settings over time --------------------------------------------------------------------


def steps(changes: Sequence[SettingChange], key: str, start: date) -> list[Step]:
    """The values of setting `key` over time, from `start` on: the value in force that day,
    then one step per change after it."""
    mine = [c for c in changes if c.key == key]
    first = mine[0].previous if mine else spec_for(key).default
    found = [Step(date.min, first)]
    for change in mine:
        found.append(Step(local_date(change.at), change.value))
    in_force = value_on(found, start)
    return [Step(start, in_force)] + [s for s in found if s.start > start]


def value_on(values: Sequence[Step], day: date) -> float:
    """The value of a step series on `day` (its first value before it starts)."""
    current = values[0].value
    for step in values:
        if step.start > day:
            break
        current = step.value
    return current
