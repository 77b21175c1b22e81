"""A hostile machine: disk full, read-only folders, permission denied, no HOME.

Guarantee 7 of issue 6. Each case runs the real `backtrack` command in a subprocess and
checks: exit status 2, one clear line on stderr naming the problem, no traceback, and not a
byte changed or added in the data folder (nothing half-written).

The suite may run as root (CI containers), where file modes stop nothing. Then the command
runs as root without capabilities (`setpriv --bounding-set=-all`), so the kernel applies the
file-permission bits to it as to any user; where setpriv cannot do that, it runs as the
unprivileged user `nobody` instead. A full disk is simulated honestly for any user with
RLIMIT_FSIZE (writes past the limit fail with EFBIG, SIGXFSZ ignored), which the kernel
enforces for root too.
"""

from __future__ import annotations

import functools
import os
import resource
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from backtrack.catalog import load_catalog
from backtrack.clock import FixedClock
from backtrack.export import export_to_file
from backtrack.store import Store

NOBODY = 65534


@functools.cache
def setpriv_works() -> bool:
    """True when setpriv can start a root process with no capabilities here."""
    if shutil.which("setpriv") is None:
        return False
    probe = subprocess.run(
        ["setpriv", "--bounding-set=-all", "--inh-caps=-all", "--", "true"], capture_output=True
    )
    return probe.returncode == 0


def privileges() -> tuple[list[str], dict[str, Any]]:
    """How to start a process that file permissions apply to: a command prefix and Popen
    keyword arguments (nothing to add when the suite does not run as root)."""
    if os.geteuid() != 0:
        return [], {}
    if setpriv_works():
        return ["setpriv", "--bounding-set=-all", "--inh-caps=-all", "--"], {}
    return [], {"user": NOBODY, "group": NOBODY, "extra_groups": []}


@pytest.fixture
def place() -> Iterator[Path]:
    """A fresh folder that the commands' user owns (and can reach, even as `nobody`)."""
    folder = Path(tempfile.mkdtemp(prefix="backtrack-hostile-"))
    folder.chmod(0o755)
    _, kwargs = privileges()
    if "user" in kwargs:
        os.chown(folder, NOBODY, NOBODY)
    yield folder
    for root, dirs, _ in os.walk(folder):
        for name in dirs:
            with_mode = Path(root) / name
            with_mode.chmod(0o700)
    shutil.rmtree(folder, ignore_errors=True)


def run(
    *args: str, env: dict[str, str], fsize: int | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `backtrack ARGS` as a user file permissions apply to, optionally with at most
    `fsize` bytes per written file (a disk that is full beyond that)."""
    prefix, kwargs = privileges()

    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        if fsize is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))

    return subprocess.run(
        [*prefix, sys.executable, "-m", "backtrack", *args],
        capture_output=True,
        text=True,
        env={**env, "PYTHONDONTWRITEBYTECODE": "1"},
        preexec_fn=limit,
        timeout=60,
        **kwargs,
    )


def environment(place: Path, db: Path | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BACKTRACK_", "XDG_"))}
    env["HOME"] = str(place / "home")
    if db is not None:
        env["BACKTRACK_DB"] = str(db)
    return env


def snapshot(folder: Path) -> dict[str, tuple[int, bytes]]:
    """Every file under `folder`: its mode and bytes (folders: mode only)."""
    found: dict[str, tuple[int, bytes]] = {}
    for path in sorted(folder.rglob("*")):
        mode = stat.S_IMODE(path.stat().st_mode)
        found[str(path.relative_to(folder))] = (mode, b"" if path.is_dir() else path.read_bytes())
    return found


def refused(result: subprocess.CompletedProcess[str], *words: str) -> str:
    """Assert a clear refusal: exit 2, one 'Error:' line holding `words`, no traceback."""
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: "), lines[0]
    for word in words:
        assert word in lines[0], (word, lines[0])
    return lines[0]


def notes(db: Path) -> list[str]:
    conn = sqlite3.connect(f"{db.absolute().as_uri()}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return [row[0] for row in conn.execute("SELECT note FROM sets ORDER BY id")]
    finally:
        conn.close()


@pytest.fixture
def data(place: Path) -> tuple[Path, dict[str, str]]:
    """A database with two sets made by the commands' user (today's backup included)."""
    db = place / "data" / "backtrack.db"
    env = environment(place, db)
    for i in range(2):
        done = run("log", "jefferson-curl", "--reps", "8", "--note", f"set {i}", env=env)
        assert done.returncode == 0, done.stderr
    assert (db.parent / "backups").is_dir()
    return db, env


# -- disk full -------------------------------------------------------------------------


def test_disk_full_while_logging_keeps_every_earlier_set(data) -> None:
    db, env = data
    before = notes(db)
    huge = "a very long note " * 6000  # about 100 kB: far more than the disk has left
    full = run("log", "jefferson-curl", "--reps", "8", "--note", huge, env=env, fsize=48_000)
    refused(full, str(db), "disk")
    assert notes(db) == before
    again = run("log", "jefferson-curl", "--reps", "8", "--note", "after", env=env)
    assert again.returncode == 0 and "set 3" in again.stdout, again.stderr
    assert notes(db) == [*before, "after"]


def test_disk_full_during_an_import_imports_nothing(data, tmp_path: Path) -> None:
    db, env = data
    source = tmp_path / "source.db"
    store = Store.open(source, load_catalog(), FixedClock(datetime.now(UTC)))
    me = store.athlete("me")
    with store.write():
        for i in range(1500):
            store.log_set(me, "back-extension-ghd", reps=8, note=f"imported {i}")
    csv_file = db.parent.parent / "sets.csv"
    export_to_file(store, csv_file)
    store.close()
    csv_file.chmod(0o644)
    before = notes(db)
    full = run("import", str(csv_file), env=env, fsize=48_000)
    refused(full, "disk")
    assert notes(db) == before, "an import that ran out of disk left some rows"
    done = run("import", str(csv_file), env=env)
    assert done.returncode == 0, done.stderr
    assert len(notes(db)) == len(before) + 1500


def test_disk_full_during_a_backup_leaves_no_half_backup(data) -> None:
    db, env = data
    store = Store.open(db, load_catalog())  # make the file bigger than what the disk has left
    with store.write():
        for i in range(400):
            store.log_set(store.athlete("me"), "jefferson-curl", reps=8, note="x" * 200 + str(i))
    store.close()
    _, kwargs = privileges()
    if "user" in kwargs:
        for path in db.parent.rglob("*"):
            os.chown(path, NOBODY, NOBODY)
    before = snapshot(db.parent)
    size = db.stat().st_size
    full = run("backup", env=env, fsize=size // 2)
    refused(full, "cannot back up", str(db))
    assert snapshot(db.parent) == before, "a half-made backup (or temporary file) was left"


def test_disk_full_during_an_export_leaves_no_file(data, place: Path) -> None:
    db, env = data
    target = place / "out.csv"
    full = run("export", "-o", str(target), env=env, fsize=40_000)
    assert full.returncode == 0, full.stderr  # a small export fits
    target.unlink()
    store = Store.open(db, load_catalog())
    with store.write():
        for i in range(500):
            store.log_set(store.athlete("me"), "jefferson-curl", reps=8, note="y" * 100 + str(i))
    store.close()
    _, kwargs = privileges()
    if "user" in kwargs:
        for path in db.parent.rglob("*"):
            os.chown(path, NOBODY, NOBODY)
    before = snapshot(place)
    full = run("export", "-o", str(target), env=env, fsize=40_000)
    refused(full, str(target))
    assert snapshot(place) == before, "half an export (or its temporary file) was left"


# -- read-only and permission denied -----------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("log", "jefferson-curl", "--reps", "8"),
        ("checkin", "--pain", "2"),
        ("export",),
        ("backup",),
    ],
    ids=["log", "checkin", "export", "backup"],
)
def test_read_only_data_folder(data, args) -> None:
    db, env = data
    db.parent.chmod(0o500)
    before = snapshot(db.parent)
    refused(run(*args, env=env), str(db.parent), "read-only or permission denied")
    assert snapshot(db.parent) == before
    db.parent.chmod(0o700)
    assert run(*args, env=env).returncode == 0


def test_read_only_database_file_is_refused_and_stays_usable(data) -> None:
    """The file left untouched, no read-only -wal/-shm made beside it (those would keep the
    database read-only after the lifter fixes the file's mode)."""
    db, env = data
    db.chmod(0o400)
    before = snapshot(db.parent)
    refused(run("log", "jefferson-curl", "--reps", "8", env=env), str(db), "read-only")
    assert snapshot(db.parent) == before
    db.chmod(0o600)
    fixed = run("log", "jefferson-curl", "--reps", "8", "--note", "fixed", env=env)
    assert fixed.returncode == 0, fixed.stderr
    assert notes(db)[-1] == "fixed"


def test_unreadable_database_file(data) -> None:
    db, env = data
    db.chmod(0o000)
    before = snapshot(db.parent)
    refused(run("log", "jefferson-curl", "--reps", "8", env=env), str(db), "not readable")
    assert snapshot(db.parent) == before


def test_data_folder_that_cannot_be_made(place: Path) -> None:
    locked = place / "locked"
    locked.mkdir(mode=0o500)
    _, kwargs = privileges()
    if "user" in kwargs:
        os.chown(locked, NOBODY, NOBODY)
    db = locked / "data" / "backtrack.db"
    refused(run("log", "jefferson-curl", "--reps", "8", env=environment(place, db)), "denied")
    assert list(locked.iterdir()) == []


def test_export_into_a_read_only_folder(data, place: Path) -> None:
    _, env = data
    shelf = place / "shelf"
    shelf.mkdir(mode=0o500)
    _, kwargs = privileges()
    if "user" in kwargs:
        os.chown(shelf, NOBODY, NOBODY)
    refused(run("export", "-o", str(shelf / "sets.csv"), env=env), str(shelf / "sets.csv"))
    assert list(shelf.iterdir()) == []


def test_read_only_backups_folder_when_the_daily_backup_is_due(data) -> None:
    db, env = data
    folder = db.parent / "backups"
    for old in folder.iterdir():
        old.unlink()  # no backup today: the next run must make one
    folder.chmod(0o500)
    before = snapshot(db.parent)
    refused(run("log", "jefferson-curl", "--reps", "8", env=env), "cannot back up", str(folder))
    assert snapshot(db.parent) == before


# -- no HOME ---------------------------------------------------------------------------


def test_missing_home_is_a_clear_message(place: Path) -> None:
    env = environment(place)
    del env["HOME"]
    result = run("log", "jefferson-curl", "--reps", "8", env=env)
    refused(result, "HOME is not set", "--db")
    assert list(place.iterdir()) == []
    db = place / "named.db"
    named = run("log", "jefferson-curl", "--reps", "8", "--db", str(db), env=env)
    assert named.returncode == 0, named.stderr
    assert notes(db) == [None]


def test_home_that_cannot_be_written(place: Path) -> None:
    home = place / "home"
    home.mkdir(mode=0o500)
    _, kwargs = privileges()
    if "user" in kwargs:
        os.chown(home, NOBODY, NOBODY)
    refused(run("checkin", "--pain", "1", env=environment(place)), "denied")
    assert list(home.iterdir()) == []
