"""The report's charts: matplotlib's Figure API drawn to SVG text, one pair per drill.

matplotlib is imported inside the functions here, and only the report imports this module,
so the app's start-up and the light commands never load it. No pyplot: each chart is a
`Figure` of its own, saved to SVG with its text as paths (`svg.fonttype = 'path'`: nothing
to fetch and the same glyphs everywhere) and ids that are the same on every run
(`svg.hashsalt`), prefixed per chart so that charts inlined in one page never share one.

Everything is drawn to be read in black and white: black and greys, told apart by line
style and marker shape, and a legend under each chart.

- load and ROM: the heaviest load per session (left axis, the athlete's unit) and the
  furthest ROM level (right axis) as step lines, with the decisions marked on the line they
  changed (progressions up, step backs and stops down, declined ones hollow, overrides as
  diamonds);
- pain: the worst set pain per session and every check-in on one date axis, the pain limit
  and the flare level in force drawn as lines, and each step back or stop taken marked.

The pain series are a list (`pain_series`): the worst set of each session; for a two-sided
drill whose sets have sides (issue 14), one per side instead (the left solid with circles,
the right dashed with triangles), and the sessions logged before sides as a third.
"""

from __future__ import annotations

import io
import math
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from backtrack.units import from_kg

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.typing import RcKeyType

    from backtrack.report.data import Decision, DrillReport, Report, Step

WIDTH_IN = 7.2  # the printed width of a page's text, A4 and Letter alike
HEIGHT_IN = 2.3
# Room (inches) above the plot, for the dates under it, and for each row of the legend.
TOP_IN, TICKS_IN, LEGEND_ROW_IN = 0.12, 0.3, 0.17
MARKERS_UP_TO = 150  # sessions drawn with a dot each; more are a plain line
CHECKIN_MARKERS_UP_TO = 60  # check-ins drawn with a square each (more would blot the line)
THIN = 0.5  # the pain lines of a range with more sessions than MARKERS_UP_TO
RC: dict[RcKeyType, Any] = {
    "svg.fonttype": "path",
    "svg.hashsalt": "backtrack-report",
    "font.family": "DejaVu Sans",
    "font.size": 8,
    "axes.labelsize": 8,
    "xtick.labelsize": 7.5,
    "ytick.labelsize": 7.5,
    "legend.fontsize": 7.5,
    "axes.linewidth": 0.7,
    "axes.edgecolor": "black",
    "grid.color": "0.85",
    "grid.linewidth": 0.5,
    "lines.solid_capstyle": "butt",
    "date.epoch": "1970-01-01T00:00:00",  # what `day_number` counts from
}
EPOCH = date(1970, 1, 1)
_STYLE_LOCK = threading.Lock()  # rcParams are global: one report's charts at a time
INK = "black"
GREY = "0.45"


@dataclass(frozen=True)
class Series:
    """One line of a chart: its legend label, points (None: a gap) and how it is drawn."""

    label: str
    x: Sequence[float]  # day numbers (`day_number`)
    y: Sequence[float | None]
    color: str = INK
    linestyle: str | tuple[float, tuple[float, ...]] = "-"
    marker: str = "o"
    width: float = 1.3


def pain_series(drill: DrillReport) -> list[Series]:
    """The drill's pain during sets: the worst set of each session; for a two-sided drill
    with sides recorded, the worst set on the left and on the right, and (if the range has
    any) the worst set of each session logged before sides existed."""
    days = [day_number(s.day) for s in drill.sessions]
    if not (drill.exercise.two_sided and any(s.sided for s in drill.sessions)):
        return [
            Series("worst set pain in the session", days, [_pain(s.pain) for s in drill.sessions])
        ]
    series = [
        Series("worst set pain, left", days, [_pain(s.pain_left) for s in drill.sessions]),
        Series(
            "worst set pain, right",
            days,
            [_pain(s.pain_right) for s in drill.sessions],
            color=GREY,
            linestyle=(0, (4, 1.5)),
            marker="^",
        ),
    ]
    before = [None if s.sided else _pain(s.pain) for s in drill.sessions]
    if any(v is not None for v in before):
        series.append(
            Series("worst set pain, no side recorded", days, before, linestyle=":", marker="x")
        )
    return series


def _pain(value: int | None) -> float | None:
    """A pain value to draw (None: a gap, not a 0)."""
    return None if value is None else float(value)


def day_number(moment: date | datetime) -> float:
    """A local date (or naive local time) as matplotlib's date axis counts it: days since
    1970-01-01 (the `date.epoch` set in RC)."""
    if isinstance(moment, datetime):
        start = datetime.combine(EPOCH, time())
        return (moment - start).total_seconds() / 86400
    return float((moment - EPOCH).days)


def span(report: Report, drill: DrillReport) -> tuple[date, date]:
    """The dates the drill's two charts share: its first session to its last session or
    the last check-in of the range, whichever is later."""
    first = drill.sessions[0].day
    last = max([drill.sessions[-1].day] + [c.local_date for c in report.checkins])
    return first, max(last, first + timedelta(days=1))


def drill_charts(report: Report, drill: DrillReport, number: int) -> tuple[str, str]:
    """The drill's two charts as inline SVG: (load and ROM, pain)."""
    import matplotlib

    first, last = span(report, drill)
    with _STYLE_LOCK, matplotlib.rc_context():
        matplotlib.rcdefaults()  # a matplotlibrc of the user's must not restyle the report
        matplotlib.rcParams.update(RC)
        load_rom = _svg(_load_rom_figure(report, drill, first, last), f"c{number}a-")
        pain = _svg(_pain_figure(report, drill, first, last), f"c{number}b-")
    return load_rom, pain


# -- the two figures -----------------------------------------------------------------------


def _figure() -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(WIDTH_IN, HEIGHT_IN))


def _load_rom_figure(report: Report, drill: DrillReport, first: date, last: date) -> Figure:
    """Load (left) and ROM level (right) per session as step lines, decisions marked."""
    unit = report.athlete.unit
    fig = _figure()
    ax = fig.add_subplot()
    rom_ax = ax.twinx()
    days = [day_number(s.day) for s in drill.sessions]
    loads = [from_kg(s.load_kg, unit) for s in drill.sessions]
    roms = [float(s.rom_level) for s in drill.sessions]
    dots = len(days) <= MARKERS_UP_TO
    end = day_number(last + timedelta(days=1))
    # step lines carry the last session's value to the end of the chart
    (load_line,) = ax.step(
        [*days, end], [*loads, loads[-1]], where="post", color=INK, linewidth=1.6,
        label=f"load ({unit}, heaviest set)",
    )  # fmt: skip
    (rom_line,) = rom_ax.step(
        [*days, end], [*roms, roms[-1]], where="post", color=GREY, linewidth=1.3,
        linestyle=(0, (4, 2)), label="ROM level (furthest set)",
    )  # fmt: skip
    if dots:
        ax.plot(days, loads, "o", color=INK, markersize=2.2)
        rom_ax.plot(days, roms, "o", color=GREY, markersize=2.2)
    top = drill.exercise.max_rom_level
    rom_ax.set_ylim(0.5, top + 0.6)
    rom_ax.set_yticks(range(1, top + 1))
    rom_ax.set_ylabel(f"ROM level (1-{top})")
    high = max(max(loads), from_kg(drill.exercise.load_increment_kg, unit))
    ax.set_ylim(-0.05 * high, high * 1.25)
    ax.set_ylabel(f"Load ({unit})")
    handles = [load_line, rom_line, *_mark_decisions(ax, rom_ax, report, drill)]
    _date_axis(ax, first, last)
    ax.grid(True, axis="y")
    _legend(fig, handles, 4)
    return fig


def _mark_decisions(ax: Axes, rom_ax: Axes, report: Report, drill: DrillReport) -> list[Any]:
    """Mark each plan-changing decision (and declined ones) on the line it concerns; the
    legend handles of the kinds drawn."""
    unit = report.athlete.unit
    load_at = {s.day: from_kg(s.load_kg, unit) for s in drill.sessions}
    rom_at = {s.day: float(s.rom_level) for s in drill.sessions}
    kinds: dict[str, tuple[list[float], list[float], list[float], list[float]]] = {}
    for decision in drill.decisions:
        kind = _kind(decision)
        if kind is None:
            continue
        on_rom = decision.before.rom_level != decision.after.rom_level
        if on_rom:
            y = rom_at.get(decision.day, float(decision.before.rom_level))
        else:
            y = load_at.get(decision.day, from_kg(decision.after.load_kg, unit))
        xs_load, ys_load, xs_rom, ys_rom = kinds.setdefault(kind, ([], [], [], []))
        (xs_rom if on_rom else xs_load).append(day_number(decision.day))
        (ys_rom if on_rom else ys_load).append(y)
    handles = []
    for kind, (xs_load, ys_load, xs_rom, ys_rom) in kinds.items():
        marker, filled, label = DECISION_MARKS[kind]
        style: dict[str, Any] = {
            "marker": marker,
            "linestyle": "none",
            "markersize": 7,
            "markeredgecolor": INK,
            "markeredgewidth": 1.1,
            "markerfacecolor": INK if filled else "white",
            "zorder": 5,
        }
        (handle,) = ax.plot(xs_load, ys_load, label=label, **style)
        rom_ax.plot(xs_rom, ys_rom, **style)
        handles.append(handle)
    return handles


# (marker, filled, legend label) per kind of decision drawn
DECISION_MARKS: dict[str, tuple[str, bool, str]] = {
    "progress": ("^", True, "progression taken"),
    "progress-declined": ("^", False, "progression declined"),
    "regress": ("v", True, "step back taken"),
    "regress-declined": ("v", False, "step back declined"),
    "stop": ("X", True, "stop taken"),
    "stop-declined": ("X", False, "stop declined"),
    "override": ("D", False, "clinician's override"),
}


def _kind(decision: Decision) -> str | None:
    """Which mark a decision gets (None: not drawn, e.g. a hold)."""
    if decision.source == "clinician":
        return "override"
    base = "progress" if decision.action.startswith("progress") else decision.action
    if base not in ("progress", "regress", "stop") or decision.status == "pending":
        return None
    return base if decision.status == "accepted" else f"{base}-declined"


def _pain_figure(report: Report, drill: DrillReport, first: date, last: date) -> Figure:
    """Worst set pain per session and the check-ins, with the limits and step backs."""
    fig = _figure()
    ax = fig.add_subplot()
    handles = []
    dots = len(drill.sessions) <= MARKERS_UP_TO
    for series in pain_series(drill):
        (line,) = ax.plot(
            series.x,
            [math.nan if v is None else v for v in series.y],
            color=series.color,
            linestyle=series.linestyle,
            linewidth=series.width if dots else THIN,
            marker=series.marker if dots else "",
            markersize=3.2,
            label=series.label,
            zorder=4,
        )
        handles.append(line)
    shown = [c for c in report.checkins if first <= c.local_date <= last]
    if shown:
        (checkins,) = ax.plot(
            [day_number(_local_naive(c.at)) for c in shown],
            [float(c.pain) for c in shown],
            color=GREY,
            linestyle=(0, (3, 1.5)),
            linewidth=0.9 if dots else THIN,
            marker="s" if len(shown) <= CHECKIN_MARKERS_UP_TO else "",
            markersize=2.4,
            label="back pain at check-in",
            zorder=3,
        )
        handles.append(checkins)
    end = last + timedelta(days=1)
    handles.append(_steps(ax, report.pain_limit, first, end, ":", INK, "pain limit in force"))
    handles.append(_steps(ax, report.flare_pain, first, end, "-.", GREY, "flare level"))
    backs = [
        day_number(d.day)
        for d in drill.decisions
        if d.source == "rules" and d.action in ("regress", "stop") and d.status == "accepted"
    ]
    if backs:
        for day in backs:
            ax.axvline(day, color=INK, linewidth=0.8, linestyle=(0, (1, 1.5)), zorder=2)
        (mark,) = ax.plot(
            backs, [10.55] * len(backs), "v", color=INK, markersize=6,
            label="step back / stop taken", zorder=5, clip_on=False,
        )  # fmt: skip
        handles.append(mark)
    ax.set_ylim(-0.4, 10.9)
    ax.set_yticks(range(0, 11, 2))
    ax.set_ylabel("Pain (0-10)")
    _date_axis(ax, first, last)
    ax.grid(True, axis="y")
    _legend(fig, handles, 3)
    return fig


def _legend(fig: Figure, handles: list[Any], columns: int) -> None:
    """The legend under the plot, and fixed margins: the same left and right on every
    chart, so that the dates of a drill's two charts line up on the page (and no layout
    engine runs: it would cost more than the drawing)."""
    columns = min(len(handles), columns)
    rows = math.ceil(len(handles) / columns)
    fig.legend(
        handles=handles, loc="lower center", ncols=columns, bbox_to_anchor=(0.5, 0.0),
        frameon=False, borderaxespad=0.2, handlelength=2.6,
    )  # fmt: skip
    bottom = (TICKS_IN + rows * LEGEND_ROW_IN) / HEIGHT_IN
    fig.subplots_adjust(left=0.08, right=0.92, top=1 - TOP_IN / HEIGHT_IN, bottom=bottom)


def _steps(
    ax: Axes, values: Sequence[Step], first: date, end: date, style: str, color: str, label: str
) -> Any:
    """A setting in force over [first, end] as a step line; its legend handle."""
    xs: list[float] = []
    ys: list[float] = []
    for step in values:
        if step.start > end:
            break
        xs.append(day_number(max(step.start, first)))
        ys.append(step.value)
    xs.append(day_number(end))
    ys.append(ys[-1])
    (line,) = ax.step(
        xs, ys, where="post", linestyle=style, color=color, linewidth=1.2, label=label
    )
    return line


def _date_axis(ax: Axes, first: date, last: date) -> None:
    """Dates on the x axis, from the day before `first` to the day after `last`."""
    from matplotlib import dates

    made: Any = dates  # its locator and formatter classes carry no annotations
    locator = made.AutoDateLocator(minticks=4, maxticks=9)
    ax.xaxis.set_major_locator(locator)
    # the year on the ticks where it changes, not in a corner of its own (a line less)
    zero = ["", "%Y", "%b %Y", "%d %b", "%H:%M", "%H:%M:%S"]
    ax.xaxis.set_major_formatter(
        made.ConciseDateFormatter(locator, zero_formats=zero, show_offset=False)
    )
    ax.set_xlim(day_number(first - timedelta(days=1)), day_number(last + timedelta(days=2)))


def _local_naive(moment: datetime) -> datetime:
    """An aware moment as naive local wall time (the charts' dates are local dates)."""
    return moment.astimezone().replace(tzinfo=None)


# -- SVG text ------------------------------------------------------------------------------

_ID = re.compile(r'\bid="([^"]+)"')
_REF = re.compile(r'(href="#|url\(#)([^")]+)')
_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.DOTALL)


def _svg(fig: Figure, prefix: str) -> str:
    """`fig` as an SVG element to inline in HTML: no XML prolog, no metadata, every id
    (and reference to one) prefixed with `prefix`."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue().decode("utf-8")
    text = _METADATA.sub("", text[text.index("<svg") :])
    ids = set(_ID.findall(text))
    text = _ID.sub(lambda m: f'id="{prefix}{m[1]}"', text)
    return _REF.sub(lambda m: f"{m[1]}{prefix}{m[2]}" if m[2] in ids else m[0], text)
