"""Glue between the log and the rules: what `next`, `accept` and `decline` do.

The command line and the TUI both call these, so a behaviour tested through one holds
in the other. The rules stay pure; this module gathers their inputs from the store.
"""

from __future__ import annotations

from dataclasses import dataclass

from backtrack import rules
from backtrack.models import Athlete, Plan, Suggestion
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
    dates = store.session_dates(athlete, exercise.id, limit=2)
    session = store.session_sets(athlete, exercise.id, dates[0]) if dates else []
    previous = store.session_sets(athlete, exercise.id, dates[1]) if len(dates) > 1 else []
    checkins = []
    if session:
        start, end = window_around(session)
        checkins = store.checkins_between(athlete, start, end)
    return rules.suggest(
        exercise,
        plan,
        session,
        previous,
        checkins,
        store.plan_changes(athlete, exercise.id),
        store.last_judged(athlete, exercise.id),
        unit=athlete.unit,
    )


def next_suggestion(store: Store, athlete: Athlete, exercise_id: str) -> Suggestion:
    """The current suggestion, stored as the drill's pending one (replacing an older one)."""
    suggestion = current_suggestion(store, athlete, exercise_id)
    store.record_pending(athlete, suggestion, store.plan(athlete, suggestion.exercise_id))
    return suggestion


def decide(store: Store, athlete: Athlete, exercise_id: str, *, accept: bool) -> Decision:
    """Accept or decline the suggestion as it stands now; the plan changes only on accept."""
    suggestion = current_suggestion(store, athlete, exercise_id)
    before = store.plan(athlete, suggestion.exercise_id)
    plan = store.record_decision(athlete, suggestion, before, accepted=accept)
    return Decision(suggestion=suggestion, before=before, plan=plan, accepted=accept)
