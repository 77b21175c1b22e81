"""History: how one drill went, for the clinician reviewing a client.

For the drill on show and a date range (the last 26 weeks until changed): charts of load,
ROM and pain with their dates, one row per session newest first (date, sets x reps, load in
the athlete's unit, ROM, hardest RPE, highest pain, the suggestion of that day and whether
it was taken; for the newest session, not decided yet, the rules' current suggestion as
Today shows it, marked pending), and the plan timeline (progressions, holds, regressions,
declined suggestions and clinician overrides, each with its reason). A two-sided drill
(the side bend, the windmill) shows each side apart: its sessions' reps and pain per side
('L 8/8/8 R 8/7/8', 'L 2 R 4'; '-' for sets logged before sides existed), the rules' note
that one side hurt more first on the detail line, and a row of the pain chart per side.

Everything is aggregated in SQL on the desk's own connection in a thread worker, and only
what is shown is read: a page of sessions (m reads an older page too), the chart squeezed
to a fixed number of points, and the newest timeline entries. `x` exports the range's sets
to CSV in `backtrack export`'s format; `r` writes the clinician's report (HTML, as `backtrack
report`) of the athlete over the same dates.

Opening must be quick whatever the log's size (issue 7: ten years as fast as ten days,
under 100 ms), so: the first read starts when the screen is made and is drawn before the
first frame (one layout, one paint); the charts, tabs and dates are one widget each; the
plan timeline's table and the date fields are built the first time they are used; and the
tables draw their plain-text cells directly (`TextTable`). The current suggestion (the rules
read the drill's whole plan log, under 1 ms) is read in the same worker, only when the
newest session listed is undecided, so the rows are drawn once, with it.

Every width from a phone's up (the app's breakpoint classes, styled in DEFAULT_CSS): wide
(>= 100 columns) as above; medium (70-99) the drills on two lines, the sessions table's
medium layout (taken a mark after the suggestion, a two-sided drill's sides one under the
other) and a detail line as long as its words; narrow (< 70) one drill at a time
('‹ 1/4 Jefferson curl ›'), one chart at a time (c or a click on its tab), the table's date,
sets, load, pain and next, and the timeline without its reasons (the line under it has the
highlighted one's). Short screens (< 30 rows) drop the tabs' underline, and narrow ones the
chart's border, before the detail line scrolls.

This module is the screen: its layout, keys, reads and export. What it reads and the words
it writes are in `backtrack.tui.history_data`; the charts, the two tables and the view tabs
are widgets (`history_chart`, `history_tables`, `view_tabs` in `backtrack.tui.widgets`).
"""

from __future__ import annotations

import threading
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Input, Static

from backtrack.clock import local_date
from backtrack.errors import StoreError
from backtrack.tui.history_data import PAGE, day_text, export_name, free_path, load_history
from backtrack.tui.widgets.history_chart import Chart
from backtrack.tui.widgets.history_tables import Layout, SessionTable, TimelineTable
from backtrack.tui.widgets.keys_footer import KeysFooter
from backtrack.tui.widgets.top_bar import TopBar
from backtrack.tui.widgets.view_tabs import DrillTabs, ViewTabs
from backtrack.units import from_kg

if TYPE_CHECKING:
    from backtrack.models import Athlete
    from backtrack.store import Store
    from backtrack.tui.desk import Desk
    from backtrack.tui.history_data import HistoryView

DEFAULT_WEEKS = 26
CHARTS = ("chart-load", "chart-rom", "chart-pain")
CHART_NAMES = ("Load", "ROM", "Pain")
# How long building the screen waits for its first read (a few ms of SQL, started before
# compose) so that the first frame has the rows: drawing an empty frame first costs more.
FIRST_READ_WAIT = 0.03


def _number(value: int | None) -> float | None:
    """A chart value: None stays None (nothing recorded is no 0)."""
    return None if value is None else float(value)


class HistoryScreen(Screen[None]):
    """One athlete's history, drill by drill (see the module's docstring)."""

    DEFAULT_CSS = """
    HistoryScreen { layout: vertical; }
    #drills { padding: 0 1; }
    #range { height: 1; padding: 0 1; }
    #range Input { width: 14; height: 1; border: none; padding: 0 1; margin: 0 1; }
    #range .label, #range-dates { width: auto; }
    #range #range-text { width: 1fr; color: $text-muted; text-wrap: nowrap;
        text-overflow: ellipsis; }
    #chart-tabs { display: none; }
    #charts { height: 6; }
    #views { height: 1fr; }
    #views DataTable { height: 1fr; }
    .detail-box { height: auto; }
    .detail { height: 3; padding: 0 1; color: $text-muted; }

    /* medium: the detail line takes the lines its words need */
    HistoryScreen.-medium .detail { height: auto; min-height: 3; }
    HistoryScreen.-medium.-short .detail-box { max-height: 5; }
    HistoryScreen.-medium #range { height: auto; }
    HistoryScreen.-medium #range #range-text { text-wrap: wrap; }
    /* narrow (a phone): one column; the dates over the range's words, one chart at a time
       with its tabs (c or a click switches), the table's narrow columns (SessionTable) */
    HistoryScreen.-narrow #range { layout: vertical; height: auto; }
    HistoryScreen.-narrow #range #range-text { width: 100%; text-wrap: wrap; }
    HistoryScreen.-narrow #range Input { margin: 0; }
    HistoryScreen.-narrow #chart-tabs { display: block; }
    HistoryScreen.-narrow #charts Chart { display: none; }
    HistoryScreen.-narrow #charts Chart.-shown { display: block; }
    HistoryScreen.-narrow .detail { height: auto; min-height: 3; }
    HistoryScreen.-narrow .detail-box { max-height: 8; }
    HistoryScreen.-narrow DataTable { scrollbar-size-vertical: 1; }
    /* short: the tabs without their underline; narrow and short (a phone on its side): the
       chart without its border (its tab names it, the range line has its dates) and the
       detail line scrolls past four lines, so the table keeps some rows */
    HistoryScreen.-short ViewTabs { height: 1; }
    HistoryScreen.-narrow.-short #charts { height: 4; }
    HistoryScreen.-narrow.-short #charts Chart { border: none; height: 4; }
    HistoryScreen.-narrow.-short .detail-box { max-height: 4; }
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
            "c",
            "next_chart",
            "Chart",
            tooltip="Next chart: load, ROM, pain (a narrow screen shows one at a time)",
        ),
        Binding(
            "o", "toggle_holds", "Holds", show=False, tooltip="Hide/show accepted holds (timeline)"
        ),
        Binding("m", "more", "Older"),
        Binding("x", "export", "Export CSV"),
        Binding(
            "r",
            "report",
            "Report",
            show=False,
            tooltip="Write the clinician's report of these dates",
        ),
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

    class ReportWritten(Message):
        """The clinician's report of the shown range was written to `path`."""

        def __init__(self, path: Path) -> None:
            super().__init__()
            self.path = path

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
        self._first_view: HistoryView | None = None  # set by the first read, then _first_read
        self._narrow = False  # the -narrow class as last fitted to (_fit_to_size)
        self.reload()  # read while the screen is built; on_mount draws it if it is in

    # -- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        """Top bar, drills, range, charts, the sessions table (the timeline comes later)."""
        yield TopBar(self.athlete.name, "history")  # with the rest time, as on every screen
        names = [self.desk.catalog.get(drill_id).name for drill_id in self.drills]
        yield DrillTabs(names, shown=self.drill, id="drills")
        with Horizontal(id="range"):
            yield Static(self._dates_text(), id="range-dates")  # Inputs from the first f
            yield Static(id="range-text")
        yield ViewTabs(CHART_NAMES, id="chart-tabs")  # narrow: one chart at a time
        with Horizontal(id="charts"):
            yield Chart(f"Load ({self.athlete.unit})", id="chart-load", classes="-shown")
            yield Chart("ROM level", id="chart-rom")
            yield Chart("Pain (0-10)", id="chart-pain")
        with Vertical(id="views"):
            yield ViewTabs(id="view-tabs")
            yield SessionTable(id="sessions")
            with VerticalScroll(classes="detail-box", id="session-detail-box"):
                yield Static(classes="detail", id="session-detail")
            # the plan timeline's table is built the first time it is shown (v)
        yield KeysFooter(compact=True)

    @staticmethod
    def _date_value(day: date | None) -> str:
        """A date field's text: the ISO date, or '' for an open end."""
        return day.isoformat() if day else ""

    @classmethod
    def _date_input(cls, day: date | None, placeholder: str, field_id: str) -> Input:
        """A one-line date field (digits and '-', YYYY-MM-DD) showing `day`."""
        return Input(
            cls._date_value(day),
            placeholder=placeholder,
            restrict=r"[0-9-]*",
            max_length=10,
            compact=True,
            id=field_id,
        )

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
        """Focus the sessions and draw the first read if it is in (it usually is)."""
        self.query_one("#sessions", SessionTable).focus()  # its columns are in (its own mount)
        self._narrow = self.has_class("-narrow")
        first = self._first_view if self._first_read.wait(FIRST_READ_WAIT) else None
        if first is not None and self.view is None:
            self._show(first)  # one layout, one paint: no empty frame first
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
        athlete, exercise_id = self.athlete, self.exercise_id
        since, until, limit, holds = self.since, self.until, self.limit, self.holds

        def read(store: Store) -> HistoryView:
            return load_history(
                store, athlete, exercise_id, since=since, until=until, limit=limit, holds=holds
            )

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
        """Draw the newest read (an older one that finishes late is dropped)."""
        if message.generation != self._generation or message.view is self.view:
            return  # an older read finished after a newer one started, or it is drawn
        self._show(message.view)

    def _show(self, view: HistoryView) -> None:
        """Keep `view` as the one on show and draw it."""
        self.view = view
        self._render_view(view)

    def on_history_screen_failed(self, message: Failed) -> None:
        """Say what could not be done and why."""
        self.notify(f"Could not {message.doing}: {message.reason}", severity="error", timeout=12)

    # -- drawing --------------------------------------------------------------------------

    def _render_view(self, view: HistoryView) -> None:
        """Draw `view`: the range's words, the three charts and the tables."""
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
        pain = self.query_one("#chart-pain", Chart)
        if view.exercise.two_sided:  # each side apart (and the sets from before sides)
            pain.show_series(
                [
                    ("L", [_number(p.pain_left) for p in view.chart]),
                    ("R", [_number(p.pain_right) for p in view.chart]),
                    ("-", [_number(p.pain_unsided) for p in view.chart]),
                ],
                "/10",
                span,
            )
        else:  # a set without pain is no pain 0
            pain.show([_number(p.pain) for p in view.chart], "/10", span)
        self._fill_sessions(view)
        if self._timeline_table() is not None:
            self._fill_timeline(view)

    def _fill_sessions(self, view: HistoryView) -> None:
        """Show the view's sessions (the narrow table's columns on a narrow screen) and the
        highlighted one's detail line."""
        self.query_one("#sessions", SessionTable).show(view, self._layout())
        self._session_detail()

    def on_resize(self) -> None:
        """A wider or narrower terminal: once the screen has its new breakpoint classes
        (Textual sets them after this handler), fit the table and the keys to them."""
        self.call_after_refresh(self._fit_to_size)

    def _layout(self) -> Layout:
        """The sessions table's layout for the screen's width class now."""
        if self.has_class("-narrow"):
            return "narrow"
        return "medium" if self.has_class("-medium") else "wide"

    def _fit_to_size(self) -> None:
        """Give the ROM column the room there is now, or the narrow table's columns; offer
        c (the next chart) only where one chart shows at a time."""
        narrow = self.has_class("-narrow")
        if narrow != self._narrow:
            self._narrow = narrow
            self.refresh_bindings()
            self.query_one(DrillTabs).refresh(layout=True)
        view = self.view
        if view is None:
            return
        if not self.query_one("#sessions", SessionTable).fits(view, self._layout()):
            self._fill_sessions(view)
        timeline = self._timeline_table()
        if timeline is not None and not timeline.fits(narrow=narrow):
            self._fill_timeline(view)

    def _timeline_table(self) -> TimelineTable | None:
        """The plan timeline's table, once it has been shown."""
        found = self.query("#timeline")
        return found.first(TimelineTable) if found else None

    def _fill_timeline(self, view: HistoryView) -> None:
        """Show the view's timeline and the highlighted entry's detail line."""
        self.query_one("#timeline", TimelineTable).show(view, narrow=self.has_class("-narrow"))
        self._timeline_detail()

    @on(DataTable.RowHighlighted, "#sessions")
    def _session_detail(self) -> None:
        """Say in full what the highlighted session was and what was suggested."""
        detail = self.query_one("#session-detail", Static)
        detail.update(self.query_one("#sessions", SessionTable).detail(self.view))

    @on(DataTable.RowHighlighted, "#timeline")
    def _timeline_detail(self) -> None:
        """Say when the highlighted timeline entry was decided, and its whole reason."""
        detail = self.query_one("#timeline-detail", Static)
        detail.update(self.query_one("#timeline", TimelineTable).detail(self.view, self.holds))

    # -- keys -----------------------------------------------------------------------------

    def action_back(self) -> None:
        """Leave a date field, or else go back to the session."""
        if isinstance(self.focused, Input):
            self._focus_view()
            return
        self.dismiss(None)

    def action_next_chart(self) -> None:
        """Show the next chart (narrow screens show one at a time)."""
        self._show_chart((self.query_one("#chart-tabs", ViewTabs).shown + 1) % len(CHARTS))

    def _show_chart(self, index: int) -> None:
        """Make the chart at `index` (load, ROM, pain) the one a narrow screen shows."""
        self.query_one("#chart-tabs", ViewTabs).shown = index
        for number, chart_id in enumerate(CHARTS):
            self.query_one(f"#{chart_id}", Chart).set_class(number == index, "-shown")

    @on(DrillTabs.Picked)
    def _drill_clicked(self, event: DrillTabs.Picked) -> None:
        """Show the drill clicked."""
        self.action_pick_drill(event.index)

    def action_step_drill(self, step: int) -> None:
        """Show the previous (-1) or next (+1) drill."""
        self.action_pick_drill((self.drill + step) % len(self.drills))

    def action_pick_drill(self, index: int) -> None:
        """Show the drill at `index` (0-based) of the catalog."""
        if 0 <= index < len(self.drills) and index != self.drill:
            self.drill = index
            self.limit = PAGE
            self.query_one(DrillTabs).shown = index
            self.reload()

    async def action_filter(self) -> None:
        """Put the cursor in the 'from' date (Enter applies, Esc leaves); the date fields
        take the place of the dates' text the first time."""
        if not self.query("#since"):
            dates = self.query_one("#range-dates", Static)
            await self.query_one("#range", Horizontal).mount(
                Static("From ", classes="label"),
                self._date_input(self.since, "start", "since"),
                Static("to ", classes="label"),
                self._date_input(self.until, "today", "until"),
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
        await self._show_view(1 - self.query_one("#view-tabs", ViewTabs).shown)

    @on(ViewTabs.Picked, "#view-tabs")
    async def _view_clicked(self, event: ViewTabs.Picked) -> None:
        """Show the view whose name was clicked."""
        await self._show_view(event.index)

    @on(ViewTabs.Picked, "#chart-tabs")
    def _chart_clicked(self, event: ViewTabs.Picked) -> None:
        """Show the chart whose name was clicked."""
        self._show_chart(event.index)

    def _focus_view(self) -> None:
        """Put the cursor in the table of the view on show."""
        shown = self.query_one("#view-tabs", ViewTabs).shown
        self.query_one("#timeline" if shown else "#sessions").focus()

    async def _show_view(self, index: int) -> None:
        """Show the sessions (0) or the plan timeline (1), building the timeline's table
        the first time."""
        if index == 1 and self._timeline_table() is None:
            box = VerticalScroll(
                Static(classes="detail", id="timeline-detail"),
                classes="detail-box",
                id="timeline-detail-box",
            )
            await self.query_one("#views").mount(
                TimelineTable(id="timeline"), box
            )  # mount returns once the table's on_mount has added its columns
            if self.view is not None:
                self._fill_timeline(self.view)
            else:
                self._timeline_detail()
        self.query_one("#view-tabs", ViewTabs).shown = index
        for widget_id, view in (
            ("sessions", 0),
            ("session-detail-box", 0),
            ("timeline", 1),
            ("timeline-detail-box", 1),
        ):
            for widget in self.query(f"#{widget_id}"):
                widget.display = view == index
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
        """Enter in a date field: apply the range and go back to the table."""
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
        if action == "next_chart":  # wider screens show the three charts side by side
            return self.has_class("-narrow")
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
        """Say how many sets were written, and where."""
        self.notify(
            f"{message.count} sets written to {message.path}",
            title="Exported",
            timeout=15,
        )

    def action_report(self) -> None:
        """Write the clinician's report of the athlete over the shown dates (every drill),
        as `backtrack report` does, beside where `x` exports. Only the read holds the
        desk's connection; the charts are drawn after it, so history reads do not wait."""
        from backtrack.report import gather_report, report_name, write_html

        folder = self.export_dir or Path.cwd()
        athlete, since, until = self.athlete, self.since, self.until or self.today
        path = free_path(folder, report_name(athlete.name, until))

        def job() -> None:
            try:
                report = self.desk.run(
                    lambda store: gather_report(store, athlete, since=since, until=until)
                )
                write_html(report, path)
            except (StoreError, OSError) as exc:
                self.post_message(self.Failed("write the report", str(exc)))
                return
            self.post_message(self.ReportWritten(path))

        self.notify("Writing the report...", timeout=3)
        self.run_worker(job, thread=True, group="history-report", exit_on_error=False)

    def on_history_screen_report_written(self, message: ReportWritten) -> None:
        """Say where the report went."""
        self.notify(f"Report written to {message.path}", title="Report", timeout=15)
