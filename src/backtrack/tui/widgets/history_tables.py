"""The history screen's two tables: one row per session, and the plan timeline.

Both draw plain-text cells directly (`TextTable`) and say, for the line under them, what
the highlighted row is about in full (the cells may cut it). The sessions table gives its
ROM column the room the other columns leave, so a ROM label is cut after a word or a clause
on a narrow terminal and shown whole on a wide one. Below 100 columns (the screen's
`-medium` class) whether a suggestion was taken is a mark after it and a two-sided drill's
sides are one under the other; on a narrow screen (a phone: `-narrow`) it keeps date, sets,
load (the unit in its heading), pain and next, and the timeline drops its reasons: the
line under each table says the rest.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from rich.cells import cell_len
from rich.text import Text
from textual.content import Content
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey

from backtrack.tui.history_data import (
    action_text,
    asymmetry,
    change_text,
    fit_words,
    reps_text,
    rom_text,
    short,
    side_mark,
    status_text,
)
from backtrack.tui.widgets.text_table import TextTable, cell
from backtrack.units import format_load, format_number, from_kg

if TYPE_CHECKING:
    from backtrack.store import SessionSummary, SideSummary
    from backtrack.tui.history_data import HistoryView

ROM_MIN_WIDTH = 12  # the ROM column is never narrower (level number and a word or two)
REASON_WIDTH = 58
ROM = ColumnKey("rom")
Layout = Literal["wide", "medium", "narrow"]  # the screen's width class

Row = TypeVar("Row")


def pain_style(pain: int) -> str:
    """The warning colour above 3, the error colour above 5."""
    return "bold $error" if pain > 5 else "$warning" if pain > 3 else ""


def pain_cell(pain: int | None) -> Text:
    """A session's highest pain, in the warning colour above 3 and the error colour above 5
    ('–' when none was recorded)."""
    if pain is None:
        return cell("–")
    return cell(str(pain), pain_style(pain))


def sides_pain_cell(sides: Sequence[SideSummary]) -> Text:
    """A two-sided drill's highest pain on each side, 'L 2 R 4', each number in its colour
    ('-' before the sets logged before sides existed, '–' for no pain recorded)."""
    text = Text(no_wrap=True, end="")
    for index, side in enumerate(sides):
        text.append(f"{' ' if index else ''}{side_mark(side.side)} ")
        number = cell("–") if side.pain is None else cell(str(side.pain), pain_style(side.pain))
        text.append_text(number)
    return text


def next_with_status(action: str | None, status: str | None) -> Text:
    """The suggestion and, after it, whether it was taken as a mark in its colour: 'hold ✓',
    '↑ load ✗', 'hold …' (pending); a stop in the error colour."""
    text = action_cell(action)
    mark = {"accepted": "✓", "declined": "✗", "pending": "…"}.get(status or "")
    if mark:
        style = {"accepted": "$success", "declined": "bold $warning"}.get(status or "", "")
        text = Text.assemble(text, " ", cell(mark, style), no_wrap=True, end="")
    return text


def gap(value: str | Text) -> str | Text:
    """A narrow table's cell with the space before it (each line of it) that parts it from
    the column on its left (the narrow table has no cell padding)."""
    if isinstance(value, str):
        return f" {value}"
    lines = value.split("\n", allow_blank=True)
    return Text("\n", no_wrap=True, end="").join(Text(" ") + line for line in lines)


def action_cell(action: str | None) -> Text:
    """A suggestion's action in words; a stop in the error colour."""
    return cell(action_text(action), "bold $error" if action == "stop" else "")


def status_cell(status: str | None) -> Text:
    """Whether a suggestion was taken, declined or is pending, in words and colour."""
    if status is None:
        return cell("")
    style = {"accepted": "$success", "declined": "bold $warning"}.get(status, "")
    return cell(status_text(status), style)


def at_cursor(table: DataTable[Any], rows: Sequence[Row]) -> Row:
    """The item of `rows` (one per table row, not empty) under the table's cursor; the last
    one if the cursor is past the end."""
    return rows[min(table.cursor_row, len(rows) - 1)]


class SessionTable(TextTable):
    """A row per session, newest first: date, sets × reps, load, ROM, hardest RPE, highest
    pain, the suggestion of that day and whether it was taken. A two-sided drill's sets and
    pain are each side's: 'L 8/8/8 R 8/7/8' and 'L 2 R 4'.

    Its layout follows the screen's width class (`show(layout=...)`): "wide" as above;
    "medium" (70-99 columns) the same but whether the suggestion was taken is a mark after
    it ('hold ✓') and a two-sided drill's sides are one under the other; "narrow" (a phone)
    date, sets, load (the unit in its heading), pain and next only, a space before each
    column instead of one either side."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.shape: Layout = "wide"

    @property
    def narrow(self) -> bool:
        """Whether the table has the narrow layout (no ROM, RPE and taken columns)."""
        return self.shape == "narrow"

    def on_mount(self) -> None:
        """Add the columns (the ROM column is sized when rows are shown)."""
        self._add_columns()

    def _add_columns(self, unit: str = "kg") -> None:
        """The columns of the table's layout (`unit`: the narrow layout's load heading)."""
        self.cell_padding = 0 if self.narrow else 1
        if self.narrow:  # a space before each column instead of one either side: 40 columns
            self.add_columns(*(gap(label) for label in ("Date", "Sets", unit, "Pain", "Next")))
            return
        self.add_columns("Date", "Sets", "Load")
        self.add_column("ROM", width=ROM_MIN_WIDTH, key=ROM.value)  # sized to the room left
        self.add_columns("RPE", "Pain", "Next")
        if self.shape == "wide":
            self.add_column("Taken", width=10)  # styled cells: the width is not measured

    @staticmethod
    def stacked_sides(row: SessionSummary) -> tuple[Text, Text]:
        """A two-sided session's sets and pain, a line per side ('L 8/8/8' over 'R 8/7/8',
        'L 2' over 'R 4')."""
        sets = Text(  # a Text: a cell of two lines is not read as markup
            "\n".join(
                f"{side_mark(side.side)} {'/'.join(map(str, side.reps))}" for side in row.sides
            ),
            no_wrap=True,
            end="",
        )
        pain = Text("\n", no_wrap=True, end="").join(sides_pain_cell([side]) for side in row.sides)
        return sets, pain

    @classmethod
    def narrow_cells(cls, view: HistoryView) -> list[list[str | Text]]:
        """The narrow table's cells: date, sets, load (a number: the unit heads the column),
        pain and next; a two-sided drill's sets and pain a line per side."""
        unit = view.athlete.unit
        rows: list[list[str | Text]] = []
        for s in view.sessions:
            sets: str | Text
            pain: str | Text
            if s.sides:
                sets, pain = cls.stacked_sides(s)
            else:
                sets, pain = reps_text(s).replace(" × ", "×"), pain_cell(s.pain)
            cells = [
                s.day.isoformat(),
                sets,
                format_number(from_kg(s.load_kg, unit), 2),
                pain,
                action_cell(s.action) if s.action == "stop" else action_text(s.action),
            ]
            rows.append([gap(value) for value in cells])
        return rows

    @classmethod
    def cells(cls, view: HistoryView, layout: Layout = "wide") -> list[list[str | Text]]:
        """The wide or medium table's cells, a row per session (the ROM with its whole
        label)."""
        rows: list[list[str | Text]] = []
        for s in view.sessions:
            sets: str | Text = reps_text(s)
            pain: str | Text = sides_pain_cell(s.sides) if s.sides else pain_cell(s.pain)
            if s.sides and layout == "medium":
                sets, pain = cls.stacked_sides(s)
            row: list[str | Text] = [
                s.day.isoformat(),  # str cells are shown as typed (TextTable)
                sets,
                format_load(s.load_kg, view.athlete.unit),
                rom_text(view.exercise, s.rom_level),
                format_number(s.rpe) if s.rpe is not None else "–",
                pain,
                action_cell(s.action) if s.action == "stop" else action_text(s.action),
            ]
            if layout == "wide":
                row.append(status_cell(s.status))
            else:
                row[6] = next_with_status(s.action, s.status)
            rows.append(row)
        return rows

    def rom_width(self, rows: list[list[str | Text]]) -> int:
        """How wide the ROM column can be: the room the other columns and the scrollbar
        leave in the table's width, at least ROM_MIN_WIDTH, at most the longest label's."""
        pad = 2 * self.cell_padding
        others = self.styles.scrollbar_size_vertical + pad  # the ROM column's own padding
        for index, column in enumerate(self.ordered_columns):
            if column.key == ROM:
                continue
            if not column.auto_width:
                others += column.width + pad
                continue
            texts = [
                line
                for value in (r[index] for r in rows)
                for line in (value if isinstance(value, str) else value.plain).split("\n")
            ]
            widest = max([column.content_width, column.label.cell_len, *map(cell_len, texts)])
            others += widest + pad
        screen = self.screen.size.width or self.app.size.width  # the table spans the screen
        longest = max((cell_len(str(r[3])) for r in rows), default=0)
        return max(ROM_MIN_WIDTH, min(screen - others, longest))

    def fits(self, view: HistoryView, layout: Layout = "wide") -> bool:
        """Whether the table has the columns `show` would give it now (after a resize it
        may not: the ROM column's width, or another layout's columns)."""
        if layout != self.shape:
            return False
        return self.narrow or self.rom_width(self.cells(view, layout)) == self.columns[ROM].width

    def show(self, view: HistoryView, layout: Layout = "wide") -> None:
        """Show the view's sessions in `layout`, ROM labels fitted to the room there is; the
        cursor stays on the row it was on (the last, if there are fewer now)."""
        row = self.cursor_row
        if layout != self.shape:
            self.shape = layout
            self.clear(columns=True)
            self._add_columns(view.athlete.unit)
        else:
            self.clear()
        if self.narrow:
            rows = self.narrow_cells(view)
        else:
            rows = self.cells(view, layout)
            width = self.rom_width(rows)
            self.columns[ROM].width = width
            for cells in rows:
                cells[3] = fit_words(str(cells[3]), width)
        for s, cells in zip(view.sessions, rows, strict=True):
            height = max(len(s.sides), 1) if layout != "wide" else 1
            self.add_row(*cells, key=s.day.isoformat(), height=height)
        if view.sessions:
            self.move_cursor(row=min(row, len(view.sessions) - 1))

    def detail(self, view: HistoryView | None) -> Content | str:
        """The line under the table: the highlighted session's whole ROM label and its
        suggestion with the reason. When the rules noted that one side hurt more, the note
        comes first on the reason's line (a long reason is cut at the end, not the note)."""
        if view is None or not view.sessions:
            return ""
        row = at_cursor(self, view.sessions)
        rom = f"ROM {row.rom_level}: {view.exercise.rom_label(row.rom_level)}"
        heading = f"{row.day} · {rom}"  # the whole label: the column may have cut it
        if self.narrow and row.rpe is not None:  # the narrow table has no RPE column
            heading = f"{heading} · RPE {format_number(row.rpe)}"
        if row.reason is None:
            return Content(f"{heading} · no suggestion judged this session yet.")
        action = action_text(row.action)
        if row.status == "pending":
            heading = f"{heading} · {action}, not decided yet\n"
        else:
            heading = f"{heading} · {action} ({status_text(row.status)})\n"
        note, reason = asymmetry(row.reason)
        if not note:
            return Content(heading + reason)
        return Content.assemble(
            heading, (note[0].upper() + note[1:], "bold $warning"), " · ", reason
        )


class TimelineTable(TextTable):
    """The plan timeline, newest first: progressions, holds, regressions, stops, declined
    suggestions, clinician overrides, and the clinician's changes that apply to every drill
    (a rule setting, red flags cleared), each with its reason."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.narrow = False

    def on_mount(self) -> None:
        """Add the columns."""
        self._add_columns()

    def _add_columns(self) -> None:
        """Date, change, decision and (unless narrow: the line under it has it) reason."""
        self.add_columns("Date", "Change")
        self.add_column("Decision", width=10)
        if not self.narrow:
            self.add_column("Reason")

    def fits(self, *, narrow: bool = False) -> bool:
        """Whether the table has the columns `show(narrow=narrow)` would give it."""
        return narrow == self.narrow

    def show(self, view: HistoryView, *, narrow: bool = False) -> None:
        """Show the view's timeline entries, the reasons cut to REASON_WIDTH (narrow: no
        reasons; the line under the table says the highlighted one's)."""
        if narrow != self.narrow:
            self.narrow = narrow
            self.clear(columns=True)
            self._add_columns()
        else:
            self.clear()
        for index, entry in enumerate(view.timeline):
            day = entry.session_date or entry.at.date()
            decision = "clinician" if entry.source == "clinician" else entry.status
            if entry.before is None or entry.after is None:
                change: str | Text = entry.change or action_text(entry.action)
            elif entry.action == "stop":
                change = action_cell("stop")
            else:
                change = change_text(entry.before, entry.after, view.athlete.unit)
            cells = [
                day.isoformat(),
                "hold" if change == "no change" else change,
                status_cell(decision) if decision != "clinician" else "clinician",
                short(entry.reason, REASON_WIDTH),
            ]
            self.add_row(*cells[: 3 if narrow else 4], key=str(index))

    def detail(self, view: HistoryView | None, holds: bool) -> Content:
        """The line under the table: when the highlighted entry was decided and its whole
        reason (or that there is none, and whether accepted holds are hidden). Plain text,
        never markup: a reason may quote a catalog label with brackets in it."""
        if view is None or not view.timeline:
            hidden = "" if holds else " (accepted holds hidden: o shows them)"
            return Content(f"No decided suggestions or overrides in this range{hidden}.")
        entry = at_cursor(self, view.timeline)
        return Content(f"{entry.at:%Y-%m-%d %H:%M} UTC — {entry.reason}")
