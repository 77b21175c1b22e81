"""Plans, the rules' suggestions, the athlete's decisions and the audit trail.

A drill's current plan lives in `plans` (one row per athlete and drill, made from the
catalog's starting values on first use). Every suggestion the rules made and every
clinician override is a row of `suggestions`: pending, accepted, declined or superseded,
with the plan before and after as JSON. Nothing here decides what to suggest: that is
rules.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from backtrack.errors import InvalidValue
from backtrack.models import Athlete, Exercise, Plan, PlanChange, Suggestion
from backtrack.store.connection import StoreBase
from backtrack.store.values import iso_utc, optional_date, parse_utc, plan_from_row, plan_json
from backtrack.text import strip_controls

PLAN_ROW = "SELECT * FROM plans WHERE athlete_id = ? AND exercise_id = ?"


@dataclass(frozen=True)
class StopMark:
    """A drill the rules stopped (a pain regress at its starting plan, accepted): when, and
    the reason. It stays out of sessions until a clinician resumes it."""

    at: datetime
    reason: str


def check_rom(exercise: Exercise, rom_level: int) -> None:
    """Raise InvalidValue unless `rom_level` is on the drill's ROM ladder."""
    if not 1 <= rom_level <= exercise.max_rom_level:
        raise InvalidValue(
            "rom",
            f"ROM level {rom_level} is not on the {exercise.name} ladder "
            f"(1 to {exercise.max_rom_level})",
        )


def describe_override(
    exercise: Exercise, before: Plan, after: Plan, *, resumed: StopMark | None = None
) -> str:
    """A sentence naming what a clinician changed in a plan (and a stopped drill resumed)."""
    parts = []
    if before.sets != after.sets:
        parts.append(f"sets {before.sets} -> {after.sets}")
    if abs(before.load_kg - after.load_kg) > 1e-9:
        parts.append(f"load {before.load_kg:g} kg -> {after.load_kg:g} kg")
    if before.rom_level != after.rom_level:
        parts.append(
            f"ROM level {before.rom_level} -> {after.rom_level} "
            f"({exercise.rom_label(after.rom_level)})"
        )
    if before.active != after.active:
        parts.append("made active" if after.active else "made inactive")
    if resumed is not None:
        parts.append(f"resumed (stopped on {resumed.at.date().isoformat()}: {resumed.reason})")
    return "Clinician's override: " + ", ".join(parts)


class PlansMixin(StoreBase):
    """The Store's plans and audit trail."""

    # -- plans -------------------------------------------------------------------------

    def plans(self, athlete: Athlete) -> list[Plan]:
        """The athlete's plan for every catalog drill, in plan order.

        Plans are created on first use from the catalog's starting values.
        """
        self._ensure_plans(athlete)
        rows = self._rows(
            "SELECT * FROM plans WHERE athlete_id = ? ORDER BY position, exercise_id",
            [athlete.id],
        )
        return [plan_from_row(r) for r in rows if r["exercise_id"] in self.catalog]

    def plan(self, athlete: Athlete, exercise_id: str) -> Plan:
        """The athlete's current plan for one drill (created on first use)."""
        exercise = self.catalog.get(exercise_id)
        row = self._one(PLAN_ROW, [athlete.id, exercise.id])
        if row is None:
            self._ensure_plans(athlete)
            row = self._one(PLAN_ROW, [athlete.id, exercise.id])
        assert row is not None  # _ensure_plans wrote one for every catalog drill
        return plan_from_row(row)

    def _ensure_plans(self, athlete: Athlete) -> None:
        """Give every catalog drill the athlete has no plan for its starting plan."""
        existing = {
            r["exercise_id"]
            for r in self._rows("SELECT exercise_id FROM plans WHERE athlete_id = ?", [athlete.id])
        }
        missing = [e for e in self.catalog if e.id not in existing]
        if not missing:
            return
        now = iso_utc(self.clock.now())
        positions = {e.id: i for i, e in enumerate(self.catalog)}
        with self.write():
            for exercise in missing:
                start = exercise.starting_plan()
                self._exec(
                    "INSERT OR IGNORE INTO plans (athlete_id, exercise_id, position, active, "
                    "sets, reps_min, reps_max, load_kg, rom_level, updated_at) "
                    "VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?, ?)",
                    [
                        athlete.id,
                        exercise.id,
                        positions[exercise.id],
                        start.sets,
                        start.reps_min,
                        start.reps_max,
                        start.load_kg,
                        start.rom_level,
                        now,
                    ],
                )

    def _write_plan(self, athlete: Athlete, plan: Plan) -> None:
        """Store `plan` as the athlete's current plan for its drill."""
        self._exec(
            "UPDATE plans SET active = ?, sets = ?, reps_min = ?, reps_max = ?, load_kg = ?, "
            "rom_level = ?, updated_at = ? WHERE athlete_id = ? AND exercise_id = ?",
            [
                int(plan.active),
                plan.sets,
                plan.reps_min,
                plan.reps_max,
                plan.load_kg,
                plan.rom_level,
                iso_utc(self.clock.now()),
                athlete.id,
                plan.exercise_id,
            ],
        )

    def override_plan(
        self,
        athlete: Athlete,
        exercise_id: str,
        *,
        sets: int | None = None,
        load_kg: float | None = None,
        rom_level: int | None = None,
        active: bool | None = None,
    ) -> Plan:
        """Set a drill's plan by hand (a clinician's override), recorded in the audit trail.

        Any valid value is allowed: sets 1 to the drill's max sets, ROM within its ladder,
        load 0 to its max load. Raises InvalidValue naming the first bad value.
        """
        exercise = self.catalog.get(exercise_id)
        if sets is not None and not 1 <= sets <= exercise.max_sets:
            raise InvalidValue("sets", f"sets {sets} is not 1 to {exercise.max_sets}")
        if rom_level is not None:
            check_rom(exercise, rom_level)
        if load_kg is not None and not 0 <= load_kg <= exercise.max_load_kg + 1e-9:
            raise InvalidValue(
                "load", f"load {load_kg:g} kg is not 0 to {exercise.max_load_kg:g} kg"
            )
        changes: dict[str, Any] = {
            key: value
            for key, value in (
                ("sets", sets),
                ("load_kg", load_kg),
                ("rom_level", rom_level),
                ("active", active),
            )
            if value is not None
        }
        with self.write():
            before = self.plan(athlete, exercise.id)
            after = before.model_copy(update=changes)
            stopped = self.stopped_drills(athlete).get(exercise.id) if active else None
            if after == before and stopped is None:
                return before
            self._write_plan(athlete, after)
            reason = strip_controls(describe_override(exercise, before, after, resumed=stopped))
            if stopped is not None:
                self._exec(
                    "UPDATE plans SET stopped_at = NULL, stopped_reason = NULL "
                    "WHERE athlete_id = ? AND exercise_id = ?",
                    [athlete.id, exercise.id],
                )
            now = iso_utc(self.clock.now())
            self._exec(
                "INSERT INTO suggestions (athlete_id, exercise_id, created_at, source, action, "
                "session_date, plan_before, plan_after, reason, status, decided_at) "
                "VALUES (?, ?, ?, 'clinician', 'override', NULL, ?, ?, ?, 'accepted', ?)",
                [athlete.id, exercise.id, now, plan_json(before), plan_json(after), reason, now],
            )
        return after

    def stopped_drills(self, athlete: Athlete) -> dict[str, StopMark]:
        """The athlete's drills the rules stopped, by drill id (out of sessions until a
        clinician resumes them with `plan DRILL --active`)."""
        rows = self._rows(
            "SELECT exercise_id, stopped_at, stopped_reason FROM plans "
            "WHERE athlete_id = ? AND stopped_at IS NOT NULL",
            [athlete.id],
        )
        return {
            r["exercise_id"]: StopMark(parse_utc(r["stopped_at"]), r["stopped_reason"] or "")
            for r in rows
        }

    # -- suggestions, decisions and the audit trail --------------------------------------

    def plan_changes(self, athlete: Athlete, exercise_id: str) -> list[PlanChange]:
        """Every accepted change of a drill's plan (rules or clinician), oldest first."""
        rows = self._rows(
            "SELECT * FROM suggestions WHERE athlete_id = ? AND exercise_id = ? "
            "AND status = 'accepted' ORDER BY id",
            [athlete.id, exercise_id],
        )
        return [
            PlanChange(
                at=parse_utc(r["decided_at"] or r["created_at"]),
                kind=r["action"],
                before=Plan.model_validate_json(r["plan_before"]),
                after=Plan.model_validate_json(r["plan_after"]),
                session_date=optional_date(r["session_date"]),
                reason=r["reason"],
            )
            for r in rows
        ]

    def last_judged(self, athlete: Athlete, exercise_id: str) -> date | None:
        """The newest session date of this drill that a decided suggestion judged."""
        row = self._one(
            "SELECT MAX(session_date) AS d FROM suggestions WHERE athlete_id = ? "
            "AND exercise_id = ? AND source = 'rules' AND status IN ('accepted', 'declined')",
            [athlete.id, exercise_id],
        )
        return optional_date(row["d"]) if row else None

    def pending_suggestion(self, athlete: Athlete, exercise_id: str) -> dict[str, Any] | None:
        """The pending suggestion row of a drill, if any."""
        return self._one(
            "SELECT * FROM suggestions WHERE athlete_id = ? AND exercise_id = ? "
            "AND status = 'pending' ORDER BY id DESC LIMIT 1",
            [athlete.id, exercise_id],
        )

    def record_pending(self, athlete: Athlete, suggestion: Suggestion, before: Plan) -> None:
        """Store `suggestion` as the drill's pending one; a different older one is superseded."""
        with self.write():
            self._settle_pending(athlete, suggestion, before, status="pending")

    def record_decision(
        self, athlete: Athlete, suggestion: Suggestion, before: Plan, *, accepted: bool
    ) -> Plan:
        """Record the athlete's decision on `suggestion` and return the plan that follows.

        The plan changes only on accept, and never for a hold. A different pending
        suggestion is marked superseded. Everything is one transaction.
        """
        status = "accepted" if accepted else "declined"
        with self.write():
            self._settle_pending(athlete, suggestion, before, status=status)
            if accepted and suggestion.action == "stop":
                self._exec(
                    "UPDATE plans SET stopped_at = ?, stopped_reason = ? "
                    "WHERE athlete_id = ? AND exercise_id = ?",
                    [
                        iso_utc(self.clock.now()),
                        strip_controls(suggestion.reason),
                        athlete.id,
                        suggestion.exercise_id,
                    ],
                )
            if accepted and suggestion.plan != before:
                self._write_plan(athlete, suggestion.plan)
                return suggestion.plan
        return before

    def decided_since(self, athlete: Athlete, exercise_id: str, rule: str, since: datetime) -> bool:
        """Whether a suggestion of `rule` for this drill was accepted or declined at or
        after `since` (e.g. a break already dealt with since the drill's last set)."""
        row = self._one(
            "SELECT 1 AS found FROM suggestions WHERE athlete_id = ? AND exercise_id = ? "
            "AND rule = ? AND status IN ('accepted', 'declined') AND decided_at >= ? LIMIT 1",
            [athlete.id, exercise_id, rule, iso_utc(since)],
        )
        return row is not None

    def _settle_pending(
        self, athlete: Athlete, suggestion: Suggestion, before: Plan, *, status: str
    ) -> None:
        """Give `suggestion` the `status`: the pending row if it is the same suggestion,
        else a new row (a different pending one is marked superseded)."""
        now = iso_utc(self.clock.now())
        session_date = suggestion.session_date.isoformat() if suggestion.session_date else None
        reason = strip_controls(suggestion.reason)
        pending = self.pending_suggestion(athlete, suggestion.exercise_id)
        same = pending is not None and (
            pending["action"] == suggestion.action
            and pending["rule"] == suggestion.rule
            and pending["reason"] == reason
            and pending["plan_after"] == plan_json(suggestion.plan)
            and pending["plan_before"] == plan_json(before)
            and pending["session_date"] == session_date
        )
        if pending is not None and same:
            if status != "pending":
                self._exec(
                    "UPDATE suggestions SET status = ?, decided_at = ? WHERE id = ?",
                    [status, now, pending["id"]],
                )
            return
        if pending is not None:
            self._exec(
                "UPDATE suggestions SET status = 'superseded', decided_at = ? WHERE id = ?",
                [now, pending["id"]],
            )
        self._exec(
            "INSERT INTO suggestions (athlete_id, exercise_id, created_at, source, action, "
            "session_date, plan_before, plan_after, reason, status, decided_at, rule) "
            "VALUES (?, ?, ?, 'rules', ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                athlete.id,
                suggestion.exercise_id,
                now,
                suggestion.action,
                session_date,
                plan_json(before),
                plan_json(suggestion.plan),
                reason,
                status,
                None if status == "pending" else now,
                suggestion.rule,
            ],
        )

    def audit_trail(self, athlete: Athlete, exercise_id: str | None = None) -> list[dict[str, Any]]:
        """Every suggestion and override of the athlete (optionally one drill), newest first."""
        where = "athlete_id = ?"
        params: list[Any] = [athlete.id]
        if exercise_id:
            where += " AND exercise_id = ?"
            params.append(exercise_id)
        return self._rows(f"SELECT * FROM suggestions WHERE {where} ORDER BY id DESC", params)

    def decision_rows(self, athlete: Athlete | None = None) -> list[dict[str, Any]]:
        """Every stored suggestion and clinician override (all athletes when `athlete` is
        None), oldest first, with the athlete's name and unit: the decisions export."""
        where = "WHERE g.athlete_id = ?" if athlete is not None else ""
        return self._rows(
            "SELECT g.*, a.name AS athlete, a.unit AS unit FROM suggestions g "
            f"JOIN athletes a ON a.id = g.athlete_id {where} ORDER BY g.created_at, g.id",
            [athlete.id] if athlete is not None else [],
        )
