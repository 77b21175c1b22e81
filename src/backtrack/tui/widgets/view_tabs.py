"""Tabs for the history screen, each one widget drawn as text (the screen must open fast):

- `ViewTabs`: the names of its two views (sessions, plan timeline), or of its three charts
  on a narrow screen, the shown one underlined as Textual's tabs underline theirs; a click on
  a name asks to show it.
- `DrillTabs`: the drills by number and name, the one on show highlighted, wrapped between
  drills (never inside a name) onto as many lines as the width needs; on a narrow screen
  (the screen's `-narrow` class) one line, '‹ 1/4 Jefferson curl ›', a click on either arrow
  or the name steps to the drill before or after.
"""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len
from rich.console import Group
from rich.style import Style as RichStyle
from rich.text import Text
from textual import events
from textual.app import RenderResult
from textual.geometry import Size
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

    def __init__(self, names: tuple[str, ...] = NAMES, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.names = names

    class Picked(Message):
        """A view's name was clicked."""

        def __init__(self, tabs: ViewTabs, index: int) -> None:
            super().__init__()
            self.tabs = tabs
            self.index = index

        @property
        def control(self) -> ViewTabs:
            """The tabs clicked (for `@on(ViewTabs.Picked, "#id")`)."""
            return self.tabs

    def _spans(self) -> list[tuple[int, int]]:
        """Each name's first and last column (a space either side of the name)."""
        spans, x = [], 0
        for name in self.names:
            spans.append((x, x + len(name) + 2))
            x += len(name) + 2
        return spans

    def render(self) -> RenderResult:
        """The names on one line, the underline of the shown one on the next."""
        name = self.get_component_rich_style("view-tabs--name")
        shown = self.get_component_rich_style("view-tabs--shown")
        names = Text.assemble(
            *((f" {n} ", shown if i == self.shown else name) for i, n in enumerate(self.names)),
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
                self.post_message(self.Picked(self, index))


class DrillTabs(Widget):
    """The drills by number and name, the one on show highlighted (see the module's
    docstring); a click picks a drill."""

    DEFAULT_CSS = """
    DrillTabs {
        height: auto;
        & > .drill-tabs--shown { text-style: reverse bold; }
        & > .drill-tabs--keys { color: $text-muted; }
    }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {"drill-tabs--shown", "drill-tabs--keys"}

    shown: reactive[int] = reactive(0, layout=True)

    class Picked(Message):
        """A drill was clicked (or, narrow, an arrow): show the one at `index`."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(self, names: list[str], *, shown: int = 0, id: str | None = None) -> None:
        super().__init__(id=id)
        self.names = names
        self.set_reactive(DrillTabs.shown, shown)
        self._spans: list[tuple[int, int, int, int]] = []  # line, first, end column, index

    @property
    def narrow(self) -> bool:
        """Whether the screen is narrow (a phone): one drill, with arrows."""
        return self.screen.has_class("-narrow")

    def _labels(self) -> list[str]:
        return [f" {n + 1} {name} " for n, name in enumerate(self.names)]

    def _lines(self, width: int) -> list[list[int]]:
        """The drills' indexes on each line: as many as fit, a space between them."""
        lines: list[list[int]] = [[]]
        used = 0
        for index, label in enumerate(self._labels()):
            size = cell_len(label)
            if lines[-1] and used + 1 + size > width:
                lines.append([])
                used = 0
            used += size + (1 if lines[-1] else 0)
            lines[-1].append(index)
        return lines

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        """One line when narrow, else as many lines as the drills take at `width`."""
        return 1 if self.narrow else len(self._lines(width))

    def render(self) -> RenderResult:
        """The drills' line(s), or the one drill between its arrows when narrow."""
        shown = self.get_component_rich_style("drill-tabs--shown")
        if self.narrow:
            name = f" {self.shown + 1}/{len(self.names)} {self.names[self.shown]} "
            keys = self.get_component_rich_style("drill-tabs--keys")
            self._spans = [(0, 0, 2, -1), (0, 2, 2 + cell_len(name), 1)]
            self._spans.append((0, 2 + cell_len(name), 4 + cell_len(name), 1))
            hint = f"  [ ] 1-{len(self.names)}"
            if 4 + cell_len(name) + cell_len(hint) > self.size.width:
                hint = ""  # the keys' hint only where it fits (help lists the keys)
            return Text.assemble("‹ ", (name, shown), " ›", (hint, keys), no_wrap=True, end="")
        labels = self._labels()
        text = Text(no_wrap=True, end="")
        self._spans = []
        for row, indexes in enumerate(self._lines(self.size.width)):
            if row:
                text.append("\n")
            x = 0
            for index in indexes:
                if x:
                    text.append(" ")
                    x += 1
                text.append(labels[index], shown if index == self.shown else "")
                self._spans.append((row, x, x + cell_len(labels[index]), index))
                x += cell_len(labels[index])
        return text

    def on_click(self, event: events.Click) -> None:
        """Pick the drill clicked (narrow: the one before or after)."""
        for row, first, end, index in self._spans:
            if row == event.y and first <= event.x < end:
                if self.narrow:
                    index = (self.shown + index) % len(self.names)
                self.post_message(self.Picked(index))
                return
