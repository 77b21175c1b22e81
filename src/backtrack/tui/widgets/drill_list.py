"""The day's drills as cards, in plan order: number key, name, plan, sets done and what the
rules suggest next; click to pick.

On a narrow screen (a phone or a tablet in a browser: the screen's `-narrow` class, see
today.tcss) the cards give way to a one-line switcher, '‹ › 1/4 Jefferson curl  ↓ step back':
tap ‹ for the previous drill, anywhere else for the next (left/right and 1-9 as ever).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.events import Click
from textual.message import Message
from textual.widgets import Static

from backtrack.tui.service import DrillToday
from backtrack.units import Unit, format_load

if TYPE_CHECKING:
    from backtrack.store.glance import DrillGlance

# The columns a card's text has: the side panel's 30 (today.tcss `#side`) less its right
# padding, the list's border and the card's padding. The lines are made to fit in it.
CARD_WIDTH = 25
INDENT = "  "  # the lines under the drill's name start under its first letter

# What the rules suggest next, in a word or two (the suggestion's reason is in the main
# pane for the selected drill), and the style it is drawn in.
MARKERS = {
    "progress_rom": ("↑ ROM", "bold $success"),
    "progress_load": ("↑ load", "bold $success"),
    "progress_volume": ("↑ sets", "bold $success"),
    "hold": ("hold", "bold"),
    "regress": ("↓ step back", "bold $error"),
    "stop": ("■ stop", "bold $error"),
}
NO_SUGGESTION = ("—", "$text-muted")  # the rules gave none (the main pane says why)
NOT_READ_YET = ("…", "$text-muted")  # a first look: the rules have not run yet


def plan_line(drill: DrillToday | DrillGlance, unit: Unit) -> str:
    """The plan in a card's width: '3×6-8 · 12.5 kg · ROM 4', with plain spaces between
    the parts when the dots do not fit ('5×6-8  27.56 lb  ROM 4')."""
    plan = drill.plan
    same = plan.reps_min == plan.reps_max
    reps = str(plan.reps_max) if same else f"{plan.reps_min}-{plan.reps_max}"
    load = format_load(plan.load_kg, unit)
    parts = (f"{plan.sets}×{reps}", load, f"ROM {plan.rom_level}")
    for separator in (" · ", "  "):
        line = separator.join(parts)
        if len(INDENT + line) <= CARD_WIDTH:
            return line
    return " ".join(parts)


def next_marker(drill: DrillToday | DrillGlance) -> tuple[str, str]:
    """What the rules suggest next for the drill, in a word or two, and its style."""
    if not isinstance(drill, DrillToday):  # a first look (glance.DrillGlance)
        return NOT_READ_YET
    suggestion = drill.suggestion
    if suggestion is None:
        return NO_SUGGESTION
    return MARKERS.get(suggestion.action, (suggestion.action, "bold"))


def _dots(done: int, planned: int, more: str = " +") -> str:
    """'●●○' for 2 of 3 sets done, '●●● +1' for 4 (`more` before the sets beyond)."""
    extra = f"{more}{done - planned}" if done > planned else ""
    return "●" * min(done, planned) + "○" * max(0, planned - done) + extra


def sets_line(drill: DrillToday | DrillGlance) -> str:
    """The sets done in a card's width: '●●○  2 of 3 sets'; for a two-sided drill each
    side's, 'L ●●○ R ●○○  3 of 6' (the plan's sets are per side)."""
    planned = drill.plan.sets
    if not drill.exercise.two_sided:
        done = "✓ " if drill.done >= planned else ""
        return f"{_dots(drill.done, planned)}  {done}{drill.done} of {planned} sets"
    both, room = 2 * planned, CARD_WIDTH - len(INDENT)
    complete = "✓ " if is_complete(drill) else ""
    dots = f"L {_dots(drill.left, planned, '+')} R {_dots(drill.right, planned, '+')}"
    counts = f"L {drill.left}/{planned} R {drill.right}/{planned}"
    for line in (
        f"{dots}  {complete}{drill.done} of {both}",
        f"{dots} {complete}{drill.done}/{both}",
        f"{dots} {complete}".rstrip(),
        f"{counts}  {complete}".rstrip(),
    ):
        if len(line) <= room:
            return line
    return counts


def is_complete(drill: DrillToday | DrillGlance) -> bool:
    """Whether the plan's sets are done (on each side, for a two-sided drill)."""
    planned = drill.plan.sets
    if drill.exercise.two_sided:
        return drill.left >= planned and drill.right >= planned
    return drill.done >= planned


def card_text(number: int, drill: DrillToday | DrillGlance, unit: Unit) -> Content:
    """A drill card in four lines: '1 Jefferson curl', its plan '3×6-8 · 12.5 kg · ROM 4',
    '●●○  2 of 3 sets' (two-sided: 'L ●●○ R ●○○  3 of 6') and 'next ↑ ROM'."""
    marker, style = next_marker(drill)
    return Content.assemble(
        (f"{number} ", "bold"),
        (drill.exercise.name, "bold"),
        f"\n{INDENT}",
        plan_line(drill, unit),
        f"\n{INDENT}",
        sets_line(drill),
        f"\n{INDENT}",
        ("next ", "$text-muted"),
        (marker, style),
    )


class DrillCard(Static):
    """One drill in the list; a click picks it."""

    def __init__(self, index: int) -> None:
        super().__init__(classes="drill-card")
        self.index = index

    def on_click(self, event: Click) -> None:
        event.stop()
        self.post_message(DrillList.Picked(self.index))


def switcher_text(drills: Sequence[DrillToday | DrillGlance], selected: int, unit: Unit) -> Content:
    """The selected drill in a line: '‹ › 1/4 Jefferson curl  ↓ step back' (its plan is in
    the drill's title under it)."""
    if not drills:
        return Content("")
    selected = min(selected, len(drills) - 1)
    drill = drills[selected]
    marker, style = next_marker(drill)
    done = " ✓" if is_complete(drill) else ""
    return Content.assemble(
        ("‹ ›", "bold $accent"),
        f" {selected + 1}/{len(drills)} ",
        (drill.exercise.name, "bold"),
        (done, "$success"),
        "  ",
        (marker, style),
    )


class DrillSwitcher(Static):
    """The narrow screen's drill list: one line; a tap on ‹ picks the previous drill, a tap
    anywhere else the next."""

    PREVIOUS_CELLS = 2  # '‹ ' (the ‹ and the space after it)

    def __init__(self) -> None:
        super().__init__(classes="drill-switcher")
        self.count = 0
        self.selected = 0

    def on_click(self, event: Click) -> None:
        event.stop()
        if not self.count:
            return
        step = -1 if event.x < self.PREVIOUS_CELLS else 1
        self.post_message(DrillList.Picked((self.selected + step) % self.count))


class DrillList(Vertical):
    """The day's drills; the selected one is highlighted."""

    class Picked(Message):
        """The lifter clicked a drill."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(
        self,
        drills: Sequence[DrillToday | DrillGlance] = (),
        *,
        unit: Unit = "kg",
        id: str | None = None,
    ) -> None:
        """Start with `drills` (loads in `unit`) drawn in one widget, cards laid out alike
        but not yet clickable: a start-up frame waits for every widget mounted before it,
        so the cards come with the first `show`."""
        super().__init__(id=id)
        self._first = tuple(drills)
        self._unit = unit

    def compose(self) -> ComposeResult:
        switcher = DrillSwitcher()
        switcher.count = len(self._first)
        switcher.update(switcher_text(self._first, 0, self._unit))
        yield switcher
        if self._first:
            preview = Static(preview_text(self._first, self._unit), classes="drill-preview")
            preview.styles.padding = (0, 1)  # as a card's
            yield preview

    def show(
        self, drills: Sequence[DrillToday | DrillGlance], selected: int, *, unit: Unit
    ) -> None:
        """Draw a card per drill (loads in `unit`), highlighting the one at `selected`, and
        the switcher's line."""
        switcher = self.query_one(DrillSwitcher)
        switcher.count, switcher.selected = len(drills), selected
        switcher.update(switcher_text(drills, selected, unit))
        cards = list(self.query(DrillCard))
        if len(cards) != len(drills):
            self.query(".drill-preview, .drill-card").remove()
            cards = [DrillCard(i) for i in range(len(drills))]
            self.mount_all(cards)
        for card, drill in zip(cards, drills, strict=True):
            card.update(card_text(card.index + 1, drill, unit))
            card.set_class(card.index == selected, "-selected")
            card.set_class(is_complete(drill), "-complete")


def preview_text(drills: Sequence[DrillToday | DrillGlance], unit: Unit) -> Content:
    """Every drill's card text, one under the other with a card's spacing (four lines and
    a blank one between them), for the list's first frame."""
    return Content("\n\n").join(card_text(i + 1, d, unit) for i, d in enumerate(drills))
