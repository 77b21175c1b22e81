"""The check-in: "back pain right now, 0-10", answered with one key (or a click).

It dismisses with the number, or None when skipped. 0-9 are their own keys; 10 is `t` (for
ten) or `!` (shift+1), and the button says so. q quits the app from here, as everywhere.
Today goes on to the red-flag questions when they are due (screens/red_flags.py), and always
when the lifter came to report a symptom (`report`: a check-in needs the pain number first).
Opened by ! to report one, a second ! answers nothing (not 10: a key pressed twice must not
record the worst pain imaginable).
"""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from backtrack.tui.widgets.keys_footer import KeysFooter

TEN_KEYS = "t,exclamation_mark"
ANSWER = Binding.Group("answer (t = 10)")  # one footer entry for the 0-10 keys


class CheckInScreen(ModalScreen[int | None]):
    """Ask for back pain right now; one keystroke answers."""

    DEFAULT_CSS = """
    CheckInScreen { align: center middle; }
    #checkin-dialog {
        width: auto; max-width: 90%; height: auto; padding: 1 2;
        border: thick $accent; background: $surface;
    }
    #checkin-dialog .title { text-style: bold; width: 100%; text-align: center; color: $accent; }
    #checkin-dialog .hint { color: $text-muted; width: 100%; text-align: center; margin: 1 0 0 0; }
    #checkin-dialog .kept { color: $warning; text-style: bold; }
    #checkin-dialog .scale { width: auto; height: auto; margin: 1 0 0 0; }
    #checkin-dialog .pain { width: 5; min-width: 5; margin: 0 1 0 0; text-style: bold; }
    #checkin-dialog #pain-10 { width: 8; margin: 0; }
    #checkin-dialog .skip {
        margin: 1 0 0 0; width: 100%; background: $surface; border: none; color: $text-muted;
    }
    /* Below 100 columns the 0-10 keys take two rows of six (one row needs 68 columns); below
       70 the dialog spans the screen with less padding, so a 40-column phone shows every key. */
    CheckInScreen.-medium #checkin-dialog .scale {
        layout: grid; grid-size: 6; grid-columns: 6; grid-gutter: 0 1;
    }
    CheckInScreen.-narrow #checkin-dialog .scale {
        layout: grid; grid-size: 6; grid-columns: 1fr; width: 100%;
    }
    CheckInScreen.-medium #checkin-dialog .pain, CheckInScreen.-narrow #checkin-dialog .pain {
        width: 100%; min-width: 0; margin: 0;
    }
    CheckInScreen.-narrow #checkin-dialog { max-width: 100%; padding: 0 1; width: 100%; }
    /* Short screens: no spacing, and the number keys without their borders (one line each). */
    CheckInScreen.-short #checkin-dialog { padding: 0 1; }
    CheckInScreen.-short #checkin-dialog .hint, CheckInScreen.-short #checkin-dialog .scale,
    CheckInScreen.-short #checkin-dialog .skip {
        margin: 0;
    }
    CheckInScreen.-short #checkin-dialog .pain {
        height: 1; border: none; background: $panel; text-align: center;
    }
    """

    AUTO_FOCUS = ""  # Enter must not answer 0 by accident
    BINDINGS: ClassVar[list[BindingType]] = [
        *(Binding(str(n), f"answer({n})", "Answer 0-9", group=ANSWER) for n in range(10)),
        Binding(TEN_KEYS, "answer(10)", "Answer 10", key_display="t", group=ANSWER),
        Binding("s,escape", "skip", "Skip check-in"),
        Binding("q", "app.quit", "Quit"),  # a modal hides the app's keys: q must still quit
    ]

    def __init__(
        self, *, kept: int | None = None, kept_flags: bool = False, report: bool = False
    ) -> None:
        """`kept` is an earlier answer that could not be saved yet (it is being retried),
        `kept_flags` that it reports red-flag symptoms; `report`: the lifter is reporting a
        symptom (the questions follow the number)."""
        super().__init__()
        self.kept = kept
        self.kept_flags = kept_flags
        self.report = report

    def compose(self) -> ComposeResult:
        with Vertical(id="checkin-dialog"):
            if self.report:
                yield Static("Report a symptom", classes="title report")
                yield Static(
                    "First your back pain right now, then the symptoms.", classes="hint first"
                )
            yield Static("Back pain right now?", classes="title")
            if self.kept is not None and self.kept_flags:
                yield Static(
                    f"Your {self.kept}/10 and the symptoms you reported are not saved yet (the "
                    "database was busy) and are tried again; a new answer replaces the number "
                    "(the symptoms stay), s keeps it.",
                    classes="hint kept",
                )
            elif self.kept is not None:
                yield Static(
                    f"Your {self.kept}/10 is not saved yet (the database was busy) and is "
                    "tried again; a new answer replaces it, s keeps it.",
                    classes="hint kept",
                )
            yield Static(
                "0 = none, 10 = worst imaginable. Press the number (t = 10).", classes="hint"
            )
            with Horizontal(classes="scale"):
                for n in range(11):
                    label = "10 t" if n == 10 else str(n)
                    yield Button(label, id=f"pain-{n}", classes="pain")
            yield Static(
                "Today's baseline, and the 24-hour response to your last session.",
                classes="hint",
            )
            yield Button("Skip (s)", id="skip", classes="skip", compact=True)
        yield KeysFooter(compact=True)  # this dialog's keys, not those of the page under it

    def on_key(self, event: events.Key) -> None:
        """In a report, ! (the key that opened it) is not 10."""
        if self.report and event.key == "exclamation_mark":
            event.stop()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "skip":
            self.dismiss(None)
        elif event.button.id and event.button.id.startswith("pain-"):
            self.dismiss(int(event.button.id.removeprefix("pain-")))

    def action_answer(self, pain: int) -> None:
        """Answer with `pain` (0-10)."""
        self.dismiss(pain)

    def action_skip(self) -> None:
        """Close without a (new) check-in; the suggestions will say it is missing."""
        self.dismiss(None)
