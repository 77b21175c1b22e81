"""A full screen the lifter cannot miss: what to do about red-flag symptoms just reported, or
the guidance for a flare at check-in.

Not a toast that fades while a sweaty lifter looks away: the whole terminal, the heading in a
wide coloured block (the error colour for an emergency, the warning colour otherwise), the
advice, what was reported and what happens now. Esc (or the button) closes it; Enter does
not, so a second press of the key that sent the answer cannot close it unread.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Static
from textual.widgets.button import ButtonVariant

from backtrack.red_flags import FLAG_BY_KEY, most_urgent
from backtrack.red_flags import advice as red_flag_advice
from backtrack.tui.host import host
from backtrack.tui.widgets.keys_footer import KeysFooter
from backtrack.tui.widgets.top_bar import TopBar

Level = Literal["emergency", "doctor", "clinician", "flare"]
# The word over the heading, in capitals, for each level.
CAPTIONS: dict[Level, str] = {
    "emergency": "RED FLAG · EMERGENCY",
    "doctor": "RED FLAG · SEE A DOCTOR",
    "clinician": "RED FLAG",
    "flare": "FLARE",
}


def split_first_sentence(text: str) -> tuple[str, str]:
    """('Go to an emergency department now.', 'These can be ...') for the heading and the
    rest ('' when there is one sentence)."""
    head, dot, rest = text.partition(". ")
    if not dot:
        return text, ""
    return head + ".", rest.strip()


class AlertScreen(Screen[None]):
    """A heading, the advice, the details and what happens now; esc closes it."""

    DEFAULT_CSS = """
    #alert-body { padding: 1 2; align: center middle; }
    #alert-card { height: auto; border: heavy $error; }
    AlertScreen.-doctor #alert-card, AlertScreen.-clinician #alert-card,
    AlertScreen.-flare #alert-card {
        border: heavy $warning;
    }
    #alert-caption, #alert-heading {
        width: 100%; text-align: center; text-style: bold; background: $error; color: auto 90%;
    }
    #alert-caption { padding: 1 2 0 2; }
    #alert-heading { padding: 1 2; }
    AlertScreen.-doctor #alert-caption, AlertScreen.-clinician #alert-caption,
    AlertScreen.-flare #alert-caption, AlertScreen.-doctor #alert-heading,
    AlertScreen.-clinician #alert-heading, AlertScreen.-flare #alert-heading {
        background: $warning;
    }
    #alert-text, #alert-details, #alert-then { padding: 0 2; margin: 1 0 0 0; }
    #alert-text { text-style: bold; }
    #alert-then { color: $text-muted; }
    #alert-close { margin: 1 2; }
    AlertScreen.-narrow #alert-body, AlertScreen.-short #alert-body { padding: 0; }
    AlertScreen.-narrow #alert-text, AlertScreen.-narrow #alert-details,
    AlertScreen.-narrow #alert-then {
        padding: 0 1;
    }
    AlertScreen.-short #alert-caption { padding: 0 1; }
    AlertScreen.-short #alert-heading { padding: 0 1 1 1; }
    """

    AUTO_FOCUS = ""  # not the button: Enter must not close it
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", tooltip="I have read it: close")
    ]

    def __init__(self, level: Level, heading: str, text: str, details: list[str], then: str):
        super().__init__(classes=f"-{level}")
        self.level = level
        self.heading = heading
        self.text = text
        self.details = details
        self.then = then

    def compose(self) -> ComposeResult:
        yield TopBar(*host(self).heading())
        with VerticalScroll(id="alert-body"), Vertical(id="alert-card"):
            yield Static(CAPTIONS[self.level], id="alert-caption")
            yield Static(self.heading, id="alert-heading")
            if self.text:
                yield Static(self.text, id="alert-text")
            if self.details:
                yield Static("\n".join(self.details), id="alert-details")
            yield Static(self.then, id="alert-then")
            variant: ButtonVariant = "error" if self.level == "emergency" else "warning"
            yield Button("I have read this (esc)", id="alert-close", variant=variant)
        yield KeysFooter(compact=True)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_close()

    def action_close(self) -> None:
        """Back to the screen under it."""
        self.dismiss(None)


def red_flag_alert(flags: tuple[str, ...]) -> AlertScreen:
    """The advice for the red-flag symptoms `flags` (keys, at least one): the most urgent
    advice, each symptom's question, and that every drill stops until a clinician clears it."""
    level = most_urgent(flags) or "clinician"
    heading, text = split_first_sentence(red_flag_advice(flags))
    details = ["You reported:", *(f"  • {FLAG_BY_KEY[key].question}" for key in flags)]
    then = (
        "This is saved with your check-in. Every drill shows stop until your clinician "
        "clears the red flag."
    )
    return AlertScreen(level, heading, text, details, then)


def flare_alert(guidance: str) -> AlertScreen:
    """The flare guidance of a check-in at the flare level (`CheckInOutcome.flare`)."""
    heading, text = split_first_sentence(guidance)
    if text and not text.endswith((".", "!")):
        text += "."
    then = "Today no drill steps up: where the rules would progress, they hold."
    return AlertScreen("flare", heading, text, [], then)
