"""Load units: everything is stored in kg, and shown in the unit the lifter uses."""

from __future__ import annotations

from typing import Literal

Unit = Literal["kg", "lb"]
UNITS: tuple[Unit, ...] = ("kg", "lb")

KG_PER_LB = 0.45359237
MAX_LOAD_KG = 1000.0  # every load is below this (the store, the CLI and the set form check it)


def parse_unit(text: str) -> Unit:
    """`text` as a Unit; ValueError if it is neither 'kg' nor 'lb'."""
    for unit in UNITS:
        if text == unit:
            return unit
    raise ValueError(f"{text!r} is not a unit (kg or lb)")


def to_kg(value: float, unit: Unit) -> float:
    """Return `value` (given in `unit`) in kilograms."""
    return value * KG_PER_LB if unit == "lb" else value


def from_kg(kg: float, unit: Unit) -> float:
    """Return `kg` in `unit`, rounded to 3 decimals so 135 lb reads back as 135."""
    return round(kg / KG_PER_LB, 3) if unit == "lb" else round(kg, 3)


def format_number(value: float, decimals: int = 3) -> str:
    """Format a number without float noise or trailing zeros: 135.0 -> '135', 7.5 -> '7.5'."""
    text = f"{round(value, decimals):.{decimals}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def format_load(kg: float, unit: Unit) -> str:
    """Format a load stored in kg for display in `unit`, e.g. '61.2 kg' or '135 lb'."""
    return f"{format_number(from_kg(kg, unit), 2)} {unit}"
