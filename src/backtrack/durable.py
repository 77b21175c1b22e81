"""Making a written file, or a folder's new entries, reach the disk."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


def fsync_path(path: str | Path) -> None:
    """Flush a file (or a folder's entries) to disk; file systems that cannot are skipped."""
    try:
        handle = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(handle)
    finally:
        os.close(handle)
