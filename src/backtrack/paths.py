"""Where backtrack keeps its files on this machine.

Every location is a function, computed when asked for: importing this module reads no
environment variable and touches no file. Nothing here creates a folder either; the code that
writes a file makes its parent folder first.

Environment variables:

- ``BACKTRACK_DB``: the database file to use when no ``--db`` option is given.
- ``BACKTRACK_CATALOG``: a user drill catalog to merge over the shipped one.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "backtrack"
DB_ENV = "BACKTRACK_DB"
CATALOG_ENV = "BACKTRACK_CATALOG"


def data_dir() -> Path:
    """The per-user folder for backtrack's data (e.g. ``~/.local/share/backtrack`` on Linux)."""
    return platformdirs.user_data_path(APP_NAME)


def config_dir() -> Path:
    """The per-user folder for backtrack's settings (e.g. ``~/.config/backtrack`` on Linux)."""
    return platformdirs.user_config_path(APP_NAME)


def default_db_path() -> Path:
    """The database used when neither ``--db`` nor ``BACKTRACK_DB`` says otherwise."""
    return data_dir() / "backtrack.db"


def db_path(option: str | Path | None = None) -> Path:
    """The database to open: the ``--db`` option if given, else a non-empty ``BACKTRACK_DB``,
    else :func:`default_db_path`. A leading ``~`` is expanded."""
    if option is not None and str(option) != "":
        return Path(option).expanduser()
    from_env = os.environ.get(DB_ENV, "")
    if from_env:
        return Path(from_env).expanduser()
    return default_db_path()


def user_catalog_path() -> Path:
    """The user's drill catalog: ``BACKTRACK_CATALOG`` if set and non-empty, else
    ``exercises.toml`` in :func:`config_dir`. The file need not exist."""
    from_env = os.environ.get(CATALOG_ENV, "")
    if from_env:
        return Path(from_env).expanduser()
    return config_dir() / "exercises.toml"
