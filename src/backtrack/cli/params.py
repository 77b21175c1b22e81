"""The click parameter types of the commands: numbers, RPE, moments, dates and units.

Each one refuses a bad value with a message that names it, so the command exits with status
2 before anything is written.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import click

from backtrack.clock import parse_moment
from backtrack.units import UNITS, format_number

if TYPE_CHECKING:
    # click's ParamType takes the converted type as a parameter for type checkers only:
    # subscripting it at run time fails on the older clicks pyproject.toml still allows.
    _FloatType = click.ParamType[float]
    _MomentType = click.ParamType[tuple[datetime, date]]
    _DateType = click.ParamType[date]
else:
    _FloatType = _MomentType = _DateType = click.ParamType


class _Number(_FloatType):
    """A parameter type whose value is a float."""

    def _parse(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> float:
        """`value` as a float; a usage error naming it when it is not a number at all."""
        try:
            return float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number", param, ctx)


class FiniteFloat(_Number):
    """A finite number in [low, high) — click's FloatRange lets nan and inf through."""

    name = "number"

    def __init__(self, low: float = 0.0, high: float | None = None) -> None:
        self.low, self.high = low, high

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> float:
        """`value` as a float; a usage error unless it is finite and in range."""
        number = self._parse(value, param, ctx)
        if number != number or number in (float("inf"), float("-inf")):
            self.fail(f"{value!r} is not a number", param, ctx)
        if number < self.low or (self.high is not None and number >= self.high):
            upper = f" and below {format_number(self.high)}" if self.high is not None else ""
            self.fail(f"{value} is not {format_number(self.low)} or more{upper}", param, ctx)
        return number


class RPE(_Number):
    """Rate of perceived exertion: 1 to 10 in steps of 0.5."""

    name = "rpe"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> float:
        """`value` as a float; a usage error unless it is 1 to 10 in steps of 0.5."""
        number = self._parse(value, param, ctx)
        if not (1 <= number <= 10) or number * 2 != int(number * 2):
            self.fail(f"{value} is not 1 to 10 in steps of 0.5", param, ctx)
        return number


class Moment(_MomentType):
    """An ISO-8601 time; without a UTC offset it is local time.

    Converts to (aware datetime, the local date as the lifter lived it).
    """

    name = "iso-8601"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> tuple[datetime, date]:
        """(aware time, its local date); a usage error for text that is not such a time."""
        if isinstance(value, tuple):
            return value
        try:
            aware = parse_moment(str(value).strip())
        except OverflowError:
            self.fail(f"{value!r} is out of range", param, ctx)
        except ValueError:
            self.fail(f"{value!r} is not an ISO-8601 time (e.g. 2026-11-25T07:30)", param, ctx)
        if not 1900 <= aware.year <= 9998:
            self.fail(f"{value!r} is out of range", param, ctx)
        return aware, aware.date()


class Day(_DateType):
    """A calendar date, YYYY-MM-DD."""

    name = "date"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        """`value` as a date; a usage error for text that is not YYYY-MM-DD."""
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value).strip())
        except ValueError:
            self.fail(f"{value!r} is not a date (YYYY-MM-DD)", param, ctx)


UNIT = click.Choice(UNITS)
"""A load unit, kg or lb (the converted value is a `backtrack.units.Unit`)."""
