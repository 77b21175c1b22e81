"""The report as one self-contained HTML document: inline CSS and SVG, no script, no fonts
or images to fetch, every text from the log escaped.

Pages, as printed (A4 or Letter, the browser's paper): the summary page (the summary in
words, each drill's plan at the start and the end, then red flags, stops, flares, sets above
the pain limit and the clinician's changes, and how to read the charts); then one page per
drill with sessions in the range (its two charts and its decisions). Each page is bounded,
whatever the range: a drill's table counts routine holds instead of listing them, and when
a long range has more decisions than a page holds, the step backs, stops, declines and
overrides are kept first and the newest progressions after them; the safety table keeps
the most urgent rows first. Each page says how many it leaves out (the CSV exports list
every one).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from html import escape
from typing import TYPE_CHECKING

from backtrack.clock import local_date
from backtrack.red_flags import FLAG_BY_KEY, advice
from backtrack.units import format_load

if TYPE_CHECKING:
    from backtrack.models import Exercise, Plan
    from backtrack.report.data import Decision, DrillReport, Report
    from backtrack.units import Unit

# A drill page's decisions table gets this much of the page's height (mm) on A4 and Letter
# alike (Letter's height, A4's width): a row takes its padding and a line per CHARS_PER_LINE
# characters of its reason (8 pt).
TABLE_MM = 76.0
ROW_MM = 1.3
LINE_MM = 3.7
CHARS_PER_LINE = 100
# The summary page (mm of Letter's height): what its fixed parts take, how many characters
# of the summary's words fill a line, what a row of the plans table takes; the rest is the
# safety section's, whose table's header takes PART_MM of it.
PAGE_MM = 238.0  # Letter: 255 mm between the margins, less a note and some slack
FIXED_MM = 17.0 + 10.0 + 36.0  # title and range, the section's title, how to read the charts
WORDS_PER_LINE, WORDS_LINE_MM = 110, 4.6
PLAN_ROW_MM = 9.2
ALERT_MM = 14.0
PART_MM = 13.0
ACTION_WORDS = {
    "progress_rom": "more ROM",
    "progress_load": "more load",
    "progress_volume": "one more set",
    "hold": "hold",
    "regress": "step back",
    "stop": "stop",
    "override": "clinician's override",
}
STATUS_WORDS = {"accepted": "taken", "declined": "declined", "pending": "not decided yet"}

CSS = """
@page { margin: 12mm; }
* { box-sizing: border-box; }
html { color: #000; background: #fff; }
body {
  font-family: "Liberation Sans", Arial, Helvetica, "DejaVu Sans", sans-serif;
  font-size: 9.5pt; line-height: 1.35; max-width: 186mm; margin: 0 auto; padding: 8mm 0;
}
@media print { body { max-width: none; padding: 0; } }
h1 { font-size: 17pt; margin: 0 0 1mm; }
h2 { font-size: 13pt; margin: 0 0 1mm; }
h3 { font-size: 10pt; margin: 3mm 0 1mm; }
p { margin: 0 0 2mm; }
.meta { margin: 0 0 4mm; color: #222; }
.sub { margin: 0 0 1mm; }
.note { font-size: 8pt; margin: 1mm 0 0; }
.alert { border: 1.5pt solid #000; padding: 2mm 3mm; font-weight: bold; margin: 0 0 3mm; }
section.drill { break-before: page; }
section.safety { margin-top: 5mm; }
figure { margin: 1.5mm 0 0; break-inside: avoid; }
figure svg { display: block; width: 100%; height: auto; }
figcaption { font-weight: bold; font-size: 9pt; }
table { border-collapse: collapse; width: 100%; font-size: 8pt; line-height: 1.3; }
th, td { text-align: left; vertical-align: top; padding: 0.6mm 1.5mm 0.6mm 0;
  border-bottom: 0.5pt solid #888; }
th { border-bottom: 1pt solid #000; }
tr { break-inside: avoid; }
thead { display: table-header-group; }
td.when, td.what, td.taken { white-space: nowrap; }
table.events td.what { white-space: normal; }
tr.open td { font-weight: bold; }
tr.declined td.taken, tr.open td.taken { font-weight: bold; }
table.plans { font-size: 9pt; margin: 2mm 0 3mm; }
dl.legend { font-size: 8.5pt; margin: 0; }
dl.legend dt { font-weight: bold; margin-top: 1mm; }
dl.legend dd { margin: 0 0 0 4mm; }
"""


def render(report: Report, charts: Callable[[Report, DrillReport, int], tuple[str, str]]) -> str:
    """The whole document; `charts` draws a drill's (load and ROM, pain) SVG pair."""
    unit = report.athlete.unit
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(_title(report))}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        _summary(report),
    ]
    for number, drill in enumerate(report.paged, start=1):
        load_rom, pain = charts(report, drill, number)
        parts.append(_drill_page(report, drill, load_rom, pain, unit))
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts)


def _title(report: Report) -> str:
    return f"Progress report: {report.athlete.name}, {_range(report)}"


# -- words ---------------------------------------------------------------------------------


def day_text(day: date) -> str:
    """'2 Sep 2026'."""
    return f"{day.day} {day:%b %Y}"


def _range(report: Report) -> str:
    if report.since is None:
        return f"up to {day_text(report.until)}"
    return f"{day_text(report.since)} to {day_text(report.until)}"


def _moment(moment: datetime) -> str:
    """A moment in local time: '25 Nov 2026, 08:00'."""
    local = moment.astimezone()
    return f"{day_text(local.date())}, {local:%H:%M}"


def plan_text(exercise: Exercise, plan: Plan, unit: Unit) -> str:
    """'3 × 6-8 at 10 kg, ROM 3 (fingertips to toes)'."""
    reps = (
        str(plan.reps_min) if plan.reps_min == plan.reps_max else f"{plan.reps_min}-{plan.reps_max}"
    )
    rom = f"ROM {plan.rom_level} ({exercise.rom_label(plan.rom_level)})"
    return f"{plan.sets} × {reps} at {format_load(plan.load_kg, unit)}, {rom}"


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def weeks_text(first: date, last: date) -> str:
    """How long from the first to the last session: '12 weeks', '9 days', '1 day'."""
    days = (last - first).days + 1
    if days < 14:
        return _plural(days, "day")
    return _plural(round(days / 7), "week")


def summary_words(report: Report) -> str:
    """The summary paragraph, in words (plain text; escaped where it is used)."""
    name = report.athlete.name
    if report.first_day is None or report.last_day is None:
        return f"{name} has no sessions recorded {_range(report)}."
    first, last = report.first_day, report.last_day
    total = len(report.training_days)
    per_drill = ", ".join(
        f"{d.exercise.name} {len(d.sessions)}" for d in report.drills if d.sessions
    )
    share = round(100 * report.responses / total)
    sentences = [
        f"{name} trained on {_plural(total, 'day')} (sessions) over {weeks_text(first, last)}, "
        f"from {day_text(first)} to {day_text(last)}; sessions per drill: {per_drill}.",
        f"A response check-in (back pain on a later day, within 96 hours) was recorded after "
        f"{report.responses} of {total} sessions ({share}%).",
        f"Progressions: {report.count('progress', 'accepted')} taken, "
        f"{report.count('progress', 'declined')} declined. "
        f"Step backs: {_taken_declined(report, 'regress')}. "
        f"Stops: {_taken_declined(report, 'stop')}.",
        f"Flares (check-ins at or above the flare level): {_count_or_none(len(report.flares))}. "
        f"Red flags: {_red_flag_words(report)}. "
        f"Clinician's overrides: {_count_or_none(len(report.overrides))}; "
        f"rule setting changes: {_count_or_none(len(report.settings))}.",
    ]
    if report.over_limit:
        sentences.append(
            f"Sessions with a set above the pain limit: {len(report.over_limit)} (listed below)."
        )
    return " ".join(sentences)


def _count_or_none(count: int) -> str:
    return str(count) if count else "none"


def _taken_declined(report: Report, action: str) -> str:
    taken, declined = report.count(action, "accepted"), report.count(action, "declined")
    if not taken and not declined:
        return "none"
    return f"{taken} taken, {declined} declined" if declined else f"{taken} taken"


def _red_flag_words(report: Report) -> str:
    if not report.red_flags:
        return "none reported"
    still = sum(1 for r in report.red_flags if r.cleared is None)
    words = _plural(len(report.red_flags), "check-in") + " with red flags"
    return f"{words}, {still} not cleared yet" if still else f"{words}, all cleared"


# -- the summary page ----------------------------------------------------------------------


def _summary(report: Report) -> str:
    unit = report.athlete.unit
    meta = (
        f"Range: {_range(report)} · Generated {_moment(report.generated_at)} · "
        f"backtrack {report.version}"
    )
    parts = [
        '<section class="summary">',
        f"<h1>Progress report: {escape(report.athlete.name)}</h1>",
        f'<p class="meta">{escape(meta)}</p>',
    ]
    open_flags = [r for r in report.red_flags if r.cleared is None]
    if open_flags:
        keys = sorted({k for r in open_flags for k in r.checkin.red_flags})
        parts.append(
            '<p class="alert">Red flags reported and not cleared by a clinician: '
            f"{escape(', '.join(keys))}. {escape(advice(keys))}</p>"
        )
    parts.append(f'<p class="words">{escape(summary_words(report))}</p>')
    rows = [
        "<tr>"
        f"<td>{escape(d.exercise.name)}</td>"
        f'<td class="num">{len(d.sessions)}</td>'
        f"<td>{escape(plan_text(d.exercise, d.plan_start, unit))}</td>"
        f"<td>{escape(plan_text(d.exercise, d.plan_end, unit))}"
        f"{' - stopped by the rules' if d.stopped else ''}</td>"
        "</tr>"
        for d in report.drills
    ]
    parts += [
        '<table class="plans">',
        "<thead><tr><th>Drill</th><th>Sessions</th><th>Plan at the start</th>"
        "<th>Plan at the end</th></tr></thead>",
        f"<tbody>{''.join(rows)}</tbody>",
        "</table>",
        _safety(report, _safety_room(report)),
        _legend(report),
        "</section>",
    ]
    return "\n".join(parts)


def _legend(report: Report) -> str:
    if not report.paged:
        return ""
    limit = report.limit_on(report.until)
    items = [
        (
            "Load and ROM",
            "per session, the heaviest set's load (solid line, left axis) and the furthest "
            "ROM level (dashed, right axis); filled triangles are progressions taken, hollow "
            "ones declined, triangles down step backs, diamonds a clinician's override.",
        ),
        (
            "Pain",
            "the worst set of each session (solid) and every 'back pain right now' check-in "
            f"(dashed), 0-10; the dotted line is the pain limit in force ({limit}/10 at the "
            "end of the range), the dash-dot line the flare level; a dotted vertical line "
            "with a triangle marks a step back or stop taken.",
        ),
        (
            "Decisions",
            "each suggestion of the rules with its reason and whether it was taken; routine "
            "holds (the plan not earned yet) are counted under the table, not listed.",
        ),
    ]
    body = "".join(f"<dt>{escape(t)}</dt><dd>{escape(d)}</dd>" for t, d in items)
    return f'<h3>How to read the drill pages</h3><dl class="legend">{body}</dl>'


# -- a drill's page ------------------------------------------------------------------------


def _drill_page(report: Report, drill: DrillReport, load_rom: str, pain: str, unit: Unit) -> str:
    exercise = drill.exercise
    first, last = drill.sessions[0].day, drill.sessions[-1].day
    sub = (
        f"Loads {exercise.loads} · {_plural(len(drill.sessions), 'session')}, "
        f"{day_text(first)} to {day_text(last)} · plan "
        f"{plan_text(exercise, drill.plan_start, unit)} → "
        f"{plan_text(exercise, drill.plan_end, unit)}"
    )
    if drill.stopped:
        sub += " · stopped by the rules"
    return "\n".join(
        [
            f'<section class="drill" data-drill="{escape(exercise.id)}">',
            f"<h2>{escape(exercise.name)}</h2>",
            f'<p class="sub">{escape(sub)}</p>',
            '<figure class="chart" data-chart="load-rom">',
            f"<figcaption>Load and ROM level per session ({escape(unit)})</figcaption>",
            load_rom,
            "</figure>",
            '<figure class="chart" data-chart="pain">',
            "<figcaption>Pain: worst set per session and check-ins (0-10)</figcaption>",
            pain,
            "</figure>",
            _decisions(drill),
            "</section>",
        ]
    )


def _height(decision: Decision) -> float:
    """About how tall a decision's row prints (mm): its padding and its reason's lines."""
    return ROW_MM + LINE_MM * max(1, math.ceil(len(decision.reason) / CHARS_PER_LINE))


def _priority(decision: Decision) -> int:
    """Which rows a full table keeps first: step backs, stops, declines, overrides and
    holds that are not routine (0), then progressions (1)."""
    return 1 if decision.action.startswith("progress") and decision.status == "accepted" else 0


def listed(decisions: Sequence[Decision], room: float = TABLE_MM) -> list[Decision]:
    """The decisions a drill's page lists (oldest first): all when they fit in `room` mm,
    else the important ones first and then the newest."""
    if sum(_height(d) for d in decisions) <= room:
        return list(decisions)
    ranked = sorted(
        range(len(decisions)),
        key=lambda i: (_priority(decisions[i]), -decisions[i].day.toordinal(), -i),
    )
    kept: set[int] = set()
    used = 0.0
    for index in ranked:
        cost = _height(decisions[index])
        if used + cost > room:
            continue
        kept.add(index)
        used += cost
    return [d for i, d in enumerate(decisions) if i in kept]


def _decisions(drill: DrillReport) -> str:
    shown = listed(drill.decisions)
    parts = ["<h3>Decisions</h3>"]
    if shown:
        rows = []
        for d in shown:
            taken = (
                "set by the clinician"
                if d.source == "clinician"
                else STATUS_WORDS.get(d.status, d.status)
            )
            rows.append(
                f'<tr class="{escape(d.status)}">'
                f'<td class="when">{escape(day_text(d.day))}</td>'
                f'<td class="what">{escape(ACTION_WORDS.get(d.action, d.action))}</td>'
                f'<td class="reason">{escape(d.reason)}</td>'
                f'<td class="taken">{escape(taken)}</td>'
                "</tr>"
            )
        parts += [
            '<table class="decisions">',
            "<thead><tr><th>Date</th><th>Suggestion</th><th>Reason</th><th>Taken</th></tr></thead>",
            f"<tbody>{''.join(rows)}</tbody>",
            "</table>",
        ]
    else:
        parts.append(
            '<p class="note">No progression, step back, stop or override in this range.</p>'
        )
    notes = []
    if drill.routine_holds:
        notes.append(
            f"{_plural(drill.routine_holds, 'routine hold')} (the plan not earned yet, or "
            "waiting for a check-in) not listed."
        )
    left = len(drill.decisions) - len(shown)
    if left:
        notes.append(
            f"{_plural(left, 'more decision')} in this range not listed here "
            "(`backtrack export --decisions` lists every one)."
        )
    if notes:
        parts.append(f'<p class="note">{escape(" ".join(notes))}</p>')
    return "\n".join(parts)


# -- red flags, stops, flares and overrides ------------------------------------------------


@dataclass(frozen=True)
class _Event:
    """One row of the safety section: its date (`on`, shown as `day`), what, which drill,
    the details; `rank` says which rows a full page keeps first (0 the most urgent). Rows go
    by date, the most urgent first within a day, then by time (`at`)."""

    on: date
    at: datetime
    what: str
    drill: str
    details: str
    rank: int
    style: str  # the row's class: 'open' for a red flag not cleared yet
    day: str = ""

    @property
    def when(self) -> str:
        return self.day or day_text(self.on)


def _safety_room(report: Report) -> float:
    """About how much of the summary page (mm) is left for the safety section."""
    words = math.ceil(len(summary_words(report)) / WORDS_PER_LINE) * WORDS_LINE_MM
    plans = PLAN_ROW_MM * (len(report.drills) + 1)
    alert = ALERT_MM if any(r.cleared is None for r in report.red_flags) else 0.0
    return PAGE_MM - FIXED_MM - words - plans - alert


def _event_height(event: _Event) -> float:
    """About how tall an event's row prints (mm): the details take about 60% of a line."""
    return ROW_MM + LINE_MM * max(1, math.ceil(len(event.details) / (CHARS_PER_LINE * 0.6)))


def _safety(report: Report, room: float) -> str:
    """Red flags, stops, flares, sets above the pain limit and the clinician's changes in
    one table by date, as far as `room` (mm) of the summary page holds: a full page keeps
    the most urgent first (red flags and stops, then flares, the clinician's changes, sets
    above the limit), the newest first within each, and says how many it leaves out."""
    events = sorted(_events(report), key=lambda e: (e.on, e.rank, e.at))
    parts = [
        '<section class="safety">',
        "<h2>Red flags, stops, flares and clinician's changes</h2>",
    ]
    if not events:
        parts += ["<p>None in this range.</p>", "</section>"]
        return "\n".join(parts)
    room -= PART_MM
    kept: set[int] = set()
    ranked = sorted(range(len(events)), key=lambda i: (events[i].rank, -i))
    for index in ranked:
        cost = _event_height(events[index])
        if cost > room and kept:
            continue
        kept.add(index)
        room -= cost
    rows = "".join(
        f'<tr class="{escape(e.style)}"><td class="when">{escape(e.when)}</td>'
        f'<td class="what">{escape(e.what)}</td><td>{escape(e.drill)}</td>'
        f"<td>{escape(e.details)}</td></tr>"
        for i, e in enumerate(events)
        if i in kept
    )
    parts += [
        '<table class="events">',
        "<thead><tr><th>Date</th><th>What</th><th>Drill</th><th>Details</th></tr></thead>",
        f"<tbody>{rows}</tbody>",
        "</table>",
    ]
    left = len(events) - len(kept)
    if left:
        parts.append(
            f'<p class="note">{escape(_plural(left, "more event"))} in this range not listed '
            "here (`backtrack export --decisions` and `--checkins` list every one).</p>"
        )
    parts.append("</section>")
    return "\n".join(parts)


def _events(report: Report) -> list[_Event]:
    """Every row the safety section could show, in no particular order."""
    names = {d.exercise.id: d.exercise.name for d in report.drills}
    events = []
    for r in report.red_flags:
        said = "; ".join(
            FLAG_BY_KEY[k].question if k in FLAG_BY_KEY else k for k in r.checkin.red_flags
        )
        note = f" Note: {r.checkin.note}" if r.checkin.note else ""
        closed = (
            f"Cleared {day_text(local_date(r.cleared.at))} by {r.cleared.by}: {r.cleared.reason}"
            if r.cleared
            else "NOT CLEARED by a clinician yet."
        )
        details = f"{said}{note} Advice given: {advice(r.checkin.red_flags)} {closed}"
        style = "cleared" if r.cleared else "open"
        events.append(
            _Event(r.checkin.local_date, r.checkin.at, "red flag", "every drill", details, 0, style)
        )
    for d in report.decisions:
        if d.action == "stop" and d.source == "rules":
            taken = STATUS_WORDS.get(d.status, d.status)
            drill = names.get(d.exercise_id, d.exercise_id)
            events.append(_Event(d.day, d.at, f"stop ({taken})", drill, d.reason, 0, d.status))
    for f in report.flares:
        span = "" if f.first == f.last else f"{day_text(f.first)} to {day_text(f.last)}"
        details = (
            f"back pain up to {f.peak}/10 at {_plural(f.checkins, 'check-in')} in a row "
            f"(flare level {f.level}/10)"
        )
        start = datetime.combine(f.first, datetime.min.time()).astimezone()
        events.append(_Event(f.first, start, "flare", "every drill", details, 1, "flare", span))
    for d in report.overrides:
        drill = names.get(d.exercise_id, d.exercise_id)
        events.append(_Event(d.day, d.at, "override", drill, d.reason, 2, "clinician"))
    for c in report.settings:
        reset = " (reset to the default)" if c.reset else ""
        details = f"{c.key} {c.previous:g} → {c.value:g}{reset}, by {c.by}: {c.reason}"
        events.append(
            _Event(local_date(c.at), c.at, "rule setting", "every drill", details, 2, "clinician")
        )
    for cleared in report.clearances:
        details = f"by {cleared.by}: {cleared.reason}"
        events.append(
            _Event(local_date(cleared.at), cleared.at, "red flags cleared", "every drill",
                   details, 2, "clinician")
        )  # fmt: skip
    for o in report.over_limit:
        end = datetime.combine(o.day, datetime.max.time()).astimezone()
        drill = names.get(o.exercise_id, o.exercise_id)
        details = f"worst set {o.pain}/10, limit {o.limit}/10"
        events.append(_Event(o.day, end, "set above the pain limit", drill, details, 3, "over"))
    return events
