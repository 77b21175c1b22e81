"""The rest countdown and set stopwatch as the lifter sees them.

The timers themselves live on the app (so they run on whatever screen is showing); these
widgets only watch `app.timers` and draw it: a one-line badge for every screen's top bar,
and big `Digits` for the Today side panel and the timer screen.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Digits, Static

from backtrack.tui.timing import TimerView, clock_text

CAPTIONS = {
    "idle": "rest: starts after a set",
    "running": "rest",
    "paused": "rest PAUSED (space resumes)",
    "done": "REST OVER: next set!",
}


def badge_text(view: TimerView) -> Content:
    """The top bar's one-line summary of both timers."""
    parts: list[str | tuple[str, str]] = []
    if view.stopwatch_running and view.stopwatch is not None:
        parts.append((f" set {clock_text(view.stopwatch)} ", "bold"))
    if view.rest_state == "running":
        parts.append((f" rest {clock_text(view.rest_left)} ", "bold"))
    elif view.rest_state == "paused":
        parts.append((f" rest {clock_text(view.rest_left)} paused ", "bold"))
    elif view.rest_state == "done":
        parts.append((" REST OVER: go! ", "bold"))
    return Content.assemble(*parts) if parts else Content("")


class RestBadge(Static):
    """The rest time left in one line, on every screen; a click opens the timer screen."""

    def on_mount(self) -> None:
        self.watch(self.app, "timers", self._show)

    def _show(self, view: TimerView) -> None:
        self.update(badge_text(view))
        self.set_class(view.rest_state == "done", "-done")
        self.set_class(view.rest_state == "paused", "-paused")
        self.set_class(view.rest_state == "running" or view.stopwatch_running, "-running")

    async def on_click(self) -> None:
        await self.app.run_action("show_timer")


def clock_line(view: TimerView) -> str:
    """The rest in one line, for a screen with no room for the digits: 'rest 1:23 after
    Jefferson curl set 3', 'rest 1:23 PAUSED (space resumes)', 'REST OVER: next set!'."""
    left = clock_text(view.rest_left)
    if view.rest_state == "running":
        return f"rest {left} after {view.rest_label}" if view.rest_label else f"rest {left}"
    if view.rest_state == "paused":
        return f"rest {left} PAUSED (space resumes)"
    return CAPTIONS[view.rest_state]


class RestDisplay(Vertical):
    """The rest countdown in big digits with a caption saying what it is doing; or, where
    the stylesheet gives it no room for the digits (a short, narrow screen), in one line."""

    # Today's rules for this widget, parsed when it is first mounted (after the first frame),
    # not at launch with today.tcss; not scoped, as they were there ("TodayScreen.-narrow ...").
    SCOPED_CSS = False
    DEFAULT_CSS = """
    /* The timer screen's #big-rest is a RestDisplay too: its rules in app.tcss win over these. */
    RestDisplay {
        height: auto;
        border: round $primary 50%;
        padding: 0 1;
    }
    RestDisplay .caption {
        width: 100%;
        text-align: center;
        color: $text-muted;
    }
    RestDisplay Digits {
        width: 100%;
        text-align: center;
        color: $text-muted;
        text-style: bold;  /* the heavy-line digits read better from across the room */
    }
    RestDisplay.-running Digits, RestDisplay.-running .caption {
        color: $accent;
        text-style: bold;
    }
    RestDisplay.-paused Digits {
        color: $warning;
    }
    RestDisplay.-done {
        border: heavy $success;
    }
    RestDisplay.-done Digits, RestDisplay.-done .caption {
        color: $success;
        text-style: bold;
    }
    RestDisplay.-flash {
        background: $warning;
    }
    RestDisplay.-flash Digits, RestDisplay.-flash .caption {
        color: $text;
    }
    RestDisplay .clock-line {
        display: none;
        width: 100%;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    /* short or narrow: no box */
    TodayScreen.-short RestDisplay, TodayScreen.-narrow RestDisplay {
        border: none;
    }
    /* narrow: the rest in a line (in big digits in the large view) */
    TodayScreen.-narrow RestDisplay .caption, TodayScreen.-narrow RestDisplay Digits {
        display: none;
    }
    TodayScreen.-narrow RestDisplay .clock-line {
        display: block;
    }
    TodayScreen.-narrow RestDisplay {
        padding: 0 1;
    }
    TodayScreen.-narrow RestDisplay {
        border: none;
    }
    /* the large view on a narrow screen: the rest timer in big digits when there are 30 rows or
       more */
    TodayScreen.-large.-narrow.-tall RestDisplay .caption,
    TodayScreen.-large.-narrow.-tall RestDisplay Digits {
        display: block;
    }
    TodayScreen.-large.-narrow.-tall RestDisplay .clock-line {
        display: none;
    }
    """

    def compose(self) -> ComposeResult:
        yield Static(CAPTIONS["idle"], classes="caption")
        yield Digits("0:00")
        yield Static(CAPTIONS["idle"], classes="clock-line")

    def on_mount(self) -> None:
        if self.query(Digits):  # not when the app closed while this was being mounted
            self.watch(self.app, "timers", self._show)

    def _show(self, view: TimerView) -> None:
        caption = CAPTIONS[view.rest_state]
        if view.rest_state == "running" and view.rest_label:
            caption = f"rest after {view.rest_label}"
        self.query_one(".caption", Static).update(caption)
        self.query_one(Digits).update(clock_text(view.rest_left))
        self.query_one(".clock-line", Static).update(clock_line(view))
        for state in CAPTIONS:
            self.set_class(view.rest_state == state, f"-{state}")
        self.set_class(view.flash, "-flash")


class StopwatchDisplay(Vertical):
    """The set stopwatch (time under tension) in big digits."""

    def compose(self) -> ComposeResult:
        yield Static("set stopwatch: s starts it", classes="caption")
        yield Digits("0:00")

    def on_mount(self) -> None:
        self.watch(self.app, "timers", self._show)

    def _show(self, view: TimerView) -> None:
        if view.stopwatch is None:
            caption = "set stopwatch: s starts it"
        elif view.stopwatch_running:
            caption = "set in progress (s stops)"
        else:
            caption = "last set took (s starts again)"
        self.query_one(".caption", Static).update(caption)
        self.query_one(Digits).update(clock_text(view.stopwatch or 0))
        self.set_class(view.stopwatch_running, "-running")
