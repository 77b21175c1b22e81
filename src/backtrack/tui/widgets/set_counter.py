"""The sets done of the drill on show, in big digits: part of Today's large view (b), for a
lifter who reads the screen from a step away."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Digits, Static

if TYPE_CHECKING:
    from backtrack.tui.service import DrillToday


def counter_text(drill: DrillToday) -> tuple[str, str]:
    """The caption and the digits: 'sets done of 3' and '2'; for a two-sided drill each
    side's, 'left, right: of 3 each' and '2 1' (the drill is the one highlighted above)."""
    planned = drill.plan.sets
    if drill.exercise.two_sided:
        return f"left, right: of {planned} each", f"{drill.left} {drill.right}"
    return f"sets done of {planned}", str(drill.done)


class SetCounter(Vertical):
    """The drill's sets done in big digits, with a caption that says of how many."""

    # Today's rules for this widget, parsed when it is first mounted (after the first frame),
    # not at launch with today.tcss; not scoped, as they were there ("TodayScreen.-narrow ...").
    SCOPED_CSS = False
    DEFAULT_CSS = """
    /* the large view (b): the sets done in big digits under the rest timer */
    SetCounter {
        display: none;
        height: auto;
        border: round $primary 50%;
        padding: 0 1;
    }
    SetCounter .caption {
        width: 100%;
        text-align: center;
        color: $text-muted;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    SetCounter Digits {
        width: 100%;
        text-align: center;
        text-style: bold;
    }
    TodayScreen.-large SetCounter {
        display: block;
    }
    TodayScreen.-short SetCounter, TodayScreen.-narrow SetCounter {
        border: none;
    }
    TodayScreen.-large.-narrow.-short SetCounter {
        display: none;  /* no room: the rest timer's line and the switcher say as much */
    }
    """

    def compose(self) -> ComposeResult:
        yield Static("", classes="caption")
        yield Digits("0")

    def show(self, drill: DrillToday | None) -> None:
        """Count the sets of `drill` (nothing when there is no drill)."""
        caption, digits = counter_text(drill) if drill is not None else ("", "")
        self.query_one(".caption", Static).update(caption)
        self.query_one(Digits).update(digits)
