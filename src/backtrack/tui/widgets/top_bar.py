"""The line at the top of every screen: the app, the athlete, the date and the rest time."""

from __future__ import annotations

from datetime import date

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Static

from backtrack.tui.timing import TimerView
from backtrack.tui.widgets.rest_timer import RestBadge


def day_text(day: date) -> str:
    """A top bar's day: 'Wed 25 Nov'."""
    return day.strftime("%a %d %b")


class TopBar(Horizontal):
    """`backtrack`, the athlete's name and today's date on the left (either left out when
    empty, as at the picker); the rest badge right."""

    def __init__(self, athlete: str, day: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._athlete = athlete
        self._day = day

    def compose(self) -> ComposeResult:
        # The app's name apart, so that a narrow screen can leave it out (app.tcss).
        parts: list[str | tuple[str, str]] = []
        if self._athlete:
            parts += [(self._athlete, "bold")]
        if self._day:
            parts += ["  ·  " if parts else "", self._day]
        app_name = Content.assemble(("backtrack", "bold"), "  ·  " if parts else "")
        yield Static(app_name, classes="app-name")
        yield Static(Content.assemble(*parts), classes="brand")
        yield RestBadge()

    def on_mount(self) -> None:
        self.watch(self.app, "timers", self._flash)

    def _flash(self, view: TimerView) -> None:
        self.set_class(view.flash, "-flash")
