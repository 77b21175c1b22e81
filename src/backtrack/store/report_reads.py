"""The clinician's report's reads: sessions of every drill, check-ins, decisions, rule
setting changes and red-flag clearances of one athlete over a date range.

Each is one query aggregated in SQL (sessions through the `sets_by_session` index), so ten
years of one athlete read in tens of milliseconds. Nothing here decides what the report says:
that is `backtrack.report`.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime

from backtrack.models import Athlete, CheckIn, Plan
from backtrack.settings import spec_for
from backtrack.store.connection import StoreBase
from backtrack.store.values import checkin_from_row, day_bounds, optional_date, parse_utc

# An accepted or pending hold of one of the rules in a JSON list given as the parameter.
_QUIET = (
    "(action = 'hold' AND status IN ('accepted', 'pending') "
    "AND rule IN (SELECT value FROM json_each(?)))"
)


@dataclass(frozen=True)
class SessionRow:
    """One session of one drill (its sets on one local date), aggregated in SQL."""

    exercise_id: str
    day: date
    sets: int
    load_kg: float  # the heaviest set
    rom_level: int  # the furthest ROM level
    pain: int | None  # the worst pain of any set (None: no set had pain recorded)
    last_at: datetime  # the last set (UTC)
    pain_left: int | None = None  # the worst pain of a set on the left (two-sided drills)
    pain_right: int | None = None  # ... on the right (None: no such set had pain recorded)


@dataclass(frozen=True)
class DecisionRow:
    """A stored suggestion of the rules (pending, accepted or declined) or a clinician's
    override, with the plans before and after."""

    exercise_id: str
    created_at: datetime
    decided_at: datetime | None
    session_date: date | None  # the session the rules judged (None for an override)
    source: str  # 'rules' or 'clinician'
    action: str
    rule: str | None
    status: str  # 'pending', 'accepted' or 'declined'
    reason: str
    before: Plan
    after: Plan


@dataclass(frozen=True)
class SettingChange:
    """A clinician's change of one rule setting: the value before and the one set."""

    key: str
    at: datetime
    previous: float
    value: float  # the value in force after it (the default for a reset)
    reset: bool
    by: str
    reason: str


@dataclass(frozen=True)
class Clearance:
    """A clinician clearing every red flag reported up to `through_checkin_id`."""

    through_checkin_id: int
    at: datetime
    by: str
    reason: str


class ReportReadsMixin(StoreBase):
    """The Store's reads for the clinician's report (read-only)."""

    def first_session_day(self, athlete: Athlete) -> date | None:
        """The local date of the athlete's first set of any drill, or None."""
        row = self._one(
            "SELECT MIN(session_date) AS d FROM sets WHERE athlete_id = ?", [athlete.id]
        )
        return optional_date(row["d"]) if row else None

    def report_sessions(
        self, athlete: Athlete, *, since: date | None, until: date | None
    ) -> list[SessionRow]:
        """One row per session of every drill in [since, until], by drill then date; with
        the worst set pain on each side (sets of a two-sided drill logged by side)."""
        low, high = day_bounds(since, until)
        rows = self._rows(
            """
            SELECT exercise_id, session_date, COUNT(*) AS sets, MAX(load_kg) AS load_kg,
                   MAX(rom_level) AS rom_level, MAX(pain) AS pain,
                   MAX(performed_at) AS last_at,
                   MAX(CASE WHEN side = 'L' THEN pain END) AS pain_left,
                   MAX(CASE WHEN side = 'R' THEN pain END) AS pain_right
            FROM sets
            WHERE athlete_id = :athlete AND session_date >= :low AND session_date <= :high
            GROUP BY exercise_id, session_date
            ORDER BY exercise_id, session_date
            """,
            {"athlete": athlete.id, "low": low, "high": high},
        )
        return [
            SessionRow(
                exercise_id=r["exercise_id"],
                day=date.fromisoformat(r["session_date"]),
                sets=r["sets"],
                load_kg=r["load_kg"],
                rom_level=r["rom_level"],
                pain=r["pain"],
                last_at=parse_utc(r["last_at"]),
                pain_left=r["pain_left"],
                pain_right=r["pain_right"],
            )
            for r in rows
        ]

    def report_checkins(
        self, athlete: Athlete, *, since: date | None, until: date | None
    ) -> list[CheckIn]:
        """The athlete's check-ins on local dates in [since, until], oldest first."""
        low, high = day_bounds(since, until)
        rows = self._rows(
            "SELECT * FROM checkins WHERE athlete_id = ? AND local_date >= ? "
            "AND local_date <= ? ORDER BY at, id",
            [athlete.id, low, high],
        )
        return [checkin_from_row(r) for r in rows]

    def report_decisions(
        self, athlete: Athlete, *, quiet_holds: Collection[str] = ()
    ) -> list[DecisionRow]:
        """Every suggestion of the rules not superseded (pending, accepted or declined) and
        every clinician override of the athlete, oldest first; without the accepted or
        pending holds of the rules named in `quiet_holds` (`quiet_hold_counts` counts them:
        most of a long log, and nothing to list)."""
        where = "athlete_id = ? AND status != 'superseded'"
        params: list[object] = [athlete.id]
        if quiet_holds:
            where += f" AND NOT {_QUIET}"
            params.append(json.dumps(sorted(quiet_holds)))
        rows = self._rows(
            f"SELECT * FROM suggestions WHERE {where} ORDER BY created_at, id", params
        )
        plans: dict[str, Plan] = {}  # most rows repeat a plan: read each text once

        def plan(text: str) -> Plan:
            found = plans.get(text)
            if found is None:
                found = plans[text] = Plan.model_validate_json(text)
            return found

        return [
            DecisionRow(
                exercise_id=r["exercise_id"],
                created_at=parse_utc(r["created_at"]),
                decided_at=parse_utc(r["decided_at"]) if r["decided_at"] else None,
                session_date=optional_date(r["session_date"]),
                source=r["source"],
                action=r["action"],
                rule=r.get("rule"),
                status=r["status"],
                reason=r["reason"],
                before=plan(r["plan_before"]),
                after=plan(r["plan_after"]),
            )
            for r in rows
        ]

    def quiet_hold_counts(
        self,
        athlete: Athlete,
        quiet_holds: Collection[str],
        *,
        since: date | None,
        until: date | None,
    ) -> dict[str, int]:
        """How many accepted or pending holds of the rules in `quiet_holds` judged sessions
        in [since, until], by drill."""
        low, high = day_bounds(since, until)
        rows = self._rows(
            f"SELECT exercise_id, COUNT(*) AS n FROM suggestions WHERE athlete_id = ? AND {_QUIET} "
            "AND COALESCE(session_date, substr(created_at, 1, 10)) BETWEEN ? AND ? "
            "GROUP BY exercise_id",
            [athlete.id, json.dumps(sorted(quiet_holds)), low, high],
        )
        return {r["exercise_id"]: r["n"] for r in rows}

    def setting_changes(self, athlete: Athlete) -> list[SettingChange]:
        """Every change of the athlete's rule settings, oldest first."""
        rows = self._rows(
            "SELECT * FROM rule_setting_changes WHERE athlete_id = ? ORDER BY id", [athlete.id]
        )
        changes = []
        for r in rows:
            spec = spec_for(r["key"])
            changes.append(
                SettingChange(
                    key=spec.key,
                    at=parse_utc(r["changed_at"]),
                    previous=float(r["previous"]),
                    value=float(spec.default if r["value"] is None else r["value"]),
                    reset=r["value"] is None,
                    by=r["changed_by"],
                    reason=r["reason"],
                )
            )
        return changes

    def flag_clearances(self, athlete: Athlete) -> list[Clearance]:
        """Every red-flag clearance of the athlete, oldest first."""
        rows = self._rows(
            "SELECT * FROM flag_clearances WHERE athlete_id = ? ORDER BY id", [athlete.id]
        )
        return [
            Clearance(
                through_checkin_id=r["through_checkin_id"],
                at=parse_utc(r["cleared_at"]),
                by=r["cleared_by"],
                reason=r["reason"],
            )
            for r in rows
        ]
