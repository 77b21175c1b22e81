"""Today: the day's drills, the selected drill's plan, suggestion and sets, and the set form.

The screen has two modes. With the cursor in the set table, single keys act (Enter logs,
e edits, x deletes, u undoes, a/d accept or decline, left/right or 1-9 pick a drill). Enter
puts the cursor in the form; Enter there commits the set and brings the cursor back.

A two-sided drill (the side bend, the windmill) is logged by side, in the lifter's order of
the sides (`today_sides.SideFlow`). The rest after a set is the drill's full rest, or its
shorter side-switch rest when the next set is on the other side.

a/d do nothing on a suggestion that is no decision (dimmed; pressed, they say why), and
accepting a stop asks first: a stopped drill leaves the session and is listed apart, in the
error colour, with the command that resumes it.

The check-in (c, and on arrival; ! to report a symptom) asks the pain number and, when due,
the red-flag questions (`today_checkin.CheckInFlow`).

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
from typing import TYPE_CHECKING, ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widget import MountError, Widget
from textual.widgets import DataTable, Static

from backtrack.errors import StoreError
from backtrack.tui.host import host
from backtrack.tui.messages import (
    Decided,
    FirstLookShown,
    SetDeleted,
    SetLogged,
    SetTimed,
    SetUpdated,
    StoreFailed,
    TodayLoaded,
)
from backtrack.tui.screens.today_checkin import CHECK_IN, CheckInFlow
from backtrack.tui.screens.today_sides import SIDE_ORDER, SideFlow
from backtrack.tui.service import DrillToday, Gym, TodayView, can_decide, refusal
from backtrack.tui.timing import clock_text
from backtrack.tui.widgets.drill_list import DrillList
from backtrack.tui.widgets.keys_footer import KeysFooter
from backtrack.tui.widgets.rest_timer import RestDisplay
from backtrack.tui.widgets.set_counter import SetCounter
from backtrack.tui.widgets.set_table import SetTable
from backtrack.tui.widgets.stopped_list import StoppedList
from backtrack.tui.widgets.suggestion_banner import SuggestionBanner, plan_text
from backtrack.tui.widgets.top_bar import TopBar, day_text
from backtrack.units import Unit, format_load

if TYPE_CHECKING:
    from backtrack.models import SetEntry
    from backtrack.store.glance import DrillGlance, Glance
    from backtrack.tui.widgets.log_form import LogForm

DB_GROUP = "db"
LARGE_VIEW = "remember the large view"
# The rest of the page is mounted this long after the first look at the latest, should no
# layout refresh tell that its first frame is on the terminal.
FIRST_FRAME_LATEST = 0.3


def drill_title(drill: DrillToday | DrillGlance, unit: Unit, *, name: bool = True) -> Content:
    """The drill's name and what it loads over its plan and rest, e.g.
    'Jefferson curl  loads flexion' / 'Plan 3 × 6-8 · 0 kg · ROM 1 ... · rest 1:30'; for a
    two-sided drill 'sets per side' after the loads, and the rest between the sides. Without
    `name` (a narrow screen, whose drill switcher names the drill) the plan alone."""
    exercise = drill.exercise
    if exercise.two_sided:
        sides = " · sets per side"
        rest = (
            f" · rest {clock_text(exercise.rest_seconds)}, "
            f"{clock_text(exercise.side_switch_seconds)} between sides"
        )
    else:
        sides, rest = "", f" · rest {clock_text(exercise.rest_seconds)}"
    head = Content.assemble((exercise.name, "bold"), f"  loads {exercise.loads}{sides}\n")
    return Content.assemble(
        head if name else "",
        ("Plan ", "bold"),
        plan_text(exercise, drill.plan, unit),
        rest,
    )


class TodayScreen(CheckInFlow, SideFlow):
    """The lifter's page for today's session (its check-in and its sides in their own parts)."""

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
        Binding(
            "b",
            "large_view",
            "Large view",
            show=False,
            tooltip="Large view: the rest timer and sets done in big digits (kept for you)",
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
        self.logged: list[int] = []  # sets logged in this run, for undo

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
                    yield SetCounter(id="counter")
            with Vertical(id="main"):
                if whole:
                    yield StoppedList(id="stopped")
                yield Static(drill_title(drills[0], unit) if drills else "", id="drill-title")
                if whole:
                    yield from self._rest_of_page()
        if whole:
            yield KeysFooter(compact=True)

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
            ("#side", [RestDisplay(id="rest"), SetCounter(id="counter")], None),
            ("#main", [StoppedList(id="stopped")], 0),  # above the drill's title
            ("#main", self._rest_of_page(), None),
            (None, [KeysFooter(compact=True)], None),
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
        self.query_one(SetCounter).show(drill)
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
        narrow = self.width_name == "narrow"  # (its switcher names the drill)
        self.query_one("#drill-title", Static).update(drill_title(drill, unit, name=not narrow))
        self.query_one(SuggestionBanner).show(
            exercise,
            drill.plan,
            drill.suggestion,
            unit,
            today=view.day,
            problem=drill.suggestion_problem,
            checked_in=view.checkin is not None,
        )
        self.query_one(SetTable).show(exercise, drill.sets, unit, width_name=self.width_name)
        self._show_form(drill)
        self.refresh_bindings()

    @property
    def width_name(self) -> str:
        """'wide', 'medium' or 'narrow': the screen's width class (set by the app's
        breakpoints), for what the stylesheet cannot choose (the set table's columns)."""
        return next((n for n in ("narrow", "medium") if self.has_class(f"-{n}")), "wide")

    def on_resize(self) -> None:
        """A new width class may show other columns of the set table (checked once the
        screen has its classes for the new size)."""
        self.call_after_refresh(self._columns_for_width)

    def _columns_for_width(self) -> None:
        if self.view is None or not self.complete.is_set():
            return
        if self.query_one(SetTable).width_name != self.width_name:
            self.render_view()  # the set table's columns, the drill's title

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

        self._in_db_queue(doing, job)

    def _in_db_queue(self, name: str, job: Callable[[], None]) -> None:
        """Run `job` in a thread worker after any earlier database work."""
        self.run_worker(job, name=name, group=DB_GROUP, thread=True, exit_on_error=False)

    def reload(self) -> None:
        """Read today's log again."""
        self._db("read today's log", lambda: None)

    async def on_today_loaded(self, message: TodayLoaded) -> None:
        await self.complete.wait()
        first = self.view is None
        self.view = message.view
        if first:
            self.set_class(message.view.large_view, "-large")
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

    def action_large_view(self) -> None:
        """Switch the large view on or off (bigger numbers for a screen seen from a step
        away); the lifter's choice is remembered for their next session."""
        if self._later(self.action_large_view):
            return
        large = not self.has_class("-large")
        self.set_class(large, "-large")
        self.notify(
            "Large view: the rest timer and the sets done in big digits (b: back)."
            if large
            else "Large view off (b: on again).",
            title="Large view",
        )

        def remember() -> None:
            self.gym.set_large_view(large)

        self._db(LARGE_VIEW, remember, reload=False)

    def action_history(self) -> None:
        """Open the history of the drill on show."""
        if self._later(self.action_history):
            return
        drill = self.drill
        host(self).open_history(drill.exercise.id if drill is not None else None)

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

    def _forget_draft(self, exercise_id: str) -> None:
        """The form's values are saved: let the next view refill it from the new set (on
        the side the lifter's order gives)."""
        self.drafts.pop(exercise_id, None)
        self.chosen_sides.pop(exercise_id, None)
        if self.form_drill == exercise_id:
            self.form_drill = None

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
