"""The line at the top of every screen: the app, the athlete, the date and the rest time."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Static

from backtrack.tui.timing import TimerView
from backtrack.tui.widgets.rest_timer import RestBadge


class TopBar(Horizontal):
    """`backtrack`, the athlete's name and today's date on the left; the rest badge right."""

    def __init__(self, athlete: str, day: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._athlete = athlete
        self._day = day

    def compose(self) -> ComposeResult:
        yield Static(
            Content.assemble(
                ("backtrack", "bold"), "  ·  ", (self._athlete, "bold"), "  ·  ", self._day
            ),
            classes="brand",
        )
        yield RestBadge()

    def on_mount(self) -> None:
        self.watch(self.app, "timers", self._flash)

    def _flash(self, view: TimerView) -> None:
        self.set_class(view.flash, "-flash")
