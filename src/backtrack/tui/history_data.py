"""What the history screen shows, and the words it is written in.

`load_history` reads one drill's history for a date range through `Store` methods (bounded
whatever the log's size: a page of sessions, the chart squeezed to a fixed number of points,
the newest timeline entries) and puts the rules' current suggestion on the newest session
when nobody has decided one there, as Today shows it. The rest are plain functions that
write dates, sets, ROM levels, plan changes and export file names as the screen shows them.

Nothing here imports Textual or writes SQL (that lives in `store`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from backtrack.tui.service import suggestion_now
from backtrack.units import Unit, format_load, format_number, from_kg

if TYPE_CHECKING:
    from backtrack.models import Athlete, Exercise, Plan, Suggestion
    from backtrack.store import ChartPoint, SessionSummary, Store, TimelineEntry

PAGE = 60  # sessions listed at first, and added by each 'older'
CHART_POINTS = 90
TIMELINE_LIMIT = 200

ACTION_WORDS = {
    "progress_rom": "↑ ROM",
    "progress_load": "↑ load",
    "progress_volume": "↑ sets",
    "hold": "hold",
    "regress": "↓ regress",
    "stop": "■ stop",
    "override": "override",
    "setting": "rule setting",
    "clear-flag": "red flags cleared",
}
STATUS_WORDS = {"accepted": "✓ taken", "declined": "✗ declined", "pending": "… pending"}


@dataclass(frozen=True)
class HistoryView:
    """What the history screen shows for one drill and date range, read in one go."""

    athlete: Athlete
    exercise: Exercise
    since: date | None
    until: date | None
    sessions: list[SessionSummary]
    total: int  # sessions in the range (the table may show fewer)
    chart: list[ChartPoint]
    timeline: list[TimelineEntry]

    @property
    def span(self) -> tuple[date, date] | None:
        """The first and last session dates in the chart, if any."""
        if not self.chart:
            return None
        return self.chart[0].first, self.chart[-1].last


def load_history(
    store: Store,
    athlete: Athlete,
    exercise_id: str,
    *,
    since: date | None,
    until: date | None,
    limit: int = PAGE,
    holds: bool = True,
) -> HistoryView:
    """Read the history screen's data for one drill and range (bounded, whatever the log's
    size: `limit` sessions, CHART_POINTS chart points, TIMELINE_LIMIT timeline entries);
    when the newest session listed is undecided, with the rules' current suggestion on it
    (the one Today shows; read in under 1 ms)."""
    view = HistoryView(
        athlete=athlete,
        exercise=store.catalog.get(exercise_id),
        since=since,
        until=until,
        sessions=store.session_history(athlete, exercise_id, since=since, until=until, limit=limit),
        total=store.session_count(athlete, exercise_id, since=since, until=until),
        chart=store.chart_series(
            athlete, exercise_id, since=since, until=until, points=CHART_POINTS
        ),
        timeline=store.plan_timeline(
            athlete, exercise_id, since=since, until=until, limit=TIMELINE_LIMIT, holds=holds
        ),
    )
    if not undecided(view):
        return view
    suggestion, _ = suggestion_now(store, athlete, exercise_id)
    return replace(view, sessions=with_current(view.sessions, suggestion))


def with_current(
    sessions: list[SessionSummary], suggestion: Suggestion | None
) -> list[SessionSummary]:
    """`sessions` with the rules' current suggestion (as Today shows it) on the session it
    judges, when nobody has accepted or declined one there: its status is 'pending'."""
    if suggestion is None or suggestion.session_date is None:
        return sessions
    return [
        replace(s, action=suggestion.action, status="pending", reason=suggestion.reason)
        if s.day == suggestion.session_date and s.status in (None, "pending")
        else s
        for s in sessions
    ]


def undecided(view: HistoryView) -> bool:
    """Whether the newest session listed has no decided suggestion (the rules' current one
    may judge it)."""
    return bool(view.sessions) and view.sessions[0].status in (None, "pending")


# -- words ---------------------------------------------------------------------------------


def short(text: str, width: int) -> str:
    """`text` cut to `width` characters with an ellipsis."""
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def fit_words(text: str, width: int) -> str:
    """`text` if it fits in `width` characters, else cut with an ellipsis after a whole
    word, and at the end of a clause rather than one word into the next:
    '4 standing on a low box…' for '4 standing on a low box, past the toes' (a word cut
    that would keep less than half the width is a plain cut instead)."""
    if len(text) <= width:
        return text
    head = text[: width - 1]
    if text[width - 1] != " " and " " in head:
        words = head.rsplit(" ", 1)[0]
        if len(words) >= width // 2:
            head = words
    clause, comma, tail = head.rpartition(", ")
    if comma and len(tail.split()) < 2 and len(clause) >= width // 2:
        head = clause
    return head.rstrip(" ,;:-–") + "…"


def rom_text(exercise: Exercise, level: int) -> str:
    """A ROM level with its label, '4 standing on a low box, past the toes'."""
    return f"{level} {exercise.rom_label(level)}"


def day_text(day: date) -> str:
    """'2 Sep 2026'."""
    return f"{day.day} {day:%b %Y}"


def reps_text(row: SessionSummary) -> str:
    """'3 × 8' or '3 × 6-8'; for a two-sided drill each side's reps set by set,
    'L 8/8/8 R 8/7/8' (sets logged before sides existed under '-': '- 8/8/8')."""
    if row.sides:
        return " ".join(f"{side_mark(s.side)} {'/'.join(map(str, s.reps))}" for s in row.sides)
    reps = str(row.reps_max) if row.reps_min == row.reps_max else f"{row.reps_min}-{row.reps_max}"
    return f"{row.sets} × {reps}"


def side_mark(side: str | None) -> str:
    """'L' or 'R'; '-' for sets logged before sides existed."""
    return side or "-"


# The note the rules add at the end of a reason when one side hurt more ('right side 2
# points more painful than the left', rules.suggest).
ASYMMETRY = re.compile(
    r" \(((?:left|right) side \d+ points? more painful than the (?:left|right))\)$"
)


def asymmetry(reason: str) -> tuple[str, str]:
    """The rules' note that one side hurt more, and the reason without it: ('right side 2
    points more painful than the left', 'Set 1 ...'); ('', reason) when it has none."""
    found = ASYMMETRY.search(reason)
    if found is None:
        return "", reason
    return found.group(1), reason[: found.start()]


def action_text(action: str | None) -> str:
    """A suggestion's action as the tables show it, '↑ ROM' for 'progress_rom' ('' for
    none, an unknown one as it is)."""
    return ACTION_WORDS.get(action or "", action or "")


def status_text(status: str | None) -> str:
    """A suggestion's status as the tables show it, '✓ taken' for 'accepted' ('' for none,
    an unknown one as it is)."""
    return STATUS_WORDS.get(status or "", status or "")


def change_text(before: Plan, after: Plan, unit: Unit) -> str:
    """What a plan change does, briefly: 'ROM 2 → 3', '5 → 7.5 kg', 'sets 3 → 4'."""
    parts = []
    if before.rom_level != after.rom_level:
        parts.append(f"ROM {before.rom_level} → {after.rom_level}")
    if abs(before.load_kg - after.load_kg) > 1e-9:
        old = format_number(from_kg(before.load_kg, unit), 2)
        parts.append(f"{old} → {format_load(after.load_kg, unit)}")
    if before.sets != after.sets:
        parts.append(f"sets {before.sets} → {after.sets}")
    if before.active != after.active:
        parts.append("on" if after.active else "off")
    return ", ".join(parts) or "no change"


# -- export file names ---------------------------------------------------------------------


def _slug(text: str) -> str:
    """`text` in lower case, each run of other characters than a-z and 0-9 one '-' (none at
    either end; 'athlete' if nothing is left)."""
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-") or "athlete"


def export_name(athlete: Athlete, since: date | None, until: date | None) -> str:
    """'backtrack-ann-2026-05-29-to-2026-11-25.csv' for the range shown."""
    start = since.isoformat() if since else "start"
    end = until.isoformat() if until else "now"
    return f"backtrack-{_slug(athlete.name)}-{start}-to-{end}.csv"


def free_path(folder: Path, name: str) -> Path:
    """`folder/name`, or with -2, -3 ... before the suffix if that file exists."""
    path = folder / name
    number = 2
    while path.exists():
        path = folder / f"{Path(name).stem}-{number}{Path(name).suffix}"
        number += 1
    return path
