"""Every key of every screen, read from the screens' own BINDINGS so it never goes stale."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from backtrack.tui.host import host
from backtrack.tui.screens.alert import AlertScreen
from backtrack.tui.screens.athletes import (
    AthletePickerScreen,
    NameScreen,
    NewPinScreen,
    PinScreen,
)
from backtrack.tui.screens.checkin import CheckInScreen
from backtrack.tui.screens.confirm import ConfirmScreen
from backtrack.tui.screens.history import HistoryScreen
from backtrack.tui.screens.red_flags import RedFlagsScreen
from backtrack.tui.screens.timer import TimerScreen
from backtrack.tui.screens.today import TodayScreen
from backtrack.tui.widgets.keys_footer import KeysFooter
from backtrack.tui.widgets.log_form import ORDER_KEY, QUICK_PICKS, SIDE_KEY, LogForm, NumberField
from backtrack.tui.widgets.top_bar import TopBar


def key_rows(
    bindings: Iterable[BindingType], display: Callable[[Binding], str]
) -> list[tuple[str, str]]:
    """(keys, what they do) rows; bindings that share a description share a row.

    What a key does is its tooltip when it has one (the longer text), else its description.
    A screen's own `app.quit` key is left out: q is listed once, under "Everywhere".
    """
    rows: dict[str, list[str]] = {}
    for binding in Binding.make_bindings(bindings):
        if binding.system or not binding.description or binding.action == "app.quit":
            continue
        shown = display(replace(binding, key_display=None))
        keys = rows.setdefault(binding.tooltip or binding.description, [])
        if shown not in keys:
            keys.append(shown)
    return [(_compact(keys), text) for text, keys in rows.items()]


def _compact(keys: list[str]) -> str:
    """Keys for one row: a run of digits as '1-9', anything else spaced."""
    if len(keys) > 2 and all(len(k) == 1 and k.isdigit() for k in keys):
        numbers = [int(k) for k in keys]
        if numbers == list(range(numbers[0], numbers[-1] + 1)):
            return f"{keys[0]}-{keys[-1]}"
    return " ".join(keys)


# Keys that Textual's own widgets handle (a table's arrows, a text box's Enter), and the
# app-wide ones Textual binds itself, described here so that help lists them too.
EVERYWHERE = [
    Binding("ctrl+q", "", "Quit, even while typing in a box"),
    Binding("ctrl+p", "", "Command palette: every action of this screen, by name"),
]
SET_TABLE = [Binding("up,down", "", "Select a set (e changes it, x deletes it)")]
FORM = [Binding("tab", "", "Next box (shift+tab: the one before)")]
HISTORY = [
    Binding("up,down", "", "Move through the sessions or timeline (the line under it says more)"),
    Binding("enter", "", "In a date box: show those dates"),
]
PICKER = [
    Binding("up,down", "", "Highlight an athlete"),
    Binding("enter", "", "Open their session (after their PIN, if they have one)"),
]
PIN = [Binding("enter", "", "Open the session")]
NAME = [Binding("enter", "", "Save the name")]
NEW_PIN = [Binding("enter", "", "Next box, then save the PIN")]
SCROLL = [Binding("up,down", "", "Scroll (pgup / pgdn: a page)")]


def key_table(rows: list[tuple[str, str]]) -> Table:
    """The rows as two columns, the keys right-aligned in 12 cells and what they do beside
    them; a description too long for the screen wraps in its own column (on a phone, too),
    never under the keys."""
    table = Table.grid(padding=(0, 2))  # two cells between the columns, none at the edges
    table.add_column(min_width=12, no_wrap=True, style="bold")
    table.add_column()
    for keys, description in rows:  # plain text, never markup
        table.add_row(Text(keys, justify="right"), Text(description, justify="left"))
    return table


class HelpScreen(Screen[None]):
    """The key list; escape or ? closes it (q quits the app, as on every screen)."""

    DEFAULT_CSS = """
    #help-body { padding: 0 2; }
    HelpScreen.-narrow #help-body { padding: 0 1; }
    .help-title { text-style: bold; color: $accent; margin: 1 0 0 0; }
    .help-keys { height: auto; }
    .help-note { margin: 1 0; color: $text-muted; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark", "app.pop_screen", "Close help", key_display="esc")
    ]

    def sections(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """The key list, screen by screen."""
        display = self.app.get_key_display
        picks = [(p.key, f"effort {p.word} = RPE {p.rpe:g}") for p in QUICK_PICKS]
        return [
            ("Everywhere", key_rows([*self.app.BINDINGS, *EVERYWHERE], display)),
            (
                "Today (cursor in the set table)",
                key_rows([*TodayScreen.BINDINGS, *SET_TABLE], display),
            ),
            (
                "Set form (cursor in a box)",
                key_rows([*LogForm.BINDINGS, *FORM, *NumberField.BINDINGS], display)
                + [(k, f"{w} (in a number box)") for k, w in picks]
                + [
                    (SIDE_KEY, "the other side, side bend and windmill (in a number box)"),
                    (ORDER_KEY, "the other order of the sides (in a number box)"),
                ],
            ),
            ("Rest timer", key_rows(TimerScreen.BINDINGS, display)),
            (
                "History (h on today's page)",
                key_rows([*HistoryScreen.BINDINGS, *HISTORY], display),
            ),
            (
                "Athlete picker (also the lock screen; of the keys above only ?, ^t, ^p and q)",
                key_rows([*PICKER, *AthletePickerScreen.BINDINGS], display),
            ),
            ("PIN", key_rows([*PIN, *PinScreen.BINDINGS], display)),
            ("New athlete, rename", key_rows([*NAME, *NameScreen.BINDINGS], display)),
            ("New PIN", key_rows([*NEW_PIN, *NewPinScreen.BINDINGS], display)),
            ("Check-in", key_rows(CheckInScreen.BINDINGS, display)),
            (
                "Red-flag questions (after the check-in when due, and with !)",
                key_rows(RedFlagsScreen.BINDINGS, display),
            ),
            ("Red-flag advice, flare guidance", key_rows(AlertScreen.BINDINGS, display)),
            ("Yes/no questions", key_rows(ConfirmScreen.BINDINGS, display)),
            ("Help", key_rows([*self.BINDINGS, *SCROLL], display)),
        ]

    def compose(self) -> ComposeResult:
        yield TopBar(*host(self).heading())
        with VerticalScroll(id="help-body"):
            for title, rows in self.sections():
                yield Static(title, classes="help-title")
                yield Static(key_table(rows), classes="help-keys")
            yield Static(
                "The mouse works too: click a drill, a set, a button or a key in the footer. "
                "ctrl+p opens the command palette with every action.",
                classes="help-note",
            )
        yield KeysFooter(compact=True)
