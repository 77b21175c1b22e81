"""The shipped catalog is found both from a built wheel and from the source tree.

A wheel carries it as ``backtrack/assets/exercises.toml`` (hatchling force-include), found via
importlib.resources; an editable install or ``PYTHONPATH=src`` does not expose that file, so the
loader falls back to ``<repo>/assets/exercises.toml``. Each path has its own test here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from backtrack import catalog as catalog_module
from backtrack.catalog import CatalogError

REPO = Path(__file__).resolve().parents[1]
ASSET = REPO / "assets" / "exercises.toml"
IN_WHEEL = "backtrack/assets/exercises.toml"

# Run in a child process: where backtrack came from, where its catalog is, and how many drills.
PROBE = """
import json, sys
from pathlib import Path
import backtrack, backtrack.catalog as c
print(json.dumps({
    "package": backtrack.__file__,
    "shipped": str(c.shipped_catalog_path()),
    "drills": list(c.load_catalog(user_path=Path(sys.argv[1])).ids),
}))
"""


def probe(pythonpath: Path, cwd: Path) -> dict[str, object]:
    """Import backtrack with only `pythonpath` in front of the venv, from `cwd`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BACKTRACK_")}
    env["PYTHONPATH"] = str(pythonpath)
    env["XDG_CONFIG_HOME"] = str(cwd / "config")
    env["XDG_DATA_HOME"] = str(cwd / "data")
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(cwd / "no-user-catalog.toml")],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built from the repo as it is now (needs hatchling in the test environment)."""
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--no-cache-dir",
            "--quiet",
            "-w",
            str(out),
            str(REPO),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    (built,) = out.glob("backtrack-*.whl")
    return built


def test_wheel_carries_the_catalog(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        assert archive.read(IN_WHEEL) == ASSET.read_bytes()


def test_catalog_loads_from_an_installed_wheel(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    seen = probe(site, elsewhere)
    assert Path(str(seen["package"])).is_relative_to(site)
    assert Path(str(seen["shipped"])) == site / "backtrack" / "assets" / "exercises.toml"
    assert len(seen["drills"]) == 4  # type: ignore[arg-type]


def test_source_tree_falls_back_to_repo_assets(tmp_path: Path) -> None:
    assert not (REPO / "src" / "backtrack" / "assets" / "exercises.toml").exists()
    seen = probe(REPO / "src", tmp_path)
    assert Path(str(seen["package"])).is_relative_to(REPO / "src")
    assert Path(str(seen["shipped"])) == ASSET
    assert len(seen["drills"]) == 4  # type: ignore[arg-type]


def test_missing_shipped_catalog_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_package = tmp_path / "a" / "b" / "backtrack"
    fake_package.mkdir(parents=True)
    monkeypatch.setattr(catalog_module.resources, "files", lambda _name: fake_package)
    monkeypatch.setattr(catalog_module, "__file__", str(fake_package / "catalog.py"))
    with pytest.raises(CatalogError, match="cannot find the shipped drill catalog") as caught:
        catalog_module.shipped_catalog_path()
    assert str(fake_package / "assets" / "exercises.toml") in str(caught.value)
    assert str(tmp_path / "a" / "assets" / "exercises.toml") in str(caught.value)
