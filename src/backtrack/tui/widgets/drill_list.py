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

    def __init__(self, index: int, content: Content | str = "", classes: str = "") -> None:
        super().__init__(content, classes=f"drill-card {classes}")
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
        """Start with a card per drill of `drills` (the first one selected)."""
        super().__init__(id=id)
        self._first = tuple(drills)

    def compose(self) -> ComposeResult:
        for index, drill in enumerate(self._first):
            classes = _card_classes(index == 0, drill)
            yield DrillCard(index, card_text(index + 1, drill), classes=classes)

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


def _card_classes(selected: bool, drill: DrillToday | DrillGlance) -> str:
    """The classes of a new card: -selected, and -complete once the plan's sets are done."""
    return " ".join(
        name
        for name, on in (("-selected", selected), ("-complete", drill.done >= drill.plan.sets))
        if on
    )
