"""Today: the day's drills, the selected drill's plan, suggestion and sets, and the set form.

The screen has two modes. With the cursor in the set table, single keys act (Enter logs,
e edits, x deletes, u undoes, a/d accept or decline, left/right or 1-9 pick a drill). Enter
puts the cursor in the form; Enter there commits the set and brings the cursor back.

A two-sided drill (the side bend, the windmill) is logged by side: the form offers L first,
then after each set the side the lifter's order gives (alternating, or all of one side
first); w switches the next set to the other side and o switches the order, which is
remembered per drill. The rest after a set is the drill's full rest, or its shorter
side-switch rest when the next set is on the other side. The first start after sides came
says once, in a note, how many earlier sets of these drills keep no side.
a/d do nothing on a suggestion that is no decision (dimmed; pressed, they say why), and
accepting a stop asks first: a stopped drill leaves the session and is listed apart, in the
error colour, with the command that resumes it.

The check-in (c, and on arrival) asks the pain number, then the red-flag questions when
`progression.ask_red_flags` says they are due (always when the lifter reports a symptom
with !). Any yes brings the advice on a full screen at once; a check-in at the athlete's
flare level brings the flare guidance as soon as it is saved, before any set is logged.

All database work runs in thread workers, one at a time (see `service.Gym`), and posts a
message back; a failure is shown and the form keeps what was typed (a check-in answer that
could not be saved is kept too, and tried again every CHECK_IN_RETRY_SECONDS).

At start-up the screen may come up before the store is open, drawn from a first look at the
file (`glance.Glance`): its first frame holds the top bar, the drills with their plans and
sets done (the rules' suggestions follow with the store) and the first drill's plan, in as
few widgets as can show them (Textual's first frame waits for every widget mounted before
it). Once that frame is on the terminal the screen mounts the rest (a card per drill, the
rest timer, the suggestion, the set table, the form and the keys) and posts
`FirstLookShown`; the app's worker then opens the store and the app `attach`es the session.
Until today's page has been read, the keys that act on it wait and run once it is shown
(unless the check-in question comes up first).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widget import MountError, Widget
from textual.widgets import DataTable, Footer, Static

from backtrack.errors import StoreError
from backtrack.tui.host import host
from backtrack.tui.messages import (
    CheckedIn,
    Decided,
    FirstLookShown,
    RedFlagsDue,
    SetDeleted,
    SetLogged,
    SetTimed,
    SetUpdated,
    SideOrderSaved,
    SidesNotice,
    StoreFailed,
    TodayLoaded,
)
from backtrack.tui.service import (
    ORDER_WORDS,
    OTHER_ORDER,
    CheckInAnswer,
    DrillToday,
    Gym,
    TodayView,
    can_decide,
    next_side,
    refusal,
)
from backtrack.tui.timing import clock_text
from backtrack.tui.widgets.drill_list import DrillList
from backtrack.tui.widgets.rest_timer import RestDisplay
from backtrack.tui.widgets.set_table import SetTable
from backtrack.tui.widgets.stopped_list import StoppedList
from backtrack.tui.widgets.suggestion_banner import SuggestionBanner, plan_text
from backtrack.tui.widgets.top_bar import TopBar, day_text
from backtrack.units import Unit, format_load

if TYPE_CHECKING:
    from textual.timer import Timer

    from backtrack.models import SetEntry, Side
    from backtrack.store.glance import DrillGlance, Glance
    from backtrack.tui.screens.red_flags import RedFlagReply
    from backtrack.tui.widgets.log_form import LogForm

DB_GROUP = "db"
CHECK_IN = "record the check-in"
SIDE_ORDER = "remember the order of the sides"
SIDES_NOTICE_SECONDS = 20  # how long the note about sets logged before sides stays up
# A check-in that could not be saved (database busy) is kept and tried again this often.
CHECK_IN_RETRY_SECONDS = 10.0
# The rest of the page is mounted this long after the first look at the latest, should no
# layout refresh tell that its first frame is on the terminal.
FIRST_FRAME_LATEST = 0.3


def drill_title(drill: DrillToday | DrillGlance, unit: Unit) -> Content:
    """The drill's name and what it loads over its plan and rest, e.g.
    'Jefferson curl  loads flexion' / 'Plan 3 × 6-8 · 0 kg · ROM 1 ... · rest 1:30'; for a
    two-sided drill 'sets per side' after the loads, and the rest between the sides."""
    exercise = drill.exercise
    if exercise.two_sided:
        sides = " · sets per side"
        rest = (
            f" · rest {clock_text(exercise.rest_seconds)}, "
            f"{clock_text(exercise.side_switch_seconds)} between sides"
        )
    else:
        sides, rest = "", f" · rest {clock_text(exercise.rest_seconds)}"
    return Content.assemble(
        (exercise.name, "bold"),
        f"  loads {exercise.loads}{sides}\n",
        ("Plan ", "bold"),
        plan_text(exercise, drill.plan, unit),
        rest,
    )


class TodayScreen(Screen[None]):
    """The lifter's page for today's session."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "log", "Log set", tooltip="Type the next set in the form"),
        Binding("e", "edit", "Edit", tooltip="Change the selected set"),
        Binding("x,delete", "delete", "Delete", tooltip="Delete the selected set (asks first)"),
        Binding("u", "undo", "Undo", tooltip="Take back the last set logged"),
        Binding("a", "accept", "Accept", tooltip="Accept the suggestion: the plan changes"),
        Binding("d", "decline", "Decline", tooltip="Decline the suggestion: the plan stays"),
        Binding("c", "check_in", "Check-in", tooltip="Record back pain right now (0-10)"),
        Binding(
            "h", "history", "History", tooltip="This drill's sessions, trends and plan changes"
        ),
        Binding(
            "w",
            "switch_side",
            "Other side",
            show=False,
            tooltip="Log the next set on the other side (side bend, windmill)",
        ),
        Binding(
            "o",
            "side_order",
            "Side order",
            show=False,
            tooltip="Alternate the sides, or do all of one side first (remembered per drill)",
        ),
        Binding("left", "step_drill(-1)", "Previous drill", show=False),
        Binding("right", "step_drill(1)", "Next drill", show=False),
        *(
            Binding(str(n), f"pick_drill({n - 1})", "Drill by number", show=False)
            for n in range(1, 10)
        ),
    ]

    def __init__(self, gym: Gym | None, glance: Glance | None = None) -> None:
        """`gym` is the open session; or None with `glance`, the first look to draw until the
        app `attach`es the session."""
        super().__init__()
        self._gym = gym
        self.glance = glance
        # The first look's unit, checked once (the store keeps it 'kg' or 'lb').
        self._glance_unit: Unit = glance.unit if glance is not None else "kg"
        self.view: TodayView | None = None
        self.waiting: list[Callable[[], None]] = []  # keys pressed before today was read
        self.complete = asyncio.Event()  # set once the page's every widget is mounted
        self._timed: SetTimed | None = None  # a set timed before the form was mounted
        self.first_frame_shown = False
        self.selected = 0
        self.drafts: dict[str, dict[str, str]] = {}  # typed but not logged, per drill
        self.form_drill: str | None = None  # the drill the form is filled for
        # The side the lifter switched the next set to (w), per drill, until a set is logged.
        self.chosen_sides: dict[str, Side] = {}
        self._notice_asked = False  # the note about sets logged before sides: asked for
        self.logged: list[int] = []  # sets logged in this run, for undo
        self.asked_check_in = False
        self.unsaved_check_in: CheckInAnswer | None = None  # answered, not saved yet
        self._check_in_retry: Timer | None = None
        self._check_in_failing = False  # said so already: the retries fail quietly

    @property
    def attached(self) -> bool:
        """Whether the session is open (else the first look is on show)."""
        return self._gym is not None

    @property
    def gym(self) -> Gym:
        """The open session. Today's page is read through it, so everything that acts on
        the page (or follows its database work) may use it; the first look may not."""
        if self._gym is None:
            raise RuntimeError("today's session is not open yet: the first look is on show")
        return self._gym

    def compose(self) -> ComposeResult:
        drills: Sequence[DrillToday | DrillGlance]
        unit: Unit
        if self._gym is not None:
            name, day, drills, unit = self._gym.athlete.name, self._gym.today, (), "kg"
        else:
            assert self.glance is not None
            name, day = self.glance.athlete_name, self.glance.day
            drills, unit = self.glance.drills, self._glance_unit
        whole = self.attached  # else the first look: the rest follows its first frame
        yield TopBar(name, day_text(day))
        with Horizontal(id="today"):
            with Vertical(id="side"):
                yield DrillList(drills, unit=unit, id="drills")
                if whole:
                    yield RestDisplay(id="rest")
            with Vertical(id="main"):
                if whole:
                    yield StoppedList(id="stopped")
                yield Static(drill_title(drills[0], unit) if drills else "", id="drill-title")
                if whole:
                    yield from self._rest_of_page()
        if whole:
            yield Footer(compact=True)

    @staticmethod
    def _rest_of_page() -> list[Widget]:
        """What follows the drill's title: the suggestion, today's sets and the set form."""
        from backtrack.tui.widgets.log_form import LogForm  # (loaded after the first frame)

        return [SuggestionBanner(id="suggestion"), SetTable(id="sets"), LogForm(id="form")]

    @property
    def form(self) -> LogForm:
        """The set form."""
        from backtrack.tui.widgets.log_form import LogForm  # (loaded after the first frame)

        return self.query_one("#form", LogForm)

    def on_mount(self) -> None:
        if self.attached:
            self.query_one(SetTable).focus()
            self.complete.set()
            self.reload()
        else:
            self.screen_layout_refresh_signal.subscribe(self, self._laid_out)
            self.set_timer(FIRST_FRAME_LATEST, self._after_first_frame)

    def _laid_out(self, screen: Screen[object]) -> None:
        """After each layout refresh until the first look is on the terminal: the drills are
        laid out and the frame was not held back (Textual holds frames back while it batches
        updates, all through start-up; its counter is private, hence the `getattr`)."""
        if self.query_one(DrillList).region and not getattr(self.app, "_batch_count", 0):
            self.call_later(self._after_first_frame)  # behind a frame still being drawn

    async def _after_first_frame(self) -> None:
        """The first look is on the terminal: mount the rest, let the session open."""
        if self.first_frame_shown:
            return
        self.first_frame_shown = True
        self.screen_layout_refresh_signal.unsubscribe(self)
        assert self.glance is not None
        self.query_one(DrillList).show(  # a card each
            self.glance.drills, self.selected, unit=self._glance_unit
        )
        rest: tuple[tuple[str | None, list[Widget], int | None], ...] = (
            ("#side", [RestDisplay(id="rest")], None),
            ("#main", [StoppedList(id="stopped")], 0),  # above the drill's title
            ("#main", self._rest_of_page(), None),
            (None, [Footer(compact=True)], None),
        )
        for where, widgets, before in rest:
            if self._quitting():
                return  # the lifter quit already (q as the app came up): nothing to finish
            try:
                await (self.query_one(where) if where else self).mount_all(widgets, before=before)
            except MountError:
                if not self._quitting():
                    raise
                return
        self.query_one(SetTable).focus()
        self.complete.set()
        if self._timed is not None:
            self.on_set_timed(self._timed)
        self.app.post_message(FirstLookShown())

    def _quitting(self) -> bool:
        """Whether the app is closing (it may start to while widgets mount)."""
        return self.app.return_code is not None

    def attach(self, gym: Gym) -> None:
        """The session is open: read today's page (the first look stays until it is shown)."""
        self._gym = gym
        self.reload()

    def _later(self, action: Callable[[], None]) -> bool:
        """While today's page is not read yet, keep `action` for when it is and say True."""
        if self.view is not None:
            return False
        self.waiting.append(action)
        return True

    # -- the selected drill ---------------------------------------------------------------

    @property
    def drill(self) -> DrillToday | None:
        """The drill on show, if there is one."""
        if self.view is None or not self.view.drills:
            return None
        return self.view.drills[min(self.selected, len(self.view.drills) - 1)]

    def render_view(self) -> None:
        """Draw the loaded view; never overwrites what the lifter is typing."""
        view, drill = self.view, self.drill
        if view is None:
            return
        self.set_class(drill is None, "-no-drills")
        self.query_one(DrillList).show(view.drills, self.selected, unit=view.athlete.unit)
        self.query_one(StoppedList).show(view.stopped)
        if drill is None:
            self.query_one("#drill-title", Static).update(
                "No drill left in today's session."
                if view.stopped
                else "No active drills. A clinician can add one: backtrack plan DRILL --active"
            )
            return
        unit = view.athlete.unit
        exercise = drill.exercise
        self.query_one("#drill-title", Static).update(drill_title(drill, unit))
        self.query_one(SuggestionBanner).show(
            exercise,
            drill.plan,
            drill.suggestion,
            unit,
            today=view.day,
            problem=drill.suggestion_problem,
            checked_in=view.checkin is not None,
        )
        self.query_one(SetTable).show(exercise, drill.sets, unit)
        self._show_form(drill)
        self.refresh_bindings()

    def _show_form(self, drill: DrillToday) -> None:
        form = self.form
        if form.editing is not None:
            return
        self._stash_form()
        exercise_id = drill.exercise.id
        form.configure(
            drill.exercise, self.gym.athlete.unit, drill.next_numbers(), drill.side_order
        )
        draft = self.drafts.get(exercise_id)
        if draft is not None:
            form.restore(draft)
        else:
            form.fill(drill.prefill(self.gym.athlete, self.chosen_sides.get(exercise_id)))
        self.form_drill = exercise_id

    def _stash_form(self) -> None:
        """Keep what was typed for the drill the form shows (dropped if nothing was typed)."""
        form = self.form
        if self.form_drill is None or form.editing is not None:
            return
        if form.is_dirty:
            self.drafts[self.form_drill] = form.raw()
        else:
            self.drafts.pop(self.form_drill, None)

    def action_step_drill(self, step: int) -> None:
        """Show the previous (-1) or next (+1) drill."""
        if self._later(lambda: self.action_step_drill(step)):
            return
        if self.view and self.view.drills:
            self.action_pick_drill((self.selected + step) % len(self.view.drills))

    def action_pick_drill(self, index: int) -> None:
        """Show the drill at `index` (0-based) of the day's list."""
        if self._later(lambda: self.action_pick_drill(index)):
            return
        if not self.view or not 0 <= index < len(self.view.drills) or index == self.selected:
            return
        self._cancel_edit()
        self.selected = index
        self.render_view()

    @on(DrillList.Picked)
    def _drill_clicked(self, event: DrillList.Picked) -> None:
        self.action_pick_drill(event.index)

    # -- database work ------------------------------------------------------------------

    def _db(self, doing: str, work: Callable[[], Message | None], *, reload: bool = True) -> None:
        """Run `work` in a thread worker after any earlier database work; post its message.

        Its message is posted as soon as `work` returns (a logged set is committed by then and
        its row goes up at once); with `reload`, today's view (plans, suggestions) is read
        afterwards and posted too. A failure posts StoreFailed naming what failed.
        """

        def attempt(step: str, run: Callable[[], Message | None]) -> bool:
            """Run one step and post its message; or post StoreFailed and say False."""
            try:
                message = run()
            except StoreError as exc:
                self.post_message(StoreFailed(step, str(exc), getattr(exc, "field", None)))
                return False
            except Exception as exc:  # never lose the app (and the typed set) to a surprise
                self.post_message(StoreFailed(step, f"unexpected {type(exc).__name__}: {exc}"))
                return False
            if message is not None:
                self.post_message(message)
            return True

        def job() -> None:
            if attempt(doing, work) and reload:
                attempt("read today's log", lambda: TodayLoaded(self.gym.load()))

        self.run_worker(job, name=doing, group=DB_GROUP, thread=True, exit_on_error=False)

    def reload(self) -> None:
        """Read today's log again."""
        self._db("read today's log", lambda: None)

    async def on_today_loaded(self, message: TodayLoaded) -> None:
        await self.complete.wait()
        self.view = message.view
        self.render_view()
        if not self._notice_asked:
            self._notice_asked = True
            self._ask_sides_notice()
        waiting, self.waiting = self.waiting, []
        if message.view.checkin is None and not self.asked_check_in:
            self.asked_check_in = True
            self.action_check_in()  # answered first: the keys pressed before it are dropped
            return
        for action in waiting:
            action()

    def _ask_sides_notice(self) -> None:
        """Once, when today's page is first shown: whether to say that earlier sets of the
        two-sided drills keep no side (a database that had sets before sides existed)."""

        def job() -> None:
            try:
                count = self.gym.sides_notice()
            except Exception:  # said another time: not worth a note of its own
                return
            if count:
                self.post_message(SidesNotice(count))

        self.run_worker(job, name="notices", group=DB_GROUP, thread=True, exit_on_error=False)

    def on_sides_notice(self, message: SidesNotice) -> None:
        """Say once that the sets logged before sides keep no side (not a question)."""
        names = [e.name for e in self.gym.store.catalog if e.two_sided]
        drills = " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
        sets = "set" if message.count == 1 else "sets"
        self.notify(
            f"{message.count} earlier {sets} of {drills} were logged before sides existed. "
            "They keep no side ('-' in History) and are judged as one side, as before; "
            "from now on each set is logged on its side.",
            title="Left and right",
            timeout=SIDES_NOTICE_SECONDS,
        )

    def on_store_failed(self, message: StoreFailed) -> None:
        if message.doing == CHECK_IN:
            self._check_in_failed(message)
            return
        if message.doing == SIDE_ORDER:
            self.reload()  # show the order the log keeps
        self.notify(
            f"Could not {message.doing}: {message.message}",
            title="Not saved" if message.doing != "read today's log" else "Database problem",
            severity="error",
            timeout=12,
        )
        if message.field:
            self.form.refuse(message.field, message.message)

    def action_history(self) -> None:
        """Open the history of the drill on show."""
        if self._later(self.action_history):
            return
        drill = self.drill
        host(self).open_history(drill.exercise.id if drill is not None else None)

    # -- check-in -----------------------------------------------------------------------

    def action_check_in(self) -> None:
        """Ask 'back pain right now' (0-10), then the red-flag questions when they are due."""
        if self._later(self.action_check_in):
            return
        self._ask_pain(report=False)

    def report_symptom(self) -> None:
        """Report a red-flag symptom: back pain right now first (a check-in needs it), then
        the red-flag questions, due or not."""
        if self._later(self.report_symptom):
            return
        self._ask_pain(report=True)

    def _ask_pain(self, *, report: bool) -> None:
        from backtrack.tui.screens.checkin import CheckInScreen

        kept = self.unsaved_check_in
        dialog = CheckInScreen(
            kept=kept.pain if kept else None, kept_flags=bool(kept and kept.flags), report=report
        )
        self.app.push_screen(dialog, partial(self._pain_answered, report=report))

    def _pain_answered(self, pain: int | None, *, report: bool) -> None:
        """The pain number is in: go on to the red-flag questions (always for a report;
        else when `progression.ask_red_flags` says they are due), or save it."""
        if pain is None:
            if report:
                self.notify("Nothing reported.", title="Report a symptom")
            elif self.unsaved_check_in is None:
                self.notify("No check-in today: the suggestions will say it is missing.")
            return
        answer = CheckInAnswer(pain, self.gym.clock.now())
        if report:
            self._ask_red_flags(answer)
            return

        def due() -> None:
            try:
                ask = self.gym.ask_red_flags(pain)
            except Exception:  # when the log cannot say, ask: a question too many costs little
                ask = True
            self.post_message(RedFlagsDue(answer, ask))

        self.run_worker(due, name="red flags due", group=DB_GROUP, thread=True, exit_on_error=False)

    def on_red_flags_due(self, message: RedFlagsDue) -> None:
        if message.ask:
            self._ask_red_flags(message.answer)
        else:
            self._record(message.answer)

    def _ask_red_flags(self, answer: CheckInAnswer) -> None:
        from backtrack.tui.screens.red_flags import RedFlagsScreen

        self.app.push_screen(RedFlagsScreen(), partial(self._flags_answered, answer))

    def _flags_answered(self, answer: CheckInAnswer, reply: RedFlagReply | None) -> None:
        """The red-flag questions are answered (or skipped): any yes brings up the advice at
        once (it needs nothing from the log), and the check-in is saved."""
        if reply is not None and reply.answered:
            answer = replace(answer, flags=reply.flags, flags_asked=True)
        if answer.flags:
            from backtrack.tui.screens.alert import red_flag_alert

            self.app.push_screen(red_flag_alert(answer.flags))
        self._record(answer)

    def _record(self, answer: CheckInAnswer) -> None:
        """Save `answer` (replacing, not dropping, one that is still waiting to be saved)."""
        kept = self.unsaved_check_in
        self.unsaved_check_in = kept.replaced_by(answer) if kept is not None else answer
        self._check_in_failing = False
        self._save_check_in()

    def _save_check_in(self) -> None:
        """Record the answer kept in `unsaved_check_in`, as of the moment it was given."""
        if self._check_in_retry is not None:
            self._check_in_retry.stop()
            self._check_in_retry = None
        answer = self.unsaved_check_in
        if answer is None:
            return
        self._db(CHECK_IN, lambda: CheckedIn(self.gym.check_in(answer), answer))

    def _check_in_failed(self, message: StoreFailed) -> None:
        """The check-in could not be saved: keep the answer, say so, try again later."""
        answer = self.unsaved_check_in
        if answer is None:
            return
        if not self._check_in_failing:
            symptoms = " and the symptoms you reported" if answer.flags else ""
            self.notify(
                f"Could not record the check-in: {message.message}. Your answer, "
                f"{answer.pain}/10{symptoms}, is kept and saved as soon as the database "
                f"lets it (tried again every {CHECK_IN_RETRY_SECONDS:g} s).",
                title="Check-in not saved yet",
                severity="error",
                timeout=12,
            )
        self._check_in_failing = True
        if self._check_in_retry is None:
            self._check_in_retry = self.set_timer(CHECK_IN_RETRY_SECONDS, self._save_check_in)

    def on_checked_in(self, message: CheckedIn) -> None:
        """The check-in is committed: say so, and show the flare guidance at once when its
        pain is at the flare level (a red flag's advice is up already)."""
        if self.unsaved_check_in is message.answer:  # (not a newer answer given meanwhile)
            self.unsaved_check_in = None
            self._check_in_failing = False
            if self._check_in_retry is not None:
                self._check_in_retry.stop()
                self._check_in_retry = None
        outcome = message.outcome
        checkin = outcome.checkin
        flagged = f" with red flags: {', '.join(checkin.red_flags)}" if checkin.red_flags else ""
        self.notify(f"Back pain {checkin.pain}/10 recorded{flagged}.", title="Checked in")
        if outcome.flare and not checkin.red_flags:
            from backtrack.tui.screens.alert import flare_alert

            self.app.push_screen(flare_alert(outcome.flare))

    # -- logging and editing -------------------------------------------------------------

    def action_log(self) -> None:
        """Put the cursor in the set form."""
        if self._later(self.action_log):
            return
        if self.drill is not None:
            self.form.begin()

    def on_log_form_submitted(self, event: LogForm.Submitted) -> None:
        drill, draft = self.drill, event.draft
        if drill is None:
            return
        if event.editing is not None:
            set_id = event.editing
            self._db("save the set", lambda: SetUpdated(self.gym.update_set(set_id, draft)))
        else:
            exercise_id = drill.exercise.id
            self._db("log the set", lambda: SetLogged(self.gym.log_set(exercise_id, draft)))

    def on_log_form_left(self, event: LogForm.Left) -> None:
        if event.editing is not None:
            self._cancel_edit()
        self.query_one(SetTable).focus()

    def on_log_form_side_asked(self, event: LogForm.SideAsked) -> None:
        self.action_switch_side()

    def on_log_form_order_asked(self, event: LogForm.OrderAsked) -> None:
        self.action_side_order()

    def on_set_logged(self, message: SetLogged) -> None:
        """The set is committed: its row goes up first, then the notice and the rest timer
        (today's view, with the new suggestion, follows from the worker). The rest is the
        drill's side-switch rest when its next set is on the other side."""
        entry = message.entry
        drill = self.drill
        if drill is not None and drill.exercise.id == entry.exercise_id:
            self.query_one(SetTable).add_set(entry, self.gym.athlete.unit)
        exercise = self.gym.exercise(entry.exercise_id)
        assert entry.id is not None
        self.logged.append(entry.id)
        self._forget_draft(entry.exercise_id)
        number = f"{entry.side} {entry.set_number}" if entry.side else str(entry.set_number)
        seconds, label = exercise.rest_seconds, f"{exercise.name} set {number}"
        after = self._side_after(entry)
        if after is not None and after != entry.side:
            seconds, label = exercise.side_switch_seconds, f"{label} → {after}"
        host(self).start_rest(seconds, label)
        self.notify(_set_words(entry, self.gym.athlete.unit), title=f"Set {number} logged")
        self.query_one(SetTable).focus()

    def _side_after(self, entry: SetEntry) -> Side | None:
        """The side the set after `entry` (just logged) is offered on, by the lifter's
        order, from today's sets of its drill; None for a one-sided drill, and once both
        sides have the plan's sets (the next set is another drill's: a full rest)."""
        if entry.side is None or self.view is None:
            return None
        drill = next((d for d in self.view.drills if d.exercise.id == entry.exercise_id), None)
        if drill is None:
            return None
        sets = [*(s for s in drill.sets if s.id != entry.id), entry]
        planned = drill.plan.sets
        if all(sum(1 for s in sets if s.side == side) >= planned for side in ("L", "R")):
            return None
        return next_side(drill.side_order, sets, planned)

    def _forget_draft(self, exercise_id: str) -> None:
        """The form's values are saved: let the next view refill it from the new set (on
        the side the lifter's order gives)."""
        self.drafts.pop(exercise_id, None)
        self.chosen_sides.pop(exercise_id, None)
        if self.form_drill == exercise_id:
            self.form_drill = None

    # -- sides ---------------------------------------------------------------------------

    def action_switch_side(self) -> None:
        """Offer the next set of a two-sided drill on the other side."""
        if self._later(self.action_switch_side):
            return
        drill = self.drill
        if drill is None:
            return
        exercise = drill.exercise
        if not exercise.two_sided:
            self.notify(f"{exercise.name} is done on one side: no side to switch.")
            return
        form = self.form
        if form.editing is not None:
            self.notify(
                "A logged set keeps its side: to move it, delete it (x) and log it again.",
                title="Editing a set",
            )
            return
        typed = form.is_dirty
        form.switch_side()
        if form.side is None:
            return
        self.chosen_sides[exercise.id] = form.side
        if not typed:  # nothing typed yet: start from that side's last set
            form.fill(drill.prefill(self.gym.athlete, form.side))

    def action_side_order(self) -> None:
        """Switch the order of the sides of the drill on show (alternating, or all of one
        side first) and remember it; the next set is offered by the new order."""
        if self._later(self.action_side_order):
            return
        drill, view = self.drill, self.view
        if drill is None or view is None:
            return
        exercise = drill.exercise
        if not exercise.two_sided:
            self.notify(f"{exercise.name} is done on one side: it has no order of sides.")
            return
        form = self.form
        if form.editing is not None:
            self.notify("Save or leave the set being edited first (Enter or Esc).")
            return
        order = OTHER_ORDER[drill.side_order]
        changed = replace(drill, side_order=order)
        self.view = replace(view, drills=tuple(changed if d is drill else d for d in view.drills))
        self.chosen_sides.pop(exercise.id, None)
        form.show_order(order)
        next_up = changed.next_side
        if self.form_drill == exercise.id and form.is_dirty and next_up is not None:
            form.show_side(next_up)  # what was typed stays; the side follows the order
        self.render_view()
        self.notify(f"{exercise.name}: {ORDER_WORDS[order]}.", title="Order of the sides")
        exercise_id = exercise.id
        self._db(
            SIDE_ORDER,
            lambda: SideOrderSaved(exercise_id, self.gym.set_side_order(exercise_id, order)),
        )

    def action_edit(self) -> None:
        """Change the selected set in the form."""
        if self._later(self.action_edit):
            return
        entry = self.query_one(SetTable).selected
        if entry is None:
            return
        self._stash_form()
        self.form.start_edit(entry, self.gym.athlete.unit)

    def _cancel_edit(self) -> None:
        form = self.form
        if form.editing is not None:
            form.stop_edit()
            self.form_drill = None
            if self.drill is not None:
                self._show_form(self.drill)

    def on_set_updated(self, message: SetUpdated) -> None:
        self._cancel_edit()
        self.notify(
            _set_words(message.entry, self.gym.athlete.unit),
            title=f"Set {message.entry.set_number} saved",
        )
        self.query_one(SetTable).focus()

    # -- deleting and undoing ------------------------------------------------------------

    def action_delete(self) -> None:
        """Delete the selected set, after a yes."""
        if self._later(self.action_delete):
            return
        entry = self.query_one(SetTable).selected
        if entry is None or entry.id is None:
            return
        set_id = entry.id
        name = self.gym.exercise(entry.exercise_id).name
        question = (
            f"Delete set {entry.set_number} of {name}?\n{_set_words(entry, self.gym.athlete.unit)}"
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self._db("delete the set", lambda: SetDeleted(self.gym.delete_set(set_id)))

        from backtrack.tui.screens.confirm import ConfirmScreen

        self.app.push_screen(ConfirmScreen(question, yes="Delete"), answered)

    def action_undo(self) -> None:
        """Take back the last set logged since the app started."""
        if self._later(self.action_undo):
            return
        if not self.logged:
            self.notify("Nothing to undo. To remove an older set, select it and press x.")
            return
        set_id = self.logged[-1]
        self._db("undo the set", lambda: SetDeleted(self.gym.delete_set(set_id), undo=True))

    def on_set_deleted(self, message: SetDeleted) -> None:
        entry = message.entry
        if entry.id in self.logged:
            rest = host(self).rest
            if self.logged[-1] == entry.id and rest.state != "idle":
                rest.skip()
            self.logged.remove(entry.id)
        self._forget_draft(entry.exercise_id)
        verb = "Undone" if message.undo else "Deleted"
        self.notify(
            _set_words(entry, self.gym.athlete.unit),
            title=f"{verb}: set {entry.set_number} of {self.gym.exercise(entry.exercise_id).name}",
        )

    # -- the suggestion -----------------------------------------------------------------

    def action_accept(self) -> None:
        """Accept the suggestion: the plan changes (recorded in the audit trail)."""
        self._decide(accept=True)

    def action_decline(self) -> None:
        """Decline the suggestion: recorded; the plan stays."""
        self._decide(accept=False)

    def _decide(self, *, accept: bool) -> None:
        if self._later(lambda: self._decide(accept=accept)):
            return
        drill = self.drill
        if drill is None or self.view is None or not can_decide(drill.suggestion, self.view.day):
            return
        exercise = drill.exercise
        verb = "accept" if accept else "decline"

        def decide() -> None:
            exercise_id = exercise.id
            self._db(
                f"{verb} the suggestion",
                lambda: Decided(self.gym.decide(exercise_id, accept=accept)),
            )

        if not (accept and drill.suggestion is not None and drill.suggestion.action == "stop"):
            decide()
            return

        def answered(yes: bool | None) -> None:
            if yes:
                decide()

        from backtrack.tui.screens.confirm import ConfirmScreen

        question = (
            f"Stop {exercise.name}?\nIt leaves your sessions until your clinician resumes it "
            f"(backtrack plan {exercise.id} --active)."
        )
        self.app.push_screen(ConfirmScreen(question, yes="Stop it"), answered)

    def on_key(self, event: events.Key) -> None:
        """a or d on a suggestion that is no decision: say why, in a line (the keys are
        dimmed, so their actions do not run)."""
        actions = {"a": "accept", "d": "decline"}
        action = actions.get(event.key)
        if action is None or self.check_action(action, ()) is not None:
            return
        drill = self.drill
        if drill is not None and self.view is not None:
            why = refusal(drill.suggestion, self.view.day)
            if why:
                self.notify(why, title="Nothing to decide", severity="warning")

    def on_decided(self, message: Decided) -> None:
        decision = message.decision
        exercise = self.gym.exercise(decision.suggestion.exercise_id)
        plan = plan_text(exercise, decision.plan, self.gym.athlete.unit)
        if decision.accepted and decision.suggestion.action == "stop":
            self.notify(
                f"Out of your sessions until your clinician resumes it (backtrack plan "
                f"{exercise.id} --active).",
                title=f"{exercise.name} stopped",
                severity="warning",
            )
        elif decision.accepted:
            self._forget_draft(exercise.id)
            self.notify(f"Plan now: {plan}", title=f"Accepted for {exercise.name}")
        else:
            self.notify(f"Plan stays: {plan}", title=f"Declined for {exercise.name}")

    # -- keys ---------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Dim the keys that have nothing to act on right now."""
        if action in ("accept", "decline"):
            drill = self.drill
            if drill is None or self.view is None:
                return None
            return True if can_decide(drill.suggestion, self.view.day) else None
        if action in ("edit", "delete"):
            table = self.query(SetTable).first() if self.complete.is_set() else None
            return True if table is not None and table.selected is not None else None
        if action == "undo":
            return True if self.logged else None
        return True

    @on(DataTable.RowHighlighted)
    def _row_moved(self) -> None:
        self.refresh_bindings()

    def on_set_timed(self, message: SetTimed) -> None:
        """Put the set's time under tension in the note, unless a note was typed."""
        if not self.complete.is_set():  # the form is not mounted yet: do it once it is
            self._timed = message
            return
        form = self.form
        note = form.field("note")
        if not note.value.strip():
            note.value = f"TUT {message.seconds} s"


def _set_words(entry: SetEntry, unit: Unit) -> str:
    """One line about a set: '8 reps at 2.5 kg, ROM 2, RPE 8, pain 2/10'."""
    parts = [f"{entry.reps} reps at {format_load(entry.load_kg, unit)}", f"ROM {entry.rom_level}"]
    if entry.rpe is not None:
        parts.append(f"RPE {entry.rpe:g}")
    if entry.pain is not None:
        parts.append(f"pain {entry.pain}/10")
    return ", ".join(parts)
