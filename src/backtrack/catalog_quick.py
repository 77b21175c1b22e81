"""The drill catalog checked without pydantic, for `backtrack log`.

Loading pydantic and building the models costs a command about 70 ms, more than everything
else `backtrack log` does. `quick_catalog` reads the same files as `catalog.load_catalog`,
merges them the same way, and checks every drill against rules that are never looser than
the `Exercise` model's: the same fields, required ones and defaults, exact TOML types (no
coercion: an integer where a number is wanted is the one conversion, as pydantic makes it),
the same bounds, pattern and cross-field checks. It answers None on anything it does not
accept, and the caller then loads the catalog with `load_catalog`, which either builds it
after all (pydantic coerces a little more) or raises the CatalogError naming file, drill,
field and line. So the quick catalog never lets through a drill the model refuses, and never
words an error itself. `tests/test_catalog_quick.py` holds it to the model.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, NamedTuple

from backtrack import paths
from backtrack.catalog import (
    CatalogError,
    UnknownExercise,
    _exists,
    _read_entries,
    shipped_catalog_path,
)

_ID = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")  # models.KEBAB_CASE, matched whole
_AXES = ("rom", "load", "volume")
# Whole-number fields: (lowest, highest), both allowed.
_INTS = {
    "sets": (1, 20),
    "reps_min": (1, 100),
    "reps_max": (1, 100),
    "rest_seconds": (0, 3600),
    "max_sets": (1, 20),
    "sides": (1, 2),
    "side_switch_seconds": (0, 600),
}
# Number fields: (lowest, whether the lowest itself is allowed); each is below 1000.
_FLOATS = {
    "start_load_kg": (0.0, True),
    "load_increment_kg": (0.0, False),
    "max_load_kg": (0.0, True),
}
_DEFAULTS: dict[str, Any] = {
    "progression": ["rom", "load", "volume"],
    "sides": 1,
    "side_switch_seconds": 15,
}
FIELDS = frozenset({"id", "name", "loads", "equipment", "cues", "rom", "progression"})
FIELDS |= frozenset(_INTS) | frozenset(_FLOATS)


class QuickDrill(NamedTuple):
    """What `backtrack log` needs of a drill (as `models.Exercise` has it)."""

    id: str
    name: str
    rom: tuple[str, ...]
    sides: int = 1

    @property
    def max_rom_level(self) -> int:
        """The top level of the ROM ladder (levels are numbered from 1)."""
        return len(self.rom)

    def rom_label(self, level: int) -> str:
        """The ladder's label for `level`, or a plain 'level N' outside the ladder."""
        if 1 <= level <= len(self.rom):
            return self.rom[level - 1]
        return f"level {level}"

    @property
    def two_sided(self) -> bool:
        """Whether the drill is done on the left and on the right."""
        return self.sides == 2


class QuickCatalog:
    """The checked drills by id, in catalog order; `get` fails as `Catalog.get` does."""

    def __init__(self, drills: Mapping[str, QuickDrill]) -> None:
        self._by_id = dict(drills)

    def get(self, exercise_id: str) -> QuickDrill:
        """The drill with this id; UnknownExercise (naming close ids) if there is none."""
        try:
            return self._by_id[exercise_id]
        except KeyError:
            raise UnknownExercise(exercise_id, self._by_id) from None

    def __iter__(self) -> Iterator[QuickDrill]:
        return iter(self._by_id.values())

    def __len__(self) -> int:
        return len(self._by_id)

    def __contains__(self, exercise_id: object) -> bool:
        return isinstance(exercise_id, str) and exercise_id in self._by_id


def quick_catalog(user_path: Path | None = None) -> QuickCatalog | None:
    """The catalog `load_catalog(user_path)` would build, checked without pydantic; None
    when anything in it is not plainly valid (ask `load_catalog`, which says what)."""
    try:
        shipped = _read_entries(shipped_catalog_path()).entries
        if user_path is None:
            user_path = paths.user_catalog_path()
        user_path = Path(user_path).expanduser()
        user = _read_entries(user_path).entries if _exists(user_path) else []
    except CatalogError:
        return None
    merged: dict[str, dict[str, Any]] = {}
    for entry in shipped:
        if checked(entry) is None:  # load_catalog validates the shipped drill on its own
            return None
        merged[entry["id"]] = {**_DEFAULTS, **entry}
    if not merged:
        return None
    for entry in user:
        merged[entry["id"]] = {**merged.get(entry["id"], {}), **entry}
    drills: dict[str, QuickDrill] = {}
    for drill_id, entry in merged.items():
        drill = checked(entry)
        if drill is None:
            return None
        drills[drill_id] = drill
    return QuickCatalog(drills)


def checked(entry: Mapping[str, Any]) -> QuickDrill | None:
    """The drill `entry` describes, if it is plainly valid as `models.Exercise`; else None."""
    data = {**_DEFAULTS, **entry}
    if not FIELDS.issuperset(data) or not FIELDS.issubset(data):
        return None
    drill_id, name, loads, equipment = (data[k] for k in ("id", "name", "loads", "equipment"))
    if not (
        _is_str(drill_id)
        and _ID.fullmatch(drill_id)
        and _is_str(name)
        and name
        and _is_str(loads)
        and loads
        and _is_str(equipment)
    ):
        return None
    numbers: dict[str, float] = {}
    for field, (low, high) in _INTS.items():
        value = data[field]
        if type(value) is not int or not low <= value <= high:
            return None
        numbers[field] = value
    for field, (floor, floor_allowed) in _FLOATS.items():
        number = data[field]
        if type(number) not in (int, float) or not math.isfinite(number):
            return None
        if not (number >= floor if floor_allowed else number > floor) or not number < 1000:
            return None
        numbers[field] = float(number)
    cues, rom, axes = data["cues"], data["rom"], data["progression"]
    if not (_strings(cues) and len(cues) >= 1):
        return None
    if not (_strings(rom) and 3 <= len(rom) <= 5 and all(label.strip() for label in rom)):
        return None
    if not (_strings(axes) and axes and all(a in _AXES for a in axes)):
        return None
    if len(set(axes)) != len(axes):
        return None
    if (
        numbers["reps_min"] > numbers["reps_max"]
        or numbers["sets"] > numbers["max_sets"]
        or numbers["start_load_kg"] > numbers["max_load_kg"]
    ):
        return None
    return QuickDrill(drill_id, name, tuple(rom), int(numbers["sides"]))


def _is_str(value: object) -> bool:
    return type(value) is str


def _strings(value: object) -> bool:
    return type(value) is list and all(type(item) is str for item in value)
