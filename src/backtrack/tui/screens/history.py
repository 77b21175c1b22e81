"""History: how one drill went, for the clinician reviewing a client.

For the drill on show and a date range (the last 26 weeks until changed): charts of load,
ROM and pain with their dates, one row per session newest first (date, sets x reps, load in
the athlete's unit, ROM, hardest RPE, highest pain, the suggestion of that day and whether
it was taken; for the newest session, not decided yet, the rules' current suggestion as
Today shows it, marked pending), and the plan timeline (progressions, holds, regressions,
declined suggestions and clinician overrides, each with its reason).

Everything is aggregated in SQL on the desk's own connection in a thread worker, and only
what is shown is read: a page of sessions (m reads an older page too), the chart squeezed
to a fixed number of points, and the newest timeline entries. `x` exports the range's sets
to CSV in `backtrack export`'s format.

Opening must be quick whatever the log's size (issue 7: ten years as fast as ten days,
under 100 ms), so: the first read starts when the screen is made and is drawn before the
first frame (one layout, one paint); the charts, tabs and dates are one widget each; the
plan timeline's table and the date fields are built the first time they are used; and the
tables draw their plain-text cells directly (`TextTable`). The current suggestion (the rules
read the drill's whole plan log) is read after the rows are drawn.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from fractions import Fraction
from pathlib import Path
from typing import ClassVar

from rich.cells import cell_len
from rich.color import Color as RichColor
from rich.console import Console, ConsoleOptions, Group
from rich.console import RenderResult as RichRenderResult
from rich.segment import Segment, Segments
from rich.style import Style as RichStyle
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult, RenderResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.renderables.bar import Bar
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, Footer, Input, Static

from backtrack.clock import local_date
from backtrack.models import Athlete, Exercise, Plan, Suggestion
from backtrack.store import ChartPoint, SessionSummary, Store, StoreError, TimelineEntry
from backtrack.tui.desk import Desk
from backtrack.tui.service import suggestion_now
from backtrack.tui.widgets.text_table import TextTable, cell
from backtrack.tui.widgets.top_bar import TopBar
from backtrack.units import format_load, format_number, from_kg

DEFAULT_WEEKS = 26
# How long building the screen waits for its first read (a few ms of SQL, started before
# compose) so that the first frame has the rows: drawing an empty frame first costs more.
FIRST_READ_WAIT = 0.03
PAGE = 60
CHART_POINTS = 90
TIMELINE_LIMIT = 200
ROM_MIN_WIDTH = 12  # the ROM column is never narrower (level number and a word or two)
REASON_WIDTH = 58

ACTION_WORDS = {
    "progress_rom": "↑ ROM",
    "progress_load": "↑ load",
    "progress_volume": "↑ sets",
    "hold": "hold",
    "regress": "↓ regress",
    "override": "override",
}
DATE_INPUT = {"restrict": r"[0-9-]*", "max_length": 10, "compact": True}
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
    size: `limit` sessions, CHART_POINTS chart points, TIMELINE_LIMIT timeline entries)."""
    return HistoryView(
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
    """'3 × 8' or '3 × 6-8'."""
    reps = str(row.reps_max) if row.reps_min == row.reps_max else f"{row.reps_min}-{row.reps_max}"
    return f"{row.sets} × {reps}"


def change_text(exercise: Exercise, before: Plan, after: Plan, unit: str) -> str:
    """What a plan change does, briefly: 'ROM 2 → 3', '5 → 7.5 kg', 'sets 3 → 4'."""
    parts = []
    if before.rom_level != after.rom_level:
        parts.append(f"ROM {before.rom_level} → {after.rom_level}")
    if abs(before.load_kg - after.load_kg) > 1e-9:
        old = format_number(from_kg(before.load_kg, unit), 2)  # type: ignore[arg-type]
        parts.append(f"{old} → {format_load(after.load_kg, unit)}")  # type: ignore[arg-type]
    if before.sets != after.sets:
        parts.append(f"sets {before.sets} → {after.sets}")
    if before.active != after.active:
        parts.append("on" if after.active else "off")
    return ", ".join(parts) or "no change"


def _pain_cell(pain: int | None) -> Text:
    if pain is None:
        return cell("–")
    return cell(str(pain), "bold $error" if pain > 5 else "$warning" if pain > 3 else "")


def _status_cell(status: str | None) -> Text:
    if status is None:
        return cell("")
    style = {"accepted": "$success", "declined": "bold $warning"}.get(status, "")
    return cell(STATUS_WORDS.get(status, status), style)


def _slug(text: str) -> str:
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


# -- widgets -------------------------------------------------------------------------------


class GapSparkline:
    """Textual's sparkline (the same buckets, bars and colours) over values that may be
    missing: a column whose points all have no value (None, e.g. no pain recorded) stays
    blank, where a 0 would look like the lowest value."""

    BARS = "▁▂▃▄▅▆▇█"

    def __init__(
        self,
        values: Sequence[float | None],
        *,
        width: int,
        height: int,
        min_color: RichColor,
        max_color: RichColor,
    ) -> None:
        self.values = values
        self.width = width
        self.height = height
        self.min_color = min_color
        self.max_color = max_color

    @staticmethod
    def _buckets(values: Sequence[float | None], count: int) -> list[Sequence[float | None]]:
        """`values` cut into `count` runs, as Textual's sparkline cuts them (empty ones
        dropped)."""
        step = Fraction(len(values), count)
        runs = (values[int(step * n) : int(step * (n + 1))] for n in range(count))
        return [run for run in runs if run]

    def _blend(self, ratio: float) -> RichStyle:
        low, high = self.min_color.triplet, self.max_color.triplet
        if low is None or high is None:
            return RichStyle.from_color(self.max_color)
        return RichStyle.from_color(
            RichColor.from_rgb(*(a + (b - a) * ratio for a, b in zip(low, high, strict=True)))
        )

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RichRenderResult:
        width, height = self.width, self.height
        known = [v for v in self.values if v is not None]
        if not self.values:  # no points: a floor line, as Textual draws it
            yield from [Segment.line()] * (height - 1)
            yield Segment("▁" * width, RichStyle.from_color(self.min_color))
            return
        if len(self.values) == 1:  # one point fills the width, as in Textual's
            bar = "█" * width if known else " " * width
            for line in range(height):
                yield Segment(bar, RichStyle.from_color(self.max_color))
                if line < height - 1:
                    yield Segment.line()
            return
        low, high = (min(known), max(known)) if known else (0.0, 0.0)
        extent = high - low or 1
        levels = len(self.BARS) * height - 1
        summaries = [
            max((v for v in run if v is not None), default=None)
            for run in self._buckets(self.values, width)
        ]
        step = len(summaries) / width
        for line in reversed(range(height)):
            floor, ceiling = line * len(self.BARS), (line + 1) * len(self.BARS)
            at = 0.0  # added up step by step, as Textual does (the same columns, to the bit)
            for _ in range(width):
                value = summaries[int(at)]
                at += step
                if value is None:
                    yield Segment(" ")
                    continue
                ratio = (value - low) / extent
                level = int(ratio * levels)
                if level < floor:
                    yield Segment(" ")
                elif level >= ceiling:
                    yield Segment("█", self._blend(ratio))
                else:
                    yield Segment(self.BARS[level % len(self.BARS)], self._blend(ratio))
            if line > 0:
                yield Segment.line()


class Chart(Widget):
    """A titled sparkline with its lowest, highest and latest value and its date range.

    One widget that draws both (three widgets per chart made the screen slower to open).
    """

    DEFAULT_CSS = """
    Chart {
        width: 1fr; height: 6;
        border: round $primary 60%; border-title-color: $text; border-title-style: bold;
        border-subtitle-color: $text-muted;
        padding: 0 1;
        & > .chart--max { color: $primary; }
        & > .chart--min { color: $primary 30%; }
        & > .chart--numbers { color: $text-muted; }
    }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {"chart--max", "chart--min", "chart--numbers"}
    LINES = 3

    def __init__(self, title: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = title
        self.values: list[float | None] = []
        self.numbers = ""

    def show(self, values: list[float | None], unit: str, span: tuple[date, date] | None) -> None:
        """Draw `values` (oldest first; None where nothing was recorded, left blank) with
        their numbers and dates."""
        self.values = values
        known = [v for v in values if v is not None]
        self.border_subtitle = ""
        if not values:
            self.numbers = "no sessions in this range"
        elif not known:
            self.numbers = "none recorded in this range"
        else:
            low, high, last = min(known), max(known), values[-1]
            self.numbers = (
                f"low {format_number(low, 2)} · high {format_number(high, 2)} · "
                f"last {'–' if last is None else format_number(last, 2)}{unit}"
            )
        if values and span is not None:
            first, end = span
            self.border_subtitle = f"{first:%d %b} → {end:%d %b %Y}"
        self.refresh()

    def render(self) -> RenderResult:
        _, base = self.background_colors
        low = base + self.get_component_styles("chart--min").color
        high = base + self.get_component_styles("chart--max").color
        line = GapSparkline(
            self.values,
            width=self.content_size.width,
            height=self.LINES,
            min_color=low.rich_color,
            max_color=high.rich_color,
        )
        style = self.get_component_rich_style("chart--numbers")
        numbers = Text(self.numbers, style=style, no_wrap=True, end="")
        return Group(line, Segments([Segment.line()]), numbers)  # the line does not end itself


class ViewTabs(Widget):
    """The names of the two views with the one shown underlined; a click shows the other."""

    DEFAULT_CSS = """
    ViewTabs {
        height: 2;
        & > .view-tabs--name { color: $foreground 50%; }
        & > .view-tabs--shown { color: $foreground; }
        & > .view-tabs--bar { color: $block-cursor-background; background: $foreground 10%; }
    }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "view-tabs--name",
        "view-tabs--shown",
        "view-tabs--bar",
    }
    NAMES = ("Sessions", "Plan timeline")

    shown: reactive[int] = reactive(0)

    class Picked(Message):
        """A view's name was clicked."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def _spans(self) -> list[tuple[int, int]]:
        """Each name's first and last column (a space either side of the name)."""
        spans, x = [], 0
        for name in self.NAMES:
            spans.append((x, x + len(name) + 2))
            x += len(name) + 2
        return spans

    def render(self) -> RenderResult:
        name = self.get_component_rich_style("view-tabs--name")
        shown = self.get_component_rich_style("view-tabs--shown")
        names = Text.assemble(
            *((f" {n} ", shown if i == self.shown else name) for i, n in enumerate(self.NAMES)),
            no_wrap=True,
        )
        bar = self.get_component_rich_style("view-tabs--bar")
        start, end = self._spans()[self.shown]
        underline = Bar(
            highlight_range=(start + 1, end - 1),  # under the name, as Textual's tabs do
            highlight_style=RichStyle.from_color(bar.color),
            background_style=RichStyle.from_color(bar.bgcolor),
            width=self.size.width,
        )
        return Group(names, underline)

    def on_click(self, event: events.Click) -> None:
        for index, (start, end) in enumerate(self._spans()):
            if start <= event.x < end:
                self.post_message(self.Picked(index))


class HistoryScreen(Screen[None]):
    """One athlete's history, drill by drill (see the module's docstring)."""

    DEFAULT_CSS = """
    HistoryScreen { layout: vertical; }
    #drills { height: 1; padding: 0 1; }
    #range { height: 1; padding: 0 1; }
    #range Input { width: 14; height: 1; border: none; padding: 0 1; margin: 0 1; }
    #range .label, #range-dates { width: auto; }
    #range #range-text { width: 1fr; color: $text-muted; text-wrap: nowrap;
        text-overflow: ellipsis; }
    #charts { height: 6; }
    #views { height: 1fr; }
    #views DataTable { height: 1fr; }
    .detail { height: 3; padding: 0 1; color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,h", "back", "Back", tooltip="Back to today (in a date box: leave it)"),
        Binding("left_square_bracket", "step_drill(-1)", "Prev drill", key_display="[", show=False),
        Binding("right_square_bracket", "step_drill(1)", "Next drill", key_display="]", show=False),
        *(
            Binding(str(n), f"pick_drill({n - 1})", "Drill by number", show=False)
            for n in range(1, 10)
        ),
        Binding("f", "filter", "Dates", tooltip="Type the from/to dates (Enter applies)"),
        Binding("a", "all_dates", "All dates"),
        Binding("v", "switch_view", "Timeline", tooltip="Switch sessions / plan timeline"),
        Binding(
            "o", "toggle_holds", "Holds", show=False, tooltip="Hide/show accepted holds (timeline)"
        ),
        Binding("m", "more", "Older"),
        Binding("x", "export", "Export CSV"),
    ]

    class Loaded(Message):
        """The history for the shown drill and range was read."""

        def __init__(self, view: HistoryView, generation: int) -> None:
            super().__init__()
            self.view = view
            self.generation = generation

    class Exported(Message):
        """The shown range was written to `path`."""

        def __init__(self, path: Path, count: int) -> None:
            super().__init__()
            self.path = path
            self.count = count

    class Failed(Message):
        """Reading or exporting failed with a one-line reason."""

        def __init__(self, doing: str, reason: str) -> None:
            super().__init__()
            self.doing = doing
            self.reason = reason

    def __init__(
        self,
        desk: Desk,
        athlete: Athlete,
        *,
        exercise_id: str | None = None,
        export_dir: Path | None = None,
        today: date | None = None,
    ) -> None:
        super().__init__()
        self.desk = desk
        self.athlete = athlete
        self.drills = [e.id for e in desk.catalog]
        self.drill = self.drills.index(exercise_id) if exercise_id in self.drills else 0
        self.export_dir = export_dir
        self.today = today or local_date(desk.clock.now())
        self.since: date | None = self.today - timedelta(weeks=DEFAULT_WEEKS)
        self.until: date | None = self.today
        self.limit = PAGE
        self.holds = True  # every accepted or declined suggestion; o hides accepted holds
        self.view: HistoryView | None = None
        self._generation = 0
        self._first_read = threading.Event()
        self.reload()  # read while the screen is built; on_mount draws it if it is in

    # -- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield TopBar(self.athlete.name, "history")  # with the rest time, as on every screen
        yield Static(id="drills")
        with Horizontal(id="range"):
            yield Static(self._dates_text(), id="range-dates")  # Inputs from the first f
            yield Static(id="range-text")
        with Horizontal(id="charts"):
            yield Chart(f"Load ({self.athlete.unit})", id="chart-load")
            yield Chart("ROM level", id="chart-rom")
            yield Chart("Pain (0-10)", id="chart-pain")
        with Vertical(id="views"):
            yield ViewTabs()
            yield TextTable(id="sessions", cursor_type="row", zebra_stripes=True)
            yield Static(classes="detail", id="session-detail")
            # the plan timeline's table is built the first time it is shown (v)
        yield Footer(compact=True)

    @staticmethod
    def _date_value(day: date | None) -> str:
        return day.isoformat() if day else ""

    def _dates_text(self) -> Content:
        """'From [2026-05-29] to [2026-11-25]' drawn like the date fields that f brings up."""

        def field(day: date | None, placeholder: str) -> tuple[str, str]:
            text = self._date_value(day)
            style = "$foreground on $surface" if text else "$text-disabled on $surface"
            return f" {(text or placeholder):<12} ", style

        return Content.assemble(
            "From  ", field(self.since, "start"), " to  ", field(self.until, "today"), " "
        )

    def on_mount(self) -> None:
        sessions = self.query_one("#sessions", DataTable)
        sessions.add_columns("Date", "Sets", "Load")
        sessions.add_column("ROM", width=ROM_MIN_WIDTH, key="rom")  # sized to the room left
        sessions.add_columns("RPE", "Pain", "Next")
        sessions.add_column("Taken", width=10)  # styled cells: the width is not measured
        sessions.focus()
        self._show_drills()
        if self._first_read.wait(FIRST_READ_WAIT) and self.view is None:
            self._show(self._first_view)  # one layout, one paint: no empty frame first
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)

    def _theme_changed(self, _theme: object) -> None:
        """Cells carry their colours: draw them again in the new theme's."""
        if self.view is not None:
            self._render_view(self.view)

    # -- reading --------------------------------------------------------------------------

    @property
    def exercise_id(self) -> str:
        """The drill on show."""
        return self.drills[self.drill]

    def reload(self) -> None:
        """Read the shown drill and range again in a thread worker."""
        self._generation += 1
        generation = self._generation
        args = (self.athlete, self.exercise_id)
        since, until, limit, holds = self.since, self.until, self.limit, self.holds

        def read(store: Store) -> HistoryView:
            view = load_history(store, *args, since=since, until=until, limit=limit, holds=holds)
            if not undecided(view):
                return view
            suggestion, _ = suggestion_now(store, *args)  # the one Today shows (< 1 ms)
            return replace(view, sessions=with_current(view.sessions, suggestion))

        def job() -> None:
            try:
                view = self.desk.run(read)
            except StoreError as exc:
                self.post_message(self.Failed("read the history", str(exc)))
                return
            if generation == 1:
                self._first_view = view
                self._first_read.set()
            self.post_message(self.Loaded(view, generation))

        self.run_worker(job, thread=True, group="history-read", exit_on_error=False)

    def on_history_screen_loaded(self, message: Loaded) -> None:
        if message.generation != self._generation or message.view is self.view:
            return  # an older read finished after a newer one started, or it is drawn
        self._show(message.view)

    def _show(self, view: HistoryView) -> None:
        self.view = view
        self._render_view(view)

    def on_history_screen_failed(self, message: Failed) -> None:
        self.notify(f"Could not {message.doing}: {message.reason}", severity="error", timeout=12)

    # -- drawing --------------------------------------------------------------------------

    def _show_drills(self) -> None:
        parts: list[Content | str] = []
        for index, drill_id in enumerate(self.drills):
            name = self.desk.catalog.get(drill_id).name
            style = "reverse bold" if index == self.drill else ""
            parts.append(Content.styled(f" {index + 1} {name} ", style))
            parts.append(" ")
        self.query_one("#drills", Static).update(Content.assemble(*parts))

    def _render_view(self, view: HistoryView) -> None:
        unit = view.athlete.unit
        span = view.span
        shown = len(view.sessions)
        if span is None:
            words = "no sessions of this drill in this range"
        else:
            more = "" if shown >= view.total else f" (newest {shown} listed; m for older)"
            words = f"{view.total} sessions, {day_text(span[0])} → {day_text(span[1])}{more}"
        self.query_one("#range-text", Static).update(words)
        self.query_one("#chart-load", Chart).show(
            [from_kg(p.load_kg, unit) for p in view.chart], f" {unit}", span
        )
        self.query_one("#chart-rom", Chart).show(
            [float(p.rom_level) for p in view.chart], f" of {view.exercise.max_rom_level}", span
        )
        self.query_one("#chart-pain", Chart).show(  # a set without pain is no pain 0
            [None if p.pain is None else float(p.pain) for p in view.chart], "/10", span
        )
        self._fill_sessions(view)
        if self._timeline_table() is not None:
            self._fill_timeline(view)

    @staticmethod
    def _session_cells(view: HistoryView) -> list[list[str | Text]]:
        """The sessions table's cells, a row per session (the ROM with its whole label)."""
        return [
            [
                s.day.isoformat(),  # str cells are shown as typed (TextTable)
                reps_text(s),
                format_load(s.load_kg, view.athlete.unit),
                rom_text(view.exercise, s.rom_level),
                format_number(s.rpe) if s.rpe is not None else "–",
                _pain_cell(s.pain),
                ACTION_WORDS.get(s.action or "", s.action or ""),
                _status_cell(s.status),
            ]
            for s in view.sessions
        ]

    def _rom_width(self, table: DataTable, rows: list[list[str | Text]]) -> int:
        """How wide the ROM column can be: the room the other columns and the scrollbar
        leave in the table's width, at least ROM_MIN_WIDTH, at most the longest label's."""
        pad = 2 * table.cell_padding
        others = table.styles.scrollbar_size_vertical + pad  # the ROM column's own padding
        for index, column in enumerate(table.ordered_columns):
            if column.key == "rom":
                continue
            if not column.auto_width:
                others += column.width + pad
                continue
            texts = [
                cell if isinstance(cell, str) else cell.plain for cell in (r[index] for r in rows)
            ]
            widest = max([column.content_width, column.label.cell_len, *map(cell_len, texts)])
            others += widest + pad
        room = (self.size.width or self.app.size.width) - others  # the table spans the screen
        longest = max((cell_len(str(r[3])) for r in rows), default=0)
        return max(ROM_MIN_WIDTH, min(room, longest))

    def _fill_sessions(self, view: HistoryView) -> None:
        table = self.query_one("#sessions", DataTable)
        row = table.cursor_row
        rows = self._session_cells(view)
        width = self._rom_width(table, rows)
        table.clear()
        table.columns["rom"].width = width  # type: ignore[index]
        for s, cells in zip(view.sessions, rows, strict=True):
            cells[3] = fit_words(str(cells[3]), width)
            table.add_row(*cells, key=s.day.isoformat())
        if view.sessions:
            table.move_cursor(row=min(row, len(view.sessions) - 1))
        self._session_detail()

    def on_resize(self) -> None:
        """A wider or narrower terminal: give the ROM column the room there is now."""
        view = self.view
        if view is None:
            return
        table = self.query_one("#sessions", DataTable)
        if self._rom_width(table, self._session_cells(view)) != table.columns["rom"].width:  # type: ignore[index]
            self._fill_sessions(view)

    def _timeline_table(self) -> DataTable | None:
        """The plan timeline's table, once it has been shown."""
        found = self.query("#timeline")
        return found.first(DataTable) if found else None

    def _fill_timeline(self, view: HistoryView) -> None:
        table = self.query_one("#timeline", DataTable)
        table.clear()
        for index, entry in enumerate(view.timeline):
            day = entry.session_date or entry.at.date()
            decision = "clinician" if entry.source == "clinician" else entry.status
            change = change_text(view.exercise, entry.before, entry.after, view.athlete.unit)
            table.add_row(
                day.isoformat(),
                "hold" if change == "no change" else change,
                _status_cell(decision) if decision != "clinician" else "clinician",
                short(entry.reason, REASON_WIDTH),
                key=str(index),
            )
        self._timeline_detail()

    @on(DataTable.RowHighlighted, "#sessions")
    def _session_detail(self) -> None:
        detail = self.query_one("#session-detail", Static)
        view, table = self.view, self.query_one("#sessions", DataTable)
        if view is None or not view.sessions:
            detail.update("")
            return
        row = view.sessions[min(table.cursor_row, len(view.sessions) - 1)]
        rom = f"ROM {row.rom_level}: {view.exercise.rom_label(row.rom_level)}"
        heading = f"{row.day} · {rom}"  # the whole label: the column may have cut it
        if row.reason is None:
            detail.update(Content(f"{heading} · no suggestion judged this session yet."))
            return
        action = ACTION_WORDS.get(row.action or "", row.action or "")
        if row.status == "pending":
            detail.update(Content(f"{heading} · {action}, not decided yet\n{row.reason}"))
            return
        taken = STATUS_WORDS.get(row.status or "", row.status or "")
        detail.update(Content(f"{heading} · {action} ({taken})\n{row.reason}"))

    @on(DataTable.RowHighlighted, "#timeline")
    def _timeline_detail(self) -> None:
        detail = self.query_one("#timeline-detail", Static)
        view, table = self.view, self.query_one("#timeline", DataTable)
        if view is None or not view.timeline:
            holds = "" if self.holds else " (accepted holds hidden: o shows them)"
            detail.update(f"No decided suggestions or overrides in this range{holds}.")
            return
        entry = view.timeline[min(table.cursor_row, len(view.timeline) - 1)]
        detail.update(f"{entry.at:%Y-%m-%d %H:%M} UTC — {entry.reason}")

    # -- keys -----------------------------------------------------------------------------

    def action_back(self) -> None:
        """Leave a date field, or else go back to the session."""
        if isinstance(self.focused, Input):
            self._focus_view()
            return
        self.dismiss(None)

    def action_step_drill(self, step: int) -> None:
        """Show the previous (-1) or next (+1) drill."""
        self.action_pick_drill((self.drill + step) % len(self.drills))

    def action_pick_drill(self, index: int) -> None:
        """Show the drill at `index` (0-based) of the catalog."""
        if 0 <= index < len(self.drills) and index != self.drill:
            self.drill = index
            self.limit = PAGE
            self._show_drills()
            self.reload()

    async def action_filter(self) -> None:
        """Put the cursor in the 'from' date (Enter applies, Esc leaves); the date fields
        take the place of the dates' text the first time."""
        if not self.query("#since"):
            dates = self.query_one("#range-dates", Static)
            await self.query_one("#range", Horizontal).mount(
                Static("From ", classes="label"),
                Input(self._date_value(self.since), placeholder="start", **DATE_INPUT, id="since"),
                Static("to ", classes="label"),
                Input(self._date_value(self.until), placeholder="today", **DATE_INPUT, id="until"),
                before=dates,
            )
            dates.display = False
        self.query_one("#since", Input).focus()

    def action_all_dates(self) -> None:
        """Show the whole log of this drill."""
        if self.query("#since"):
            self.query_one("#since", Input).value = ""
            self.query_one("#until", Input).value = ""
            self._apply_range()
            return
        self._set_range(None, None)

    async def action_switch_view(self) -> None:
        """Switch between the sessions table and the plan timeline."""
        await self._show_view(1 - self.query_one(ViewTabs).shown)

    @on(ViewTabs.Picked)
    async def _view_clicked(self, event: ViewTabs.Picked) -> None:
        await self._show_view(event.index)

    def _focus_view(self) -> None:
        """Put the cursor in the table of the view on show."""
        self.query_one("#timeline" if self.query_one(ViewTabs).shown else "#sessions").focus()

    async def _show_view(self, index: int) -> None:
        """Show the sessions (0) or the plan timeline (1), building the timeline's table
        the first time."""
        if index == 1 and self._timeline_table() is None:
            timeline = TextTable(id="timeline", cursor_type="row", zebra_stripes=True)
            await self.query_one("#views").mount(
                timeline, Static(classes="detail", id="timeline-detail")
            )
            timeline.add_columns("Date", "Change")
            timeline.add_column("Decision", width=10)
            timeline.add_column("Reason")
            if self.view is not None:
                self._fill_timeline(self.view)
            else:
                self._timeline_detail()
        self.query_one(ViewTabs).shown = index
        for widget_id, view in (("sessions", 0), ("session-detail", 0), ("timeline", 1)):
            for widget in self.query(f"#{widget_id}"):
                widget.display = view == index
        for widget in self.query("#timeline-detail"):
            widget.display = index == 1
        self._focus_view()

    def action_toggle_holds(self) -> None:
        """Hide or show again the accepted holds in the timeline (shown at first)."""
        self.holds = not self.holds
        shown = "shown" if self.holds else "hidden (o shows them again)"
        self.notify(f"Accepted holds {shown} in the plan timeline.", timeout=4)
        self.reload()

    def action_more(self) -> None:
        """List an older page of sessions too."""
        if self.view is not None and len(self.view.sessions) < self.view.total:
            self.limit += PAGE
            self.reload()

    @on(Input.Submitted)
    def _range_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self._apply_range():
            self._focus_view()

    def _apply_range(self) -> bool:
        """Take the dates typed; an unreadable or backwards range is refused with a note."""
        values = {}
        for field_id in ("since", "until"):
            text = self.query_one(f"#{field_id}", Input).value.strip()
            try:
                values[field_id] = date.fromisoformat(text) if text else None
            except ValueError:
                self.notify(f"{text!r} is not a date (YYYY-MM-DD).", severity="error")
                self.query_one(f"#{field_id}", Input).focus()
                return False
        since, until = values["since"], values["until"]
        if since and until and since > until:
            self.notify(f"{since} is after {until}.", severity="error")
            return False
        self._set_range(since, until)
        return True

    def _set_range(self, since: date | None, until: date | None) -> None:
        """Show [since, until] (None: open-ended) from its newest page."""
        self.since, self.until, self.limit = since, until, PAGE
        self.query_one("#range-dates", Static).update(self._dates_text())
        self.reload()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Dim 'older' when every session of the range is listed."""
        if action == "more":
            view = self.view
            return True if view is not None and len(view.sessions) < view.total else None
        return True

    # -- export ---------------------------------------------------------------------------

    def action_export(self) -> None:
        """Write the shown date range (every drill) to a CSV in `backtrack export`'s format."""
        from backtrack.export import export_to_file

        folder = self.export_dir or Path.cwd()
        path = free_path(folder, export_name(self.athlete, self.since, self.until))
        athlete, since, until = self.athlete, self.since, self.until

        def job() -> None:
            try:
                count = self.desk.run(
                    lambda store: export_to_file(
                        store, path, athlete=athlete, since=since, until=until
                    )
                )
            except (StoreError, OSError) as exc:
                self.post_message(self.Failed("export", str(exc)))
                return
            self.post_message(self.Exported(path, count))

        self.run_worker(job, thread=True, group="history-export", exit_on_error=False)

    def on_history_screen_exported(self, message: Exported) -> None:
        self.notify(
            f"{message.count} sets written to {message.path}",
            title="Exported",
            timeout=15,
        )
