"""Glue between the log and the rules: what `next`, `accept` and `decline` do.

The command line and the TUI both call these, so a behaviour tested through one holds
in the other. The rules stay pure; this module gathers their inputs from the store: the
drill's newest sessions, the check-ins around them and over the last month, the athlete's
rule settings, open red flags, today, and whether a break was already dealt with.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from backtrack import red_flags, rules
from backtrack.clock import local_date
from backtrack.errors import NothingToDecide
from backtrack.models import Athlete, CheckIn, Plan, SetEntry, Suggestion
from backtrack.store import Store, window_around


@dataclass(frozen=True)
class Decision:
    """The outcome of accepting or declining: the suggestion judged and the plan now."""

    suggestion: Suggestion
    before: Plan
    plan: Plan
    accepted: bool


def current_suggestion(store: Store, athlete: Athlete, exercise_id: str) -> Suggestion:
    """What the rules suggest for this drill right now, computed afresh from the log."""
    exercise = store.catalog.get(exercise_id)
    plan = store.plan(athlete, exercise.id)
    stopped = store.stopped_drills(athlete).get(exercise.id)
    if stopped is not None:
        return Suggestion(
            exercise_id=exercise.id,
            action="stop",
            plan=plan,
            reason=(
                f"Stopped on {stopped.at.date().isoformat()}: {stopped.reason}. Your clinician "
                f"can resume it with `backtrack plan {exercise.id} --active`"
            ),
            rule="stopped",
        )
    settings = store.rule_settings(athlete)
    wanted = max(settings.sessions_to_progress, 2)
    dates = store.session_dates(athlete, exercise.id, limit=wanted)
    sessions = [store.session_sets(athlete, exercise.id, day) for day in dates]
    now = store.clock.now()
    start, end = now - rules.FLARE_LOOKBACK, now
    for sets in sessions:
        first, last = window_around(sets)
        start, end = min(start, first), max(end, last)
    checkins = store.checkins_between(athlete, start, end)
    last_set = _last_moment(sessions[0]) if sessions else None
    situation = rules.Situation(
        red_flags=tuple(store.open_red_flags(athlete)),
        today=local_date(now),
        layoff_decided=last_set is not None
        and store.decided_since(athlete, exercise.id, "layoff", last_set),
    )
    return rules.suggest(
        exercise,
        plan,
        sessions[0] if sessions else [],
        sessions[1] if len(sessions) > 1 else [],
        checkins,
        store.plan_changes(athlete, exercise.id),
        store.last_judged(athlete, exercise.id),
        unit=athlete.unit,
        older=sessions[2:],
        settings=settings,
        situation=situation,
    )


def _last_moment(sets: list[SetEntry]) -> datetime:
    """When the newest of `sets` was done."""
    return max(s.performed_at for s in sets)


def next_suggestion(store: Store, athlete: Athlete, exercise_id: str) -> Suggestion:
    """The current suggestion, stored as the drill's pending one (replacing an older one)."""
    suggestion = current_suggestion(store, athlete, exercise_id)
    store.record_pending(athlete, suggestion, store.plan(athlete, suggestion.exercise_id))
    return suggestion


def decide(store: Store, athlete: Athlete, exercise_id: str, *, accept: bool) -> Decision:
    """Accept or decline the suggestion as it stands now; the plan changes only on accept.

    NothingToDecide (nothing recorded) when the suggestion is no decision: it waits for a
    check-in, or for a clinician (a red flag to clear, a stopped drill to resume).
    """
    suggestion = current_suggestion(store, athlete, exercise_id)
    if not suggestion.decidable:
        raise NothingToDecide(nothing_to_decide(suggestion))
    before = store.plan(athlete, suggestion.exercise_id)
    plan = store.record_decision(athlete, suggestion, before, accepted=accept)
    return Decision(suggestion=suggestion, before=before, plan=plan, accepted=accept)


def nothing_to_decide(suggestion: Suggestion) -> str:
    """Why accept or decline of `suggestion` records nothing: one line."""
    if suggestion.rule == "red_flag":
        return (
            "nothing to decide: a red flag stops training until a clinician clears it with "
            "`backtrack clear-flag --reason TEXT`"
        )
    if suggestion.rule == "stopped":
        return f"nothing to decide: {suggestion.reason}"
    reason = suggestion.reason[:1].lower() + suggestion.reason[1:]
    return f"nothing to decide yet: {reason}; the session is judged once it is in"


@dataclass(frozen=True)
class CheckInOutcome:
    """A recorded check-in and what to tell the lifter at once: the advice for red flags
    reported ('' for none) and the flare guidance when pain is at the flare level ('')."""

    checkin: CheckIn
    red_flag_advice: str
    flare: str


def ask_red_flags(store: Store, athlete: Athlete, pain: int) -> bool:
    """Whether a check-in of `pain`, about to be recorded, should ask the red-flag questions
    (see red_flags.should_ask)."""
    settings = store.rule_settings(athlete)
    previous = store.last_checkin(athlete)
    return red_flags.should_ask(
        pain=pain,
        previous_pain=previous.pain if previous else None,
        last_asked=store.red_flags_last_asked(athlete),
        now=store.clock.now(),
        flare_pain=settings.flare_pain,
        rise_regress=settings.rise_regress,
    )


def check_in(
    store: Store,
    athlete: Athlete,
    pain: int,
    *,
    at: datetime | None = None,
    local: date | None = None,
    flags: tuple[str, ...] = (),
    flags_asked: bool = False,
    note: str | None = None,
) -> CheckInOutcome:
    """Record a check-in (committed when this returns) and what to tell the lifter now."""
    entry = store.check_in(
        athlete, pain, at=at, local=local, red_flags=flags, flags_asked=flags_asked, note=note
    )
    settings = store.rule_settings(athlete)
    flare = ""
    if entry.pain >= settings.flare_pain:
        now = store.clock.now()
        recent = store.checkins_between(athlete, now - rules.FLARE_LOOKBACK, max(now, entry.at))
        flare = (
            f"Back pain at {entry.pain}/10: a flare (your flare level is "
            f"{settings.flare_pain}), not a day to progress. "
            f"{rules.flare_guidance(recent, settings)}"
        )
    return CheckInOutcome(entry, red_flags.advice(entry.red_flags), flare)
