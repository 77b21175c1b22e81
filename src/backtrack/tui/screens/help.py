"""Every key of every screen, read from the screens' own BINDINGS so it never goes stale."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static

from backtrack.tui.screens.athletes import AthletePickerScreen
from backtrack.tui.screens.checkin import CheckInScreen
from backtrack.tui.screens.confirm import ConfirmScreen
from backtrack.tui.screens.history import HistoryScreen
from backtrack.tui.screens.timer import TimerScreen
from backtrack.tui.screens.today import TodayScreen
from backtrack.tui.widgets.log_form import QUICK_PICKS, LogForm, NumberField
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


class HelpScreen(Screen[None]):
    """The key list; escape or ? closes it (q quits the app, as on every screen)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark", "app.pop_screen", "Close help", key_display="esc")
    ]

    def sections(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """The key list, screen by screen."""
        display = self.app.get_key_display
        picks = [(p.key, f"effort {p.word} = RPE {p.rpe:g}") for p in QUICK_PICKS]
        return [
            ("Everywhere", key_rows(self.app.BINDINGS, display)),
            ("Today (cursor in the set table)", key_rows(TodayScreen.BINDINGS, display)),
            (
                "Set form (cursor in a box; Tab / shift+Tab move between boxes)",
                key_rows([*LogForm.BINDINGS, *NumberField.BINDINGS], display)
                + [(k, f"{w} (in a number box)") for k, w in picks],
            ),
            ("Rest timer", key_rows(TimerScreen.BINDINGS, display)),
            ("History (h on today's page)", key_rows(HistoryScreen.BINDINGS, display)),
            (
                "Athlete picker (also the lock screen)",
                key_rows(AthletePickerScreen.BINDINGS, display),
            ),
            ("Check-in", key_rows(CheckInScreen.BINDINGS, display)),
            ("Yes/no questions", key_rows(ConfirmScreen.BINDINGS, display)),
            ("Help", key_rows(self.BINDINGS, display)),
        ]

    def compose(self) -> ComposeResult:
        yield TopBar(*self.app.heading())  # type: ignore[attr-defined]
        with VerticalScroll(id="help-body"):
            for title, rows in self.sections():
                yield Static(title, classes="help-title")
                yield Static(
                    Content("\n").join(
                        Content.assemble((f"{keys:>12}", "bold"), "  ", description)
                        for keys, description in rows
                    ),
                    classes="help-keys",
                )
            yield Static(
                "The mouse works too: click a drill, a set, a button or a key in the footer. "
                "ctrl+p opens the command palette with every action.",
                classes="help-note",
            )
        yield Footer(compact=True)
