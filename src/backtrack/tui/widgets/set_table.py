"""Today's sets of one drill, one row each, newest last; the cursor picks a set to change.
A set of a two-sided drill is numbered on its side: 'L 1', 'R 1', 'L 2' ..."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.binding import Binding, BindingType

from backtrack.tui.widgets.text_table import TextTable
from backtrack.units import Unit, format_load, format_number

if TYPE_CHECKING:
    from backtrack.models import Exercise, SetEntry

COLUMNS = ("set", "reps", "load", "ROM", "RPE", "pain", "time", "note")
# The columns each screen width shows (the screen's width class, see tui/app.py): a medium
# screen leaves out the note (History shows it), a narrow one the time too.
COLUMNS_BY_WIDTH = {
    "wide": COLUMNS,
    "medium": ("set", "reps", "load", "ROM", "RPE", "pain", "time"),
    "narrow": ("set", "reps", "load", "ROM", "RPE", "pain"),
}


def set_cells(entry: SetEntry, unit: Unit) -> tuple[str, ...]:
    """The cells of one set's row, with the load in the athlete's unit; shown as typed (a
    note is never read as markup), the note on one line; the set's side before its number."""
    return (
        f"{entry.side} {entry.set_number}" if entry.side else str(entry.set_number),
        str(entry.reps),
        format_load(entry.load_kg, unit),
        str(entry.rom_level),
        "" if entry.rpe is None else format_number(entry.rpe),
        "" if entry.pain is None else f"{entry.pain}/10",
        entry.performed_at.astimezone().strftime("%H:%M"),
        " ".join((entry.note or "").splitlines()),
    )


class SetTable(TextTable):
    """A row per logged set. Enter logs a set and left/right switch drills (screen actions)."""

    # Today's rules for this widget, parsed when it is first mounted (after the first frame),
    # not at launch with today.tcss; not scoped, as they were there ("TodayScreen.-narrow ...").
    SCOPED_CSS = False
    DEFAULT_CSS = """
    SetTable {
        height: 1fr;
        min-height: 4;
        border: round $primary 50%;
        border-title-color: $text;  /* $accent is pale on the light theme */
        border-title-style: bold;
    }
    SetTable:focus {
        border: round $accent;
    }
    /* short or narrow: no box; the table's title on a line of colour (focus) */
    TodayScreen.-short SetTable, TodayScreen.-narrow SetTable {
        border: none;
        border-top: round $primary 50%;
        min-height: 3;
    }
    TodayScreen.-short SetTable:focus, TodayScreen.-narrow SetTable:focus {
        border-top: round $accent;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "screen.log", "Log set", tooltip="Type the next set in the form"),
        Binding("left", "screen.step_drill(-1)", "Previous drill", show=False),
        Binding("right", "screen.step_drill(1)", "Next drill", show=False),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self._sets: dict[int, SetEntry] = {}
        self.width_name = "wide"  # which COLUMNS_BY_WIDTH the table shows

    def on_mount(self) -> None:
        for name in COLUMNS:
            self.add_column(name, key=name)

    def _cells(self, entry: SetEntry, unit: Unit) -> tuple[str, ...]:
        """The cells of the columns on show."""
        cells = dict(zip(COLUMNS, set_cells(entry, unit), strict=True))
        return tuple(cells[name] for name in COLUMNS_BY_WIDTH[self.width_name])

    def show(
        self,
        exercise: Exercise,
        sets: tuple[SetEntry, ...],
        unit: Unit,
        *,
        width_name: str = "wide",
    ) -> None:
        """Show these sets, in the columns for `width_name` ('wide', 'medium', 'narrow');
        the cursor goes to a newly logged set, else stays where it was."""
        keep = self.selected
        added = any(s.id not in self._sets for s in sets)
        if width_name != self.width_name:
            self.width_name = width_name
            self.clear(columns=True)
            for name in COLUMNS_BY_WIDTH[width_name]:
                self.add_column(name, key=name)
        self.clear()
        self._sets = {s.id: s for s in sets if s.id is not None}
        for entry in sets:
            self.add_row(*self._cells(entry, unit), key=str(entry.id))
        self.border_title = f"Today's sets of {exercise.name}"
        if keep is not None and keep.id in self._sets and not added:
            self.move_cursor(row=self.get_row_index(str(keep.id)))
        elif sets:
            self.move_cursor(row=len(sets) - 1)

    def add_set(self, entry: SetEntry, unit: Unit) -> None:
        """Show a newly logged set at the end, under the cursor (before today's page is read
        again, which shows the same rows)."""
        if entry.id is None or entry.id in self._sets:
            return
        self._sets[entry.id] = entry
        self.add_row(*self._cells(entry, unit), key=str(entry.id))
        self.move_cursor(row=self.row_count - 1)

    @property
    def selected(self) -> SetEntry | None:
        """The set under the cursor, if there is one."""
        if not self._sets or self.cursor_row < 0 or self.cursor_row >= self.row_count:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        return self._sets.get(int(key)) if key is not None else None
