"""The big rest timer, to read from across the room, with the set stopwatch under it.

The timers belong to the app, so leaving this screen never stops them; the buttons run the
same app actions as the keys.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button

from backtrack.tui.host import host
from backtrack.tui.widgets.keys_footer import KeysFooter
from backtrack.tui.widgets.rest_timer import RestDisplay, StopwatchDisplay
from backtrack.tui.widgets.top_bar import TopBar

BUTTONS = (
    ("app.toggle_rest", "pause/resume (space)"),
    ("app.adjust_rest(-15)", "-15 s (-)"),
    ("app.adjust_rest(15)", "+15 s (+)"),
    ("app.skip_rest", "skip (k)"),
    ("app.toggle_stopwatch", "stopwatch (s)"),
)


class TimerScreen(Screen[None]):
    """Rest countdown and set stopwatch in big digits; escape or t goes back."""

    DEFAULT_CSS = """
    /* The big rest display (#big-rest, a RestDisplay) is styled in app.tcss, over
       RestDisplay's own rules. */
    #timer-body { align: center middle; height: 1fr; }
    StopwatchDisplay {
        height: auto; width: 56; max-width: 100%; margin: 1 0 0 0; padding: 0 2;
        border: round $primary 50%;
    }
    StopwatchDisplay .caption { width: 100%; text-align: center; color: $text-muted; }
    StopwatchDisplay Digits { width: 100%; text-align: center; text-style: bold; }
    StopwatchDisplay.-running Digits, StopwatchDisplay.-running .caption {
        color: $accent; text-style: bold;
    }
    #timer-buttons { height: auto; width: auto; margin: 1 0 0 0; }
    #timer-buttons Button { margin: 0 1; min-width: 0; }
    /* Below 100 columns the five buttons do not fit on one line: three, then two, a line each
       (narrow: two, two and one), each as wide as its column. */
    TimerScreen.-medium #timer-buttons, TimerScreen.-narrow #timer-buttons {
        layout: grid; grid-size: 3; grid-gutter: 0 2; grid-columns: auto; height: auto;
    }
    TimerScreen.-narrow #timer-buttons { grid-size: 2; }
    TimerScreen.-tall #timer-buttons { grid-gutter: 1 2; }
    TimerScreen.-medium #timer-buttons Button, TimerScreen.-narrow #timer-buttons Button {
        margin: 0;
    }
    TimerScreen.-narrow StopwatchDisplay { padding: 0 1; }
    """

    AUTO_FOCUS = ""  # the buttons are for the mouse; Enter must not press one by accident

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "app.toggle_rest", "Pause/resume"),
        Binding("minus", "app.adjust_rest(-15)", "-15 s", key_display="-"),
        Binding("plus,equals_sign", "app.adjust_rest(15)", "+15 s", key_display="+"),
        Binding("k", "app.skip_rest", "Skip rest"),
        Binding("s", "app.toggle_stopwatch", "Stopwatch"),
        Binding("escape,t", "app.pop_screen", "Back", key_display="esc"),
    ]

    def compose(self) -> ComposeResult:
        yield TopBar(*host(self).heading())
        with Vertical(id="timer-body"):
            with Center():
                yield RestDisplay(id="big-rest")
            with Center():
                yield StopwatchDisplay(id="stopwatch")
            with Center(), Horizontal(id="timer-buttons"):
                for action, label in BUTTONS:
                    yield Button(label, action=action, compact=True)
        yield KeysFooter(compact=True)
