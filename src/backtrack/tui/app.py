"""The app: its factory, the timers that outlive screens, and the keys that work everywhere.

`create_app` takes a first look at the file (`glance`: today's drills, read-only, with
sqlite3 alone) and, when it can, the app draws today's drills from it at once while a worker
loads the store, the rules and pydantic and opens the store with all its checks (and the
daily backup); today's page fills in when that is done, and keys pressed meanwhile wait for
it. When the first look cannot be taken (no file yet, a PIN, the picker...) the store is
opened before anything is drawn. Either way a bad database or catalog is reported like any
command-line error (`run` raises it once the app has closed), before anything is written.

The rest countdown and the set stopwatch live here, read from an injected
`textual.clock.Clock`: a screen change never stops them, and tests move a `MockClock` and
call `tick_timers()` to see the result.

On a shared terminal (more than one active athlete, or any PIN) the app starts at the athlete
picker and locks back to it after `BACKTRACK_IDLE_LOCK_SECONDS` without a key or click
(5 minutes by default, read from the same clock): every screen of the last session is
closed, its timers are stopped and its notifications cleared.

Served to a browser (`backtrack serve` runs it with `--clinic-login`), the app asks the
clinic password on a login screen before it reads or shows anything of anyone's log.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Literal, NamedTuple

from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.clock import Clock as TimerClock
from textual.reactive import reactive
from textual.screen import Screen
from textual.worker import get_current_worker

from backtrack.catalog import Catalog, load_catalog
from backtrack.clock import Clock, SystemClock, local_date
from backtrack.collector import RESUME_LATEST, resume_collection
from backtrack.store.glance import Glance, glance_today
from backtrack.tui.desk import Desk
from backtrack.tui.lock import Hold, IdleLock, idle_seconds_from_env, needs_picker
from backtrack.tui.messages import FirstLookShown, SetTimed
from backtrack.tui.service import Gym
from backtrack.tui.timing import Countdown, Stopwatch, TimerView, clock_text

if TYPE_CHECKING:
    from backtrack.models import Athlete
    from backtrack.store import Store
    from backtrack.store.access import Via
    from backtrack.tui.host import Host

TICK_SECONDS = 0.2
THEMES = ("textual-dark", "textual-light")
INPUT_EVENTS = (events.Key, events.MouseDown, events.MouseScrollDown, events.MouseScrollUp)
# App keys that act on the session: they do nothing while the picker (or lock) shows.
# (Help works there: it shows the keys and no one's name or timers.)
SESSION_ACTIONS = frozenset(
    {
        "show_timer",
        "toggle_rest",
        "adjust_rest",
        "skip_rest",
        "toggle_stopwatch",
        "lock",
        "report_symptom",
    }
)
# Served to browsers: "if-set" asks the clinic password when one is set; "required" lets
# nobody in without one (the server listens beyond this machine).
ClinicLogin = Literal["if-set", "required"]


class Opening(NamedTuple):
    """The session to open behind a first look: `open_log`'s arguments."""

    db_path: Path
    athlete: str | None
    clock: Clock
    catalog: Catalog | None
    glance: Glance


class BacktrackApp(App[None]):
    """The gym-floor app for one athlete's log."""

    CSS_PATH = ["app.tcss", "today.tcss"]  # noqa: RUF012 (as the breakpoints below)
    # Every screen gets a class for its width and one for its height (Textual sets them on
    # resize); the stylesheets arrange each screen by them: wide as designed, medium wraps the
    # set form, narrow (a phone or a tablet in a browser) stacks everything in one column;
    # short screens drop borders and spacing before they drop content.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (70, "-medium"), (100, "-wide")]  # noqa: RUF012
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]  # noqa: RUF012
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
        Binding("ctrl+l", "lock", "Lock / switch athlete", show=False),
        Binding(
            "exclamation_mark",
            "report_symptom",
            "Report a symptom",
            show=False,
            key_display="!",
            tooltip="Report a symptom (numbness, weakness, bladder or bowel trouble...)",
        ),
        Binding(
            "q", "quit", "Quit", tooltip="Quit, from any screen (Esc first if typing in a box)"
        ),
    ]

    timers: reactive[TimerView] = reactive(TimerView())

    def __init__(
        self,
        gym: Gym | None,
        desk: Desk | None,
        *,
        timer_clock: TimerClock | None = None,
        idle_seconds: float | None = None,
        shared: bool = False,
        ask_for: Athlete | None = None,
        export_dir: Path | None = None,
        opening: Opening | None = None,
        served: bool = False,
        login: bool | None = None,
    ) -> None:
        """`gym` is the session to open at once, or None to start at the picker (asking
        `ask_for`'s PIN first if given), or with `opening` (and no desk yet) to draw its
        first look and open the session behind it. `shared` says the terminal has several
        athletes or PINs, so the app locks when idle for `idle_seconds` (0: never).
        `served`: the app runs in a browser (`backtrack serve`); `login` (with a desk and no
        gym) asks the clinic password first: True when one is set, False when none is set
        and the server needs one (nobody gets in)."""
        super().__init__()
        self.gym = gym
        self.desk = desk
        self.timer_clock = timer_clock or TimerClock()
        self.rest = Countdown(self.timer_clock)
        self.stopwatch = Stopwatch(self.timer_clock)
        self.idle = IdleLock(
            self.timer_clock, idle_seconds_from_env() if idle_seconds is None else idle_seconds
        )
        self.hold = Hold(self.timer_clock)
        self.via: Via = "browser" if served else "app"
        self.login = login
        self.shared = shared
        self.export_dir = export_dir
        self._ask_for = ask_for
        self.opening = opening
        self._first_look_shown = threading.Event()
        self.start_error: Exception | None = None  # why the session behind a first look failed

    @property
    def front_desk(self) -> Desk:
        """The desk. There is one from the start, or, behind a first look, once the store
        has opened: the picker and the history (the desk's only users) come after either."""
        if self.desk is None:
            raise RuntimeError("no desk yet: the store behind the first look is not open")
        return self.desk

    def on_mount(self) -> None:
        if self.login is not None:
            self._show_login(has_password=self.login)
        elif self.gym is not None:
            self._show_session(self.gym)
        elif self.opening is not None:
            # After this handler: Textual holds back every frame until the app's mount is
            # done, so a first look pushed here would be drawn once for nothing (~7 ms).
            self.call_later(self._show_first_look, self.opening)
        else:
            self.show_picker(ask_for=self._ask_for)
        self.set_interval(TICK_SECONDS, self.tick_timers)
        if self.opening is None:  # no store to open behind a first look: start-up is done
            self.call_after_refresh(resume_collection)
        else:  # resumed once the session is open, and by RESUME_LATEST in any case
            self.set_timer(RESUME_LATEST, resume_collection)

    def on_unmount(self) -> None:
        if self.gym is not None:
            self.gym.close()
        if self.desk is not None:
            self.desk.close()

    async def on_event(self, event: events.Event) -> None:
        """Any key press or click counts as someone at the screen (resets the idle lock)."""
        if isinstance(event, INPUT_EVENTS):
            self.idle.touch()
        await super().on_event(event)

    # -- who is training ----------------------------------------------------------------

    def _show_login(self, *, has_password: bool) -> None:
        """The clinic login, before anything else (served to a browser)."""
        from backtrack.tui.screens.login import ClinicLoginScreen

        screen = ClinicLoginScreen(self.front_desk, self.hold, has_password=has_password)
        self.push_screen(screen, self._logged_in)

    def _logged_in(self, right: bool | None) -> None:
        """The clinic password was right: on to the session (or the picker) as a terminal
        start would go."""
        if not right:
            return
        self.login = None
        person, self._ask_for = self._ask_for, None
        if person is not None and not person.has_pin:
            self.open_session(person)
        else:
            self.show_picker(ask_for=person)

    def show_picker(self, *, locked: bool = False, ask_for: Athlete | None = None) -> None:
        """Show the athlete picker; the athlete picked opens a new session."""
        from backtrack.tui.screens.athletes import AthletePickerScreen

        picker = AthletePickerScreen(
            self.front_desk, self.hold, locked=locked, ask_for=ask_for, via=self.via
        )
        self.push_screen(picker, self._picked)

    def _picked(self, athlete: Athlete | None) -> None:
        self.open_session(athlete)

    @work(exclusive=True, group="session")
    async def open_session(self, athlete: Athlete | None) -> None:
        """Open `athlete`'s session on a connection of its own (read off the UI thread)."""
        if athlete is None:
            return

        def opened() -> tuple[Gym, bool]:
            from backtrack.store import Store

            desk = self.front_desk
            # in a thread, the picker still on screen: check the whole file, whatever its size
            store = Store.open(desk.path, desk.catalog, desk.clock, full_check=True)
            try:
                return Gym(store, store.get_athlete(athlete.id), store.clock), needs_picker(
                    store.athletes()
                )
            except Exception:
                store.close()
                raise

        try:
            gym, self.shared = await asyncio.to_thread(opened)
        except Exception as exc:
            self.notify(f"Could not open {athlete.name}'s log: {exc}", severity="error")
            self.show_picker()
            return
        self.gym = gym
        self._show_session(gym)

    def _show_session(self, gym: Gym) -> None:
        from backtrack.tui.screens.today import TodayScreen

        self.idle.touch()
        self.sub_title = gym.athlete.name
        self.push_screen(TodayScreen(gym))
        self._tell_pin_notices(gym.athlete)

    @work(group="notices", exit_on_error=False)
    async def _tell_pin_notices(self, athlete: Athlete) -> None:
        """Tell the athlete, once, that their PIN was removed as forgotten meanwhile."""
        from backtrack.clock import local_date

        desk = self.front_desk
        moments = await asyncio.to_thread(desk.run, lambda s: s.take_pin_notices(athlete))
        if moments:
            day = local_date(moments[-1]).strftime("%d %b %Y")
            self.notify(
                f"Your PIN was removed on {day} as forgotten, from the command line. Set a new "
                "one: ctrl+l, then p on your name.",
                title="Your PIN was removed",
                severity="warning",
                timeout=60,
            )

    def _show_first_look(self, opening: Opening) -> None:
        """Draw today's drills from the first look; open the session once they are up."""
        from backtrack.tui.screens.today import TodayScreen

        self.idle.touch()
        self.sub_title = opening.glance.athlete_name
        self.push_screen(TodayScreen(None, opening.glance))
        self._open_behind_first_look(opening)

    def on_first_look_shown(self, message: FirstLookShown) -> None:
        self._first_look_shown.set()

    @work(thread=True, group="session", exit_on_error=False)
    def _open_behind_first_look(self, opening: Opening) -> None:
        """Once the first look is on the terminal (loading the store now would hold it back),
        open the store (checks, migrations, daily backup) and the athlete's session."""
        worker = get_current_worker()
        while not self._first_look_shown.wait(0.05):
            if worker.is_cancelled:
                return
        try:
            opened = open_log(
                opening.db_path, opening.athlete, opening.clock, opening.catalog, full_check=True
            )
        except Exception as exc:  # reported by `run` once the app has closed
            self.call_from_thread(self._first_look_failed, exc)
            return
        try:
            self.call_from_thread(self._first_look_opened, *opened)
        except Exception:  # the app closed meanwhile
            opened[0].close()
            raise

    def _first_look_opened(
        self, store: Store, desk: Desk, person: Athlete | None, shared: bool
    ) -> None:
        from backtrack.tui.screens.today import TodayScreen

        self.opening = None
        self.desk = desk
        resume_collection()  # start-up is over (see backtrack.collector)
        if person is None or person.has_pin:  # a PIN was set meanwhile: ask for it first
            store.close()
            self.shared = True
            while len(self.screen_stack) > 1:
                self.pop_screen()
            self.show_picker(ask_for=person)
            return
        self.shared = shared
        self.gym = Gym(store, person, store.clock)
        self.sub_title = person.name
        for screen in self.screen_stack:
            if isinstance(screen, TodayScreen) and not screen.attached:
                screen.attach(self.gym)
        self._tell_pin_notices(person)

    def _first_look_failed(self, exc: Exception) -> None:
        self.opening = None
        resume_collection()
        self.start_error = exc
        self.exit(return_code=2)

    def action_lock(self) -> None:
        """Lock now: close this session and show the picker (the next person picks)."""
        if self.gym is not None:
            self.lock()

    def lock(self) -> None:
        """Close every screen of the session, stop its timers and notes, show the picker."""
        gym, self.gym = self.gym, None
        self.rest.skip()
        if self.stopwatch.running:
            self.stopwatch.stop()
        self.timers = TimerView.of(self.rest, self.stopwatch)
        self.clear_notifications()
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.sub_title = ""
        if gym is not None:
            self.run_worker(gym.close, thread=True, group="close", exit_on_error=False)
        self.show_picker(locked=True)

    def open_history(self, exercise_id: str | None) -> None:
        """Show the session athlete's history, at `exercise_id`."""
        from backtrack.tui.screens.history import HistoryScreen

        if self.gym is not None:
            self.push_screen(
                HistoryScreen(
                    self.front_desk,
                    self.gym.athlete,
                    exercise_id=exercise_id,
                    export_dir=self.export_dir,
                    today=self.gym.today,
                )
            )

    def heading(self) -> tuple[str, str]:
        """The athlete's name and the day for a screen's top bar: the open session's, or
        the first look's while its store opens; at the picker no one's."""
        from backtrack.tui.widgets.top_bar import day_text

        if self.gym is not None:
            return self.gym.athlete.name, day_text(self.gym.today)
        if self.opening is not None:
            return self.opening.glance.athlete_name, day_text(self.opening.glance.day)
        if self.desk is not None:
            return "", day_text(local_date(self.desk.clock.now()))
        return "", ""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The session's keys do nothing while nobody's session is open (or opening); at
        the clinic login only quit, help and the theme work."""
        if self.login is not None and action not in {"quit", "help", "toggle_theme"}:
            return False
        return not (action in SESSION_ACTIONS and self.gym is None and self.opening is None)

    # -- timers -------------------------------------------------------------------------

    def tick_timers(self) -> None:
        """Read the timers now: ring the bell once when the rest reaches zero; lock the
        screen once it has been left alone for the idle time."""
        if self.gym is not None and self.shared and self.idle.expired:
            self.lock()
            return
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

    def action_report_symptom(self) -> None:
        """Report a red-flag symptom, from any screen of the session: today's page asks the
        pain number and then the red-flag questions (over the screen showing now)."""
        from backtrack.tui.screens.today import TodayScreen

        for screen in self.screen_stack:
            if isinstance(screen, TodayScreen):
                screen.report_symptom()
                return

    def action_help(self) -> None:
        """Show every key of every screen."""
        from backtrack.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_toggle_theme(self) -> None:
        """Switch between the light and the dark theme."""
        self.theme = THEMES[1] if self.theme == THEMES[0] else THEMES[0]

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
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
    athlete: str | None = "me",
    *,
    clock: Clock | None = None,
    timer_clock: TimerClock | None = None,
    catalog: Catalog | None = None,
    idle_seconds: float | None = None,
    export_dir: Path | None = None,
    clinic_login: ClinicLogin | None = None,
) -> BacktrackApp:
    """Build the app on the database at `db_path`.

    With `athlete` named, their session opens at once (created on first use; their PIN is
    asked first if they have one). With None, the picker shows when the terminal is shared
    (several active athletes, or a PIN), else the only athlete's session opens (or "me").
    `clock` gives wall time for logged sets and check-ins; `timer_clock` the monotonic time
    of the rest countdown, stopwatch, idle lock and PIN delays; `idle_seconds` defaults to
    BACKTRACK_IDLE_LOCK_SECONDS (5 minutes); `export_dir` is where the history screen
    writes CSV files (the current folder by default).

    When a first look at today's drills can be taken (see `glance`), the app draws it and
    opens the store in a worker; a failure there closes the app with `start_error` set.
    Otherwise the store is opened here, and StoreError or CatalogError raised if the
    database or the catalog cannot be used.

    With `clinic_login` (a browser session of `backtrack serve`) there is no first look:
    the store is opened here and, when a clinic password is set ("if-set") or whether or
    not ("required"), the app opens on the clinic login and shows nothing else until it
    is passed.
    """
    clock = clock or SystemClock()
    make = partial(
        BacktrackApp,
        timer_clock=timer_clock,
        idle_seconds=idle_seconds,
        export_dir=export_dir,
        served=clinic_login is not None,
    )
    if clinic_login is not None:
        store, desk, person, shared = open_log(db_path, athlete, clock, catalog)
        try:
            has_password = store.has_clinic_password()
        except Exception:
            store.close()
            raise
        if has_password or clinic_login == "required":
            store.close()
            return make(None, desk, shared=shared, ask_for=person, login=has_password)
        if person is None or person.has_pin:
            store.close()
            return make(None, desk, shared=True, ask_for=person)
        return make(Gym(store, person, store.clock), desk, shared=shared)
    glance = glance_today(db_path, athlete, local_date(clock.now()), catalog)
    if glance is not None:
        opening = Opening(db_path, athlete, clock, catalog, glance)
        return make(None, None, shared=glance.shared, opening=opening)
    store, desk, person, shared = open_log(db_path, athlete, clock, catalog)
    if person is None or person.has_pin:
        store.close()
        return make(None, desk, shared=True, ask_for=person)
    return make(Gym(store, person, store.clock), desk, shared=shared)


def open_log(
    db_path: Path,
    athlete: str | None,
    clock: Clock,
    catalog: Catalog | None,
    *,
    full_check: bool = False,
) -> tuple[Store, Desk, Athlete | None, bool]:
    """Open the store (with its checks, migrations and daily backup) and find whose session
    to open: (store, desk, the athlete or None for the picker, whether the terminal is
    shared). `athlete` is created on first use; with None, the only athlete (or "me").
    `full_check` runs `PRAGMA quick_check` whatever the file's size (for an open behind the
    first look, where it costs the lifter no wait for the first frame). Raises StoreError
    or CatalogError."""
    from backtrack.store import Store

    store = Store.open(db_path, catalog or load_catalog(), clock, full_check=full_check)
    try:
        everyone = store.athletes()
        person: Athlete | None = None
        if athlete is not None:
            person = store.athlete(athlete)
        elif not needs_picker(everyone):
            person = everyone[0] if everyone else store.athlete("me")
        shared = needs_picker(store.athletes())
    except Exception:
        store.close()
        raise
    return store, Desk.beside(store), person, shared


def run(db_path: Path, athlete: str | None, *, clinic_login: ClinicLogin | None = None) -> None:
    """Run the app in this terminal (or, served, in a browser) until the lifter quits (see
    `create_app`); raises what stopped the session behind a first look from opening."""
    app = create_app(db_path, athlete, clinic_login=clinic_login)
    app.run()
    if app.start_error is not None:
        raise app.start_error


if TYPE_CHECKING:

    def _is_a_host(app: BacktrackApp) -> Host:
        """The screens take the app for a `Host` (`host.host`): mypy checks here that it is."""
        return app
