"""The names of the history screen's two views (sessions, plan timeline), the shown one
underlined as Textual's tabs underline theirs; a click on a name asks to show that view."""

from __future__ import annotations

from typing import ClassVar

from rich.console import Group
from rich.style import Style as RichStyle
from rich.text import Text
from textual import events
from textual.app import RenderResult
from textual.message import Message
from textual.reactive import reactive
from textual.renderables.bar import Bar
from textual.widget import Widget


class ViewTabs(Widget):
    """The names of the two views with the one shown underlined; a click shows the other."""

    DEFAULT_CSS = """
    ViewTabs {
        height: 2;
        & > .view-tabs--name { color: $foreground 50%; }
        & > .view-tabs--shown { color: $foreground; }
        & > .view-tabs--bar { color: $block-cursor-background; background: $foreground 10%; }
    }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "view-tabs--name",
        "view-tabs--shown",
        "view-tabs--bar",
    }
    NAMES = ("Sessions", "Plan timeline")

    shown: reactive[int] = reactive(0)

    class Picked(Message):
        """A view's name was clicked."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def _spans(self) -> list[tuple[int, int]]:
        """Each name's first and last column (a space either side of the name)."""
        spans, x = [], 0
        for name in self.NAMES:
            spans.append((x, x + len(name) + 2))
            x += len(name) + 2
        return spans

    def render(self) -> RenderResult:
        """The names on one line, the underline of the shown one on the next."""
        name = self.get_component_rich_style("view-tabs--name")
        shown = self.get_component_rich_style("view-tabs--shown")
        names = Text.assemble(
            *((f" {n} ", shown if i == self.shown else name) for i, n in enumerate(self.NAMES)),
            no_wrap=True,
        )
        bar = self.get_component_rich_style("view-tabs--bar")
        start, end = self._spans()[self.shown]
        underline = Bar(
            highlight_range=(start + 1, end - 1),  # under the name, as Textual's tabs do
            highlight_style=RichStyle.from_color(bar.color),
            background_style=RichStyle.from_color(bar.bgcolor),
            width=self.size.width,
        )
        return Group(names, underline)

    def on_click(self, event: events.Click) -> None:
        """Ask to show the view whose name was clicked."""
        for index, (start, end) in enumerate(self._spans()):
            if start <= event.x < end:
                self.post_message(self.Picked(index))
