"""The day's drills as cards, in plan order: number key, name and sets done; click to pick."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.events import Click
from textual.message import Message
from textual.widgets import Static

if TYPE_CHECKING:
    from backtrack.glance import DrillGlance
    from backtrack.tui.service import DrillToday


def card_text(number: int, drill: DrillToday | DrillGlance) -> Content:
    """A drill card: '1 Jefferson curl' over '●●○ 2 of 3 sets'."""
    planned = drill.plan.sets
    dots = "●" * min(drill.done, planned) + "○" * max(0, planned - drill.done)
    extra = f" +{drill.done - planned}" if drill.done > planned else ""
    done = "✓ " if drill.done >= planned else ""
    return Content.assemble(
        (f"{number} ", "bold"),
        (drill.exercise.name, "bold"),
        "\n  ",
        dots + extra,
        f"  {done}{drill.done} of {planned} sets",
    )


class DrillCard(Static):
    """One drill in the list; a click picks it."""

    def __init__(self, index: int) -> None:
        super().__init__(classes="drill-card")
        self.index = index

    def on_click(self, event: Click) -> None:
        event.stop()
        self.post_message(DrillList.Picked(self.index))


class DrillList(Vertical):
    """The day's drills; the selected one is highlighted."""

    class Picked(Message):
        """The lifter clicked a drill."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(
        self, drills: Sequence[DrillToday | DrillGlance] = (), *, id: str | None = None
    ) -> None:
        """Start with `drills` drawn in one widget, cards laid out alike but not yet
        clickable: a start-up frame waits for every widget mounted before it, so the cards
        come with the first `show`."""
        super().__init__(id=id)
        self._first = tuple(drills)

    def compose(self) -> ComposeResult:
        if self._first:
            preview = Static(preview_text(self._first), classes="drill-preview")
            preview.styles.padding = (0, 1)  # as a card's
            yield preview

    def show(self, drills: Sequence[DrillToday | DrillGlance], selected: int) -> None:
        """Draw a card per drill, highlighting the one at `selected`."""
        cards = list(self.query(DrillCard))
        if len(cards) != len(drills):
            self.remove_children()
            cards = [DrillCard(i) for i in range(len(drills))]
            self.mount_all(cards)
        for card, drill in zip(cards, drills, strict=True):
            card.update(card_text(card.index + 1, drill))
            card.set_class(card.index == selected, "-selected")
            card.set_class(drill.done >= drill.plan.sets, "-complete")


def preview_text(drills: Sequence[DrillToday | DrillGlance]) -> Content:
    """Every drill's card text, one under the other with a card's spacing (two lines and a
    blank one each), for the list's first frame."""
    return Content("\n\n").join(card_text(i + 1, d) for i, d in enumerate(drills)) + "\n"
