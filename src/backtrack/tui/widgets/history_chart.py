"""The history screen's charts: a titled sparkline of one measure over a date range, with its
lowest, highest and latest value, drawn by a sparkline that leaves missing values blank."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from fractions import Fraction
from typing import ClassVar

from rich.color import Color as RichColor
from rich.console import Console, ConsoleOptions, Group
from rich.console import RenderResult as RichRenderResult
from rich.segment import Segment, Segments
from rich.style import Style as RichStyle
from rich.text import Text
from textual.app import RenderResult
from textual.widget import Widget

from backtrack.units import format_number


class GapSparkline:
    """Textual's sparkline (the same buckets, bars and colours) over values that may be
    missing: a column whose points all have no value (None, e.g. no pain recorded) stays
    blank, where a 0 would look like the lowest value."""

    BARS = "▁▂▃▄▅▆▇█"

    def __init__(
        self,
        values: Sequence[float | None],
        *,
        width: int,
        height: int,
        min_color: RichColor,
        max_color: RichColor,
    ) -> None:
        self.values = values
        self.width = width
        self.height = height
        self.min_color = min_color
        self.max_color = max_color

    @staticmethod
    def _buckets(values: Sequence[float | None], count: int) -> list[Sequence[float | None]]:
        """`values` cut into `count` runs, as Textual's sparkline cuts them (empty ones
        dropped)."""
        step = Fraction(len(values), count)
        runs = (values[int(step * n) : int(step * (n + 1))] for n in range(count))
        return [run for run in runs if run]

    def _blend(self, ratio: float) -> RichStyle:
        """The colour `ratio` of the way from the lowest value's to the highest's."""
        low, high = self.min_color.triplet, self.max_color.triplet
        if low is None or high is None:
            return RichStyle.from_color(self.max_color)
        return RichStyle.from_color(
            RichColor.from_rgb(*(a + (b - a) * ratio for a, b in zip(low, high, strict=True)))
        )

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RichRenderResult:
        """`height` lines of `width` bar characters, the last without a line end."""
        width, height = self.width, self.height
        known = [v for v in self.values if v is not None]
        if not self.values:  # no points: a floor line, as Textual draws it
            yield from [Segment.line()] * (height - 1)
            yield Segment("▁" * width, RichStyle.from_color(self.min_color))
            return
        if len(self.values) == 1:  # one point fills the width, as in Textual's
            bar = "█" * width if known else " " * width
            for line in range(height):
                yield Segment(bar, RichStyle.from_color(self.max_color))
                if line < height - 1:
                    yield Segment.line()
            return
        low, high = (min(known), max(known)) if known else (0.0, 0.0)
        extent = high - low or 1
        levels = len(self.BARS) * height - 1
        summaries = [
            max((v for v in run if v is not None), default=None)
            for run in self._buckets(self.values, width)
        ]
        step = len(summaries) / width
        for line in reversed(range(height)):
            floor, ceiling = line * len(self.BARS), (line + 1) * len(self.BARS)
            at = 0.0  # added up step by step, as Textual does (the same columns, to the bit)
            for _ in range(width):
                value = summaries[int(at)]
                at += step
                if value is None:
                    yield Segment(" ")
                    continue
                ratio = (value - low) / extent
                level = int(ratio * levels)
                if level < floor:
                    yield Segment(" ")
                elif level >= ceiling:
                    yield Segment("█", self._blend(ratio))
                else:
                    yield Segment(self.BARS[level % len(self.BARS)], self._blend(ratio))
            if line > 0:
                yield Segment.line()


class Chart(Widget):
    """A titled sparkline with its lowest, highest and latest value and its date range.

    One widget that draws both (three widgets per chart made the screen slower to open).
    """

    DEFAULT_CSS = """
    Chart {
        width: 1fr; height: 6;
        border: round $primary 60%; border-title-color: $text; border-title-style: bold;
        border-subtitle-color: $text-muted;
        padding: 0 1;
        & > .chart--max { color: $primary; }
        & > .chart--min { color: $primary 30%; }
        & > .chart--numbers { color: $text-muted; }
    }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {"chart--max", "chart--min", "chart--numbers"}
    LINES = 3

    def __init__(self, title: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = title
        self.values: list[float | None] = []
        self.numbers = ""

    def show(self, values: list[float | None], unit: str, span: tuple[date, date] | None) -> None:
        """Draw `values` (oldest first; None where nothing was recorded, left blank) with
        their numbers and dates."""
        self.values = values
        known = [v for v in values if v is not None]
        self.border_subtitle = ""
        if not values:
            self.numbers = "no sessions in this range"
        elif not known:
            self.numbers = "none recorded in this range"
        else:
            low, high, last = min(known), max(known), values[-1]
            self.numbers = (
                f"low {format_number(low, 2)} · high {format_number(high, 2)} · "
                f"last {'–' if last is None else format_number(last, 2)}{unit}"
            )
        if values and span is not None:
            first, end = span
            self.border_subtitle = f"{first:%d %b} → {end:%d %b %Y}"
        self.refresh()

    def render(self) -> RenderResult:
        """The sparkline in the chart's colours, and the numbers' line under it."""
        _, base = self.background_colors
        low = base + self.get_component_styles("chart--min").color
        high = base + self.get_component_styles("chart--max").color
        line = GapSparkline(
            self.values,
            width=self.content_size.width,
            height=self.LINES,
            min_color=low.rich_color,
            max_color=high.rich_color,
        )
        style = self.get_component_rich_style("chart--numbers")
        numbers = Text(self.numbers, style=style, no_wrap=True, end="")
        return Group(line, Segments([Segment.line()]), numbers)  # the line does not end itself
