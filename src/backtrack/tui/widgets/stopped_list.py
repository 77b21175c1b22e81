"""The drills the rules stopped, listed apart from today's session in the error colour: each
with when and why, and the command a clinician runs to resume it. Hidden when there are none.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual.content import Content
from textual.widgets import Static

if TYPE_CHECKING:
    from backtrack.tui.service import StoppedDrill


def stopped_text(drills: Sequence[StoppedDrill]) -> Content:
    """Each stopped drill: '■ Stopped: Jefferson curl on 25 Nov, out of your sessions. Set 1
    hurt at 7/10 ...' (its reason), then 'Your clinician can resume it with `backtrack plan
    jefferson-curl --active`.'"""
    parts = []
    for drill in drills:
        local = drill.at.astimezone()
        reason = drill.reason.rstrip(".")
        parts.append(
            Content.assemble(
                ("■ Stopped: ", "bold"),
                (drill.exercise.name, "bold"),
                f" on {local.day} {local:%b}, out of your sessions. ",
                f"{reason[:1].upper()}{reason[1:]}.\n" if reason else "\n",
                "Your clinician can resume it with ",
                (f"`{drill.resume}`", "bold"),
                ".",
            )
        )
    return Content("\n").join(parts)


class StoppedList(Static):
    """The stopped drills (none: hidden)."""

    # Today's rules for this widget, parsed when it is first mounted (after the first frame),
    # not at launch with today.tcss; not scoped, as they were there ("TodayScreen.-narrow ...").
    SCOPED_CSS = False
    DEFAULT_CSS = """
    StoppedList {
        height: auto;
        padding: 0 1;
        margin: 0 0 1 0;
        border-left: outer $error;
        background: $error 10%;
        color: $text-error;
    }
    TodayScreen.-short StoppedList, TodayScreen.-narrow StoppedList {
        margin: 0;
    }
    """

    def show(self, drills: Sequence[StoppedDrill]) -> None:
        """List `drills`; hide the list when there are none."""
        self.display = bool(drills)
        self.update(stopped_text(drills))
