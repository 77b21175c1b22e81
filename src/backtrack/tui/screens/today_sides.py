"""Today's two-sided drills (the side bend, the windmill): the side of the next set, the order
of the sides, and the note about sets logged before sides existed.

`SideFlow` is a part of `TodayScreen` (a base class of it). The form offers L first, then
after each set the side the lifter's order gives (alternating, or all of one side first);
w switches the next set to the other side and o switches the order, which is remembered per
drill. The first start after sides came says once, in a note, how many earlier sets of these
drills keep no side.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, ClassVar

from textual.binding import BindingType
from textual.message import Message
from textual.screen import Screen

from backtrack.tui.messages import SideOrderSaved, SidesNotice
from backtrack.tui.service import ORDER_WORDS, OTHER_ORDER, next_side

if TYPE_CHECKING:
    from backtrack.models import SetEntry, Side
    from backtrack.tui.service import DrillToday, Gym, TodayView
    from backtrack.tui.widgets.log_form import LogForm

SIDE_ORDER = "remember the order of the sides"  # the database work (StoreFailed.doing)
SIDES_NOTICE_SECONDS = 20  # how long the note about sets logged before sides stays up


class SideFlow(Screen[None]):
    """The sides part of Today (see the module's docstring)."""

    BINDINGS: ClassVar[list[BindingType]] = []  # a part of Today: its keys are Today's

    def __init__(self) -> None:
        super().__init__()
        # The side the lifter switched the next set to (w), per drill, until a set is logged.
        self.chosen_sides: dict[str, Side] = {}
        self._notice_asked = False  # the note about sets logged before sides: asked for

    if TYPE_CHECKING:  # what Today gives its parts
        view: TodayView | None
        form_drill: str | None

        @property
        def gym(self) -> Gym: ...

        @property
        def drill(self) -> DrillToday | None: ...

        @property
        def form(self) -> LogForm: ...

        def render_view(self) -> None: ...

        def _later(self, action: Callable[[], None]) -> bool: ...

        def _db(
            self, doing: str, work: Callable[[], Message | None], *, reload: bool = True
        ) -> None: ...

        def _in_db_queue(self, name: str, job: Callable[[], None]) -> None: ...

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

        self._in_db_queue("notices", job)

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
