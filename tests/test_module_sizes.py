"""The house stays readable: no module is a room that holds too much (issue 12).

A module over its ceiling is split along a seam (see docs/architecture.md), not let grow.
"""

from __future__ import annotations

from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "backtrack"
CEILING = 800  # lines, any module
STORE_CEILING = 600  # lines, each part of the store


def lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def test_no_module_is_over_the_ceiling():
    over = {str(p.relative_to(SRC)): n for p in SRC.rglob("*.py") if (n := lines(p)) > CEILING}
    assert not over, f"modules over {CEILING} lines: {over}"


def test_each_part_of_the_store_is_under_its_ceiling():
    parts = list((SRC / "store").glob("*.py"))
    assert len(parts) >= 10  # the store is a package by concern
    over = {p.name: n for p in parts if (n := lines(p)) > STORE_CEILING}
    assert not over, f"store modules over {STORE_CEILING} lines: {over}"
