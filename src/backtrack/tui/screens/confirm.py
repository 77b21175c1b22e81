"""A yes/no question in a modal; it dismisses with True for yes."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from backtrack.tui.widgets.keys_footer import KeysFooter


class ConfirmScreen(ModalScreen[bool]):
    """Ask `question`; `y` or the Yes button confirms, `n`/escape or No refuses; q quits
    the app without an answer (nothing is done)."""

    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    #confirm-dialog {
        width: auto; max-width: 90%; height: auto; padding: 1 2;
        border: thick $accent; background: $surface;
    }
    #confirm-dialog .question { width: auto; max-width: 70; text-style: bold; }
    #confirm-dialog .buttons { width: auto; height: auto; margin: 1 0 0 0; }
    #confirm-dialog Button { margin: 0 2 0 0; }
    /* Below 70 columns the dialog spans the screen with less padding. */
    ConfirmScreen.-narrow #confirm-dialog { max-width: 100%; padding: 0 1; }
    ConfirmScreen.-narrow #confirm-dialog Button { min-width: 0; }
    /* The question wraps to the dialog's width (an auto width would measure it at 70 and cut
       the lines that do not fit). */
    ConfirmScreen.-narrow #confirm-dialog { width: 100%; }
    ConfirmScreen.-medium #confirm-dialog { width: 80%; }
    ConfirmScreen.-narrow #confirm-dialog .question,
    ConfirmScreen.-medium #confirm-dialog .question {
        width: 100%; max-width: 100%;
    }
    /* Short screens: no spacing. */
    ConfirmScreen.-short #confirm-dialog { padding: 0 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
        Binding("q", "app.quit", "Quit"),  # a modal hides the app's keys: q must still quit
    ]

    def __init__(self, question: str, *, yes: str = "Yes") -> None:
        super().__init__()
        self._question = question
        self._yes = yes

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog"):
            yield Static(self._question, classes="question")
            with Horizontal(classes="buttons"):
                yield Button(f"{self._yes} (y)", id="yes", variant="error")
                yield Button("No (n)", id="no", variant="primary")
        yield KeysFooter(compact=True)  # this question's keys, not those of the page under it

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        """Close with the answer."""
        self.dismiss(yes)
