"""catalog_quick (the catalog `backtrack log` checks without pydantic) against the model.

Its rules must never be looser than `models.Exercise`: every entry it accepts the model
accepts, with the same values; what it refuses goes to `load_catalog` (which words the
error). The tables it checks with are read back here from the model's own schema, so a
change to a drill's fields or bounds fails this file until catalog_quick follows it.
"""

from __future__ import annotations

import itertools
import math
import tomllib
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from backtrack import catalog_quick
from backtrack.catalog import CatalogError, load_catalog, shipped_catalog_path
from backtrack.catalog_quick import FIELDS, checked, quick_catalog
from backtrack.models import Exercise


def facts(drills) -> list[tuple[Any, ...]]:
    return [(d.id, d.name, tuple(d.rom), d.sides, d.two_sided, d.max_rom_level) for d in drills]


def shipped_entries() -> list[dict[str, Any]]:
    return tomllib.loads(shipped_catalog_path().read_text(encoding="utf-8"))["exercise"]


def test_the_shipped_catalog_is_quick_and_the_same() -> None:
    quick = quick_catalog()
    assert quick is not None, "the shipped catalog must pass the quick check (issue 17)"
    assert facts(quick) == facts(load_catalog())


def test_the_tables_are_the_models() -> None:
    schema = Exercise.model_json_schema()
    props, required = schema["properties"], set(schema["required"])
    assert set(Exercise.model_fields) == FIELDS
    assert {f for f in FIELDS if f not in required} == set(catalog_quick._DEFAULTS)
    for field, default in catalog_quick._DEFAULTS.items():
        assert Exercise.model_fields[field].default == default, field
    ints = {f for f, p in props.items() if p.get("type") == "integer"}
    assert ints == set(catalog_quick._INTS)
    for field, (low, high) in catalog_quick._INTS.items():
        assert (props[field]["minimum"], props[field]["maximum"]) == (low, high), field
    numbers = {f for f, p in props.items() if p.get("type") == "number"}
    assert numbers == set(catalog_quick._FLOATS)
    for field, (low, low_allowed) in catalog_quick._FLOATS.items():
        key = "minimum" if low_allowed else "exclusiveMinimum"
        assert props[field][key] == low and props[field]["exclusiveMaximum"] == 1000, field
    assert props["id"]["pattern"] == f"^{catalog_quick._ID.pattern}$"
    assert props["name"]["minLength"] == props["loads"]["minLength"] == 1
    assert "minLength" not in props["equipment"]
    assert props["cues"]["minItems"] == 1 and "maxItems" not in props["cues"]
    assert (props["rom"]["minItems"], props["rom"]["maxItems"]) == (3, 5)
    assert tuple(props["progression"]["items"]["enum"]) == catalog_quick._AXES
    decorators = Exercise.__pydantic_decorators__
    # Each of these is mirrored in catalog_quick.checked; a new one must be too.
    assert set(decorators.field_validators) == {"_labels_not_blank", "_axes_once"}
    assert set(decorators.model_validators) == {"_consistent"}


ODD_VALUES: list[Any] = [
    None,
    True,
    False,
    0,
    1,
    2,
    3,
    5,
    6,
    20,
    21,
    100,
    101,
    600,
    601,
    3600,
    3601,
    -1,
    0.0,
    0.5,
    1.0,
    3.0,
    999.99,
    1000,
    1000.0,
    math.nan,
    math.inf,
    -math.inf,
    -0.0,
    "",
    " ",
    "3",
    "a",
    "jefferson-curl",
    "Jefferson-Curl",
    "a--b",
    "-a",
    "a-",
    "a\n",
    "ab_c",
    [],
    [""],
    [" "],
    ["a"],
    ["a", "b"],
    ["a", "b", "c"],
    ["a", " ", "c"],
    ["a", "b", "c", "d", "e"],
    ["a", "b", "c", "d", "e", "f"],
    [1, 2, 3],
    ("a", "b", "c"),
    ["rom"],
    ["rom", "rom"],
    ["load", "volume", "rom"],
    ["speed"],
    {"a": 1},
]


def verdicts(entry: dict[str, Any]) -> tuple[Any, Exercise | None]:
    quick = checked(entry)
    try:
        model = Exercise.model_validate(dict(entry))
    except ValidationError:
        model = None
    return quick, model


@pytest.mark.parametrize("base", shipped_entries(), ids=lambda e: e["id"])
def test_every_entry_the_quick_check_accepts_the_model_accepts_alike(base) -> None:
    accepted = 0
    cases: list[dict[str, Any]] = []
    for field in sorted(FIELDS):
        cases += [{**base, field: value} for value in ODD_VALUES]
        cases.append({k: v for k, v in base.items() if k != field})
    cases += [{**base, "tempo": "3-1-3"}]
    pairs = [("reps_min", "reps_max"), ("sets", "max_sets"), ("start_load_kg", "max_load_kg")]
    for (low, high), (a, b) in itertools.product(pairs, [(1, 1), (5, 4), (0, 0), (8, 3)]):
        cases.append({**base, low: a, high: b})
    for case in cases:
        quick, model = verdicts(case)
        if quick is not None:
            accepted += 1
            assert model is not None, case
            assert facts([quick]) == facts([model]), case
    assert accepted >= 40  # the boundary values that are fine are taken the quick way


def test_user_catalogs(tmp_path: Path) -> None:
    user = tmp_path / "exercises.toml"
    user.write_text(
        '[[exercise]]\nid = "jefferson-curl"\nrom = ["a", "b", "c"]\nsides = 2\n\n'
        '[[exercise]]\nid = "hip-airplane"\nname = "Hip airplane"\nloads = "rotation"\n'
        'equipment = ""\ncues = ["slow"]\nsets = 2\nreps_min = 5\nreps_max = 6\n'
        "rest_seconds = 60\nstart_load_kg = 0\nload_increment_kg = 1\nmax_load_kg = 10\n"
        'max_sets = 4\nrom = ["x", "y", "z"]\n',
        encoding="utf-8",
    )
    quick = quick_catalog(user)
    assert quick is not None
    assert facts(quick) == facts(load_catalog(user))
    for bad in (
        '[[exercise]]\nid = "jefferson-curl"\nrom = ["a", "b"]\n',
        '[[exercise]]\nid = "jefferson-curl"\nsets = 9\n',  # above max_sets 5
        '[[exercise]]\nid = "new-one"\nname = "New"\n',
        '[[exercise]]\nid = "jefferson-curl"\nrest = 3\n',
        "[[exercise]]\nid = \n",
    ):
        user.write_text(bad, encoding="utf-8")
        assert quick_catalog(user) is None, bad
        with pytest.raises(CatalogError):
            load_catalog(user)
    # What pydantic coerces (a whole float for an integer) is left to load_catalog.
    user.write_text('[[exercise]]\nid = "jefferson-curl"\nsets = 4.0\n', encoding="utf-8")
    assert quick_catalog(user) is None
    assert load_catalog(user).get("jefferson-curl").sets == 4
