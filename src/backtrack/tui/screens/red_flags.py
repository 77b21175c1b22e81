"""The red-flag questions: "Since your last session, any of these?", after the pain number.

One key per symptom (1-9) marks a yes, and pressing it again takes it back; Enter sends the
answer, and with nothing marked that is "none of these" (the default). Esc skips the
questions: the check-in is saved without them, and they are asked again next time. q quits
the app from here, as from every question, answering nothing (no check-in is recorded).
The mouse works too: click a question to mark it, a button to send or skip.

It dismisses with a `RedFlagReply`: the keys marked yes (in the catalog's order), and
whether the questions were answered at all (False: skipped).
"""

from __future__ import annotations

from typing import ClassVar, NamedTuple

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.events import Click
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from backtrack.red_flags import RED_FLAGS, RedFlag
from backtrack.tui.widgets.keys_footer import KeysFooter

QUESTION = "Since your last session, any of these?"
MARK = Binding.Group("mark a yes")  # one footer entry for the nine keys


class RedFlagReply(NamedTuple):
    """The answer to the red-flag questions: the symptoms marked yes, and whether the
    questions were answered (False: skipped, nothing is said either way)."""

    flags: tuple[str, ...]
    answered: bool


def question_line(number: int, flag: RedFlag, yes: bool) -> Content:
    """One question as the list shows it: ' 1  no   New numbness ...?' ('YES' when marked)."""
    answer = ("YES", "bold reverse") if yes else ("no ", "")
    return Content.assemble((f"{number}", "bold"), "  ", answer, "  ", flag.question)


class FlagQuestion(Static):
    """One red-flag question; a click marks or unmarks it."""

    def __init__(self, index: int) -> None:
        super().__init__(classes="flag-question", id=f"flag-{RED_FLAGS[index].key}")
        self.index = index

    def on_click(self, event: Click) -> None:
        event.stop()
        screen = self.screen
        if isinstance(screen, RedFlagsScreen):
            screen.action_mark(self.index)


class RedFlagsScreen(ModalScreen[RedFlagReply]):
    """Ask the nine red-flag questions; a key each, Enter sends."""

    DEFAULT_CSS = """
    /* The red-flag questions: a yes in the error colour. */
    RedFlagsScreen { align: center middle; }
    #flags-dialog {
        width: 96; max-width: 100%; height: auto; padding: 1 2;
        border: thick $error; background: $surface;
    }
    #flags-dialog .title { text-style: bold; width: 100%; text-align: center; color: $text-error; }
    #flags-dialog .hint { color: $text-muted; width: 100%; text-align: center; margin: 1 0; }
    #flags-dialog .questions { height: auto; }
    .flag-question { height: auto; padding: 0 1; }
    .flag-question:hover { background: $boost; }
    .flag-question.-yes { color: $text-error; background: $error 15%; text-style: bold; }
    #flags-dialog .buttons { height: auto; width: 100%; align-horizontal: center; margin: 1 0 0 0; }
    #flags-dialog Button { margin: 0 2; }
    #flags-dialog .skip { background: $surface; color: $text-muted; }
    /* Where the nine questions may not fit (narrow: they wrap; short), the dialog takes the
       screen and the questions scroll between the title and the buttons, which stay in view. */
    RedFlagsScreen.-narrow #flags-dialog, RedFlagsScreen.-short #flags-dialog {
        height: 100%; padding: 0 1;
    }
    RedFlagsScreen.-narrow #flags-dialog .questions,
    RedFlagsScreen.-short #flags-dialog .questions {
        height: 1fr;
    }
    RedFlagsScreen.-narrow #flags-dialog .hint, RedFlagsScreen.-short #flags-dialog .hint {
        margin: 0 0 1 0;
    }
    RedFlagsScreen.-narrow #flags-dialog Button { margin: 0; min-width: 0; }
    RedFlagsScreen.-narrow #flags-dialog #send { margin: 0 1 0 0; }
    """

    AUTO_FOCUS = ""  # Enter sends the answer, never presses a button by accident
    BINDINGS: ClassVar[list[BindingType]] = [
        *(
            Binding(str(n), f"mark({n - 1})", "Mark yes / no", group=MARK)
            for n in range(1, len(RED_FLAGS) + 1)
        ),
        Binding(
            "enter",
            "send",
            "Send",
            tooltip="Send the answer (nothing marked: none of these)",
        ),
        Binding("escape", "skip", "Skip questions", tooltip="Skip the questions (asked next time)"),
        Binding("q", "app.quit", "Quit"),  # a modal hides the app's keys: q must still quit
    ]

    def __init__(self) -> None:
        super().__init__()
        self.marked: set[str] = set()

    def compose(self) -> ComposeResult:
        with Vertical(id="flags-dialog"):
            yield Static(QUESTION, classes="title")
            yield Static(
                "Press the number of each yes (again: no). Enter sends; nothing marked means "
                "none of these.",
                classes="hint",
            )
            with VerticalScroll(classes="questions"):  # scrolls where the screen is small
                for index in range(len(RED_FLAGS)):
                    yield FlagQuestion(index)
            with Horizontal(classes="buttons"):
                yield Button(self._send_label(), id="send", variant="primary", compact=True)
                yield Button("Skip (esc)", id="skip", classes="skip", compact=True)
        yield KeysFooter(compact=True)  # these questions' keys, not those of the page under it

    def on_mount(self) -> None:
        self._show()

    @property
    def flags(self) -> tuple[str, ...]:
        """The keys marked yes, in the catalog's order."""
        return tuple(flag.key for flag in RED_FLAGS if flag.key in self.marked)

    def _send_label(self) -> str:
        if not self.marked:
            return "None of these (Enter)"
        count = len(self.marked)
        return f"Send {count} yes (Enter)" if count == 1 else f"Send {count} yeses (Enter)"

    def _show(self) -> None:
        for question in self.query(FlagQuestion):
            flag = RED_FLAGS[question.index]
            yes = flag.key in self.marked
            question.update(question_line(question.index + 1, flag, yes))
            question.set_class(yes, "-yes")
        self.query_one("#send", Button).label = self._send_label()
        self.query_one("#send", Button).variant = "error" if self.marked else "primary"

    def action_mark(self, index: int) -> None:
        """Mark the question at `index` (0-based) yes, or back to no."""
        key = RED_FLAGS[index].key
        self.marked.symmetric_difference_update({key})
        self._show()

    def action_send(self) -> None:
        """Send the answer: the symptoms marked yes (none: none of these)."""
        self.dismiss(RedFlagReply(self.flags, answered=True))

    def action_skip(self) -> None:
        """Leave the questions unanswered; the check-in is saved without them (a yes already
        marked is sent)."""
        if self.marked:
            self.action_send()
            return
        self.dismiss(RedFlagReply((), answered=False))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "send":
            self.action_send()
        else:
            self.action_skip()
