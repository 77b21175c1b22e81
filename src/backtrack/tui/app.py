"""The app: its factory, the timers that outlive screens, and the keys that work everywhere.

`create_app` opens the store and finds the athlete before anything is drawn, so a bad
database is reported like any command-line error. The rest countdown and the set stopwatch
live here, read from an injected `textual.clock.Clock`: a screen change never stops them,
and tests move a `MockClock` and call `tick_timers()` to see the result.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from pathlib import Path
from typing import ClassVar

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.clock import Clock as TimerClock
from textual.reactive import reactive
from textual.screen import Screen

from backtrack.catalog import Catalog, load_catalog
from backtrack.clock import Clock, SystemClock
from backtrack.store import Store
from backtrack.tui.messages import SetTimed
from backtrack.tui.service import Gym
from backtrack.tui.timing import Countdown, Stopwatch, TimerView, clock_text

TICK_SECONDS = 0.2
REST_STEP_SECONDS = 15
THEMES = ("textual-dark", "textual-light")


class BacktrackApp(App[None]):
    """The gym-floor app for one athlete's log."""

    CSS_PATH = "app.tcss"
    TITLE = "backtrack"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("t", "show_timer", "Timer", tooltip="The big rest timer and set stopwatch"),
        Binding("question_mark", "help", "Help", key_display="?", tooltip="Every key"),
        Binding("space", "toggle_rest", "Pause/resume rest", show=False),
        Binding("plus,equals_sign", "adjust_rest(15)", "Rest +15 s", show=False, key_display="+"),
        Binding("minus", "adjust_rest(-15)", "Rest -15 s", show=False, key_display="-"),
        Binding("k", "skip_rest", "Skip rest", show=False),
        Binding("s", "toggle_stopwatch", "Start/stop set stopwatch", show=False),
        Binding("ctrl+t", "toggle_theme", "Light/dark theme", show=False),
        Binding("q", "quit", "Quit"),
    ]

    timers: reactive[TimerView] = reactive(TimerView())

    def __init__(self, gym: Gym, *, timer_clock: TimerClock | None = None) -> None:
        super().__init__()
        self.gym = gym
        self.timer_clock = timer_clock or TimerClock()
        self.rest = Countdown(self.timer_clock)
        self.stopwatch = Stopwatch(self.timer_clock)

    def on_mount(self) -> None:
        from backtrack.tui.screens.today import TodayScreen

        self.push_screen(TodayScreen(self.gym))
        self.set_interval(TICK_SECONDS, self.tick_timers)

    def on_unmount(self) -> None:
        self.gym.close()

    # -- timers -------------------------------------------------------------------------

    def tick_timers(self) -> None:
        """Read the timers now: ring the bell once when the rest reaches zero."""
        if self.rest.reached_zero:
            self.rest.finish()
            self.bell()
            self.notify(
                f"Rest over after {self.rest.label}: time for the next set.",
                title="Rest over",
                severity="warning",
                timeout=10,
            )
        self.timers = TimerView.of(self.rest, self.stopwatch)

    def start_rest(self, seconds: float, label: str) -> None:
        """Start the rest countdown (a set was just logged); a running stopwatch stops."""
        if self.stopwatch.running:
            self.stopwatch.stop()
        self.rest.start(seconds, label)
        self.tick_timers()

    def action_toggle_rest(self) -> None:
        """Pause or resume the rest countdown."""
        self.rest.toggle_pause()
        self.tick_timers()

    def action_adjust_rest(self, seconds: int) -> None:
        """Add or take away rest time."""
        self.rest.adjust(seconds)
        self.tick_timers()

    def action_skip_rest(self) -> None:
        """End the rest now, without the bell."""
        self.rest.skip()
        self.tick_timers()

    def action_toggle_stopwatch(self) -> None:
        """Start timing a set (ending the rest), or stop and report how long it took."""
        if self.stopwatch.running:
            seconds = round(self.stopwatch.stop())
            self.notify(f"The set took {clock_text(seconds)}.", title="Set stopwatch")
            for screen in self.screen_stack:
                screen.post_message(SetTimed(seconds))
        else:
            self.rest.skip()
            self.stopwatch.start()
        self.tick_timers()

    # -- screens and looks --------------------------------------------------------------

    def action_show_timer(self) -> None:
        """Open the big rest timer (or go back from it)."""
        from backtrack.tui.screens.timer import TimerScreen

        if isinstance(self.screen, TimerScreen):
            self.pop_screen()
        else:
            self.push_screen(TimerScreen())

    def action_help(self) -> None:
        """Show every key of every screen."""
        from backtrack.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_toggle_theme(self) -> None:
        """Switch between the light and the dark theme."""
        self.theme = THEMES[1] if self.theme == THEMES[0] else THEMES[0]

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The command palette: Textual's own commands, then every key of this screen."""
        yield from super().get_system_commands(screen)
        seen = {"Quit"}
        for active in screen.active_bindings.values():
            binding = active.binding
            title = binding.description
            if not title or title in seen or binding.system:
                continue
            seen.add(title)
            yield SystemCommand(
                title,
                f"key: {self.get_key_display(binding)}",
                partial(self.run_action, binding.action, active.node),
            )


def create_app(
    db_path: Path,
    athlete: str = "me",
    *,
    clock: Clock | None = None,
    timer_clock: TimerClock | None = None,
    catalog: Catalog | None = None,
) -> BacktrackApp:
    """Build the app on the database at `db_path` for `athlete` (created on first use).

    `clock` gives wall time for logged sets and check-ins; `timer_clock` the monotonic time
    of the rest countdown and stopwatch. Raises StoreError if the database cannot be used.
    """
    store = Store.open(db_path, catalog or load_catalog(), clock or SystemClock())
    try:
        person = store.athlete(athlete)
    except Exception:
        store.close()
        raise
    return BacktrackApp(Gym(store, person, store.clock), timer_clock=timer_clock)


def run(db_path: Path, athlete: str) -> None:
    """Run the app in this terminal until the lifter quits."""
    create_app(db_path, athlete).run()
