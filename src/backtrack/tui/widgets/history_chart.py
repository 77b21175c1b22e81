"""The history screen's charts: a titled sparkline of one measure over a date range, with its
lowest, highest and latest value, drawn by a sparkline that leaves missing values blank.
A chart of several series (the pain of a two-sided drill: left, right, and the sets logged
before sides existed) draws one labelled row each, on one scale. When the numbers do not fit
on one line (three charts side by side on an 80-column terminal), they take two, broken
between the numbers, and the sparkline gives up a line: nothing is cut."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from fractions import Fraction
from typing import ClassVar

from rich.cells import cell_len
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
        scale: tuple[float, float] | None = None,
    ) -> None:
        """`scale`: the lowest and highest value to draw against (several series drawn
        alike); by default the values' own."""
        self.values = values
        self.width = width
        self.height = height
        self.min_color = min_color
        self.max_color = max_color
        self.scale = scale

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
        if self.scale is not None:
            low, high = self.scale
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


SEPARATOR = " · "


def number_lines(numbers: str, width: int) -> list[str]:
    """The numbers' line ('low 0 · high 12.5 · last 12.5 kg') broken into as few lines of
    at most `width` cells as it takes, only between the numbers ('low 0 · high 12.5',
    'last 12.5 kg'); a single number wider than `width` is a line of its own."""
    lines: list[str] = []
    for part in numbers.split(SEPARATOR):
        joined = f"{lines[-1]}{SEPARATOR}{part}" if lines else part
        if lines and cell_len(joined) <= width:
            lines[-1] = joined
        else:
            lines.append(part)
    return lines or [""]


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

    def __init__(self, title: str, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.border_title = title
        self.values: list[float | None] = []
        self.series: list[tuple[str, list[float | None]]] = []  # labelled rows, if several
        self.numbers = ""
        self.span: tuple[date, date] | None = None  # the dates of the values shown

    def _fit_subtitle(self) -> None:
        """The dates under the chart: '02 Sep → 23 Nov 2026', without the year where that
        does not fit on the border ('02 Sep → 23 Nov'; the range's line has the years)."""
        if self.span is None:
            self.border_subtitle = ""
            return
        first, end = self.span
        whole = f"{first:%d %b} → {end:%d %b %Y}"
        room = self.outer_size.width - 6  # the corners, a line either side and spaces
        self.border_subtitle = whole if not room or len(whole) <= room else whole[:-5]

    def on_resize(self) -> None:
        """A new width: the dates that fit on the border."""
        self._fit_subtitle()

    def show(self, values: list[float | None], unit: str, span: tuple[date, date] | None) -> None:
        """Draw `values` (oldest first; None where nothing was recorded, left blank) with
        their numbers and dates."""
        self.series = []
        self.values = values
        known = [v for v in values if v is not None]
        self.span = span if values else None
        self._fit_subtitle()
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
        self.refresh()

    def show_series(
        self,
        series: list[tuple[str, list[float | None]]],
        unit: str,
        span: tuple[date, date] | None,
    ) -> None:
        """Draw up to LINES labelled series (oldest first, as `show`; a row each, on one
        scale, e.g. the pain of the left and of the right), the last values of the first
        two and the highest of all under them. Series with no value at all are left out
        after the first two."""
        shown = [
            (label, v)
            for n, (label, v) in enumerate(series)
            if n < 2 or any(x is not None for x in v)
        ][: self.LINES]
        self.show([v for _, values in shown for v in values], unit, span)
        self.series = shown
        known = [v for _, values in shown for v in values if v is not None]
        if shown and shown[0][1] and known:
            last = " · ".join(
                f"{label} {'–' if values[-1] is None else format_number(values[-1], 2)}"
                for label, values in shown[:2]
            )
            self.numbers = f"last {last} · high {format_number(max(known), 2)}{unit}"
        self.refresh()

    def render(self) -> RenderResult:
        """The sparkline in the chart's colours (a labelled row per series, if several),
        and the numbers' line under it."""
        _, base = self.background_colors
        low = base + self.get_component_styles("chart--min").color
        high = base + self.get_component_styles("chart--max").color
        style = self.get_component_rich_style("chart--numbers")
        width, height = self.content_size
        lines = number_lines(self.numbers, width)
        if len(lines) > 1 and len(lines) >= height:  # no room to break it: one line, cut
            lines = [self.numbers]
        numbers = Text("\n".join(lines), style=style, no_wrap=True, overflow="ellipsis", end="")
        bars = max(height - len(lines), 1)  # the sparkline's lines (LINES at full width)
        if self.series:
            rows = SeriesRows(
                self.series,
                width=width,
                lines=bars,
                min_color=low.rich_color,
                max_color=high.rich_color,
                label_style=style,
            )
            return Group(rows, numbers)
        line = GapSparkline(
            self.values,
            width=width,
            height=bars,
            min_color=low.rich_color,
            max_color=high.rich_color,
        )
        return Group(line, Segments([Segment.line()]), numbers)  # the line does not end itself


class SeriesRows:
    """`lines` rows: a one-line sparkline per series after its label ('L ▁▃▅'), all on
    the scale of every value shown; blank rows after the last series."""

    def __init__(
        self,
        series: Sequence[tuple[str, Sequence[float | None]]],
        *,
        width: int,
        lines: int,
        min_color: RichColor,
        max_color: RichColor,
        label_style: RichStyle,
    ) -> None:
        self.series = series
        self.width = width
        self.lines = lines
        self.min_color = min_color
        self.max_color = max_color
        self.label_style = label_style

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RichRenderResult:
        """A line per series (and blank ones to make `lines`), each ending its line."""
        known = [v for _, values in self.series for v in values if v is not None]
        scale = (min(known), max(known)) if known else None
        label_width = max((len(label) for label, _ in self.series), default=0) + 1
        for label, values in self.series[: self.lines]:
            yield Segment(f"{label:<{label_width}}", self.label_style)
            yield from GapSparkline(
                values,
                width=max(self.width - label_width, 1),
                height=1,
                min_color=self.min_color,
                max_color=self.max_color,
                scale=scale,
            ).__rich_console__(console, options)
            yield Segment.line()
        for _ in range(self.lines - len(self.series[: self.lines])):
            yield Segment.line()
