"""The history screen's reads: session summaries, chart series and the plan timeline.

Everything is aggregated in SQL, and each query reads one drill's range of the
`sets_by_session` index, so a long log pages and charts in milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from backtrack.models import Athlete, Plan
from backtrack.settings import spec_for
from backtrack.store.connection import StoreBase
from backtrack.store.values import day_bounds, optional_date, parse_utc


@dataclass(frozen=True)
class SideSummary:
    """One side of a session of a two-sided drill, aggregated in SQL: its sets' reps in set
    order and their highest pain. `side` is 'L' or 'R', or None for the sets logged before
    sides existed (History shows them as '-')."""

    side: str | None
    sets: int
    reps: tuple[int, ...]
    pain: int | None


@dataclass(frozen=True)
class SessionSummary:
    """One session of one drill, aggregated in SQL, for the history screen. For a
    two-sided drill `sides` has a summary per side present (L, R, then any sets without a
    side); for a one-sided drill it is empty."""

    day: date
    sets: int
    reps_min: int
    reps_max: int
    reps_total: int
    load_kg: float  # the heaviest set
    rom_level: int  # the furthest ROM level
    rpe: float | None  # the hardest set's RPE
    pain: int | None  # the highest pain of any set
    action: str | None  # the rules' suggestion that judged this session, if any
    status: str | None  # 'accepted', 'declined' or 'pending'
    reason: str | None
    sides: tuple[SideSummary, ...] = ()


@dataclass(frozen=True)
class ChartPoint:
    """One point of the history charts: the sessions from `first` to `last`. For a
    two-sided drill, also the highest pain on the left, on the right and of the sets
    without a side (logged before sides existed); None for a one-sided drill."""

    first: date
    last: date
    load_kg: float
    rom_level: int
    pain: int | None
    pain_left: int | None = None
    pain_right: int | None = None
    pain_unsided: int | None = None


@dataclass(frozen=True)
class TimelineEntry:
    """A decided suggestion, a clinician override, or a clinician's change that applies to
    every drill (a rule setting, red flags cleared), with its reason.

    Plan entries carry the plan `before` and `after`; the others carry None there and a
    short `change` instead ('pain_limit 5 → 4', 'red flags cleared').
    """

    at: datetime
    exercise_id: str | None
    session_date: date | None
    source: str  # 'rules' or 'clinician'
    action: str  # as in `next --json`, 'override', 'setting' or 'clear-flag'
    status: str  # 'accepted' or 'declined'
    reason: str
    before: Plan | None
    after: Plan | None
    change: str | None = None


class HistoryMixin(StoreBase):
    """The Store's history reads (read-only)."""

    def session_history(
        self,
        athlete: Athlete,
        exercise_id: str,
        *,
        since: date | None = None,
        until: date | None = None,
        limit: int = 60,
    ) -> list[SessionSummary]:
        """One summary per session of a drill in [since, until], newest first, at most `limit`.

        Each carries the rules' suggestion that judged that session (decided, or else
        pending) and its status. For older pages, call again with `until` the day before
        the oldest date shown. Reads only the sessions returned, through `sets_by_session`.
        """
        low, high = day_bounds(since, until)
        rows = self._rows(
            """
            WITH days AS (
                SELECT session_date, COUNT(*) AS sets, MIN(reps) AS reps_min,
                       MAX(reps) AS reps_max, SUM(reps) AS reps_total, MAX(load_kg) AS load_kg,
                       MAX(rom_level) AS rom_level, MAX(rpe) AS rpe, MAX(pain) AS pain
                FROM sets
                WHERE athlete_id = :athlete AND exercise_id = :drill
                  AND session_date >= :low AND session_date <= :high
                GROUP BY session_date ORDER BY session_date DESC LIMIT :limit
            )
            SELECT d.*, g.action, g.status, g.reason
            FROM days d LEFT JOIN suggestions g ON g.id = (
                SELECT id FROM suggestions
                WHERE athlete_id = :athlete AND exercise_id = :drill
                  AND session_date = d.session_date AND source = 'rules'
                  AND status IN ('accepted', 'declined', 'pending')
                ORDER BY status = 'pending', id DESC LIMIT 1
            )
            ORDER BY d.session_date DESC
            """,
            {"athlete": athlete.id, "drill": exercise_id, "low": low, "high": high, "limit": limit},
        )
        sides: dict[str, tuple[SideSummary, ...]] = {}
        if rows and self._two_sided(exercise_id):
            sides = self._session_sides(
                athlete, exercise_id, rows[-1]["session_date"], rows[0]["session_date"]
            )
        return [
            SessionSummary(
                day=date.fromisoformat(r["session_date"]),
                sets=r["sets"],
                reps_min=r["reps_min"],
                reps_max=r["reps_max"],
                reps_total=r["reps_total"],
                load_kg=r["load_kg"],
                rom_level=r["rom_level"],
                rpe=r["rpe"],
                pain=r["pain"],
                action=r["action"],
                status=r["status"],
                reason=r["reason"],
                sides=sides.get(r["session_date"], ()),
            )
            for r in rows
        ]

    def _two_sided(self, exercise_id: str) -> bool:
        """Whether the catalog has this drill as two-sided (a drill it no longer has: no)."""
        return exercise_id in self.catalog and self.catalog.get(exercise_id).two_sided

    def _session_sides(
        self, athlete: Athlete, exercise_id: str, low: str, high: str
    ) -> dict[str, tuple[SideSummary, ...]]:
        """Each session's sides in [low, high] (ISO dates): L, R, then the sets without a
        side, each with its reps in set order (a window ordered by set number, so the order
        is SQL's promise) and its highest pain."""
        rows = self._rows(
            """
            SELECT DISTINCT session_date, side,
                   COUNT(*) OVER side_sets AS sets,
                   group_concat(reps, '/') OVER side_sets AS reps,
                   MAX(pain) OVER side_sets AS pain
            FROM sets
            WHERE athlete_id = :athlete AND exercise_id = :drill
              AND session_date >= :low AND session_date <= :high
            WINDOW side_sets AS (
                PARTITION BY session_date, side ORDER BY set_number, id
                ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
            )
            ORDER BY session_date, side IS NULL, side
            """,
            {"athlete": athlete.id, "drill": exercise_id, "low": low, "high": high},
        )
        sides: dict[str, list[SideSummary]] = {}
        for r in rows:
            sides.setdefault(r["session_date"], []).append(
                SideSummary(
                    side=r["side"],
                    sets=r["sets"],
                    reps=tuple(int(n) for n in str(r["reps"]).split("/")),
                    pain=r["pain"],
                )
            )
        return {day: tuple(summaries) for day, summaries in sides.items()}

    def session_count(
        self,
        athlete: Athlete,
        exercise_id: str,
        *,
        since: date | None = None,
        until: date | None = None,
    ) -> int:
        """How many sessions of a drill fall in [since, until] (read from the index alone)."""
        low, high = day_bounds(since, until)
        row = self._one(
            "SELECT COUNT(DISTINCT session_date) AS n FROM sets WHERE athlete_id = ? "
            "AND exercise_id = ? AND session_date >= ? AND session_date <= ?",
            [athlete.id, exercise_id, low, high],
        )
        return int(row["n"]) if row else 0

    def session_span(
        self,
        athlete: Athlete,
        exercise_id: str,
        *,
        since: date | None = None,
        until: date | None = None,
    ) -> tuple[date, date] | None:
        """The first and last session dates of a drill in [since, until], or None if none."""
        low, high = day_bounds(since, until)
        where = (
            "FROM sets WHERE athlete_id = :a AND exercise_id = :d "
            "AND session_date >= :low AND session_date <= :high"
        )
        row = self._one(
            f"SELECT (SELECT MIN(session_date) {where}) AS first, "
            f"(SELECT MAX(session_date) {where}) AS last",
            {"a": athlete.id, "d": exercise_id, "low": low, "high": high},
        )
        if row is None or row["first"] is None:
            return None
        return date.fromisoformat(row["first"]), date.fromisoformat(row["last"])

    def chart_series(
        self,
        athlete: Athlete,
        exercise_id: str,
        *,
        since: date | None = None,
        until: date | None = None,
        points: int = 60,
    ) -> list[ChartPoint]:
        """Load, ROM and pain over [since, until], oldest first, in at most `points` points.

        With no more sessions than `points`, one point per session; otherwise the range is
        cut into equal spans of days and each point is the heaviest load, furthest ROM and
        highest pain of its span (for a two-sided drill, also the highest pain of each side
        and of the sets without a side). Gaps without sessions have no point.
        """
        span = self.session_span(athlete, exercise_id, since=since, until=until)
        if span is None:
            return []
        first, last = span
        width = 1
        if self.session_count(athlete, exercise_id, since=first, until=last) > points:
            width = -(-((last - first).days + 1) // max(points, 1))
        rows = self._rows(
            """
            SELECT MIN(session_date) AS first, MAX(session_date) AS last,
                   MAX(load_kg) AS load_kg, MAX(rom_level) AS rom_level, MAX(pain) AS pain,
                   MAX(CASE WHEN side = 'L' THEN pain END) AS pain_left,
                   MAX(CASE WHEN side = 'R' THEN pain END) AS pain_right,
                   MAX(CASE WHEN side IS NULL THEN pain END) AS pain_unsided
            FROM sets
            WHERE athlete_id = :a AND exercise_id = :d
              AND session_date >= :low AND session_date <= :high
            GROUP BY CAST((julianday(session_date) - julianday(:low)) / :width AS INTEGER)
            ORDER BY first
            """,
            {
                "a": athlete.id,
                "d": exercise_id,
                "low": first.isoformat(),
                "high": last.isoformat(),
                "width": width,
            },
        )
        if not self._two_sided(exercise_id):
            return [
                ChartPoint(
                    first=date.fromisoformat(r["first"]),
                    last=date.fromisoformat(r["last"]),
                    load_kg=r["load_kg"],
                    rom_level=r["rom_level"],
                    pain=r["pain"],
                )
                for r in rows
            ]
        return [
            ChartPoint(
                first=date.fromisoformat(r["first"]),
                last=date.fromisoformat(r["last"]),
                load_kg=r["load_kg"],
                rom_level=r["rom_level"],
                pain=r["pain"],
                pain_left=r["pain_left"],
                pain_right=r["pain_right"],
                pain_unsided=r["pain_unsided"],
            )
            for r in rows
        ]

    def plan_timeline(
        self,
        athlete: Athlete,
        exercise_id: str | None = None,
        *,
        since: date | None = None,
        until: date | None = None,
        limit: int = 100,
        holds: bool = True,
    ) -> list[TimelineEntry]:
        """Decided suggestions (accepted or declined) and clinician overrides, newest first.

        Dated by the session judged, or for an override by the (UTC) day it was made. All
        drills when `exercise_id` is None; without `holds`, accepted holds (which change
        nothing) are left out.
        """
        low, high = day_bounds(since, until)
        extra = "AND exercise_id = :drill" if exercise_id else ""
        if not holds:
            extra += " AND NOT (action = 'hold' AND status = 'accepted')"
        params = {"athlete": athlete.id, "drill": exercise_id, "low": low, "high": high}
        rows = self._rows(
            f"""
            SELECT * FROM suggestions
            WHERE athlete_id = :athlete {extra}
              AND ((source = 'rules' AND status IN ('accepted', 'declined'))
                   OR source = 'clinician')
              AND COALESCE(session_date, substr(decided_at, 1, 10)) BETWEEN :low AND :high
            ORDER BY COALESCE(decided_at, created_at) DESC, id DESC LIMIT :limit
            """,
            {**params, "limit": limit},
        )
        entries = [
            TimelineEntry(
                at=parse_utc(r["decided_at"] or r["created_at"]),
                exercise_id=r["exercise_id"],
                session_date=optional_date(r["session_date"]),
                source=r["source"],
                action=r["action"],
                status=r["status"],
                reason=r["reason"],
                before=Plan.model_validate_json(r["plan_before"]),
                after=Plan.model_validate_json(r["plan_after"]),
            )
            for r in rows
        ]
        entries += self._clinician_entries(params, limit)
        entries.sort(key=lambda e: e.at, reverse=True)
        return entries[:limit]

    def _clinician_entries(self, params: dict[str, Any], limit: int) -> list[TimelineEntry]:
        """Rule-setting changes and red-flag clearances in [low, high] (UTC days), newest
        first: they apply to every drill, so every drill's timeline shows them."""
        window = "athlete_id = :athlete AND substr({at}, 1, 10) BETWEEN :low AND :high"
        settings = self._rows(
            f"SELECT * FROM rule_setting_changes WHERE {window.format(at='changed_at')} "
            "ORDER BY id DESC LIMIT :limit",
            {**params, "limit": limit},
        )
        clearances = self._rows(
            f"SELECT * FROM flag_clearances WHERE {window.format(at='cleared_at')} "
            "ORDER BY id DESC LIMIT :limit",
            {**params, "limit": limit},
        )
        entries = []
        for r in settings:
            spec = spec_for(r["key"])
            new = spec.default if r["value"] is None else r["value"]
            reset = " (reset to the default)" if r["value"] is None else ""
            change = f"{spec.key} {spec.text(r['previous'])} → {spec.text(new)}"
            entries.append(
                _clinician_entry(
                    r["changed_at"],
                    "setting",
                    change,
                    f"Rule setting {change}{reset} by {r['changed_by']}: {r['reason']}",
                )
            )
        for r in clearances:
            entries.append(
                _clinician_entry(
                    r["cleared_at"],
                    "clear-flag",
                    "red flags cleared",
                    f"Red flags cleared by {r['cleared_by']}: {r['reason']}",
                )
            )
        return entries


def _clinician_entry(at: str, action: str, change: str, reason: str) -> TimelineEntry:
    """A timeline entry for a clinician's change that applies to every drill."""
    return TimelineEntry(
        at=parse_utc(at),
        exercise_id=None,
        session_date=None,
        source="clinician",
        action=action,
        status="accepted",
        reason=reason,
        before=None,
        after=None,
        change=change,
    )
